package train

import (
	"os"
	"path/filepath"
	"testing"
)

// A row too short to hold the columns the loader reads is skipped
// instead of stopping the load.
func TestLoadDavidsonShortRow(t *testing.T) {
	path := filepath.Join(t.TempDir(), "labeled_data.csv")
	data := "\xef\xbb\xbf,count,hate_speech,offensive_language,neither,class,tweet\n0,3,2,0,1,0,go back home\n1,3\n"
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := loadDavidson(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Label != "hate" || got[0].Text != "go back home" {
		t.Errorf("examples: %+v", got)
	}
	if _, err := loadDavidson(filepath.Join(t.TempDir(), "absent.csv")); err == nil {
		t.Error("no error for a missing file")
	}
}
