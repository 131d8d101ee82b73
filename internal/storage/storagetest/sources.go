package storagetest

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"chorus/internal/storage"
	"chorus/internal/story"
)

func testSources(t *testing.T, st storage.Store) {
	ctx := context.Background()
	src := &story.Source{ID: "s1", Kind: story.SourceMastodon, URL: "https://social.example", Tags: []string{"ItTakesaCommunity", "Neighbours"},
		Every: 90 * time.Second, TokenSealed: "sealed", CreatedAt: epoch, CreatedBy: "user:1"}
	feed := &story.Source{ID: "s2", Kind: story.SourceFeed, URL: "https://partner.example/feed.xml", Every: time.Hour, CreatedAt: epoch.Add(time.Second), CreatedBy: "user:1"}
	each(t, st, []*story.Source{src, feed}, func(ctx context.Context, tx storage.Tx, s *story.Source) error { return tx.InsertSource(ctx, s) })

	got, err := st.Source(ctx, "s1")
	if err != nil || !reflect.DeepEqual(got, src) {
		t.Fatalf("round trip:\n got %+v, %v\nwant %+v", got, err, src)
	}
	if got, err := st.Source(ctx, "s2"); err != nil || got.Tags == nil || len(got.Tags) != 0 {
		t.Fatalf("a feed without tags: %+v, %v", got, err)
	}
	err = st.WithTx(ctx, func(tx storage.Tx) error {
		if err := tx.UpdateSourceRun(ctx, "s1", []byte(`{"min_id":"42"}`), "", epoch.Add(time.Minute), 3); err != nil {
			return err
		}
		return tx.UpdateSourceRun(ctx, "s1", []byte(`{"min_id":"43"}`), "rate limited", epoch.Add(2*time.Minute), 2)
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err = st.Source(ctx, "s1")
	if err != nil || string(got.State) != `{"min_id":"43"}` || got.LastError != "rate limited" || got.Taken != 5 || !got.LastRunAt.Equal(epoch.Add(2*time.Minute)) {
		t.Fatalf("after two runs: %+v, %v", got, err)
	}
	list, err := st.Sources(ctx)
	if err != nil || len(list) != 2 || list[0].ID != "s1" || list[1].ID != "s2" {
		t.Fatalf("sources oldest first: %v, %v", list, err)
	}
	err = st.WithTx(ctx, func(tx storage.Tx) error { return tx.DeleteSource(ctx, "s2") })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Source(ctx, "s2"); !errors.Is(err, story.ErrNotFound) {
		t.Fatalf("removed source: %v, want not found", err)
	}
	err = st.WithTx(ctx, func(tx storage.Tx) error { return tx.DeleteSource(ctx, "s2") })
	if !errors.Is(err, story.ErrNotFound) {
		t.Fatalf("removing twice: %v, want not found", err)
	}
}

func testLeases(t *testing.T, st storage.Store) {
	ctx := context.Background()
	take := func(holder string, now time.Time) bool {
		t.Helper()
		var ok bool
		err := st.WithTx(ctx, func(tx storage.Tx) error {
			var err error
			ok, err = tx.TakeLease(ctx, "connectors", holder, now, now.Add(30*time.Second))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !take("node-a", epoch) {
		t.Fatal("a free lease was refused")
	}
	if take("node-b", epoch.Add(10*time.Second)) {
		t.Fatal("a second node took a lease still held")
	}
	if !take("node-a", epoch.Add(20*time.Second)) {
		t.Fatal("the holder could not renew its lease")
	}
	if take("node-b", epoch.Add(45*time.Second)) {
		t.Fatal("the renewed lease was taken before it expired")
	}
	if !take("node-b", epoch.Add(51*time.Second)) {
		t.Fatal("an expired lease was not handed over")
	}
	if take("node-a", epoch.Add(52*time.Second)) {
		t.Fatal("the former holder took the lease back")
	}
}

func testPostProvenanceAndFigures(t *testing.T, st storage.Store) {
	ctx := context.Background()
	p := samplePost("p1", "https://social.example/users/ana/statuses/1", story.PostVisible, epoch)
	p.Network, p.Server, p.AuthorName, p.Pinned = "fediverse", "social.example", "Ana Q.", true
	p.Media = []story.PostMedia{{Key: "posts/p1/0.jpg", Alt: "A shared meal"}}
	plain := samplePost("p2", "at://did:plc:abc/app.bsky.feed.post/3k", story.PostVisible, epoch.Add(time.Second))
	plain.Network, plain.Language = "bluesky", "fr"
	each(t, st, []*story.Post{p, plain}, func(ctx context.Context, tx storage.Tx, p *story.Post) error { return tx.InsertPost(ctx, p) })
	got, err := st.Post(ctx, "p1")
	if err != nil || !reflect.DeepEqual(got, p) {
		t.Fatalf("round trip:\n got %+v, %v\nwant %+v", got, err, p)
	}
	wall, err := st.Posts(ctx, storage.PostFilter{Status: story.PostVisible, PinnedFirst: true})
	if err != nil || len(wall) != 2 || wall[0].ID != "p1" {
		t.Fatalf("pinned first: %v, %v", postIDs(wall), err)
	}
	if only, err := st.Posts(ctx, storage.PostFilter{Status: story.PostVisible, Network: "bluesky"}); err != nil || len(only) != 1 || only[0].ID != "p2" {
		t.Fatalf("by network: %v, %v", postIDs(only), err)
	}
	if only, err := st.Posts(ctx, storage.PostFilter{Status: story.PostVisible, Language: "en"}); err != nil || len(only) != 1 || only[0].ID != "p1" {
		t.Fatalf("by language: %v, %v", postIDs(only), err)
	}
	p.Pinned, p.Media = false, nil
	each(t, st, []*story.Post{p}, func(ctx context.Context, tx storage.Tx, p *story.Post) error { return tx.UpdatePost(ctx, p) })
	if got, err := st.Post(ctx, "p1"); err != nil || got.Pinned || got.Media != nil {
		t.Fatalf("unpinned, media dropped: %+v, %v", got, err)
	}

	for _, hidden := range []bool{false, true, false} {
		err := st.WithTx(ctx, func(tx storage.Tx) error { return tx.CountPostFigure(ctx, "2026-11-01", "bluesky", "fr", hidden) })
		if err != nil {
			t.Fatal(err)
		}
	}
	err = st.WithTx(ctx, func(tx storage.Tx) error { return tx.CountPostFigure(ctx, "2026-10-31", "feed", "en", false) })
	if err != nil {
		t.Fatal(err)
	}
	figures, err := st.PostFigures(ctx, "2026-11-01")
	want := []storage.PostFigure{{Day: "2026-11-01", Network: "bluesky", Language: "fr", Taken: 3, Hidden: 1}}
	if err != nil || !reflect.DeepEqual(figures, want) {
		t.Fatalf("figures: %+v, %v", figures, err)
	}
}
