package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runIn(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(""), &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

// TestExportImportCommands moves a SQLite site to a new data folder with
// the commands: the key travels, a second import is refused.
func TestExportImportCommands(t *testing.T) {
	src := filepath.Join(t.TempDir(), "src")
	if _, _, err := runIn(t, "seed", "--stories", "3", "--data", src); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "export")
	out, errOut, err := runIn(t, "export", "--data", src, dir)
	if err != nil {
		t.Fatalf("export: %v\n%s", err, errOut)
	}
	if !strings.Contains(out, ", 3 stories,") || !strings.Contains(out, "organisation links") || !strings.Contains(out, "secret.key") || !strings.Contains(errOut, "records") {
		t.Errorf("export output: %q / %q", out, errOut)
	}
	if info, err := os.Stat(filepath.Join(dir, "secret.key")); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key in the export: %v %v", info, err)
	}

	dst := filepath.Join(t.TempDir(), "dst")
	out, errOut, err = runIn(t, "import", "--data", dst, dir)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, errOut)
	}
	if !strings.Contains(out, ", 3 stories,") || !strings.Contains(out, "Installed the export's secret key") {
		t.Errorf("import output: %q", out)
	}
	want, _ := os.ReadFile(filepath.Join(src, "secret.key"))
	got, _ := os.ReadFile(filepath.Join(dst, "secret.key"))
	if len(want) == 0 || !bytes.Equal(want, got) {
		t.Error("the secret key did not travel")
	}
	if _, _, err := runIn(t, "import", "--data", dst, dir); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("second import: %v", err)
	}

	// A data folder with another key is refused before anything is done.
	other := filepath.Join(t.TempDir(), "other")
	if _, _, err := runIn(t, "migrate", "--data", other); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runIn(t, "import", "--data", other, dir); err == nil || !strings.Contains(err.Error(), "differs") {
		t.Errorf("import over another key: %v", err)
	}
}
