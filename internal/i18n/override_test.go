package i18n

import (
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"chorus/internal/story"
)

func plain(text string) map[string]string { return map[string]string{"other": text} }

func TestOverridesWinAndCanBeReplaced(t *testing.T) {
	c, _ := load(t)
	src, _ := SourceMessage("home.cta")
	err := c.Apply([]Override{
		{Lang: "fr", Message: Message{Key: "home.cta", Forms: plain("Racontez-nous votre histoire"), Hash: src.SourceHash()}},
		{Lang: "en", Message: Message{Key: "home.cta", Forms: plain("Not the source")}},
		{Lang: "fr", Message: Message{Key: "no.such.key", Forms: plain("ignored")}},
		{Lang: "es", Message: Message{Key: "home.cta", Forms: plain("not loaded")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Lang("fr").T("home.cta"); got != "Racontez-nous votre histoire" {
		t.Errorf("French override: %q", got)
	}
	if got := c.Lang("en").T("home.cta"); got != src.Text() {
		t.Errorf("the English source was overridden: %q", got)
	}
	if c.Lang("fr").Has("no.such.key") {
		t.Error("an override of an unknown key was applied")
	}
	if err := c.Apply(nil); err != nil {
		t.Fatal(err)
	}
	if got := c.Lang("fr").T("home.cta"); got == "Racontez-nous votre histoire" {
		t.Error("a removed override still shows")
	}
}

func TestPluralOverride(t *testing.T) {
	c, _ := load(t)
	forms := map[string]string{"zero": "لا شيء", "one": "واحدة", "two": "اثنتان", "few": "{{.Count}} قليلة", "many": "{{.Count}} كثيرة", "other": "{{.Count}} أخرى"}
	if err := c.Apply([]Override{{Lang: "ar", Message: Message{Key: "queue.count", Forms: forms}}}); err != nil {
		t.Fatal(err)
	}
	for n, want := range map[int]string{0: "لا شيء", 2: "اثنتان", 5: "٥ قليلة", 11: "١١ كثيرة", 100: "١٠٠ أخرى"} {
		if got := c.Lang("ar").N("queue.count", n); got != want {
			t.Errorf("%d: %q, want %q", n, got, want)
		}
	}
}

// Requests translate while overrides change: each sees the old or the new
// text, never a broken one (run with -race).
func TestApplyWhileTranslating(t *testing.T) {
	c, _ := load(t)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if got := c.Lang("fr").T("nav.home"); got != "Accueil" && got != "Maison" {
					t.Errorf("mid-change: %q", got)
					return
				}
			}
		}()
	}
	for i := range 50 {
		var list []Override
		if i%2 == 0 {
			list = []Override{{Lang: "fr", Message: Message{Key: "nav.home", Forms: plain("Maison")}}}
		}
		if err := c.Apply(list); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
}

func TestPluralFormsOfEachLanguage(t *testing.T) {
	cases := map[string][]string{
		"en": {"one", "other"},
		"fr": {"one", "many", "other"},
		"ar": {"zero", "one", "two", "few", "many", "other"},
		"uk": {"one", "few", "many", "other"},
		"zh": {"other"},
		"ti": {"one", "other"},
	}
	for code, want := range cases {
		if got := PluralFormNames(code); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %v, want %v", code, got, want)
		}
	}
	for _, f := range PluralForms("ar") {
		if single := f.Name == "zero" || f.Name == "one" || f.Name == "two"; f.Single != single {
			t.Errorf("Arabic %s: single %v", f.Name, f.Single)
		}
	}
	if one := PluralForms("uk")[0]; one.Single || !reflect.DeepEqual(one.Examples, []int{1, 21, 31, 41}) {
		t.Errorf("Ukrainian one: %+v", one)
	}
}

func TestCheckTranslation(t *testing.T) {
	count, _ := SourceMessage("queue.count")
	sep, _ := SourceMessage("byline.place_separator")
	title, _ := SourceMessage("home.cta")
	arabic := map[string]string{"zero": "لا توجد قصص", "one": "قصة واحدة", "two": "قصتان", "few": "{{.Count}} قصص", "many": "{{.Count}} قصة", "other": "{{.Count}} قصة"}
	if got, err := CheckTranslation("ar", count, arabic); err != nil || got["two"] != "قصتان" {
		t.Fatalf("Arabic plural: %v %v", got, err)
	}
	if got, err := CheckTranslation("fr", sep, plain(" ,\r\n")); err != nil || got["other"] != ", " {
		t.Errorf("separator keeps the source's spaces: %q %v", got["other"], err)
	}
	if got, err := CheckTranslation("fr", title, plain("  Racontez\u0007 <b>votre</b> histoire\t")); err != nil || got["other"] != "Racontez <b>votre</b> histoire" {
		t.Errorf("cleaning: %q %v", got["other"], err)
	}
	bad := []struct {
		name, code string
		source     Message
		forms      map[string]string
		key        string
	}{
		{"placeholder dropped", "fr", count, map[string]string{"one": "un récit", "many": "{{.Count}} récits", "other": "des récits"}, "error.translation_placeholder_missing"},
		{"count spelled out in a form many numbers take", "uk", count, map[string]string{"one": "одна історія", "few": "{{.Count}} історії", "many": "{{.Count}} історій", "other": "{{.Count}} історії"}, "error.translation_placeholder_missing"},
		{"unknown placeholder", "fr", title, plain("Racontez {{.Name}}"), "error.translation_placeholder_unknown"},
		{"template action", "fr", title, plain(`{{printf "%s" "x"}}`), "error.translation_braces"},
		{"unclosed braces", "fr", title, plain("Racontez {{.Count"), "error.translation_braces"},
		{"form missing", "ar", count, map[string]string{"other": "{{.Count}} قصة"}, "error.translation_empty"},
		{"blank", "fr", title, plain(" \n "), "error.translation_empty"},
		{"too long", "fr", title, plain(strings.Repeat("é", MaxTranslation+1)), "error.translation_too_long"},
		{"form the language lacks", "zh", count, map[string]string{"one": "x", "other": "{{.Count}} 个"}, "error.bad_form"},
	}
	for _, b := range bad {
		_, err := CheckTranslation(b.code, b.source, b.forms)
		var de *story.Error
		if !errorAs(err, &de) || de.Key != b.key || de.Code != story.CodeInvalid {
			t.Errorf("%s: %v, want %s", b.name, err, b.key)
		}
	}
	_, err := CheckTranslation("fr", count, map[string]string{"one": "un récit", "many": "{{.Count}} récits", "other": "{{.Count}} récits"})
	if de := err.(*story.Error); !reflect.DeepEqual(de.Args, []any{"Placeholder", "\u2066{{.Count}}\u2069"}) || de.Field != "form-one" {
		t.Errorf("the error names the placeholder and the form: %+v", de)
	}
}

func errorAs(err error, target **story.Error) bool {
	de, ok := err.(*story.Error)
	*target = de
	return ok
}

func TestCoverageCountsOverrides(t *testing.T) {
	fsys := fstest.MapFS{
		"locales/en.json": {Data: []byte(`{"a": "Hello", "b": "Share your story", "c": "Stories", "d": "Read"}`)},
		"locales/xx.json": {Data: []byte(`{"a": {"hash": "` + SourceHash("Hello") + `", "other": "Hola"}, "b": {"hash": "` + SourceHash("old") + `", "other": "Vieja"}}`)},
	}
	overrides := []Override{
		{Lang: "xx", Message: Message{Key: "b", Forms: plain("Comparte tu historia"), Hash: SourceHash("Share your story")}},
		{Lang: "xx", Message: Message{Key: "c", Forms: plain("Historias"), Hash: SourceHash("Stories, before")}},
		{Lang: "yy", Message: Message{Key: "d", Forms: plain("other language")}},
	}
	got, err := MeasureCoverage(fsys, []Language{{Code: "en"}, {Code: "xx"}}, overrides)
	if err != nil {
		t.Fatal(err)
	}
	c := got[0]
	if c.Translated != 2 || !reflect.DeepEqual(c.Stale, []string{"c"}) || !reflect.DeepEqual(c.Missing, []string{"d"}) {
		t.Errorf("coverage with overrides: %+v", c)
	}
}

func TestMergedCatalogRoundTrips(t *testing.T) {
	src, _ := SourceMessage("home.cta")
	overrides := []Override{{Lang: "es", Message: Message{Key: "home.cta", Forms: plain("Cuéntanos tu historia"), Hash: src.SourceHash()}}}
	merged, err := MergedCatalog("es", overrides)
	if err != nil {
		t.Fatal(err)
	}
	data, err := WriteCatalog(merged)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]map[string]string
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatalf("not go-i18n JSON v2 with hashes: %v\n%s", err, data)
	}
	if raw["home.cta"]["other"] != "Cuéntanos tu historia" || raw["home.cta"]["hash"] != src.SourceHash() || raw["nav.home"]["other"] != "Inicio" {
		t.Errorf("merged catalog: %v", raw["home.cta"])
	}
	back, err := parseCatalog(data, "es")
	if err != nil || len(back) != len(merged) {
		t.Fatalf("read back %d of %d: %v", len(back), len(merged), err)
	}
	fsys := fstest.MapFS{"locales/en.json": {Data: mustRead(t, "en")}, "locales/es.json": {Data: data}}
	withFile, _ := MeasureCoverage(fsys, []Language{{Code: "es"}}, nil)
	withDB, _ := MeasureCoverage(Locales(), []Language{{Code: "es"}}, overrides)
	if withFile[0].Translated != withDB[0].Translated {
		t.Errorf("the exported file covers %d, the site %d", withFile[0].Translated, withDB[0].Translated)
	}
	en, _ := MergedCatalog("en", nil)
	enData, _ := WriteCatalog(en)
	if string(enData) != string(mustRead(t, "en")) {
		t.Error("the English export differs from the shipped file")
	}
}

func mustRead(t *testing.T, code string) []byte {
	t.Helper()
	data, err := locales.ReadFile("locales/" + code + ".json")
	if err != nil {
		t.Fatal(err)
	}
	return data
}
