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
