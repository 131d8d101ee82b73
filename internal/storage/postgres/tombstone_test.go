package postgres

import (
	"context"
	"reflect"
	"testing"
	"time"

	"chorus/internal/storage"
	"chorus/internal/story"
)

// TestOldTombstonesAreMinimised opens a database whose tombstones still
// hold what withdrawals used to keep: the migration leaves the tombstone
// and marks a compaction due.
func TestOldTombstonesAreMinimised(t *testing.T) {
	url := testURL(t)
	ctx := context.Background()
	st := open(t, url)
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	old := &story.Story{ID: "old", Status: story.StatusWithdrawn, Language: "ar", Country: "SY", Identity: story.IdentityRefugee, Anonymous: true,
		Consent: story.Consent{Publish: true, Social: true, Toolkit: true}, RejectReason: "spam", WithdrawReason: "safety",
		CreatedAt: at, UpdatedAt: at.Add(time.Hour), PublishedAt: at, WithdrawnAt: at.Add(time.Hour)}
	if err := st.WithTx(ctx, func(tx storage.Tx) error { return tx.InsertStory(ctx, old, []byte("h")) }); err != nil {
		t.Fatal(err)
	}
	if _, err := st.pool.Exec(ctx, "DELETE FROM schema_migrations WHERE name = '0006_tombstones_minimal.sql'"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	st = open(t, url)
	got, err := st.Story(ctx, "old")
	if err != nil || !reflect.DeepEqual(got, story.Tombstone(old)) {
		t.Errorf("old tombstone after the upgrade:\n got %+v\nwant %+v (%v)", got, story.Tombstone(old), err)
	}
	var due bool
	if err := st.pool.QueryRow(ctx, "SELECT value FROM maintenance WHERE key = 'compaction_due'").Scan(&due); err != nil || !due {
		t.Errorf("no compaction due after the upgrade: %v", err)
	}
}
