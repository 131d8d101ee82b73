package web_test

import (
	"context"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"chorus/internal/qr/qrtest"
	"chorus/internal/staff"
	"chorus/internal/testrig"
)

// TestTOTPSetUpShowsAQRCodeAndAGroupedKey: the set-up page draws the
// authenticator address as a QR code (decoded here), shows the key in
// groups of four and says what the code field wants.
func TestTOTPSetUpShowsAQRCodeAndAGroupedKey(t *testing.T) {
	rig := testrig.New(t)
	link, err := rig.App.AddUser(context.Background(), "admin@example.org", staff.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	page := rig.Browser().Get("/fr/staff/welcome/" + link)
	if page.Status != http.StatusOK {
		t.Fatalf("welcome page: %d", page.Status)
	}
	secret := regexp.MustCompile(`name="totp_secret" value="([A-Z2-7]+)"`).FindSubmatch(page.Body)
	svg := regexp.MustCompile(`(?s)<svg [^>]*crispEdges.*?</svg>`).Find(page.Body)
	if secret == nil || svg == nil {
		t.Fatalf("no secret or no QR code on the set-up page")
	}
	uri, err := qrtest.Decode(svg)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(uri, "otpauth://totp/") || !strings.Contains(uri, "secret="+string(secret[1])) {
		t.Errorf("QR code reads %q, want the set-up address of secret %s", uri, secret[1])
	}
	if !strings.Contains(html.UnescapeString(string(page.Body)), ">"+uri+"<") {
		t.Error("the QR code is not the address the page shows")
	}
	grouped := regexp.MustCompile(`id="totp-secret">([A-Z2-7 ]+)<`).FindSubmatch(page.Body)
	if grouped == nil || strings.ReplaceAll(string(grouped[1]), " ", "") != string(secret[1]) {
		t.Fatalf("grouped key %q for %s", grouped, secret[1])
	}
	for _, group := range strings.Fields(string(grouped[1])) {
		if len(group) > 4 {
			t.Errorf("group %q longer than four", group)
		}
	}
	if !strings.Contains(string(page.Body), "Les 6 chiffres") {
		t.Error("the code field has no hint")
	}
}
