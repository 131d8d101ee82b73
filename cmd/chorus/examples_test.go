package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"chorus/internal/app"
	"chorus/internal/staff"
	"chorus/internal/story"
)

func TestModerationExamplesExportsDecisions(t *testing.T) {
	dir := t.TempDir()
	getenv := onlyDataEnv(dir)
	ctx := context.Background()
	cfg := &config{Data: dir}
	a, store, err := openApp(ctx, cfg, newLogger(io.Discard, "error"))
	if err != nil {
		t.Fatal(err)
	}
	sub := func(title string) story.Submission {
		return story.Submission{Title: title, Body: "A story long enough to be accepted here.", Language: "en", Country: "CA",
			Identity: story.IdentityCommunity, Anonymous: true, Consent: story.Consent{Publish: true}}
	}
	good, _ := a.Submit(ctx, sub("Welcome neighbours"))
	bad, _ := a.Submit(ctx, sub("Hateful rant"))
	spam, _ := a.Submit(ctx, sub("Buy now"))
	a.AddUser(ctx, "mod@example.org", staff.RoleModerator)
	mod, _ := store.UserByEmail(ctx, "mod@example.org")
	for id, d := range map[string]app.Decision{good.ID: {Approve: true}, bad.ID: {Reason: "hate"}, spam.ID: {Reason: "spam"}} {
		if _, err := a.Decide(ctx, mod, id, d); err != nil {
			t.Fatal(err)
		}
	}
	for i, c := range []struct {
		text string
		d    app.PostDecision
	}{
		{"They are vermin, every one of them #ItTakesaCommunity", app.PostDecision{Reason: "hate"}},
		{"Proud of our town's welcome #ItTakesaCommunity", app.PostDecision{Show: true}},
		{"Cheap watches at my shop #ItTakesaCommunity", app.PostDecision{Reason: "spam"}},
	} {
		p, _, err := a.IngestPost(ctx, story.IncomingPost{Network: "mastodon", SourceID: fmt.Sprint(i), SourceURL: "https://social.example/" + fmt.Sprint(i),
			Author: "@a", Text: c.text, Language: "en", PostedAt: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		target := story.PostHidden
		if c.d.Show {
			target = story.PostVisible
		}
		if p.Status == target { // decided so by the policy: a person decides afresh
			if _, err := a.DecidePost(ctx, mod, p.ID, app.PostDecision{Show: !c.d.Show, Reason: "other"}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := a.DecidePost(ctx, mod, p.ID, c.d); err != nil {
			t.Fatalf("%q: %v", c.text, err)
		}
	}
	store.Close()

	out := filepath.Join(dir, "decisions.jsonl")
	var stdout bytes.Buffer
	if err := run(ctx, []string{"moderation", "examples", "--out", out}, getenv, nil, &stdout, io.Discard); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 4 || !strings.Contains(string(data), `"label":"hate"`) || !strings.Contains(string(data), `"label":"ok"`) ||
		strings.Contains(string(data), "Buy now") || strings.Contains(string(data), "Cheap watches") ||
		!strings.Contains(string(data), `{"label":"hate","language":"en","text":"They are vermin`) || !strings.Contains(string(data), "Proud of our town") {
		t.Fatalf("examples:\n%s", data)
	}
	if info, _ := os.Stat(out); info.Mode().Perm() != 0o600 {
		t.Errorf("examples file mode %v, want 0600", info.Mode().Perm())
	}
}
