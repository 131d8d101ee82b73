package i18n

import (
	"bytes"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func load(t *testing.T) (*Catalog, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	c, err := Load(Known, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return c, &logs
}

// TestCompleteLanguagesHaveEveryKey keeps English and French (and every
// language marked complete) at full parity.
func TestCompleteLanguagesHaveEveryKey(t *testing.T) {
	c, _ := load(t)
	source := c.Keys(Source)
	for _, l := range Known {
		if !l.Complete {
			continue
		}
		have := map[string]bool{}
		for _, k := range c.Keys(l.Code) {
			have[k] = true
		}
		for _, k := range source {
			if !have[k] {
				t.Errorf("%s lacks %q", l.Code, k)
			}
		}
		for k := range have {
			if !contains(source, k) {
				t.Errorf("%s has %q, unknown to %s", l.Code, k, Source)
			}
		}
	}
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

// TestTemplatesUseKnownKeys finds every literal key the templates and Go
// code ask for and checks the source catalog has it.
func TestTemplatesUseKnownKeys(t *testing.T) {
	c, _ := load(t)
	root := filepath.Join("..", "..", "internal")
	literal := regexp.MustCompile(`\.(?:T|N|HTML|PluralHTML) "([a-z_.0-9]+)"|T\("([a-z_.0-9]+)"\)|Key: +"([a-z_.0-9]+)"`)
	found := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(path, ".html") || strings.HasSuffix(path, ".go")) || strings.HasSuffix(path, "_test.go") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range literal.FindAllSubmatch(data, -1) {
			key := string(bytes.Join(m[1:], nil))
			found++
			if !c.Lang(Source).Has(key) {
				t.Errorf("%s uses %q, missing from the %s catalog", path, key, Source)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < 100 {
		t.Fatalf("found only %d keys: is the pattern still right?", found)
	}
}

func TestPluralsFollowCLDR(t *testing.T) {
	c, _ := load(t)
	cases := []struct {
		lang  string
		count int
		want  string
	}{
		{"en", 1, "1 story is waiting"},
		{"en", 3, "3 stories are waiting"},
		{"fr", 0, "0 récit attend"},
		{"fr", 2, "2 récits attendent"},
		{"ar", 0, "لا توجد قصص"},
		{"ar", 2, "قصتان"},
		{"ar", 5, "٥ قصص"},
		{"ar", 11, "١١ قصة"},
		{"en", 1500, "1,500 stories"},
		{"fr", 1500, "1\u00a0500 récits"},
	}
	for _, tc := range cases {
		if got := c.Lang(tc.lang).N("queue.count", tc.count); !strings.Contains(got, tc.want) {
			t.Errorf("%s %d: %q, want it to contain %q", tc.lang, tc.count, got, tc.want)
		}
	}
}

func TestMissingKeyFallsBackVisiblyInLogs(t *testing.T) {
	c, logs := load(t)
	if got := c.Lang("fr").T("no.such.key"); got == "" {
		t.Error("missing key rendered as nothing")
	}
	if !strings.Contains(logs.String(), "missing translation") {
		t.Error("missing key not logged")
	}
}

func TestNegotiationAndDirection(t *testing.T) {
	c, _ := load(t)
	cases := map[string]string{
		"fr-CA,fr;q=0.9,en;q=0.8": "fr",
		"ar-JO":                   "ar",
		"de-DE,de;q=0.9":          "en",
		"":                        "en",
		"garbage;;;q=x":           "en",
		"en-GB":                   "en",
	}
	for header, want := range cases {
		if got := c.Negotiate(header).Code; got != want {
			t.Errorf("Accept-Language %q: %s, want %s", header, got, want)
		}
	}
	if c.Lang("ar").Dir() != "rtl" || c.Lang("fr").Dir() != "ltr" {
		t.Error("wrong text direction")
	}
}
