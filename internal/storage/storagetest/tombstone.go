package storagetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"chorus/internal/storage"
	"chorus/internal/story"
)

// testEraseKeepsOnlyTheTombstone: after an erasure the row holds the
// tombstone and nothing else: no country, language, identity, consents or
// moderation reason that, together, could point at the storyteller.
func testEraseKeepsOnlyTheTombstone(t *testing.T, st storage.Store) {
	ctx := context.Background()
	s := sample("tomb", story.StatusPublished, epoch)
	s.Consent.Toolkit, s.Consent.Translate, s.Demo, s.Featured = true, true, true, true
	insert(t, st, s)
	at := epoch.Add(time.Hour)
	if err := st.WithTx(ctx, func(tx storage.Tx) error { return tx.EraseStory(ctx, "tomb", "safety", at) }); err != nil {
		t.Fatal(err)
	}
	got, err := st.Story(ctx, "tomb")
	if err != nil {
		t.Fatal(err)
	}
	want := &story.Story{ID: "tomb", Status: story.StatusWithdrawn, Anonymous: true, WithdrawReason: "safety", CreatedAt: epoch, UpdatedAt: at, WithdrawnAt: at}
	if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(story.Tombstone(got), want) {
		t.Errorf("the tombstone keeps more than its id, dates and reason code:\n got %+v\nwant %+v", got, want)
	}
}

// testRetentionTombstoneKeepsTheRejection: a rejected story the retention
// job erases keeps, besides the tombstone, the time of its rejection, so
// the campaign's figures still count it as rejected that day.
func testRetentionTombstoneKeepsTheRejection(t *testing.T, st storage.Store) {
	ctx := context.Background()
	rejectedAt := epoch.Add(30 * time.Hour)
	s := sample("erased-rejected", story.StatusRejected, epoch)
	s.UpdatedAt, s.RejectReason, s.RejectNote = rejectedAt, "spam", "a note"
	insert(t, st, s, sample("erased-undecided", story.StatusPending, epoch))
	at := epoch.Add(400 * 24 * time.Hour)
	err := st.WithTx(ctx, func(tx storage.Tx) error {
		if err := tx.EraseStory(ctx, "erased-rejected", story.ErasedRejected, at); err != nil {
			return err
		}
		return tx.EraseStory(ctx, "erased-undecided", story.ErasedUndecided, at)
	})
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]*story.Story{
		"erased-rejected":  {ID: "erased-rejected", Status: story.StatusWithdrawn, Anonymous: true, WithdrawReason: story.ErasedRejected, CreatedAt: epoch, UpdatedAt: rejectedAt, WithdrawnAt: at},
		"erased-undecided": {ID: "erased-undecided", Status: story.StatusWithdrawn, Anonymous: true, WithdrawReason: story.ErasedUndecided, CreatedAt: epoch, UpdatedAt: at, WithdrawnAt: at},
	} {
		got, err := st.Story(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(story.Tombstone(got), want) || !got.ErasedByRetention() {
			t.Errorf("%s: the retention's tombstone:\n got %+v\nwant %+v", id, got, want)
		}
	}
}
