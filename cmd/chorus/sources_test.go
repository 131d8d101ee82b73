package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
)

// TestSourceCommands adds, lists and removes hashtag sources from the
// command line, and refuses a bad one with the reason.
func TestSourceCommands(t *testing.T) {
	env := map[string]string{"CHORUS_DATA": t.TempDir()}
	getenv := func(k string) string { return env[k] }
	cli := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(context.Background(), args, getenv, strings.NewReader(""), &out, io.Discard)
		return out.String(), err
	}
	out, err := cli("source", "add", "--kind", "mastodon", "--url", "https://social.example", "--tag", "#ItTakesaCommunity", "--tag", "Voisins", "--every", "90s", "--token", "secret-token")
	if err != nil || !strings.Contains(out, "added: mastodon https://social.example") {
		t.Fatalf("add: %q, %v", out, err)
	}
	id := strings.Fields(out)[1]
	if _, err := cli("source", "add", "--kind", "feed", "--url", "https://partner.example/feed.xml"); err != nil {
		t.Fatal(err)
	}
	if _, err := cli("source", "add", "--kind", "bluesky", "--url", "https://jetstream.example/subscribe", "--tag", "X"); err == nil || !strings.Contains(err.Error(), "wss") {
		t.Fatalf("a Jetstream without wss: %v", err)
	}
	if _, err := cli("source", "add", "--kind", "bluesky", "--url", "wss://jetstream.example/subscribe", "--tag", "X", "--appview", "https://appview.example/xrpc"); err != nil {
		t.Fatalf("a Jetstream with its AppView: %v", err)
	}
	if _, err := cli("source", "add", "--kind", "mastodon", "--url", "https://social.example", "--tag", "X", "--appview", "https://appview.example/xrpc"); err == nil || !strings.Contains(err.Error(), "AppView") {
		t.Fatalf("an AppView for a Mastodon source: %v", err)
	}
	if _, err := cli("source", "add", "--kind", "mastodon", "--url", "https://social.example"); err == nil || !strings.Contains(err.Error(), "hashtag") {
		t.Fatalf("a Mastodon source without a tag: %v", err)
	}
	out, err = cli("source", "list")
	if err != nil || !strings.Contains(out, id) || !strings.Contains(out, "ItTakesaCommunity,Voisins") || !strings.Contains(out, "1m30s") ||
		!strings.Contains(out, "partner.example/feed.xml") || strings.Contains(out, "secret-token") {
		t.Fatalf("list: %q, %v", out, err)
	}
	if out, err := cli("source", "remove", id); err != nil || !strings.Contains(out, "removed") {
		t.Fatalf("remove: %q, %v", out, err)
	}
	if out, _ := cli("source", "list"); strings.Contains(out, id) {
		t.Fatalf("still listed after removal: %q", out)
	}
	if _, err := cli("source", "remove", id); err == nil {
		t.Fatal("removing a removed source succeeded")
	}
}
