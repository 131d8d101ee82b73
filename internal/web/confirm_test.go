package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"chorus/internal/staff"
	"chorus/internal/story"
	"chorus/internal/testrig"
)

// TestDestructiveActionsNeedASecondStep: rejecting a story (and the other
// destructive staff actions, which share confirmed) first answers with a
// page asking to confirm, carrying the same fields; only its post acts.
// Approving, which is not destructive, acts at once.
func TestDestructiveActionsNeedASecondStep(t *testing.T) {
	rig := testrig.New(t)
	bad, _ := rig.Submit(testrig.Submission("Reject"))
	good, _ := rig.Submit(testrig.Submission("Approve"))
	mod := rig.SignedIn("mod@example.org", staff.RoleModerator)
	queue := mod.Get("/fr/staff/queue")

	first := mod.PostForm("/fr/staff/stories/"+bad+"/decision", url.Values{"csrf": {testrig.CSRF(t, queue)}, "decision": {"reject"}, "reason": {"off_topic"}, "note": {"Une publicité."}})
	if first.Status != http.StatusOK {
		t.Fatalf("first step: %d", first.Status)
	}
	body := string(first.Body)
	for _, want := range []string{"Refuser ce récit ?", `name="confirm" value="yes"`, `name="reason" value="off_topic"`, `name="note" value="Une publicité."`, `action="/fr/staff/stories/` + bad + `/decision"`, `href="/fr/staff/queue"`} {
		if !strings.Contains(body, want) {
			t.Errorf("confirmation page lacks %s", want)
		}
	}
	if st := storyStatus(t, rig, bad); st != story.StatusPending {
		t.Fatalf("the first step already acted: %s", st)
	}

	// The confirmation page's own form, posted as a browser would.
	form := url.Values{}
	for _, m := range regexp.MustCompile(`<input type="hidden" name="([a-z_]+)" value="([^"]*)">`).FindAllStringSubmatch(body, -1) {
		form.Add(m[1], m[2])
	}
	form.Set("note", "Une publicité.") // the page escapes the accented letters
	second := mod.PostForm("/fr/staff/stories/"+bad+"/decision", form)
	if second.Status != http.StatusSeeOther {
		t.Fatalf("second step: %d %.300s", second.Status, second.Body)
	}
	if st := storyStatus(t, rig, bad); st != story.StatusRejected {
		t.Errorf("after confirming: %s", st)
	}

	approve := mod.PostForm("/fr/staff/stories/"+good+"/decision", url.Values{"csrf": {testrig.CSRF(t, queue)}, "decision": {"approve"}})
	if approve.Status != http.StatusSeeOther || storyStatus(t, rig, good) != story.StatusPublished {
		t.Errorf("approving: %d", approve.Status)
	}
}

func storyStatus(t *testing.T, rig *testrig.Rig, id string) story.Status {
	t.Helper()
	admin, _ := rig.Staff("status-reader@example.org", staff.RoleAdmin)
	st, err := rig.App.StaffStory(context.Background(), admin, id)
	if err != nil {
		t.Fatal(err)
	}
	return st.Status
}
