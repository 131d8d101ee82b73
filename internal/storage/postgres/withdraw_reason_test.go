package postgres

import (
	"context"
	"strings"
	"testing"
	"time"

	"chorus/internal/storage/postgres/pgtest"
	"chorus/internal/storage/storagetest"
)

// TestOldFreeTextWithdrawReasonsAreScrubbed: the migration marks a
// compaction due, after which no table file holds the free text.
func TestOldFreeTextWithdrawReasonsAreScrubbed(t *testing.T) {
	u, url := upgradeOf(t)
	st := storagetest.OldFreeTextWithdrawReasonsAreScrubbed(t, u, "UPDATE maintenance SET value = false WHERE key = 'compaction_due'").(*Store)
	ctx := context.Background()
	deadline := time.Now().Add(60 * time.Second)
	for {
		if err := st.CompactErased(ctx); err != nil {
			t.Fatal(err)
		}
		found, read, skip := pgtest.TableFilesContaining(t, url, storagetest.FreeTextReasonWord)
		if skip != "" || read == 0 {
			t.Skip("the data directory is not readable here", skip)
		}
		if len(found) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Error(strings.Join(found, "\n"))
			return
		}
		time.Sleep(200 * time.Millisecond)
		if _, err := st.pool.Exec(ctx, "UPDATE maintenance SET value = true WHERE key = 'compaction_due'"); err != nil {
			t.Fatal(err)
		}
	}
}
