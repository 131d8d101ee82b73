package sqlite

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"chorus/internal/audit"
	"chorus/internal/storage"
	"chorus/internal/story"
)

// freeTextReason is what the API once stored as a withdrawal reason.
var freeTextReason = "My ex-husband Grindlewhisk found it and I am afraid. " + strings.Repeat("Please remove everything. ", 40)

// TestOldFreeTextWithdrawReasonsAreScrubbed opens a database whose
// tombstones and audit log hold free text from before reasons were codes:
// the migration maps them to codes, and no file holds the text afterwards.
func TestOldFreeTextWithdrawReasonsAreScrubbed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "chorus.db")
	ctx := context.Background()
	st, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now()
	err = st.WithTx(ctx, func(tx storage.Tx) error {
		for id, reason := range map[string]string{"free": freeTextReason, "default": "author_request", "coded": "safety"} {
			s := &story.Story{ID: id, Status: story.StatusPublished, Title: "T", Body: "A story told before withdrawal reasons were codes.",
				Language: "en", Country: "CA", Identity: story.IdentityOther, Anonymous: true, CreatedAt: at, UpdatedAt: at, PublishedAt: at}
			if err := tx.InsertStory(ctx, s, []byte("h")); err != nil {
				return err
			}
			if err := tx.EraseStory(ctx, id, reason, at); err != nil {
				return err
			}
			if err := tx.AppendAudit(ctx, audit.Entry{At: at, Actor: "storyteller", Action: "withdraw", SubjectID: id, Reason: reason}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.writer.ExecContext(ctx, "DELETE FROM schema_migrations WHERE name = '0006_withdraw_reason_codes.sql'"); err != nil {
		t.Fatal(err)
	}
	st.Close()

	st, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("upgrade: %v", err)
	}
	for id, want := range map[string]string{"free": "other", "default": "", "coded": "safety"} {
		s, err := st.Story(ctx, id)
		if err != nil || s.WithdrawReason != want {
			t.Errorf("tombstone %s after the upgrade: reason %.40q, want %q (%v)", id, s.WithdrawReason, want, err)
		}
		entries, err := st.Audit(ctx, id)
		if err != nil || len(entries) != 1 || entries[0].Reason != want {
			t.Errorf("audit of %s after the upgrade: %+v (%v)", id, entries, err)
		}
	}
	if _, err := st.writer.ExecContext(ctx, "UPDATE audit_log SET reason = 'x'"); err == nil {
		t.Error("the audit log is no longer append-only after the upgrade")
	}
	st.Close()
	entries, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range entries {
		data, _ := os.ReadFile(filepath.Join(filepath.Dir(path), e.Name()))
		if bytes.Contains(data, []byte("Grindlewhisk")) {
			t.Errorf("%s still holds the free-text reason", e.Name())
		}
	}
}
