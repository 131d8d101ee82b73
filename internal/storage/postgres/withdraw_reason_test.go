package postgres

import (
	"context"
	"strings"
	"testing"
	"time"

	"chorus/internal/audit"
	"chorus/internal/storage"
	"chorus/internal/storage/postgres/pgtest"
)

// TestOldFreeTextWithdrawReasonsAreScrubbed opens a database whose
// tombstones and audit log hold free text from before reasons were codes:
// the migration maps them to codes and marks a compaction due, after
// which no table file holds the text.
func TestOldFreeTextWithdrawReasonsAreScrubbed(t *testing.T) {
	url := testURL(t)
	ctx := context.Background()
	st := open(t, url)
	freeText := "My ex-husband Grindlewhisk found it and I am afraid. " + strings.Repeat("Please remove everything. ", 40)
	at := time.Now()
	err := st.WithTx(ctx, func(tx storage.Tx) error {
		for id, reason := range map[string]string{"free": freeText, "default": "author_request", "coded": "safety"} {
			if err := tx.InsertStory(ctx, sample(id, "T", "A story told before withdrawal reasons were codes.", "en"), []byte("h")); err != nil {
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
	if _, err := st.pool.Exec(ctx, "DELETE FROM schema_migrations WHERE name = '0006_withdraw_reason_codes.sql'"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.pool.Exec(ctx, "UPDATE maintenance SET value = false WHERE key = 'compaction_due'"); err != nil {
		t.Fatal(err)
	}
	st.Close()

	st = open(t, url)
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
	if _, err := st.pool.Exec(ctx, "UPDATE audit_log SET reason = 'x'"); err == nil {
		t.Error("the audit log is no longer append-only after the upgrade")
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		if err := st.CompactErased(ctx); err != nil {
			t.Fatal(err)
		}
		found, read, skip := pgtest.TableFilesContaining(t, url, "Grindlewhisk")
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
