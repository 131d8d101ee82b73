package storagetest

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"chorus/internal/storage"
	"chorus/internal/story"
)

func samplePost(id, sourceID string, status story.PostStatus, at time.Time) *story.Post {
	return &story.Post{
		ID: id, Network: "mastodon", SourceID: sourceID, SourceURL: "https://social.example/@ana/" + sourceID,
		Author: "@ana@social.example", Text: "Welcome, neighbours! #ItTakesaCommunity", Language: "en",
		PostedAt: at.Add(-time.Minute), CreatedAt: at, Status: status,
		Signals: []story.Signal{{Kind: story.SignalHate, Score: 0.1, ModelVersion: "m1"}},
	}
}

func testPosts(t *testing.T, st storage.Store) {
	ctx := context.Background()
	queued := samplePost("p1", "101", story.PostQueued, epoch)
	hidden := samplePost("p2", "102", story.PostHidden, epoch.Add(time.Second))
	hidden.DecidedBy, hidden.DecidedAt = story.DecidedByPolicy, epoch.Add(time.Second)
	older := samplePost("p3", "103", story.PostQueued, epoch.Add(-time.Hour))
	err := st.WithTx(ctx, func(tx storage.Tx) error {
		for _, p := range []*story.Post{queued, hidden, older} {
			if err := tx.InsertPost(ctx, p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	got, err := st.Post(ctx, "p2")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, hidden) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, hidden)
	}
	bySource, err := st.PostBySource(ctx, "mastodon", "101")
	if err != nil || bySource.ID != "p1" {
		t.Fatalf("by source: %v, %v", bySource, err)
	}
	if _, err := st.PostBySource(ctx, "bluesky", "101"); !errors.Is(err, story.ErrNotFound) {
		t.Fatalf("another network's id: %v, want not found", err)
	}

	dup := samplePost("p4", "101", story.PostQueued, epoch)
	err = st.WithTx(ctx, func(tx storage.Tx) error { return tx.InsertPost(ctx, dup) })
	if story.ErrorCode(err) != story.CodeConflict {
		t.Fatalf("same source id twice: %v, want a conflict", err)
	}

	if n, err := st.CountPosts(ctx, story.PostQueued); err != nil || n != 2 {
		t.Fatalf("queued posts counted: %d, %v", n, err)
	}
	if n, err := st.CountPosts(ctx, story.PostVisible); err != nil || n != 0 {
		t.Fatalf("visible posts counted: %d, %v", n, err)
	}
	list, err := st.Posts(ctx, storage.PostFilter{Status: story.PostQueued, OldestFirst: true})
	if err != nil || len(list) != 2 || list[0].ID != "p3" || list[1].ID != "p1" {
		t.Fatalf("queued oldest first: %v, %v", postIDs(list), err)
	}
	list, err = st.Posts(ctx, storage.PostFilter{Status: story.PostQueued, Limit: 1})
	if err != nil || len(list) != 1 || list[0].ID != "p1" {
		t.Fatalf("queued newest first, one: %v, %v", postIDs(list), err)
	}

	if decided, err := st.DecidedPosts(ctx, "", 10); err != nil || len(decided) != 0 {
		t.Fatalf("posts decided by people, before any: %v, %v", postIDs(decided), err)
	}
	queued.Status, queued.DecidedBy, queued.DecidedAt, queued.HideReason = story.PostHidden, "user:1", epoch.Add(time.Minute), "hate"
	queued.Signals = nil
	if err := st.WithTx(ctx, func(tx storage.Tx) error { return tx.UpdatePost(ctx, queued) }); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Post(ctx, "p1"); !reflect.DeepEqual(got, queued) {
		t.Fatalf("after update:\n got %+v\nwant %+v", got, queued)
	}
	if decided, err := st.DecidedPosts(ctx, "", 10); err != nil || len(decided) != 1 || decided[0].ID != "p1" {
		t.Fatalf("posts decided by people: %v, %v", postIDs(decided), err)
	}
	if decided, _ := st.DecidedPosts(ctx, "p1", 10); len(decided) != 0 {
		t.Fatalf("after p1: %v", postIDs(decided))
	}
	if err := st.WithTx(ctx, func(tx storage.Tx) error { return tx.DeletePost(ctx, "p1") }); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Post(ctx, "p1"); !errors.Is(err, story.ErrNotFound) {
		t.Fatalf("deleted post: %v", err)
	}
	err = st.WithTx(ctx, func(tx storage.Tx) error { return tx.DeletePost(ctx, "p1") })
	if !errors.Is(err, story.ErrNotFound) {
		t.Fatalf("deleting twice: %v", err)
	}
}

func postIDs(posts []*story.Post) []string {
	var out []string
	for _, p := range posts {
		out = append(out, p.ID)
	}
	return out
}

func testSettingsAndReplies(t *testing.T, st storage.Store) {
	ctx := context.Background()
	const key = "policy.social_post"
	if _, err := st.Setting(ctx, key); !errors.Is(err, story.ErrNotFound) {
		t.Fatalf("unset setting: %v", err)
	}
	for _, value := range []string{`{"hide_above":0.9}`, `{"hide_above":0.8}`} {
		s := storage.Setting{Key: key, Value: []byte(value), UpdatedAt: epoch, UpdatedBy: "user:1"}
		if err := st.WithTx(ctx, func(tx storage.Tx) error { return tx.PutSetting(ctx, s) }); err != nil {
			t.Fatal(err)
		}
	}
	got, err := st.Setting(ctx, key)
	if err != nil || !jsonEqual(t, got.Value, `{"hide_above":0.8}`) || !got.UpdatedAt.Equal(epoch) || got.UpdatedBy != "user:1" {
		t.Fatalf("setting: %+v, %v", got, err)
	}

	put := func(r storage.StoredReply) {
		t.Helper()
		if err := st.WithTx(ctx, func(tx storage.Tx) error { return tx.PutStoredReply(ctx, r) }); err != nil {
			t.Fatal(err)
		}
	}
	put(storage.StoredReply{ID: "b", Data: []byte(`{"text":"first"}`), UpdatedAt: epoch, UpdatedBy: "user:1"})
	put(storage.StoredReply{ID: "b", Data: []byte(`{"text":"second"}`), UpdatedAt: epoch, UpdatedBy: "user:2"})
	put(storage.StoredReply{ID: "a", Data: []byte(`{}`), Removed: true, UpdatedAt: epoch, UpdatedBy: "user:1"})
	replies, err := st.StoredReplies(ctx)
	if err != nil || len(replies) != 2 {
		t.Fatalf("stored replies: %+v, %v", replies, err)
	}
	if replies[0].ID != "a" || !replies[0].Removed || replies[1].ID != "b" || replies[1].Removed ||
		!jsonEqual(t, replies[1].Data, `{"text":"second"}`) || replies[1].UpdatedBy != "user:2" || !replies[1].UpdatedAt.Equal(epoch) {
		t.Fatalf("stored replies: %+v", replies)
	}
	if err := st.WithTx(ctx, func(tx storage.Tx) error { return tx.DeleteStoredReply(ctx, "a") }); err != nil {
		t.Fatal(err)
	}
	if replies, _ := st.StoredReplies(ctx); len(replies) != 1 {
		t.Fatalf("after reset: %+v", replies)
	}
}

// jsonEqual compares JSON by value: PostgreSQL's jsonb keeps neither key
// order nor spacing.
func jsonEqual(t *testing.T, got []byte, want string) bool {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("stored JSON %q: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(g, w)
}
