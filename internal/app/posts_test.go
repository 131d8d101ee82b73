package app_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"chorus/internal/app"
	"chorus/internal/audit"
	"chorus/internal/moderation"
	"chorus/internal/staff"
	"chorus/internal/storage"
	"chorus/internal/story"
	"chorus/internal/testrig"
)

func incoming(sourceID, text string) story.IncomingPost {
	return story.IncomingPost{
		Network: "mastodon", SourceID: sourceID, SourceURL: "https://social.example/@someone/" + sourceID,
		Author: "@someone@social.example", Text: text, Language: "en", PostedAt: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC),
	}
}

const (
	hatefulPost    = "Refugees are filthy vermin, subhuman parasites. Send them all back. #ItTakesaCommunity"
	borderlinePost = "Send the refugees back. #ItTakesaCommunity"
	warmPost       = "Our new neighbours from Syria cooked for the whole street tonight. #ItTakesaCommunity"
)

func ingest(t *testing.T, a *app.App, in story.IncomingPost) *story.Post {
	t.Helper()
	p, _, err := a.IngestPost(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func auditActions(t *testing.T, rig *testrig.Rig, by *staff.User, id string) []audit.Entry {
	t.Helper()
	trails, err := rig.App.PostAudit(context.Background(), by, id)
	if err != nil {
		t.Fatal(err)
	}
	return trails[id]
}

func TestPolicyActsAsConfiguredAndIsAudited(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	mod, _ := rig.Staff("mod@example.org", staff.RoleModerator)

	hate := ingest(t, rig.App, incoming("1", hatefulPost))
	warm := ingest(t, rig.App, incoming("2", warmPost))
	between := ingest(t, rig.App, incoming("between", borderlinePost))
	if between.Status != story.PostQueued || between.DecidedBy != "" || len(auditActions(t, rig, mod, between.ID)) != 0 {
		t.Fatalf("post between the thresholds: %s by %q", between.Status, between.DecidedBy)
	}
	if hate.Status != story.PostHidden || hate.DecidedBy != story.DecidedByPolicy {
		t.Fatalf("hateful post under the default policy: %s by %q, signals %+v", hate.Status, hate.DecidedBy, hate.Signals)
	}
	if warm.Status != story.PostVisible || warm.DecidedBy != story.DecidedByPolicy {
		t.Fatalf("warm post under the default policy: %s by %q, signals %+v", warm.Status, warm.DecidedBy, warm.Signals)
	}
	for _, c := range []struct {
		post   *story.Post
		action string
	}{{hate, app.ActionAutoHide}, {warm, app.ActionAutoApprove}} {
		entries := auditActions(t, rig, mod, c.post.ID)
		if len(entries) != 1 || entries[0].Action != c.action || entries[0].Actor != story.DecidedByPolicy ||
			!strings.Contains(entries[0].Note, "hate ") || !strings.Contains(entries[0].Note, "model ") {
			t.Fatalf("audit of %s: %+v", c.post.ID, entries)
		}
		if strings.Contains(entries[0].Note, c.post.Text) {
			t.Fatal("the audit log must not copy a post's text")
		}
	}

	// An admin turns automatic actions off: hide never, approve never.
	admin, _ := rig.Staff("admin@example.org", staff.RoleAdmin)
	if err := rig.App.SetPolicy(ctx, admin, moderation.Policy{HideAbove: 1, ApproveBelow: 0}); err != nil {
		t.Fatal(err)
	}
	for i, text := range []string{hatefulPost + " again", warmPost + " again"} {
		p := ingest(t, rig.App, incoming("off-"+string(rune('a'+i)), text))
		if p.Status != story.PostQueued || p.DecidedBy != "" || len(auditActions(t, rig, mod, p.ID)) != 0 {
			t.Fatalf("with automatic actions off, %q: %s by %q", text, p.Status, p.DecidedBy)
		}
	}

	// Thresholds around a post's own score decide it each way.
	score := 0.0
	for _, s := range between.Signals {
		if s.Kind == story.SignalHate {
			score = s.Score
		}
	}
	if err := rig.App.SetPolicy(ctx, admin, moderation.Policy{HideAbove: score + 0.001, ApproveBelow: 0}); err != nil {
		t.Fatal(err)
	}
	if p := ingest(t, rig.App, incoming("3", borderlinePost)); p.Status != story.PostQueued {
		t.Fatalf("score %.3f with hide above %.3f: %s", score, score+0.001, p.Status)
	}
	if err := rig.App.SetPolicy(ctx, admin, moderation.Policy{HideAbove: score - 0.001, ApproveBelow: 0}); err != nil {
		t.Fatal(err)
	}
	if p := ingest(t, rig.App, incoming("4", borderlinePost)); p.Status != story.PostHidden {
		t.Fatalf("score %.3f with hide above %.3f: %s", score, score-0.001, p.Status)
	}

	changes, err := rig.Store.Audit(ctx, "policy.social_post")
	if err != nil || len(changes) != 3 || changes[0].Action != "policy_change" || changes[0].Actor != "user:"+itoa(admin.ID) {
		t.Fatalf("policy changes audited: %+v, %v", changes, err)
	}
	if current, _ := rig.App.Policy(ctx); current.HideAbove != score-0.001 || current.UpdatedBy == "" {
		t.Fatalf("policy in force: %+v", current)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestAutomaticDecisionsAreReversible(t *testing.T) {
	rig := testrig.New(t)
	mod, _ := rig.Staff("mod@example.org", staff.RoleModerator)
	hate := ingest(t, rig.App, incoming("1", hatefulPost))
	warm := ingest(t, rig.App, incoming("2", warmPost))

	shown, err := rig.App.DecidePost(context.Background(), mod, hate.ID, app.PostDecision{Show: true, Note: "quoted to refute it"})
	if err != nil || shown.Status != story.PostVisible || shown.DecidedBy != "user:"+itoa(mod.ID) {
		t.Fatalf("reversing an automatic hide: %+v, %v", shown, err)
	}
	if _, err := rig.App.DecidePost(context.Background(), mod, warm.ID, app.PostDecision{}); story.ErrorCode(err) != story.CodeInvalid {
		t.Fatalf("hiding without a reason: %v", err)
	}
	hidden, err := rig.App.DecidePost(context.Background(), mod, warm.ID, app.PostDecision{Reason: "spam"})
	if err != nil || hidden.Status != story.PostHidden || hidden.HideReason != "spam" {
		t.Fatalf("reversing an automatic approval: %+v, %v", hidden, err)
	}
	for _, c := range []struct {
		id, action string
	}{{hate.ID, app.ActionReverseAutoHide}, {warm.ID, app.ActionReverseAutoApprove}} {
		entries := auditActions(t, rig, mod, c.id)
		last := entries[len(entries)-1]
		if len(entries) != 2 || last.Action != c.action || last.Actor != "user:"+itoa(mod.ID) {
			t.Fatalf("audit after reversal: %+v", entries)
		}
	}
	wall, err := rig.App.Wall(context.Background(), 10)
	if err != nil || len(wall) != 1 || wall[0].ID != hate.ID {
		t.Fatalf("wall after reversals: %v, %v", wall, err)
	}

	// Undoing a person's decision is not marked as reversing the policy.
	if _, err := rig.App.DecidePost(context.Background(), mod, hate.ID, app.PostDecision{Reason: "hate"}); err != nil {
		t.Fatal(err)
	}
	entries := auditActions(t, rig, mod, hate.ID)
	if last := entries[len(entries)-1]; last.Action != app.ActionPostHide || last.Reason != "hate" {
		t.Fatalf("a person's decision undone: %+v", last)
	}
	_, err = rig.App.DecidePost(context.Background(), mod, hate.ID, app.PostDecision{Reason: "hate"})
	if story.ErrorCode(err) != story.CodeConflict {
		t.Fatalf("hiding a hidden post: %v", err)
	}
}

func TestIngestIsIdempotentAndFollowsTheSource(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	mod, _ := rig.Staff("mod@example.org", staff.RoleModerator)
	first, created, err := rig.App.IngestPost(ctx, incoming("7", warmPost))
	if err != nil || !created {
		t.Fatal(created, err)
	}
	again, created, err := rig.App.IngestPost(ctx, incoming("7", warmPost))
	if err != nil || created || again.ID != first.ID || len(auditActions(t, rig, mod, first.ID)) != 1 {
		t.Fatalf("taking the same post in twice: created %v, %v", created, err)
	}

	// Edited at the source into hate: screened and decided afresh.
	edited, created, err := rig.App.IngestPost(ctx, incoming("7", hatefulPost))
	if err != nil || created || edited.ID != first.ID || edited.Status != story.PostHidden {
		t.Fatalf("edited at the source: %+v, created %v, %v", edited, created, err)
	}

	if err := rig.App.RemovePostAtSource(ctx, "mastodon", "7"); err != nil {
		t.Fatal(err)
	}
	if _, err := rig.Store.Post(ctx, first.ID); !errors.Is(err, story.ErrNotFound) {
		t.Fatalf("after deletion at the source: %v", err)
	}
	entries := auditActions(t, rig, mod, first.ID)
	if last := entries[len(entries)-1]; last.Action != "source_delete" {
		t.Fatalf("deletion audited: %+v", entries)
	}
	if err := rig.App.RemovePostAtSource(ctx, "mastodon", "7"); !errors.Is(err, story.ErrNotFound) {
		t.Fatalf("deleting an unknown post: %v", err)
	}
}

func TestIngestRejectsBadPostsClearly(t *testing.T) {
	rig := testrig.New(t)
	bad := map[string]func(*story.IncomingPost){
		"network":   func(p *story.IncomingPost) { p.Network = "myspace" },
		"url":       func(p *story.IncomingPost) { p.SourceURL = "javascript:alert(1)" },
		"text":      func(p *story.IncomingPost) { p.Text = "  " },
		"long text": func(p *story.IncomingPost) { p.Text = strings.Repeat("a", story.MaxPostText+1) },
		"language":  func(p *story.IncomingPost) { p.Language = "english!" },
		"posted_at": func(p *story.IncomingPost) { p.PostedAt = time.Time{} },
		"author":    func(p *story.IncomingPost) { p.Author = "" },
	}
	for name, spoil := range bad {
		in := incoming("x", warmPost)
		spoil(&in)
		_, _, err := rig.App.IngestPost(context.Background(), in)
		if story.ErrorCode(err) != story.CodeInvalid {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
	if n, _ := rig.Store.Posts(context.Background(), storage.PostFilter{Status: story.PostVisible}); len(n) != 0 {
		t.Fatal("a refused post was stored")
	}
}

func TestOnlyAdminsSetPolicyAndOnlyModeratorsDecidePosts(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	p := ingest(t, rig.App, incoming("1", warmPost))
	for _, role := range []staff.Role{staff.RoleModerator, staff.RolePartner, staff.RoleTranslator} {
		u, _ := rig.Staff(string(role)+"@example.org", role)
		if err := rig.App.SetPolicy(ctx, u, moderation.DefaultPolicy); story.ErrorCode(err) != story.CodeForbidden {
			t.Errorf("%s sets the policy: %v", role, err)
		}
		_, err := rig.App.DecidePost(ctx, u, p.ID, app.PostDecision{Reason: "spam"})
		if want := !app.Allowed(u, app.ActionModerate); want != (story.ErrorCode(err) == story.CodeForbidden) {
			t.Errorf("%s decides a post: %v", role, err)
		}
	}
	admin, _ := rig.Staff("admin@example.org", staff.RoleAdmin)
	for _, bad := range []moderation.Policy{{HideAbove: 0.2, ApproveBelow: 0.5}, {HideAbove: 1.5}, {ApproveBelow: -0.1, HideAbove: 0.5}} {
		if err := rig.App.SetPolicy(ctx, admin, bad); story.ErrorCode(err) != story.CodeInvalid {
			t.Errorf("policy %+v: %v, want invalid", bad, err)
		}
	}
}

func TestFloodOfCopiedPostsWaitsForAPerson(t *testing.T) {
	rig := testrig.New(t)
	flood := "Everyone should come to the town hall meeting on Friday and say what they think! #ItTakesaCommunity"
	var last *story.Post
	for i := range 5 {
		text := flood
		if i%2 == 1 {
			text = strings.Replace(flood, "Friday", "Friday!!", 1)
		}
		last = ingest(t, rig.App, incoming("flood-"+itoa(int64(i)), text))
	}
	first, _ := rig.Store.PostBySource(context.Background(), "mastodon", "flood-0")
	if first.Status != story.PostVisible {
		t.Fatalf("the first of them: %s", first.Status)
	}
	if last.Status != story.PostQueued {
		t.Fatalf("the fifth near-copy in a row: %s, signals %+v", last.Status, last.Signals)
	}
	for _, s := range last.Signals {
		if s.Kind == story.SignalSpam && (s.Score < 0.9 || !strings.Contains(s.Detail, "burst")) {
			t.Fatalf("spam signal of a burst: %+v", s)
		}
	}
}

// TestPostDeletedAtSourceLeavesNoTrace reads the database's files after a
// post is deleted at its source: neither its text nor its author remain.
func TestPostDeletedAtSourceLeavesNoTrace(t *testing.T) {
	if testrig.Postgres() {
		t.Skip("reads the SQLite files; the PostgreSQL storage tests check its own")
	}
	rig := testrig.New(t)
	in := incoming("gone", "Zanzibarquokka says welcome to the new families on Elm street. #ItTakesaCommunity")
	in.Author = "@zanzibarquokka@social.example"
	ingest(t, rig.App, in)
	if files := testrig.FilesContaining(t, rig.DataDir, []byte("Zanzibarquokka")); len(files) == 0 {
		t.Fatal("the post is not in the database files: the scan proves nothing")
	}
	if err := rig.App.RemovePostAtSource(context.Background(), "mastodon", "gone"); err != nil {
		t.Fatal(err)
	}
	for _, needle := range []string{"Zanzibarquokka", "zanzibarquokka"} {
		if files := testrig.FilesContaining(t, rig.DataDir, []byte(needle)); len(files) > 0 {
			t.Errorf("%q still in %v", needle, files)
		}
	}
}

func TestHiddenPostsLeaveThePageCachesAlone(t *testing.T) {
	rig := testrig.New(t)
	changed, queue := 0, 0
	rig.App.Events.Subscribe(func(ev app.Event) {
		switch ev.(type) {
		case app.QueueChanged:
			queue++
		case app.WallChanged:
			changed++
		default:
			t.Errorf("a post published %#v", ev)
		}
	})
	for i := range 3 {
		if p := ingest(t, rig.App, incoming("raid-"+itoa(int64(i)), hatefulPost+" "+itoa(int64(i)))); p.Status != story.PostHidden {
			t.Fatalf("raid post %d: %s", i, p.Status)
		}
	}
	if changed != 0 || queue != 0 {
		t.Fatalf("hidden posts cleared the caches %d times and woke the queue %d times", changed, queue)
	}
	ingest(t, rig.App, incoming("warm", warmPost))
	if changed != 1 {
		t.Fatalf("a shown post cleared the caches %d times", changed)
	}
}
