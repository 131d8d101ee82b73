package transfer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"chorus/internal/staff"
	"chorus/internal/storage"
)

// copyExport copies an export folder, with site.jsonl rewritten by edit.
func copyExport(t *testing.T, src string, edit func(lines []string) string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "edited")
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	lines := readLines(t, filepath.Join(src, SiteFile))
	if err := os.WriteFile(filepath.Join(dst, SiteFile), []byte(edit(lines)), 0o600); err != nil {
		t.Fatal(err)
	}
	return dst
}

func joinLines(lines []string) string { return strings.Join(lines, "\n") + "\n" }

func TestBadInputImportsNothing(t *testing.T) {
	src := openSQLite(t)
	seed(t, src)
	good := export(t, src)
	n := len(readLines(t, filepath.Join(good, SiteFile)))
	storyLine := 0
	for i, l := range readLines(t, filepath.Join(good, SiteFile)) {
		if strings.Contains(l, `"type":"story"`) && strings.Contains(l, `"photo"`) && storyLine == 0 {
			storyLine = i + 1
		}
	}
	cases := map[string]struct {
		edit func([]string) string
		line int
		msg  string
	}{
		"truncated last line": {func(l []string) string {
			s := joinLines(l)
			return s[:len(s)-20]
		}, n, "truncated"},
		"cut at a line boundary": {func(l []string) string { return joinLines(l[:n-1]) }, n - 1, "header announces"},
		"unknown type": {func(l []string) string {
			l[storyLine] = `{"type":"comment","text":"hello"}`
			return joinLines(l)
		}, storyLine + 1, `unknown record type "comment"`},
		"unknown field": {func(l []string) string {
			l[storyLine] = strings.Replace(l[storyLine], `"type":"story",`, `"type":"story","colour":"red",`, 1)
			return joinLines(l)
		}, storyLine + 1, "colour"},
		"version": {func(l []string) string {
			l[0] = strings.Replace(l[0], `"version":2`, `"version":3`, 1)
			return joinLines(l)
		}, 1, "version 3"},
		"not an export": {func(l []string) string { return "hello\n" }, 1, "not a chorus export"},
		"out of order": {func(l []string) string {
			last := l[len(l)-1]
			l = append([]string{l[0], last}, l[1:len(l)-1]...)
			return joinLines(l)
		}, 3, "order"},
		"bad JSON": {func(l []string) string {
			l[storyLine] = l[storyLine][:40]
			return joinLines(l)
		}, storyLine + 1, "JSON"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dir := copyExport(t, good, c.edit)
			dst := openSQLite(t)
			_, err := Import(context.Background(), dst.db.(storage.Loader), dst.blobs, dir, Options{})
			var le *LineError
			if !errors.As(err, &le) || le.Line != c.line || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("got %v, want line %d with %q", err, c.line, c.msg)
			}
			if !strings.Contains(err.Error(), "line ") {
				t.Errorf("error does not name the line: %v", err)
			}
			assertEmpty(t, dst)
		})
	}
}

func assertEmpty(t *testing.T, s site) {
	t.Helper()
	var counts storage.Counts
	err := s.db.(storage.Dumper).Dump(context.Background(), func(c storage.Counts) error { counts = c; return nil },
		func(storage.Record) error { return nil })
	if err != nil || counts.Total() != 0 {
		t.Errorf("target not empty: %+v %v", counts, err)
	}
	if m := mediaFiles(t, filepath.Dir(s.blobsDir)); len(m) != 0 {
		t.Errorf("media written: %v", keys(m))
	}
}

// A failure in the database, after photos were put, takes them back.
func TestFailedLoadRemovesPhotos(t *testing.T) {
	src := openSQLite(t)
	seed(t, src)
	good := export(t, src)
	dir := copyExport(t, good, func(l []string) string {
		var out []string
		for _, line := range l {
			out = append(out, line)
			if strings.Contains(line, `"id":"s-pub"`) {
				out = append(out, line) // the same story twice
			}
		}
		out[0] = strings.Replace(out[0], `"story":6`, `"story":7`, 1)
		return joinLines(out)
	})
	dst := openSQLite(t)
	_, err := Import(context.Background(), dst.db.(storage.Loader), dst.blobs, dir, Options{})
	if err == nil || !strings.Contains(err.Error(), "s-pub") {
		t.Fatalf("duplicate story loaded: %v", err)
	}
	assertEmpty(t, dst)
}

func TestImportRefusesNonEmptyDatabase(t *testing.T) {
	src := openSQLite(t)
	seed(t, src)
	dir := export(t, src)
	dst := openSQLite(t)
	err := dst.db.WithTx(context.Background(), func(tx storage.Tx) error {
		return tx.InsertUser(context.Background(), &staff.User{Email: "already@example.org", Role: staff.RoleAdmin})
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Import(context.Background(), dst.db.(storage.Loader), dst.blobs, dir, Options{})
	if !errors.Is(err, storage.ErrNotEmpty) || !strings.Contains(err.Error(), "1 users") {
		t.Fatalf("import into a non-empty database: %v", err)
	}
	if m := mediaFiles(t, filepath.Dir(dst.blobsDir)); len(m) != 0 {
		t.Errorf("media written before the refusal: %v", keys(m))
	}
}

func TestExportRefusesNonEmptyFolder(t *testing.T) {
	src := openSQLite(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "other"), nil, 0o600)
	if _, err := Export(context.Background(), src.db.(storage.Dumper), src.blobs, dir, Options{}); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("export into a non-empty folder: %v", err)
	}
}

// An export made before translations existed (version 1: no translation
// records, no consent to translation) still imports.
func TestImportsVersion1(t *testing.T) {
	src := openSQLite(t)
	seed(t, src)
	v1 := copyExport(t, export(t, src), func(l []string) string {
		var out []string
		for _, line := range l {
			if strings.Contains(line, `"type":"story_translation"`) {
				continue
			}
			out = append(out, strings.ReplaceAll(line, `,"translate":true`, ""))
		}
		out[0] = strings.Replace(strings.Replace(out[0], `"version":2`, `"version":1`, 1), `"story_translation":2,`, "", 1)
		return joinLines(out)
	})
	dst := openSQLite(t)
	sum, err := Import(context.Background(), dst.db.(storage.Loader), dst.blobs, v1, Options{})
	if err != nil || sum.Counts.Stories != 6 || sum.Counts.StoryTranslations != 0 {
		t.Fatalf("version 1 import: %+v %v", sum.Counts, err)
	}
	if s, err := dst.db.Story(context.Background(), "s-pub"); err != nil || s.Consent.Translate {
		t.Errorf("a version 1 story consents to translation: %v", err)
	}
}
