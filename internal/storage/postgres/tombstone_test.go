package postgres

import (
	"context"
	"testing"

	"chorus/internal/storage"
	"chorus/internal/storage/storagetest"
)

// upgradeOf opens, as often as asked, one schema of the test's own.
func upgradeOf(t *testing.T) (storagetest.Upgrade, string) {
	url := testURL(t)
	return storagetest.Upgrade{
		Open: func(t *testing.T) storage.Store { return open(t, url) },
		Exec: func(ctx context.Context, st storage.Store, sql string) error {
			_, err := st.(*Store).pool.Exec(ctx, sql)
			return err
		},
	}, url
}

// TestOldTombstonesAreMinimised: besides minimising the tombstones, the
// migration marks a compaction due.
func TestOldTombstonesAreMinimised(t *testing.T) {
	u, _ := upgradeOf(t)
	st := storagetest.OldTombstonesAreMinimised(t, u).(*Store)
	var due bool
	if err := st.pool.QueryRow(context.Background(), "SELECT value FROM maintenance WHERE key = 'compaction_due'").Scan(&due); err != nil || !due {
		t.Errorf("no compaction due after the upgrade: %v", err)
	}
}
