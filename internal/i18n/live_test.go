package i18n

import (
	"io"
	"log/slog"
	"strings"
	"testing"
	"testing/fstest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// TestEveryLanguageHasTheStorytellersPath holds every shipped language to
// the go-live rule: a key added on the storyteller's path (by its prefix
// or by name in areas.go) without its translation fails here.
func TestEveryLanguageHasTheStorytellersPath(t *testing.T) {
	source, err := readCatalog(locales, Source)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range Known {
		messages, err := readCatalog(locales, l.Code)
		if err != nil {
			t.Fatal(err)
		}
		if missing := MissingOnPath(source, messages); len(missing) > 0 {
			t.Errorf("%s lacks %d texts of the storyteller's path: %s", l.Code, len(missing), strings.Join(missing, " "))
		}
	}
	c, err := Load(Known, quiet)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(c.Languages()); got != len(Known) {
		t.Errorf("%d of %d languages live", got, len(Known))
	}
}

func TestStorytellersPathIsARule(t *testing.T) {
	for key, want := range map[string]string{
		"form.a_new_field":      AreaStoryteller,
		"my.something_new":      AreaStoryteller,
		"error.photo_format":    AreaStoryteller,
		"nav.share":             AreaStoryteller,
		"withdraw_reason.x":     AreaStoryteller,
		"queue.count":           AreaStaff,
		"nav.queue":             AreaStaff,
		"translations.title":    AreaStaff,
		"toolkit.title":         AreaToolkit,
		"home.lead":             AreaPublic,
		"error.bad_cursor":      AreaPublic,
		"story.translated_by":   AreaPublic,
		"error.translation_own": AreaPublic,
	} {
		if got := KeyArea(key); got != want {
			t.Errorf("KeyArea(%q) = %s, want %s", key, got, want)
		}
	}
	for _, key := range storytellerKeys {
		if _, ok := SourceMessage(key); !ok {
			t.Errorf("the storyteller's path names %q, which the source catalog does not have", key)
		}
	}
}

// partialSite is a site with a complete English and French and a
// language "xx" that translates the storyteller's path alone, and "yy"
// that lacks part of it.
func partialSite() fstest.MapFS {
	return fstest.MapFS{
		"locales/en.json": {Data: []byte(`{"share.title": "Share your story", "home.lead": "Read & share", "queue.title": "Queue"}`)},
		"locales/fr.json": {Data: []byte(`{"share.title": "Partagez votre récit", "home.lead": "Lisez & partagez", "queue.title": "File"}`)},
		"locales/ps.json": {Data: []byte(`{"share.title": {"other": "Xx share", "review": "needed"}}`)},
		"locales/so.json": {Data: []byte(`{"home.lead": "Yy read"}`)},
	}
}

var partialLangs = []Language{
	{Code: "en", NativeName: "English", Complete: true},
	{Code: "fr", NativeName: "Français", Complete: true},
	{Code: "ps", NativeName: "Xx", RTL: true},
	{Code: "so", NativeName: "Yy"},
}

func TestALanguageGoesLiveWithTheStorytellersPath(t *testing.T) {
	c, err := loadFrom(partialSite(), partialLangs, quiet)
	if err != nil {
		t.Fatal(err)
	}
	if c.Lang("ps") == nil {
		t.Error("xx translates the storyteller's path but is not live")
	}
	if c.Lang("so") != nil {
		t.Error("yy lacks the storyteller's path but is live")
	}
	held := append([]Language{}, partialLangs...)
	held[2].Held = true
	c, err = loadFrom(partialSite(), held, quiet)
	if err != nil {
		t.Fatal(err)
	}
	if c.Lang("ps") != nil {
		t.Error("xx is held back but live")
	}
}

func TestFallbackTextIsMarkedWithItsLanguage(t *testing.T) {
	c, err := loadFrom(partialSite(), partialLangs, quiet)
	if err != nil {
		t.Fatal(err)
	}
	xx := c.Lang("ps")
	if got := string(xx.HTML("share.title")); got != "Xx share" {
		t.Errorf("translated text: %q", got)
	}
	if got, want := string(xx.HTML("home.lead")), `<span lang="en" dir="ltr" data-fallback>Read &amp; share</span>`; got != want {
		t.Errorf("fallback text:\n got %s\nwant %s", got, want)
	}
	if got := string(c.Lang("en").HTML("home.lead")); got != "Read &amp; share" {
		t.Errorf("English: %q", got)
	}

	toFrench := append([]Language{}, partialLangs...)
	toFrench[2].Fallback = "fr"
	c, err = loadFrom(partialSite(), toFrench, quiet)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(c.Lang("ps").HTML("home.lead")), `<span lang="fr" dir="ltr" data-fallback>Lisez &amp; partagez</span>`; got != want {
		t.Errorf("fallback to French:\n got %s\nwant %s", got, want)
	}
	if got := c.Lang("ps").T("queue.title"); got != "File" {
		t.Errorf("T falls back to %q, want the French text", got)
	}
}

func TestAFallbackMustBeACompleteLanguage(t *testing.T) {
	langs := append([]Language{}, partialLangs...)
	langs[2].Fallback = "so"
	if _, err := loadFrom(partialSite(), langs, quiet); err == nil {
		t.Error("a partial language accepted as a fallback")
	}
	langs[2].Fallback = "de"
	if _, err := loadFrom(partialSite(), langs, quiet); err == nil {
		t.Error("a language not on the site accepted as a fallback")
	}
}

func TestSiteLanguagesFromSettings(t *testing.T) {
	langs, err := SiteLanguages([]string{"ps"}, "fr, ti=en")
	if err != nil {
		t.Fatal(err)
	}
	byCode := map[string]Language{}
	for _, l := range langs {
		byCode[l.Code] = l
	}
	if !byCode["ps"].Held || byCode["es"].Held {
		t.Errorf("held: ps %v, es %v", byCode["ps"].Held, byCode["es"].Held)
	}
	if byCode["so"].FallbackCode() != "fr" || byCode["ti"].FallbackCode() != "en" || byCode["fr"].Fallback != "" {
		t.Errorf("fallbacks: so %s, ti %s, fr %q", byCode["so"].FallbackCode(), byCode["ti"].FallbackCode(), byCode["fr"].Fallback)
	}
	if Known[6].Held || Known[6].Fallback != "" {
		t.Error("SiteLanguages changed Known")
	}
	for _, bad := range []struct {
		held     []string
		fallback string
	}{
		{[]string{"de"}, ""},
		{[]string{"en"}, ""},
		{nil, "so"},
		{nil, "de"},
		{nil, "de=fr"},
		{nil, "fr=en"},
		{[]string{"fr"}, "fr"},
	} {
		if _, err := SiteLanguages(bad.held, bad.fallback); err == nil {
			t.Errorf("held %v, fallback %q accepted", bad.held, bad.fallback)
		}
	}
}

func TestCoverageCountsAreasAndReviews(t *testing.T) {
	got, err := MeasureCoverage(partialSite(), partialLangs, nil)
	if err != nil {
		t.Fatal(err)
	}
	xx := got[1]
	if xx.Code != "ps" || !xx.PathComplete() || len(xx.NeedsReview) != 1 || xx.NeedsReview[0] != "share.title" {
		t.Fatalf("xx: %+v", xx)
	}
	if rest := xx.Rest(); rest.Total != 2 || rest.Missing != 2 || rest.FallbackPercent() != 100 {
		t.Errorf("xx rest: %+v", rest)
	}
	if yy := got[2]; yy.PathComplete() || yy.Areas[AreaPublic].Translated != 1 {
		t.Errorf("yy: %+v", yy)
	}
}

func TestReviewStateSurvivesWriting(t *testing.T) {
	in := []Message{
		{Key: "a", Forms: map[string]string{"other": "A"}, Hash: "sha1-x", Review: ReviewNeeded},
		{Key: "b", Forms: map[string]string{"other": "B"}, Review: ReviewDone, Reviewer: "Amina"},
		{Key: "c", Forms: map[string]string{"other": "C"}},
	}
	data, err := WriteCatalog(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := parseCatalog(data, "test")
	if err != nil {
		t.Fatal(err)
	}
	if out["a"].Review != ReviewNeeded || out["b"].Review != ReviewDone || out["b"].Reviewer != "Amina" || out["c"].Review != ReviewNone {
		t.Errorf("read back: %+v", out)
	}
	if _, err := parseCatalog([]byte(`{"a": {"other": "A", "review": "maybe"}}`), "test"); err == nil {
		t.Error("an unknown review state accepted")
	}
}

// TestPluralFormsOfEveryLanguage: translators are offered CLDR's plural
// forms for each live language.
func TestPluralFormsOfEveryLanguage(t *testing.T) {
	want := map[string]string{
		"en": "one other", "fr": "one many other", "ar": "zero one two few many other",
		"es": "one many other", "uk": "one few many other", "zh": "other",
		"fa-AF": "one other", "ps": "one other", "so": "one other", "ti": "one other",
	}
	for _, l := range Known {
		if got := strings.Join(PluralFormNames(l.Code), " "); got != want[l.Code] {
			t.Errorf("%s: plural forms %q, want %q", l.Code, got, want[l.Code])
		}
	}
}
