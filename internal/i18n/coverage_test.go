package i18n

import (
	"testing"
	"testing/fstest"
)

func TestCoverageOfAPartlyTranslatedLanguage(t *testing.T) {
	fsys := fstest.MapFS{
		"locales/en.json": {Data: []byte(`{"a": "Hello", "b": "Share your story", "c": "Stories", "d": {"one": "{{.Count}} story", "other": "{{.Count}} stories"}}`)},
		"locales/xx.json": {Data: []byte(`{
			"a": {"hash": "` + SourceHash("Hello") + `", "other": "Hola"},
			"b": {"hash": "` + SourceHash("Share your old story") + `", "other": "Comparte tu vieja historia"},
			"d": {"hash": "` + SourceHash("one={{.Count}} story\nother={{.Count}} stories") + `", "one": "{{.Count}} historia", "other": "{{.Count}} historias"}
		}`)},
	}
	got, err := MeasureCoverage(fsys, []Language{{Code: "en"}, {Code: "xx"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("coverage of %d languages", len(got))
	}
	c := got[0]
	if c.Total != 4 || c.Translated != 2 || len(c.Missing) != 1 || c.Missing[0] != "c" || len(c.Stale) != 1 || c.Stale[0] != "b" {
		t.Errorf("coverage: %+v", c)
	}
	if c.Percent() != 50 {
		t.Errorf("percent %.1f", c.Percent())
	}
}

func TestShippedCatalogsAreMeasured(t *testing.T) {
	langs := Known
	got, err := MeasureCoverage(Locales(), langs, nil)
	if err != nil {
		t.Fatal(err)
	}
	byCode := map[string]Coverage{}
	for _, c := range got {
		byCode[c.Code] = c
	}
	for _, l := range Known {
		if c, ok := byCode[l.Code]; ok && l.Complete && (c.Translated != c.Total || len(c.Stale) > 0) {
			t.Errorf("%s is marked complete but covers %d of %d (%d stale)", l.Code, c.Translated, c.Total, len(c.Stale))
		}
	}
	for _, l := range Known {
		c, ok := byCode[l.Code]
		if !ok || l.Complete {
			continue
		}
		if !c.PathComplete() || c.Translated == c.Total || len(c.Stale) != 0 {
			t.Errorf("%s: the storyteller's path complete %v, %d of %d translated, %d stale", l.Code, c.PathComplete(), c.Translated, c.Total, len(c.Stale))
		}
		if len(c.NeedsReview) == 0 {
			t.Errorf("%s: no translation waits for review", l.Code)
		}
	}
}
