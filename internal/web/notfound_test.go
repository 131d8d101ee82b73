package web_test

import (
	"bytes"
	"html"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"chorus/internal/i18n"
	"chorus/internal/testrig"
)

func servedLanguages(t *testing.T) []*i18n.Lang {
	t.Helper()
	catalog, err := i18n.Load(i18n.Known, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return catalog.Languages()
}

// TestUnknownAddressesGetATranslatedPage: under every language the site
// serves (read from the catalog, so a language made live is covered), an
// unknown address answers 404 with the site's styled page in that
// language, and a method a route does not take answers 405 the same way.
func TestUnknownAddressesGetATranslatedPage(t *testing.T) {
	rig := testrig.New(t)
	for _, lang := range servedLanguages(t) {
		res := rig.Do("GET", "/"+lang.Code+"/nope", nil, nil)
		if res.Status != http.StatusNotFound {
			t.Errorf("/%s/nope: %d", lang.Code, res.Status)
			continue
		}
		checkStyledPage(t, res, lang, lang.T("error.not_found"))
		if !bytes.Contains(res.Body, []byte(`href="/`+lang.Code+`/share"`)) {
			t.Errorf("/%s/nope offers no way on", lang.Code)
		}
		post := rig.Do("POST", "/"+lang.Code+"/about", "x=1", map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
		if post.Status != http.StatusMethodNotAllowed || !strings.Contains(post.Header.Get("Allow"), "GET") {
			t.Errorf("POST /%s/about: %d, Allow %q", lang.Code, post.Status, post.Header.Get("Allow"))
			continue
		}
		checkStyledPage(t, post, lang, lang.T("error.method_not_allowed"))
	}
}

// TestAddressOutsideEveryLanguageOffersTheLanguages: /xx/ (a language the
// site does not serve) or /nope answers in the browser's language, with a
// link to every language's home page.
func TestAddressOutsideEveryLanguageOffersTheLanguages(t *testing.T) {
	rig := testrig.New(t)
	langs := servedLanguages(t)
	for _, path := range []string{"/xx/", "/nope", "/xx/stories/1"} {
		res := rig.Do("GET", path, nil, map[string]string{"Accept-Language": "fr-CA,fr;q=0.9"})
		if res.Status != http.StatusNotFound {
			t.Errorf("%s: %d", path, res.Status)
			continue
		}
		var fr *i18n.Lang
		for _, l := range langs {
			if l.Code == "fr" {
				fr = l
			}
		}
		checkStyledPage(t, res, fr, fr.T("error.choose_language"))
		for _, l := range langs {
			if !bytes.Contains(res.Body, []byte(`href="/`+l.Code+`/" hreflang="`+l.Code+`"`)) {
				t.Errorf("%s: no link to the %s home page", path, l.Code)
			}
		}
	}
	// The API keeps answering in JSON.
	if res := rig.Do("GET", "/api/v1/nope", nil, nil); res.Status != http.StatusNotFound || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Errorf("/api/v1/nope: %d %s", res.Status, res.Header.Get("Content-Type"))
	}
}

func checkStyledPage(t *testing.T, res testrig.Response, lang *i18n.Lang, message string) {
	t.Helper()
	body := string(res.Body)
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Errorf("%s page: content type %q", lang.Code, res.Header.Get("Content-Type"))
	}
	if !strings.Contains(body, `<html lang="`+lang.Code+`" dir="`+lang.Dir()+`">`) {
		t.Errorf("%s page: wrong html tag: %.200s", lang.Code, body)
	}
	if !strings.Contains(body, html.EscapeString(message)) && !strings.Contains(body, message) {
		t.Errorf("%s page lacks %q", lang.Code, message)
	}
	if !strings.Contains(body, `rel="stylesheet" href="/static/style.`) {
		t.Errorf("%s page is not styled", lang.Code)
	}
	if strings.Contains(body, "404 page not found") {
		t.Errorf("%s page is the router's plain text", lang.Code)
	}
}
