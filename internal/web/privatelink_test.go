package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"chorus/internal/qr/qrtest"
	"chorus/internal/testrig"
)

// TestPrivateLinkIsKeptSafe: after sending a story the storyteller sees a
// thank-you, the whole link (not a box that cuts it off), and four ways to
// keep it; the saved file and the printed slip hold the same link, in
// their language, and the slip's QR code decodes to it.
func TestPrivateLinkIsKeptSafe(t *testing.T) {
	rig := testrig.New(t)
	id, token := rig.Submit(testrig.Submission("Keepsafe"))
	base := "/fr/my/" + id + "/" + token
	full := rig.URL + base

	page := rig.Do("GET", base+"?new=1", nil, nil)
	if page.Status != http.StatusOK {
		t.Fatalf("private page: %d", page.Status)
	}
	body := string(page.Body)
	for _, want := range []string{
		"Merci d’avoir partagé votre récit",
		`<a id="private-link" href="` + full + `" dir="ltr">` + full + `</a>`,
		`href="` + base + `/link.html" download`,
		`href="` + base + `/print"`,
		`href="mailto:?subject=`,
		`data-copy="private-link"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("private page lacks %s", want)
		}
	}
	script := regexp.MustCompile(`<script src="(/static/private\.[0-9a-f]+\.js)" defer></script>`).FindStringSubmatch(body)
	if script == nil {
		t.Fatal("no copy script")
	}
	if csp := page.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") {
		t.Errorf("private page CSP %q", csp)
	}
	if js := rig.Do("GET", script[1], nil, nil); js.Status != http.StatusOK || !strings.Contains(string(js.Body), "clipboard") {
		t.Errorf("copy script: %d", js.Status)
	}
	// The page without ?new=1 still offers the link, without the thank-you.
	again := string(rig.Do("GET", base, nil, nil).Body)
	if strings.Contains(again, "Merci d’avoir partagé") || !strings.Contains(again, `id="private-link"`) {
		t.Error("a later visit shows the thank-you again or hides the link")
	}

	file := rig.Do("GET", base+"/link.html", nil, nil)
	if file.Status != http.StatusOK || !strings.HasPrefix(file.Header.Get("Content-Disposition"), "attachment;") || file.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("saved file: %d %q %q", file.Status, file.Header.Get("Content-Disposition"), file.Header.Get("Cache-Control"))
	}
	for _, want := range []string{`<html lang="fr" dir="ltr">`, `href="` + full + `"`, "Our first winter Keepsafe", "Ce lien est"} {
		if !strings.Contains(string(file.Body), want) {
			t.Errorf("saved file lacks %q", want)
		}
	}

	slip := rig.Do("GET", "/ar"+strings.TrimPrefix(base, "/fr")+"/print", nil, nil)
	if slip.Status != http.StatusOK || slip.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("print page: %d %q", slip.Status, slip.Header.Get("Cache-Control"))
	}
	svg := regexp.MustCompile(`(?s)<svg [^>]*crispEdges.*?</svg>`).Find(slip.Body)
	if svg == nil {
		t.Fatal("no QR code on the print page")
	}
	decoded, err := qrtest.Decode(svg)
	if err != nil {
		t.Fatal(err)
	}
	if want := rig.URL + "/ar/my/" + id + "/" + token; decoded != want {
		t.Errorf("QR code reads %q, want %q", decoded, want)
	}

	for _, path := range []string{"/fr/my/" + id + "/wrong-token/link.html", "/fr/my/" + id + "/wrong-token/print"} {
		if res := rig.Do("GET", path, nil, nil); res.Status == http.StatusOK || strings.Contains(string(res.Body), "Keepsafe") {
			t.Errorf("%s with a wrong token: %d", path, res.Status)
		}
	}
}
