package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"chorus/internal/testrig"
	"chorus/internal/web"
)

// TestEditsAreRateLimitedPerSubmission: beyond the limit an edit gets 429
// with a JSON error code and writes no audit row; wrong tokens never use
// up the storyteller's own edits; the private page's form is limited too.
func TestEditsAreRateLimitedPerSubmission(t *testing.T) {
	rig := testrig.New(t)
	// Six an hour: a burst of two, then one every ten minutes.
	base := limitedSite(t, rig, web.Config{EditsPerHour: 6, EditsPerHourPerAddress: 1000})
	id, token := rig.Submit(testrig.Submission("Edited"))
	for range 5 {
		if status, _, _ := editStory(t, base, id, "wrong-token-"+strings.Repeat("x", 30)); status != http.StatusUnauthorized && status != http.StatusNotFound {
			t.Fatalf("edit with a wrong token: %d", status)
		}
	}
	for i, want := range []int{http.StatusOK, http.StatusOK, http.StatusTooManyRequests, http.StatusTooManyRequests} {
		status, code, retryAfter := editStory(t, base, id, token)
		if status != want {
			t.Fatalf("edit %d: %d, want %d", i+1, status, want)
		}
		if want == http.StatusTooManyRequests && code != "rate_limited" {
			t.Errorf("edit %d refused with code %q, want rate_limited", i+1, code)
		}
		// One more edit every ten minutes.
		if want == http.StatusTooManyRequests && retryAfter != "600" {
			t.Errorf("edit %d refused with Retry-After %q, want 600", i+1, retryAfter)
		}
	}
	if n := auditedEdits(t, rig, id); n != 2 {
		t.Errorf("%d edits in the audit log, want 2", n)
	}

	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	res, err := browser.Get(base + "/en/my/" + id + "/" + token)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	csrf := testrig.CSRF(t, testrig.Response{Status: res.StatusCode, Body: page})
	form := url.Values{"csrf": {csrf}, "title": {"Edited by form"}}
	res, err = browser.PostForm(base+"/en/my/"+id+"/"+token+"/edit", form)
	if err != nil {
		t.Fatal(err)
	}
	page, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusTooManyRequests || !bytes.Contains(page, []byte("Too many attempts")) {
		t.Errorf("edit form beyond the limit: %d %.200s", res.StatusCode, page)
	}
	if got := res.Header.Get("Retry-After"); got != "600" {
		t.Errorf("edit form refused with Retry-After %q, want 600", got)
	}
	if n := auditedEdits(t, rig, id); n != 2 {
		t.Errorf("%d edits in the audit log after the form, want 2", n)
	}
}

// TestEditsAreRateLimitedPerAddress: one address editing many submissions
// is refused beyond its own limit.
func TestEditsAreRateLimitedPerAddress(t *testing.T) {
	rig := testrig.New(t)
	base := limitedSite(t, rig, web.Config{EditsPerHour: 1000, EditsPerHourPerAddress: 6})
	for i, want := range []int{http.StatusOK, http.StatusOK, http.StatusTooManyRequests} {
		id, token := rig.Submit(testrig.Submission("Many"))
		status, _, retryAfter := editStory(t, base, id, token)
		if status != want {
			t.Fatalf("edit of submission %d: %d, want %d", i+1, status, want)
		}
		if want == http.StatusTooManyRequests && retryAfter != "600" {
			t.Errorf("edit of submission %d refused with Retry-After %q, want 600", i+1, retryAfter)
		}
		want := 1
		if i == 2 {
			want = 0
		}
		if n := auditedEdits(t, rig, id); n != want {
			t.Errorf("submission %d: %d edits audited, want %d", i+1, n, want)
		}
	}
}

func editStory(t *testing.T, base, id, token string) (status int, code, retryAfter string) {
	t.Helper()
	sub := testrig.Submission("Edited")
	sub.Title = "An edited title"
	body, _ := json.Marshal(sub)
	req, _ := http.NewRequest("PUT", base+"/api/v1/submissions/"+id, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var answer struct {
		Error struct{ Code string }
	}
	json.NewDecoder(res.Body).Decode(&answer)
	return res.StatusCode, answer.Error.Code, res.Header.Get("Retry-After")
}

func auditedEdits(t *testing.T, rig *testrig.Rig, id string) int {
	t.Helper()
	entries, err := rig.Store.Audit(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if e.Action == "edit" {
			n++
		}
	}
	return n
}
