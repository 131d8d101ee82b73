package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"chorus/internal/app"
	"chorus/internal/storage"
	"chorus/internal/story"
)

func TestModerationExamplesExportsDecisions(t *testing.T) {
	dir := t.TempDir()
	getenv := func(k string) string {
		if k == "CHORUS_DATA" {
			return dir
		}
		return ""
	}
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
	a.AddUser(ctx, "mod@example.org", storage.RoleModerator)
	mod, _ := store.UserByEmail(ctx, "mod@example.org")
	for id, d := range map[string]app.Decision{good.ID: {Approve: true}, bad.ID: {Reason: "hate"}, spam.ID: {Reason: "spam"}} {
		if _, err := a.Decide(ctx, mod, id, d); err != nil {
			t.Fatal(err)
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
	if len(lines) != 2 || !strings.Contains(string(data), `"label":"hate"`) || !strings.Contains(string(data), `"label":"ok"`) || strings.Contains(string(data), "Buy now") {
		t.Fatalf("examples:\n%s", data)
	}
	if info, _ := os.Stat(out); info.Mode().Perm() != 0o600 {
		t.Errorf("examples file mode %v, want 0600", info.Mode().Perm())
	}
}
