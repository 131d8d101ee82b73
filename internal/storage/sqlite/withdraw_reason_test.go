package sqlite

import (
	"bytes"
	"testing"

	"chorus/internal/storage/storagetest"
)

// TestOldFreeTextWithdrawReasonsAreScrubbed: after the upgrade, no file
// holds the free text.
func TestOldFreeTextWithdrawReasonsAreScrubbed(t *testing.T) {
	st := storagetest.OldFreeTextWithdrawReasonsAreScrubbed(t, upgradeOf(t)).(*Store)
	st.Close()
	for name, data := range storeFiles(st) {
		if bytes.Contains(data, []byte(storagetest.FreeTextReasonWord)) {
			t.Errorf("%s still holds the free-text reason", name)
		}
	}
}
