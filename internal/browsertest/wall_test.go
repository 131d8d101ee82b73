package browsertest

import (
	"context"
	"strings"
	"testing"
	"time"

	"chorus/internal/app"
	"chorus/internal/moderation"
	"chorus/internal/staff"
	"chorus/internal/story"
	"chorus/internal/testrig"
)

// TestWallUpdatesLive keeps the wall open while a moderator approves a
// queued post and while another post is deleted at its source: the list
// changes without a reload, the live region sums it up, and axe finds
// nothing on the wall and on the embed, in English and Arabic.
func TestWallUpdatesLive(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	admin, _ := rig.Staff("admin@example.org", staff.RoleAdmin)
	// Every post waits for a person, so approving one is what shows it.
	if err := rig.App.SetPolicy(ctx, admin, moderation.Policy{HideAbove: 0.99, ApproveBelow: 0}); err != nil {
		t.Fatal(err)
	}
	post := func(id, text string) *story.Post {
		p, _, err := rig.App.IngestPost(ctx, story.IncomingPost{Network: "bluesky", SourceID: "at://did:plc:abc/app.bsky.feed.post/" + id,
			SourceURL: "https://bsky.app/profile/did:plc:abc/post/" + id, Author: "did:plc:abc", Text: text, Language: "en", PostedAt: time.Now().Add(-time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	first := post("one", "Our street shared a long table tonight #ItTakesaCommunity")
	if _, err := rig.App.DecidePost(ctx, admin, first.ID, app.PostDecision{Show: true}); err != nil {
		t.Fatal(err)
	}
	waiting := post("two", "New neighbours taught us their bread recipe #ItTakesaCommunity")
	if waiting.Status != story.PostQueued {
		t.Fatalf("status %s, want queued", waiting.Status)
	}

	tb := newTab(t, rig, desktop, true, "wall-live")
	tb.open("/en/wall")
	if n := tb.count("#wall-posts li.post"); n != 1 {
		t.Fatalf("%d posts on the wall, want 1", n)
	}
	// Let the page's script open its stream before anything changes.
	waitUntil(t, tb, `document.getElementById("wall-live").dataset.stream === "open"`)
	if _, err := rig.App.DecidePost(ctx, admin, waiting.ID, app.PostDecision{Show: true}); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, tb, `document.querySelectorAll("#wall-posts li.post").length === 2`)
	if !strings.Contains(tb.text("#wall-posts"), "bread recipe") {
		t.Fatal("the approved post is not on the wall")
	}
	waitUntil(t, tb, `document.getElementById("wall-live").textContent.includes("1 new")`)
	tb.shot("approved")

	if err := rig.App.RemovePostAtSource(ctx, "bluesky", "at://did:plc:abc/app.bsky.feed.post/one"); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, tb, `document.querySelectorAll("#wall-posts li.post").length === 1`)
	if strings.Contains(tb.text("#wall-posts"), "long table") {
		t.Fatal("the post deleted at the source is still on the wall")
	}
	// The removal is announced only once 30 seconds have passed since the
	// last summary: the region still holds the first one.
	if got := tb.text("#wall-live"); !strings.Contains(got, "1 new, 0 removed") {
		t.Fatalf("live region %q", got)
	}
	tb.shot("deleted")

	needAxe(t)
	for _, path := range []string{"/en/wall", "/ar/wall", "/en/embed/wall", "/fr/embed/wall?screen=1"} {
		a := newTab(t, rig, phone, true, "wall-axe")
		a.open(path)
		if vs := axeViolations(a); len(vs) > 0 {
			t.Errorf("%s has %d axe violations:%s", path, len(vs), formatViolations(vs))
		}
	}
}

// waitUntil waits for a condition in the page, for up to 15 seconds.
func waitUntil(t *testing.T, tb *tab, expr string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !eval[bool](tb, expr) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", expr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
