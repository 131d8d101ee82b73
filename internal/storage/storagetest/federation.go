package storagetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"chorus/internal/fediverse"
	"chorus/internal/storage"
	"chorus/internal/story"
)

// testFederation: followers deduplicated by shared inbox and walked page
// by page, deliveries upserted, blocks, reactions counted once and
// forgotten with their actor.
func testFederation(t *testing.T, st storage.Store) {
	ctx := context.Background()
	tx := func(fn func(storage.Tx) error) {
		t.Helper()
		if err := st.WithTx(ctx, fn); err != nil {
			t.Fatal(err)
		}
	}
	tx(func(tx storage.Tx) error {
		for i := range 5 {
			// Five followers on two servers with shared inboxes, one without.
			f := fediverse.Follower{ActorID: fmt.Sprintf("https://a.example/users/%d", i), Inbox: fmt.Sprintf("https://a.example/users/%d/inbox", i),
				SharedInbox: "https://a.example/inbox", FollowedAt: epoch}
			if i >= 3 {
				f.ActorID, f.Inbox, f.SharedInbox = fmt.Sprintf("https://b.example/u/%d", i), fmt.Sprintf("https://b.example/u/%d/inbox", i), ""
			}
			if err := tx.PutFollower(ctx, f); err != nil {
				return err
			}
		}
		return nil
	})
	if n, err := st.CountFollowers(ctx); err != nil || n != 5 {
		t.Fatalf("followers: %d, %v", n, err)
	}
	f, err := st.Follower(ctx, "https://a.example/users/1")
	if err != nil || f.SharedInbox != "https://a.example/inbox" || !f.FollowedAt.Equal(epoch) {
		t.Errorf("follower: %+v, %v", f, err)
	}
	var walked []string
	after := ""
	for {
		page, err := st.DeliveryInboxes(ctx, after, 2)
		if err != nil {
			t.Fatal(err)
		}
		walked = append(walked, page...)
		if len(page) < 2 {
			break
		}
		after = page[len(page)-1]
	}
	want := []string{"https://a.example/inbox", "https://b.example/u/3/inbox", "https://b.example/u/4/inbox"}
	if !reflect.DeepEqual(walked, want) {
		t.Errorf("delivery inboxes: %v, want %v", walked, want)
	}

	tx(func(tx storage.Tx) error {
		for _, inbox := range want {
			if err := tx.PutDelivery(ctx, fediverse.Delivery{StoryID: "s1", Inbox: inbox, Activity: fediverse.ActivityCreate,
				State: fediverse.DeliveryPending, UpdatedAt: epoch}); err != nil {
				return err
			}
		}
		return tx.PutDelivery(ctx, fediverse.Delivery{StoryID: "s1", Inbox: want[0], Activity: fediverse.ActivityCreate,
			State: fediverse.DeliveryFailed, Attempts: 17, LastError: "the inbox answered 500", UpdatedAt: epoch})
	})
	ds, err := st.Deliveries(ctx, "s1")
	if err != nil || len(ds) != 3 || ds[0].State != fediverse.DeliveryFailed || ds[0].Attempts != 17 || ds[0].LastError == "" {
		t.Errorf("deliveries: %+v, %v", ds, err)
	}
	if sent, err := st.InboxesSent(ctx, "s1", fediverse.ActivityCreate, want[0], 10); err != nil || !reflect.DeepEqual(sent, want[1:]) {
		t.Errorf("inboxes sent after the first: %v, %v", sent, err)
	}
	if sent, _ := st.InboxesSent(ctx, "s1", fediverse.ActivityDelete, "", 10); len(sent) != 0 {
		t.Errorf("deletes sent: %v", sent)
	}

	tx(func(tx storage.Tx) error {
		for _, r := range []fediverse.Reaction{
			{ActivityID: "https://a.example/likes/1", StoryID: "s1", ActorID: "https://a.example/users/1", Kind: fediverse.ReactionLike, At: epoch},
			{ActivityID: "https://a.example/likes/1", StoryID: "s1", ActorID: "https://a.example/users/1", Kind: fediverse.ReactionLike, At: epoch},
			{ActivityID: "https://a.example/boosts/1", StoryID: "s1", ActorID: "https://a.example/users/2", Kind: fediverse.ReactionAnnounce, At: epoch},
		} {
			if err := tx.PutReaction(ctx, r); err != nil {
				return err
			}
		}
		// Another actor cannot undo a reaction.
		return tx.DeleteReaction(ctx, "https://a.example/likes/1", "https://a.example/users/2")
	})
	if r, err := st.Reactions(ctx, "s1"); err != nil || r != (fediverse.Reactions{Likes: 1, Announces: 1}) {
		t.Errorf("reactions: %+v, %v", r, err)
	}
	tx(func(tx storage.Tx) error {
		followed, err := tx.ForgetActor(ctx, "https://a.example/users/1")
		if err != nil || !followed {
			return fmt.Errorf("forget actor: %v, %v", followed, err)
		}
		return nil
	})
	if r, _ := st.Reactions(ctx, "s1"); r != (fediverse.Reactions{Announces: 1}) {
		t.Errorf("reactions after the actor was forgotten: %+v", r)
	}

	tx(func(tx storage.Tx) error {
		if err := tx.PutBlock(ctx, fediverse.Block{Target: "b.example", CreatedAt: epoch, CreatedBy: "user:1"}); err != nil {
			return err
		}
		n, err := tx.DeleteFollowersAt(ctx, "b.example")
		if err != nil || n != 2 {
			return fmt.Errorf("followers removed: %d, %v", n, err)
		}
		return nil
	})
	for _, c := range []struct {
		domain, actor string
		want          bool
	}{{"b.example", "https://b.example/u/9", true}, {"a.example", "https://a.example/users/2", false}} {
		if got, err := st.Blocked(ctx, c.domain, c.actor); err != nil || got != c.want {
			t.Errorf("blocked(%s): %v, %v", c.domain, got, err)
		}
	}
	if bs, err := st.Blocks(ctx); err != nil || len(bs) != 1 || !bs[0].IsDomain() || !bs[0].CreatedAt.Equal(epoch) {
		t.Errorf("blocks: %+v, %v", bs, err)
	}
	err = st.WithTx(ctx, func(tx storage.Tx) error { return tx.DeleteBlock(ctx, "nobody.example") })
	if !errors.Is(err, story.ErrNotFound) {
		t.Errorf("lifting an unknown block: %v", err)
	}
	if n, _ := st.CountFollowers(ctx); n != 2 {
		t.Errorf("followers left: %d, want 2", n)
	}
}
