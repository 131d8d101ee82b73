package web_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"chorus/internal/auth"
	"chorus/internal/i18n"
	"chorus/internal/staff"
	"chorus/internal/testrig"
	"chorus/internal/web"
)

// TestEverySignInRunsOnePasswordHash: an unknown e-mail, an account that
// has not set its password yet and a wrong password each cost exactly one
// argon2id run, so neither time nor memory tells which e-mails have
// accounts.
func TestEverySignInRunsOnePasswordHash(t *testing.T) {
	rig := testrig.New(t)
	rig.SignedIn("enrolled@example.org", staff.RoleModerator)
	rig.Staff("invited@example.org", staff.RoleTranslator)
	browser := rig.Browser()
	token := testrig.CSRF(t, browser.Get("/en/staff/signin"))
	for _, email := range []string{"nobody@example.org", "invited@example.org", "enrolled@example.org"} {
		before, _ := auth.PasswordHashes()
		res := browser.PostForm("/en/staff/signin", url.Values{"csrf": {token}, "email": {email}, "password": {"not the password"}, "code": {"000000"}})
		after, _ := auth.PasswordHashes()
		if res.Status != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401", email, res.Status)
		}
		if after-before != 1 {
			t.Errorf("%s: %d argon2id runs, want 1", email, after-before)
		}
	}
}

// TestSignInCeilingIsSiteWide signs in from a new address each time: the
// per-address limit never bites, the site-wide ceiling does, with a
// translated message and no password hashed for the refused attempt.
func TestSignInCeilingIsSiteWide(t *testing.T) {
	rig := testrig.New(t)
	base := limitedSite(t, rig, web.Config{SignInsPerMinute: 100, SignInsPerMinuteTotal: 8, TrustForwardedFor: true})
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	res, err := client.Get(base + "/fr/staff/signin")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	token := testrig.CSRF(t, testrig.Response{Body: page})
	form := url.Values{"csrf": {token}, "email": {"nobody@example.org"}, "password": {"not the password"}}.Encode()
	// The ceiling's burst is a quarter of a minute's attempts: two.
	for i, want := range []int{http.StatusUnauthorized, http.StatusUnauthorized, http.StatusTooManyRequests} {
		req, _ := http.NewRequest("POST", base+"/fr/staff/signin", strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", "203.0.113."+string(rune('1'+i)))
		before, _ := auth.PasswordHashes()
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		after, _ := auth.PasswordHashes()
		if res.StatusCode != want {
			t.Fatalf("attempt %d from its own address: %d, want %d", i+1, res.StatusCode, want)
		}
		if want == http.StatusTooManyRequests {
			if !bytes.Contains(body, []byte("Trop de tentatives")) {
				t.Errorf("the refusal does not say why in French: %.300s", body)
			}
			if res.Header.Get("Retry-After") != "60" {
				t.Errorf("the refusal says Retry-After %q, want 60", res.Header.Get("Retry-After"))
			}
			if after != before {
				t.Errorf("a refused attempt ran %d password hashes", after-before)
			}
		}
	}
}

// limitedSite serves the rig's application with other limits than the
// rig's own.
func limitedSite(t *testing.T, rig *testrig.Rig, cfg web.Config) string {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	cfg.BaseURL = "http://" + srv.Listener.Addr().String()
	srv.Config.Handler = siteWith(t, rig, cfg)
	srv.Start()
	t.Cleanup(srv.Close)
	return cfg.BaseURL
}

// siteWith builds another site over the rig's application, with cfg.
func siteWith(t *testing.T, rig *testrig.Rig, cfg web.Config) *web.Server {
	t.Helper()
	catalog, err := i18n.Load(i18n.Known, nil)
	if err != nil {
		t.Fatal(err)
	}
	site, err := web.New(rig.App, catalog, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return site
}
