package sqlite

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"chorus/internal/storage/storagetest"
)

// TestOldFreeTextWithdrawReasonsAreScrubbed: after the upgrade, no file
// holds the free text.
func TestOldFreeTextWithdrawReasonsAreScrubbed(t *testing.T) {
	st := storagetest.OldFreeTextWithdrawReasonsAreScrubbed(t, upgradeOf(t)).(*Store)
	st.Close()
	dir := filepath.Dir(st.Path())
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		data, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		if bytes.Contains(data, []byte(storagetest.FreeTextReasonWord)) {
			t.Errorf("%s still holds the free-text reason", e.Name())
		}
	}
}
