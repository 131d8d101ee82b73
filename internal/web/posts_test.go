package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"chorus/internal/staff"
	"chorus/internal/testrig"
)

const (
	hatefulPost = "Refugees are filthy vermin, subhuman parasites. Send them all back. #ItTakesaCommunity"
	warmPost    = "Our new neighbours from Syria cooked for the whole street tonight. #ItTakesaCommunity"
)

func postBody(sourceID, text string) map[string]any {
	return map[string]any{
		"network": "mastodon", "source_id": sourceID, "url": "https://social.example/@someone/" + sourceID,
		"author": "@someone@social.example", "text": text, "language": "en", "posted_at": "2026-11-20T09:00:00Z",
	}
}

type postReceipt struct {
	ID        string `json:"id"`
	Status    string `json:"status"`
	DecidedBy string `json:"decided_by"`
}

// TestConnectorPostsThroughPolicyToTheWall follows posts from a connector's
// request to the public wall, and a moderator reversing the screen.
func TestConnectorPostsThroughPolicyToTheWall(t *testing.T) {
	rig := testrig.New(t)
	_, adminToken := rig.Staff("admin@example.org", staff.RoleAdmin)
	_, modToken := rig.Staff("mod@example.org", staff.RoleModerator)
	bearer := func(token string) map[string]string { return map[string]string{"Authorization": "Bearer " + token} }

	var hate, warm postReceipt
	res := rig.Do("POST", "/api/v1/posts", postBody("1", hatefulPost), bearer(adminToken))
	if res.Status != http.StatusCreated {
		t.Fatalf("ingest: %d %s", res.Status, res.Body)
	}
	res.JSON(t, &hate)
	rig.Do("POST", "/api/v1/posts", postBody("2", warmPost), bearer(adminToken)).JSON(t, &warm)
	if hate.Status != "hidden" || hate.DecidedBy != "policy" || warm.Status != "visible" {
		t.Fatalf("policy: hateful %+v, warm %+v", hate, warm)
	}
	if again := rig.Do("POST", "/api/v1/posts", postBody("2", warmPost), bearer(adminToken)); again.Status != http.StatusOK {
		t.Fatalf("the same post again: %d", again.Status)
	}

	for name, c := range map[string]struct {
		body   any
		header map[string]string
		want   int
	}{
		"moderator's token": {postBody("3", warmPost), bearer(modToken), http.StatusForbidden},
		"no token":          {postBody("3", warmPost), nil, http.StatusUnauthorized},
		"invalid post":      {map[string]any{"network": "myspace"}, bearer(adminToken), http.StatusUnprocessableEntity},
		"not JSON":          {"{", bearer(adminToken), http.StatusBadRequest},
		"too large":         {postBody("3", strings.Repeat("a", 70<<10)), bearer(adminToken), http.StatusRequestEntityTooLarge},
	} {
		if got := rig.Do("POST", "/api/v1/posts", c.body, c.header); got.Status != c.want || !strings.Contains(string(got.Body), `"error"`) {
			t.Errorf("%s: %d %s, want %d", name, got.Status, got.Body, c.want)
		}
	}

	wall := rig.Do("GET", "/en/wall", nil, nil)
	if wall.Status != http.StatusOK || !strings.Contains(string(wall.Body), "cooked for the whole street") || strings.Contains(string(wall.Body), "vermin") {
		t.Fatalf("wall: %d\n%s", wall.Status, wall.Body)
	}
	// Its own script and images kept on our origin only.
	if regexp.MustCompile(`<(img|script|iframe)[^>]+src="(https?:)?//`).MatchString(string(wall.Body)) {
		t.Fatal("the wall must not load anything from the networks")
	}

	mod := rig.SignedIn("mod2@example.org", staff.RoleModerator)
	var waiting postReceipt
	rig.Do("POST", "/api/v1/posts", postBody("3", "Send the refugees back. #ItTakesaCommunity"), bearer(adminToken)).JSON(t, &waiting)
	if queue := mod.Get("/en/staff/queue"); waiting.Status != "queued" || !strings.Contains(string(queue.Body), "1 social post is waiting too") {
		t.Fatalf("the story queue does not say a social post is waiting (%s)", waiting.Status)
	}
	hidden := mod.Get("/en/staff/posts?status=hidden")
	body := string(hidden.Body)
	if hidden.Status != http.StatusOK || !strings.Contains(body, "<mark") || !strings.Contains(body, `class="signal signal-hate"`) || !strings.Contains(body, "Hidden automatically") ||
		!strings.Contains(body, "Suggested counter-speech reply") || !strings.Contains(body, "Undo: show on the wall") {
		t.Fatalf("hidden posts for moderators: %d\n%s", hidden.Status, body)
	}
	reversed := mod.PostForm("/en/staff/posts/"+hate.ID+"/decision", url.Values{"csrf": {testrig.CSRF(t, hidden)}, "decision": {"show"}, "note": {"counter-speech quoting hate"}})
	if reversed.Status != http.StatusSeeOther {
		t.Fatalf("reversal: %d %s", reversed.Status, reversed.Body)
	}
	if wall := rig.Do("GET", "/fr/wall", nil, nil); !strings.Contains(string(wall.Body), "vermin") {
		t.Fatal("a reversed hide does not reach the wall")
	}
	shown := string(mod.Get("/en/staff/posts?status=visible").Body)
	if !strings.Contains(shown, "Shown by a moderator, undoing the automatic hide") || !strings.Contains(shown, "counter-speech quoting hate") {
		t.Fatalf("decision trail after reversal:\n%s", shown)
	}
	noReason := mod.PostForm("/en/staff/posts/"+warm.ID+"/decision", url.Values{"csrf": {testrig.CSRF(t, hidden)}, "decision": {"hide"}, "confirm": {"yes"}})
	if noReason.Status != http.StatusUnprocessableEntity || !strings.Contains(string(noReason.Body), "Please choose a reason for hiding") {
		t.Fatalf("hiding without a reason: %d", noReason.Status)
	}
	withReason := mod.PostForm("/en/staff/posts/"+warm.ID+"/decision", url.Values{"csrf": {testrig.CSRF(t, hidden)}, "decision": {"hide"}, "reason": {"off_topic"}, "confirm": {"yes"}})
	if withReason.Status != http.StatusSeeOther {
		t.Fatalf("hiding with a reason: %d", withReason.Status)
	}
	if trail := string(mod.Get("/en/staff/posts?status=hidden").Body); !strings.Contains(trail, "undoing the automatic showing") {
		t.Fatalf("trail of a reversed automatic showing:\n%s", trail)
	}
	bad := mod.PostForm("/en/staff/posts/"+hate.ID+"/decision", url.Values{"csrf": {testrig.CSRF(t, hidden)}, "decision": {"maybe"}})
	if bad.Status != http.StatusBadRequest {
		t.Fatalf("unknown decision: %d", bad.Status)
	}

	del := rig.Do("DELETE", "/api/v1/posts?network=mastodon&source_id=1", nil, bearer(adminToken))
	if del.Status != http.StatusNoContent {
		t.Fatalf("deleted at the source: %d %s", del.Status, del.Body)
	}
	if wall := rig.Do("GET", "/en/wall", nil, nil); strings.Contains(string(wall.Body), "vermin") {
		t.Fatal("a post deleted at its source is still on the wall")
	}
	if again := rig.Do("DELETE", "/api/v1/posts?network=mastodon&source_id=1", nil, bearer(adminToken)); again.Status != http.StatusNotFound {
		t.Fatalf("deleting twice: %d", again.Status)
	}
}

func TestAdminSetsThePolicyInTheBrowser(t *testing.T) {
	rig := testrig.New(t)
	admin := rig.SignedIn("admin@example.org", staff.RoleAdmin)
	page := admin.Get("/fr/staff/policy")
	if page.Status != http.StatusOK || !strings.Contains(string(page.Body), `value="0.9"`) {
		t.Fatalf("policy page: %d\n%s", page.Status, page.Body)
	}
	csrf := testrig.CSRF(t, page)
	for _, bad := range []url.Values{{"hide_above": {"0.2"}, "approve_below": {"0.5"}}, {"hide_above": {"lots"}, "approve_below": {"0"}}} {
		bad.Set("csrf", csrf)
		res := admin.PostForm("/fr/staff/policy", bad)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(string(res.Body), "Les seuils doivent") {
			t.Fatalf("bad thresholds %v: %d\n%s", bad, res.Status, res.Body)
		}
	}
	res := admin.PostForm("/fr/staff/policy", url.Values{"csrf": {csrf}, "hide_above": {"1"}, "approve_below": {"0"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("save: %d %s", res.Status, res.Body)
	}
	if p, _ := rig.App.Policy(t.Context()); p.HideAbove != 1 || p.ApproveBelow != 0 {
		t.Fatalf("policy after saving: %+v", p)
	}
	moderator := rig.SignedIn("mod@example.org", staff.RoleModerator)
	if res := moderator.PostForm("/fr/staff/policy", url.Values{"csrf": {csrf}, "hide_above": {"0.5"}, "approve_below": {"0.1"}}); res.Status != http.StatusForbidden {
		t.Fatalf("a moderator sets the policy: %d", res.Status)
	}
}

func TestAdminEditsTheReplyLibraryInTheBrowser(t *testing.T) {
	rig := testrig.New(t)
	admin := rig.SignedIn("admin@example.org", staff.RoleAdmin)
	form := admin.Get("/en/staff/replies/edit")
	if form.Status != http.StatusOK {
		t.Fatalf("new reply form: %d", form.Status)
	}
	reply := url.Values{
		"csrf": {testrig.CSRF(t, form)}, "language": {"fr"}, "kind": {"narrative"}, "groups": {"migrants"},
		"text": {"Les personnes migrantes font vivre nos quartiers et nos écoles."}, "source_organisation": {"OCDE"},
		"source_title": {"Perspectives des migrations internationales"}, "source_url": {"http://insecure.example"},
	}
	res := admin.PostForm("/en/staff/replies", reply)
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(string(res.Body), "https URL") || !strings.Contains(string(res.Body), "font vivre nos quartiers") {
		t.Fatalf("an insecure source: %d\n%s", res.Status, res.Body)
	}
	reply.Set("source_url", "https://www.oecd.org/fr/migrations/")
	if res := admin.PostForm("/en/staff/replies", reply); res.Status != http.StatusSeeOther {
		t.Fatalf("saving: %d %s", res.Status, res.Body)
	}
	list := admin.Get("/en/staff/replies")
	if !strings.Contains(string(list.Body), "font vivre nos quartiers") {
		t.Fatal("the new reply is not listed")
	}

	moderator := rig.SignedIn("mod@example.org", staff.RoleModerator)
	if res := moderator.Get("/en/staff/replies"); res.Status != http.StatusOK || strings.Contains(string(res.Body), "Write a new reply") {
		t.Fatalf("moderators read the library without editing it: %d", res.Status)
	}
	if res := moderator.PostForm("/en/staff/replies", reply); res.Status != http.StatusForbidden {
		t.Fatalf("a moderator saves a reply: %d", res.Status)
	}
	if res := moderator.PostForm("/en/staff/replies/en-refugees-neighbours/remove", url.Values{"csrf": {reply.Get("csrf")}, "confirm": {"yes"}}); res.Status != http.StatusForbidden {
		t.Fatalf("a moderator removes a reply: %d", res.Status)
	}
	if res := admin.PostForm("/en/staff/replies/en-refugees-neighbours/remove", url.Values{"csrf": {reply.Get("csrf")}, "confirm": {"yes"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("an admin removes a reply: %d", res.Status)
	}
	if !strings.Contains(string(admin.Get("/en/staff/replies").Body), "Restore the original") {
		t.Fatal("a removed shipped reply offers no way back")
	}
}

func TestModeratorsDecidePostsThroughTheAPI(t *testing.T) {
	rig := testrig.New(t)
	_, adminToken := rig.Staff("admin@example.org", staff.RoleAdmin)
	_, modToken := rig.Staff("mod@example.org", staff.RoleModerator)
	_, partnerToken := rig.Staff("partner@example.org", staff.RolePartner)
	bearer := func(token string) map[string]string { return map[string]string{"Authorization": "Bearer " + token} }
	var hate postReceipt
	rig.Do("POST", "/api/v1/posts", postBody("1", hatefulPost), bearer(adminToken)).JSON(t, &hate)

	var list struct {
		Items []struct {
			ID      string `json:"id"`
			Text    string `json:"text"`
			Signals []struct {
				Kind  string  `json:"kind"`
				Score float64 `json:"score"`
			} `json:"signals"`
		} `json:"items"`
	}
	res := rig.Do("GET", "/api/v1/moderation/posts?status=hidden", nil, bearer(modToken))
	res.JSON(t, &list)
	if res.Status != http.StatusOK || len(list.Items) != 1 || list.Items[0].ID != hate.ID || list.Items[0].Text != hatefulPost || len(list.Items[0].Signals) == 0 {
		t.Fatalf("hidden posts: %d %s", res.Status, res.Body)
	}
	if res := rig.Do("GET", "/api/v1/moderation/posts?status=gone", nil, bearer(modToken)); res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("unknown status: %d", res.Status)
	}
	if res := rig.Do("GET", "/api/v1/moderation/posts", nil, bearer(partnerToken)); res.Status != http.StatusForbidden {
		t.Fatalf("a partner lists posts: %d", res.Status)
	}
	decide := func(body any, token string) testrig.Response {
		return rig.Do("POST", "/api/v1/moderation/posts/"+hate.ID+"/decision", body, bearer(token))
	}
	if res := decide(map[string]string{"decision": "maybe"}, modToken); res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("unknown decision: %d", res.Status)
	}
	if res := decide(map[string]string{"decision": "show"}, partnerToken); res.Status != http.StatusForbidden {
		t.Fatalf("a partner decides: %d", res.Status)
	}
	var shown postReceipt
	res = decide(map[string]string{"decision": "show", "note": "it quotes hate to refute it"}, modToken)
	res.JSON(t, &shown)
	if res.Status != http.StatusOK || shown.Status != "visible" || !strings.HasPrefix(shown.DecidedBy, "user:") {
		t.Fatalf("show: %d %s", res.Status, res.Body)
	}
	if res := decide(map[string]string{"decision": "show"}, modToken); res.Status != http.StatusConflict {
		t.Fatalf("showing twice: %d", res.Status)
	}
	if res := decide(map[string]string{"decision": "hide"}, modToken); res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("hiding without a reason: %d", res.Status)
	}
	if res := rig.Do("POST", "/api/v1/moderation/posts/nosuchpost/decision", map[string]string{"decision": "hide", "reason": "hate"}, bearer(modToken)); res.Status != http.StatusNotFound {
		t.Fatalf("unknown post: %d", res.Status)
	}
}
