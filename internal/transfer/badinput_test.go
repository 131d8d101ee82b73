package transfer

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
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
	linkAt, dayAt := -1, -1 // the first such line, counted from 0
	for i, l := range readLines(t, filepath.Join(good, SiteFile)) {
		if strings.Contains(l, `"type":"story"`) && strings.Contains(l, `"photo"`) && storyLine == 0 {
			storyLine = i + 1
		}
		if strings.Contains(l, `"type":"story_organisation"`) && linkAt < 0 {
			linkAt = i
		}
		if strings.Contains(l, `"type":"analytics_day"`) && dayAt < 0 {
			dayAt = i
		}
	}
	if linkAt < 0 || dayAt < 0 {
		t.Fatal("the export has no story organisation link or no daily count")
	}
	// edit rewrites the line at i (counted from 0), where pattern must
	// match.
	edit := func(i int, pattern, replacement string) func([]string) string {
		return func(l []string) string {
			re := regexp.MustCompile(pattern)
			if !re.MatchString(l[i]) {
				t.Fatalf("%s does not match %s", pattern, l[i])
			}
			l[i] = re.ReplaceAllString(l[i], replacement)
			return joinLines(l)
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
		"link without organisation": {edit(linkAt, `"organisation_id":"[^"]*"`, `"organisation_id":""`),
			linkAt + 1, "story organisation link without story or organisation"},
		"link with an unknown field": {edit(linkAt, `"story_id"`, `"since":"2026-03-01","story_id"`), linkAt + 1, `unknown field "since"`},
		"daily count of a day that is not a date": {edit(dayAt, `"day":"2026-03-0`, `"day":"2026-3-0`),
			dayAt + 1, `daily count referrer/search of 2026-3-02: day "2026-3-02" is not a YYYY-MM-DD date`},
		"daily count without metric":       {edit(dayAt, `"metric":"[^"]*"`, `"metric":""`), dayAt + 1, "daily count /search of 2026-03-02 without metric"},
		"negative daily count":             {edit(dayAt, `"count":\d+`, `"count":-4`), dayAt + 1, "daily count referrer/search of 2026-03-02: negative count -4"},
		"daily count that is not a number": {edit(dayAt, `"count":\d+`, `"count":"many"`), dayAt + 1, "count"},
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
		out[0] = strings.Replace(out[0], `"story":7`, `"story":8`, 1)
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
	if err != nil || sum.Counts.Stories != 7 || sum.Counts.StoryTranslations != 0 {
		t.Fatalf("version 1 import: %+v %v", sum.Counts, err)
	}
	if s, err := dst.db.Story(context.Background(), "s-pub"); err != nil || s.Consent.Translate {
		t.Errorf("a version 1 story consents to translation: %v", err)
	}
}

// A link or a daily count the database cannot take stops the load, which
// names the record, and leaves the target empty.
func TestBadLinksAndCountsLoadNothing(t *testing.T) {
	src := openSQLite(t)
	seed(t, src)
	good := export(t, src)
	cases := map[string]struct {
		edit func(line string) []string
		msg  string
	}{
		"link to a story the file lacks": {func(line string) []string {
			if strings.Contains(line, `"type":"story_organisation","story_id":"s-gone"`) {
				line = strings.Replace(line, "s-gone", "s-nope", 1)
			}
			return []string{line}
		}, "organisation link of story s-nope"},
		"link to an organisation the file lacks": {func(line string) []string {
			if strings.Contains(line, `"type":"story_organisation","story_id":"s-gone"`) {
				line = strings.Replace(line, "o-harbour", "o-nope", 1)
			}
			return []string{line}
		}, "organisation link of story s-gone"},
		"the same daily count twice": {func(line string) []string {
			if strings.Contains(line, `"metric":"view","dimension":"direct"`) {
				return []string{line, strings.Replace(line, `"count":42`, `"count":1`, 1)}
			}
			if strings.HasPrefix(line, `{"format"`) {
				line = strings.Replace(line, `"analytics_day":7`, `"analytics_day":8`, 1)
			}
			return []string{line}
		}, "daily count view/direct of 2026-03-01: the same count appears twice"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dir := copyExport(t, good, func(lines []string) string {
				var out []string
				for _, line := range lines {
					out = append(out, c.edit(line)...)
				}
				if joinLines(out) == joinLines(lines) {
					t.Fatal("the edit changed nothing")
				}
				return joinLines(out)
			})
			dst := openSQLite(t)
			_, err := Import(context.Background(), dst.db.(storage.Loader), dst.blobs, dir, Options{})
			if err == nil || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("got %v, want an error with %q", err, c.msg)
			}
			assertEmpty(t, dst)
		})
	}
}

// An export made before story organisation links and daily counts were
// exported imports with none: the stories whose consent records travel are
// linked by them.
func TestImportsAnExportWithoutLinksOrCounts(t *testing.T) {
	src := openSQLite(t)
	seed(t, src)
	older := copyExport(t, export(t, src), func(lines []string) string {
		var out []string
		for _, line := range lines {
			if strings.Contains(line, `"type":"story_organisation"`) || strings.Contains(line, `"type":"analytics_day"`) {
				continue
			}
			out = append(out, line)
		}
		var header map[string]any
		if err := json.Unmarshal([]byte(out[0]), &header); err != nil {
			t.Fatal(err)
		}
		counts := header["counts"].(map[string]any)
		delete(counts, "story_organisation")
		delete(counts, "analytics_day")
		b, _ := json.Marshal(header)
		out[0] = string(b)
		return joinLines(out)
	})
	dst := openSQLite(t)
	sum, err := Import(context.Background(), dst.db.(storage.Loader), dst.blobs, older, Options{})
	if err != nil || sum.Counts.StoryOrganisations != 0 || sum.Counts.AnalyticsDays != 0 || sum.Counts.ConsentRecords != 1 || sum.Counts.Stories != 7 {
		t.Fatalf("import of an export without links or counts: %+v %v", sum.Counts, err)
	}
	ctx := context.Background()
	got, err := dst.db.StoriesPerDay(ctx, storage.EventSubmitted, epoch.AddDate(0, 0, -1), storage.StoryScope{OrganisationID: "o-harbour"})
	if err != nil || !reflect.DeepEqual(got, []storage.Tally{tally("2026-03-03", 1)}) {
		t.Errorf("the partner's stories: %v %v", got, err)
	}
	if got, err := dst.db.DailyCounts(ctx, "view", ""); err != nil || len(got) != 0 {
		t.Errorf("daily counts from nowhere: %v %v", got, err)
	}
}
