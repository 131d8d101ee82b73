package web_test

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"chorus/internal/demo"
	"chorus/internal/testrig"
	"chorus/internal/web"
)

func seeded(t *testing.T) *testrig.Rig {
	rig := testrig.New(t)
	if _, err := demo.Seed(context.Background(), rig.App); err != nil {
		t.Fatal(err)
	}
	return rig
}

var (
	htmlTag      = regexp.MustCompile(`<html lang="([a-z]+)" dir="(ltr|rtl)">`)
	resourceURL  = regexp.MustCompile(`(?:src|href|action|content)="(https?:)?//([^/"]+)`)
	linkResource = regexp.MustCompile(`<(?:link|img|script|iframe|source|video|audio)\b[^>]*>`)
)

// TestEveryPublicPage checks what every page promises: its language and
// direction, the other official language, hreflang alternates, nothing
// loaded from elsewhere, a small size and strict security headers.
func TestEveryPublicPage(t *testing.T) {
	rig := seeded(t)
	paths := []string{"/", "/toolkit", "/stories", "/stories?theme=work&language=fr", "/stories?q=neighbour", "/stories/demo01", "/stories/demo10", "/share", "/about", "/privacy", "/staff/signin", "/wall"}
	for _, lang := range []string{"en", "fr", "ar"} {
		for _, p := range paths {
			res := rig.Do("GET", "/"+lang+p, nil, nil)
			name := "/" + lang + p
			if res.Status != http.StatusOK {
				t.Errorf("%s: %d", name, res.Status)
				continue
			}
			m := htmlTag.FindSubmatch(res.Body)
			wantDir := "ltr"
			if lang == "ar" {
				wantDir = "rtl"
			}
			if m == nil || string(m[1]) != lang || string(m[2]) != wantDir {
				t.Errorf("%s: html tag %q, want lang=%s dir=%s", name, m, lang, wantDir)
			}
			other := map[string]string{"en": "fr", "fr": "en", "ar": "fr"}[lang]
			if !bytes.Contains(res.Body, []byte(`href="/`+other+strings.SplitN(p, "?", 2)[0])) {
				t.Errorf("%s: no link to the same page in %s", name, other)
			}
			for _, alt := range []string{"en", "fr", "ar", "x-default"} {
				if !bytes.Contains(res.Body, []byte(`hreflang="`+alt+`"`)) {
					t.Errorf("%s: no hreflang %s alternate", name, alt)
				}
			}
			for _, tag := range linkResource.FindAll(res.Body, -1) {
				if bytes.HasPrefix(tag, []byte("<link rel=\"alternate\"")) || bytes.HasPrefix(tag, []byte("<link rel=\"canonical\"")) {
					continue
				}
				if u := resourceURL.FindSubmatch(tag); u != nil && !strings.HasPrefix(rig.URL, "http://"+string(u[2])) {
					t.Errorf("%s loads from another host: %s", name, tag)
				}
			}
			if bytes.Contains(res.Body, []byte("<script")) || bytes.Contains(res.Body, []byte(" style=")) {
				t.Errorf("%s has inline script or style", name)
			}
			if len(res.Body) > 100<<10 {
				t.Errorf("%s is %d bytes, over 100 KB", name, len(res.Body))
			}
			csp := res.Header.Get("Content-Security-Policy")
			if !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "script-src") {
				t.Errorf("%s: weak CSP %q", name, csp)
			}
			if res.Header.Get("Referrer-Policy") != "no-referrer" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("%s: missing security headers", name)
			}
		}
	}
}

func TestArabicPageIsRightToLeftWithIsolatedHashtag(t *testing.T) {
	rig := seeded(t)
	res := rig.Do("GET", "/ar/stories/demo10", nil, nil)
	if !bytes.Contains(res.Body, []byte(`<html lang="ar" dir="rtl">`)) {
		t.Fatal("Arabic page is not right-to-left")
	}
	if !bytes.Contains(res.Body, []byte(`<bdi>#ItTakesaCommunity</bdi>`)) {
		t.Error("the Latin hashtag inside Arabic text is not isolated")
	}
	if !bytes.Contains(res.Body, []byte(`<bdi dir="ltr">#ItTakesaCommunity</bdi>`)) {
		t.Error("the footer hashtag is not isolated")
	}
}

func TestRootRedirectsByAcceptLanguage(t *testing.T) {
	rig := testrig.New(t)
	for header, want := range map[string]string{"fr-CA,fr;q=0.9": "/fr/", "ar": "/ar/", "": "/en/", "de": "/en/"} {
		res := rig.Do("GET", "/", nil, map[string]string{"Accept-Language": header})
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != want {
			t.Errorf("Accept-Language %q: %d %s, want %s", header, res.Status, res.Header.Get("Location"), want)
		}
	}
	if res := rig.Do("GET", "/de/", nil, nil); res.Status != http.StatusNotFound {
		t.Errorf("unknown language root: %d", res.Status)
	}
}

func TestCachedPagesAnswerETagsAndRefreshOnChange(t *testing.T) {
	rig := seeded(t)
	first := rig.Do("GET", "/en/stories/demo01", nil, nil)
	etag := first.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag on a story page")
	}
	if res := rig.Do("GET", "/en/stories/demo01", nil, map[string]string{"If-None-Match": etag}); res.Status != http.StatusNotModified {
		t.Errorf("conditional request: %d", res.Status)
	}
	id, _ := rig.Submit(testrig.Submission("Fresh"))
	moderator, _ := rig.Staff("m@example.org", "moderator")
	if _, err := rig.App.Decide(context.Background(), moderator, id, appDecision(true, "", "")); err != nil {
		t.Fatal(err)
	}
	if list := rig.Do("GET", "/en/stories", nil, nil); !bytes.Contains(list.Body, []byte("Our first winter Fresh")) {
		t.Error("list served from a stale cache after an approval")
	}
}

func TestHealthAndMetrics(t *testing.T) {
	rig := testrig.New(t)
	if res := rig.Do("GET", "/healthz", nil, nil); res.Status != http.StatusOK {
		t.Fatalf("healthz: %d", res.Status)
	}
	rig.Submit(testrig.Submission("Metrics"))
	rig.Do("GET", "/en/", nil, nil)
	if public := rig.Do("GET", "/metrics", nil, nil); public.Status != http.StatusNotFound {
		t.Errorf("/metrics on the public site: %d, want 404", public.Status)
	}
	metrics := httptest.NewServer(rig.Server.Config.Handler.(*web.Server).MetricsHandler())
	defer metrics.Close()
	answer, err := http.Get(metrics.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(answer.Body)
	answer.Body.Close()
	res := testrig.Response{Status: answer.StatusCode, Body: body}
	for _, want := range []string{
		`chorus_http_requests_total{route="GET /en/{$}",status="200"}`,
		"chorus_http_request_duration_seconds_bucket",
		"chorus_moderation_queue_size 1",
		"chorus_submissions_total 1",
		"chorus_password_hashes_total",
		"chorus_screener_failures_total 0",
	} {
		if !bytes.Contains(res.Body, []byte(want)) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if bytes.Contains(res.Body, []byte("/my/")) {
		t.Error("metrics expose private paths")
	}
}

func TestCachedPagesAreGzippedForClientsThatAsk(t *testing.T) {
	rig := seeded(t)
	plain := rig.Do("GET", "/en/stories/demo01", nil, map[string]string{"Accept-Encoding": "identity"})
	zipped := rig.Do("GET", "/en/stories/demo01", nil, map[string]string{"Accept-Encoding": "gzip, deflate, br"})
	if zipped.Header.Get("Content-Encoding") != "gzip" || plain.Header.Get("Content-Encoding") != "" {
		t.Fatalf("encodings: %q %q", zipped.Header.Get("Content-Encoding"), plain.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(zipped.Body))
	if err != nil {
		t.Fatal(err)
	}
	unzipped, _ := io.ReadAll(zr)
	if !bytes.Equal(unzipped, plain.Body) || len(zipped.Body)*2 > len(plain.Body) {
		t.Errorf("gzipped page: %d bytes for %d, same content %v", len(zipped.Body), len(plain.Body), bytes.Equal(unzipped, plain.Body))
	}
	if rig.Do("GET", "/en/stories/demo01", nil, map[string]string{"Accept-Encoding": "gzip;q=0"}).Header.Get("Content-Encoding") != "" {
		t.Error("gzip sent to a client that refused it")
	}
}

func TestToolkitPageAndPackage(t *testing.T) {
	rig := testrig.New(t)
	page := rig.Do("GET", "/fr/toolkit", nil, nil)
	if page.Status != http.StatusOK || !bytes.Contains(page.Body, []byte("Messages clés")) || !bytes.Contains(page.Body, []byte(rig.URL+"/fr/")) {
		t.Fatalf("French toolkit page: %d", page.Status)
	}
	res := rig.Do("GET", "/ar/toolkit.zip", nil, nil)
	if res.Status != http.StatusOK || res.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("Arabic package: %d %s", res.Status, res.Header.Get("Content-Type"))
	}
	zr, err := zip.NewReader(bytes.NewReader(res.Body), int64(len(res.Body)))
	if err != nil || len(zr.File) < 4 {
		t.Fatalf("package: %v", err)
	}
}

func TestShareCardsFollowConsent(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	moderator, _ := rig.Staff("m@example.org", "moderator")
	social := testrig.Submission("Card")
	social.Consent.Social = true
	withCard, token := rig.Submit(social)
	private := testrig.Submission("NoCard")
	private.Consent.Social = false
	noCard, _ := rig.Submit(private)
	for _, id := range []string{withCard, noCard} {
		if _, err := rig.App.Decide(ctx, moderator, id, appDecision(true, "", "")); err != nil {
			t.Fatal(err)
		}
	}
	res := rig.Do("GET", "/ar/stories/"+withCard+"/card/og.png", nil, nil)
	if res.Status != http.StatusOK || res.Header.Get("Content-Type") != "image/png" || !bytes.HasPrefix(res.Body, []byte("\x89PNG")) {
		t.Fatalf("card: %d %s", res.Status, res.Header.Get("Content-Type"))
	}
	if page := rig.Do("GET", "/en/stories/"+withCard, nil, nil); !bytes.Contains(page.Body, []byte("/en/stories/"+withCard+"/card/og.png")) {
		t.Error("story page does not use its card as preview image")
	}
	if got := rig.Do("GET", "/en/stories/"+noCard+"/card/og.png", nil, nil).Status; got != http.StatusNotFound {
		t.Errorf("card of a story without consent to social sharing: %d", got)
	}
	if page := rig.Do("GET", "/en/stories/"+noCard, nil, nil); bytes.Contains(page.Body, []byte("/card/")) {
		t.Error("a story without consent to social sharing advertises a card")
	}
	if got := rig.Do("GET", "/en/stories/"+withCard+"/card/huge.png", nil, nil).Status; got != http.StatusNotFound {
		t.Errorf("unknown card size: %d", got)
	}
	rig.Do("DELETE", "/api/v1/stories/"+withCard, nil, map[string]string{"Authorization": "Bearer " + token})
	if got := rig.Do("GET", "/en/stories/"+withCard+"/card/og.png", nil, nil).Status; got != http.StatusGone {
		t.Errorf("card of a withdrawn story: %d", got)
	}
	if got := rig.Do("GET", "/fr/toolkit/cards/1-square.png", nil, nil); got.Status != http.StatusOK || !bytes.HasPrefix(got.Body, []byte("\x89PNG")) {
		t.Errorf("toolkit card: %d", got.Status)
	}
	if got := rig.Do("GET", "/fr/toolkit/cards/99-square.png", nil, nil).Status; got != http.StatusNotFound {
		t.Errorf("toolkit card out of range: %d", got)
	}
	zipped := rig.Do("GET", "/fr/toolkit.zip", nil, nil)
	zr, err := zip.NewReader(bytes.NewReader(zipped.Body), int64(len(zipped.Body)))
	if err != nil {
		t.Fatal(err)
	}
	cards := 0
	for _, f := range zr.File {
		if strings.HasPrefix(f.Name, "cards/") {
			cards++
		}
	}
	if cards != 12 {
		t.Errorf("package holds %d cards, want 3 messages × 4 sizes", cards)
	}
}

func TestDemoWallShowsOnlyWhatThePolicyLetThrough(t *testing.T) {
	rig := seeded(t)
	body := string(rig.Do("GET", "/ar/wall", nil, nil).Body)
	for _, want := range []string{"cooked for the whole street", "ateliers de conversation", "جيراننا الجدد", `lang="ar" dir="auto"`} {
		if !strings.Contains(body, want) {
			t.Errorf("demo wall lacks %q", want)
		}
	}
	if strings.Contains(body, "vermin") {
		t.Error("the demo wall shows a hateful post")
	}
}
