package postgres

import (
	"testing"

	"chorus/internal/storage/storagetest"
)

// TestOldFreeTextWithdrawReasonsAreScrubbed: the migration marks a
// compaction due, after which no table file holds the free text.
func TestOldFreeTextWithdrawReasonsAreScrubbed(t *testing.T) {
	u, url := upgradeOf(t)
	st := storagetest.OldFreeTextWithdrawReasonsAreScrubbed(t, u, "UPDATE maintenance SET value = false WHERE key = 'compaction_due'").(*Store)
	compactUntilGone(t, st, url, storagetest.FreeTextReasonWord)
}
