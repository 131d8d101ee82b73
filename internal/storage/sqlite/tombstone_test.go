package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"chorus/internal/storage"
	"chorus/internal/storage/storagetest"
)

// upgradeOf opens, as often as asked, one database file of the test's own.
func upgradeOf(t *testing.T) storagetest.Upgrade {
	path := filepath.Join(t.TempDir(), "chorus.db")
	return storagetest.Upgrade{
		Open: func(t *testing.T) storage.Store {
			t.Helper()
			st, err := Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			return st
		},
		Exec: func(ctx context.Context, st storage.Store, sql string) error {
			_, err := st.(*Store).writer.ExecContext(ctx, sql)
			return err
		},
	}
}

func TestOldTombstonesAreMinimised(t *testing.T) {
	storagetest.OldTombstonesAreMinimised(t, upgradeOf(t))
}
