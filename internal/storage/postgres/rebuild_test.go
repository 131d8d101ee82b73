package postgres

import (
	"context"
	"testing"
	"time"

	"chorus/internal/storage"
	"chorus/internal/story"
)

// TestSearchColumnRefilledOnOpen: the published stories whose search
// column a migration emptied are searchable again once the store opens.
func TestSearchColumnRefilledOnOpen(t *testing.T) {
	ctx := context.Background()
	url := testURL(t)
	st := open(t, url)
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	published := &story.Story{ID: "ar1", Status: story.StatusPublished, Title: "مَدْرَسَةُ الأَمَلِ", Body: "ذهبتُ إلى المدرسة مع أختي", Language: "ar",
		Country: "CA", Identity: story.IdentityMigrant, Consent: story.Consent{Publish: true}, CreatedAt: at, UpdatedAt: at, PublishedAt: at}
	pending := &story.Story{ID: "ar2", Status: story.StatusPending, Title: "مدرسة أخرى", Body: "قصة تنتظر المراجعة", Language: "ar",
		Country: "CA", Identity: story.IdentityMigrant, Consent: story.Consent{Publish: true}, CreatedAt: at, UpdatedAt: at}
	err := st.WithTx(ctx, func(tx storage.Tx) error {
		for _, s := range []*story.Story{published, pending} {
			if err := tx.InsertStory(ctx, s, []byte("hash-"+s.ID)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.pool.Exec(ctx, "UPDATE stories SET search = NULL"); err != nil {
		t.Fatal(err)
	}
	found := func(st *Store) int {
		page, err := st.PublishedStories(ctx, story.Filter{Query: "مدرسة"})
		if err != nil {
			t.Fatal(err)
		}
		return len(page.Stories)
	}
	if n := found(st); n != 0 {
		t.Fatalf("%d found with the column emptied", n)
	}
	again := open(t, url)
	if n := found(again); n != 1 {
		t.Errorf("after reopening, %d found, want the published story", n)
	}
	var pendingIndexed bool
	if err := again.pool.QueryRow(ctx, "SELECT search IS NOT NULL FROM stories WHERE id = 'ar2'").Scan(&pendingIndexed); err != nil || pendingIndexed {
		t.Errorf("the pending story was indexed: %v %v", pendingIndexed, err)
	}
}
