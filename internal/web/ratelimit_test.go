package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"chorus/internal/i18n"
	"chorus/internal/testrig"
	"chorus/internal/web"
)

// TestRateLimitsRefuseFloodsClearly serves a rig's site with small limits:
// submissions and sign-ins beyond them get a 429 that says why.
func TestRateLimitsRefuseFloodsClearly(t *testing.T) {
	rig := testrig.New(t)
	catalog, err := i18n.Load(i18n.Known, nil)
	if err != nil {
		t.Fatal(err)
	}
	site, err := web.New(rig.App, catalog, web.Config{BaseURL: "http://127.0.0.1", SubmissionsPerHour: 4, SignInsPerMinute: 2},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(site)
	defer srv.Close()
	body, _ := json.Marshal(testrig.Submission("Limited"))
	var last *http.Response
	for i := 0; i < 3; i++ {
		last, err = http.Post(srv.URL+"/api/v1/stories", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if i < 2 && last.StatusCode != http.StatusAccepted {
			t.Fatalf("submission %d within the limit: %d", i+1, last.StatusCode)
		}
		if i < 2 {
			last.Body.Close()
		}
	}
	defer last.Body.Close()
	var refused struct {
		Error struct{ Code, Message string }
	}
	json.NewDecoder(last.Body).Decode(&refused)
	if last.StatusCode != http.StatusTooManyRequests || refused.Error.Code != "rate_limited" || last.Header.Get("Retry-After") == "" {
		t.Errorf("third submission: %d %+v", last.StatusCode, refused)
	}
	for i := 0; i < 3; i++ {
		res, err := http.Post(srv.URL+"/en/staff/signin", "application/x-www-form-urlencoded", bytes.NewReader([]byte("email=a%40b.org&password=x")))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if i == 2 && res.StatusCode != http.StatusTooManyRequests {
			t.Errorf("third sign-in attempt: %d", res.StatusCode)
		}
	}
}
