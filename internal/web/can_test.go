package web_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"chorus/internal/app"
)

// TestTemplatesAskForKnownActions: a template's {{.Can "x"}} names an
// action of app's table; a misspelt one would hide its control from
// everybody without a word.
func TestTemplatesAskForKnownActions(t *testing.T) {
	files, err := filepath.Glob("templates/*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("templates: %v (%d files)", err, len(files))
	}
	asked := regexp.MustCompile(`\.Can "([a-z_]+)"`)
	found := 0
	for _, name := range files {
		text, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range asked.FindAllStringSubmatch(string(text), -1) {
			found++
			if !slices.Contains(app.Actions(), app.Action(m[1])) {
				t.Errorf("%s asks for the unknown action %q", name, m[1])
			}
		}
	}
	if found == 0 {
		t.Error("no template asks .Can: has the helper been renamed?")
	}
}
