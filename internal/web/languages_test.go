package web_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"chorus/internal/i18n"
	"chorus/internal/testrig"
	"chorus/internal/web"
)

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

// TestLanguagesLiveHeldAndFallingBack serves the site as an admin set it
// up: Pashto held back, every partial language falling back to French.
// The live ones are served with their storyteller's path and French,
// marked, for the rest; the chooser names each live language in its own
// name; the held one answers 404 and is offered nowhere.
func TestLanguagesLiveHeldAndFallingBack(t *testing.T) {
	rig := testrig.New(t)
	langs, err := i18n.SiteLanguages([]string{"ps"}, "fr")
	if err != nil {
		t.Fatal(err)
	}
	catalog, err := i18n.Load(langs, nil)
	if err != nil {
		t.Fatal(err)
	}
	site, err := web.New(rig.App, catalog, web.Config{BaseURL: "http://127.0.0.1"}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(site)
	defer srv.Close()

	if status, _ := get(t, srv.URL+"/ps/share"); status != http.StatusNotFound {
		t.Errorf("a language held back answers %d", status)
	}
	status, home := get(t, srv.URL+"/so/")
	if status != http.StatusOK {
		t.Fatalf("Somali home: %d", status)
	}
	for _, want := range []string{
		`<html lang="so" dir="ltr"`,
		`<span lang="fr" dir="ltr" data-fallback>`, // the home page's lead, in French
		`lang="ti" dir="ltr">ትግርኛ</a>`,
		`lang="fa-AF" dir="rtl">دری</a>`,
		`lang="zh" dir="ltr">中文</a>`,
	} {
		if !strings.Contains(home, want) {
			t.Errorf("the Somali home page lacks %s", want)
		}
	}
	if strings.Contains(home, `hreflang="ps"`) {
		t.Error("the language chooser offers the language held back")
	}
	_, share := get(t, srv.URL+"/fa-AF/share")
	if !strings.Contains(share, `<html lang="fa-AF" dir="rtl"`) || strings.Contains(share, "data-fallback") {
		t.Errorf("the Dari share form falls back or is not right to left: %.600s", share)
	}
}
