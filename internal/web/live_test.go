package web_test

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"chorus/internal/staff"
	"chorus/internal/testrig"
)

// TestQueueEventsTellModeratorsOfChanges opens the queue's event stream as
// a moderator and submits a story: the stream says the queue changed.
func TestQueueEventsTellModeratorsOfChanges(t *testing.T) {
	rig := testrig.New(t)
	if res := rig.SignedIn("partner@example.org", staff.RolePartner).Get("/en/staff/queue/events"); res.Status != http.StatusForbidden {
		t.Errorf("partner opens the queue stream: %d", res.Status)
	}
	if res := rig.Browser().Get("/en/staff/queue/events"); res.Status != http.StatusSeeOther {
		t.Errorf("nobody opens the queue stream: %d", res.Status)
	}
	moderator := rig.SignedIn("mod@example.org", staff.RoleModerator)
	page := moderator.Get("/en/staff/queue")
	if csp := page.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("queue page CSP does not allow its own script: %q", csp)
	}
	if csp := rig.Do("GET", "/en/", nil, nil).Header.Get("Content-Security-Policy"); strings.Contains(csp, "script-src") {
		t.Errorf("a public page allows scripts: %q", csp)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	stream, err := moderator.Stream(ctx, "/en/staff/queue/events")
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Body.Close()
	if stream.StatusCode != http.StatusOK || stream.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %d %s", stream.StatusCode, stream.Header.Get("Content-Type"))
	}
	lines := bufio.NewScanner(stream.Body)
	lines.Scan() // retry: line
	rig.Submit(testrig.Submission("Live"))
	for lines.Scan() {
		if lines.Text() == "event: queue" {
			return
		}
	}
	t.Fatalf("no queue event before the stream ended: %v", lines.Err())
}
