package storagetest

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"chorus/internal/audit"
	"chorus/internal/storage"
	"chorus/internal/story"
)

// Upgrade is one backend's side of the migration tests: a database of the
// test's own, opened again after a migration is undone.
type Upgrade struct {
	// Open opens the test's database, the same one on every call, and
	// closes it when the test ends.
	Open func(t *testing.T) storage.Store
	// Exec runs a statement on st outside the store's interface.
	Exec func(ctx context.Context, st storage.Store, sql string) error
}

// Reopen runs the statements that undo a migration, as if it had never
// run, and opens the database again, which applies it.
func (u Upgrade) Reopen(t *testing.T, st storage.Store, undo ...string) storage.Store {
	t.Helper()
	for _, q := range undo {
		if err := u.Exec(context.Background(), st, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	st.Close()
	return u.Open(t)
}

// OldTombstonesAreMinimised opens a database whose tombstones still hold
// what withdrawals used to keep: the migration leaves the tombstone. It
// returns the upgraded store.
func OldTombstonesAreMinimised(t *testing.T, u Upgrade, undo ...string) storage.Store {
	t.Helper()
	ctx := context.Background()
	st := u.Open(t)
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	old := &story.Story{ID: "old", Status: story.StatusWithdrawn, Language: "ar", Country: "SY", Identity: story.IdentityRefugee, Anonymous: true,
		Consent: story.Consent{Publish: true, Social: true, Toolkit: true}, RejectReason: "spam", WithdrawReason: "safety",
		CreatedAt: at, UpdatedAt: at.Add(time.Hour), PublishedAt: at, WithdrawnAt: at.Add(time.Hour)}
	insert(t, st, old)
	st = u.Reopen(t, st, append([]string{"DELETE FROM schema_migrations WHERE name = '0006_tombstones_minimal.sql'"}, undo...)...)
	got, err := st.Story(ctx, "old")
	if err != nil || !reflect.DeepEqual(got, story.Tombstone(old)) {
		t.Errorf("old tombstone after the upgrade:\n got %+v\nwant %+v (%v)", got, story.Tombstone(old), err)
	}
	return st
}

// FreeTextReasonWord is in the free-text withdrawal reason that
// OldFreeTextWithdrawReasonsAreScrubbed stores: no file may hold it after
// the upgrade and a purge.
const FreeTextReasonWord = "Grindlewhisk"

// OldFreeTextWithdrawReasonsAreScrubbed opens a database whose tombstones
// and audit log hold free text from before reasons were codes: the
// migration maps them to codes, and the audit log stays append-only. It
// returns the upgraded store.
func OldFreeTextWithdrawReasonsAreScrubbed(t *testing.T, u Upgrade, undo ...string) storage.Store {
	t.Helper()
	ctx := context.Background()
	st := u.Open(t)
	freeText := "My ex-husband " + FreeTextReasonWord + " found it and I am afraid. " + strings.Repeat("Please remove everything. ", 40)
	at := time.Now()
	err := st.WithTx(ctx, func(tx storage.Tx) error {
		for id, reason := range map[string]string{"free": freeText, "default": "author_request", "coded": "safety"} {
			if err := tx.InsertStory(ctx, sample(id, story.StatusPublished, at), []byte("h")); err != nil {
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
	st = u.Reopen(t, st, append([]string{"DELETE FROM schema_migrations WHERE name = '0006_withdraw_reason_codes.sql'"}, undo...)...)
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
	if err := u.Exec(ctx, st, "UPDATE audit_log SET reason = 'x'"); err == nil {
		t.Error("the audit log is no longer append-only after the upgrade")
	}
	return st
}

// ErasedWords are the words of the story EraseAndPurge writes and erases,
// in the case the search index keeps them too.
var ErasedWords = []string{"Quillfeatherson", "quillfeatherson", "Example Road", "Plumequillard", "rue Exemplaire"}

// EraseAndPurge publishes a story with a translation, erases it and
// purges: search no longer finds it. The caller then looks for
// ErasedWords in the backend's files.
func EraseAndPurge(t *testing.T, st storage.Store) {
	t.Helper()
	ctx := context.Background()
	s := sample("secret", story.StatusPublished, time.Now())
	s.Title, s.Body = "Quillfeatherson story", "My name is Quillfeatherson and I live at 12 Example Road."
	s.DisplayName, s.Themes, s.Consent.Translate = "Quillfeatherson", []string{"work"}, true
	err := st.WithTx(ctx, func(tx storage.Tx) error {
		if err := tx.InsertStory(ctx, s, []byte("h")); err != nil {
			return err
		}
		return tx.PutStoryTranslation(ctx, &story.Translation{StoryID: "secret", Language: "fr", Title: "Histoire de Plumequillard",
			Body: "Je m'appelle Plumequillard et j'habite 12 rue Exemplaire.", Credit: "Léa", Origin: story.OriginHuman,
			Status: story.TranslationPublished, CreatedAt: time.Now(), UpdatedAt: time.Now(), PublishedAt: time.Now()})
	})
	if err != nil {
		t.Fatal(err)
	}
	if page, _ := st.PublishedStories(ctx, story.Filter{Query: "quillfeatherson"}); len(page.Stories) != 1 {
		t.Fatal("story not searchable before erasure")
	}
	err = st.WithTx(ctx, func(tx storage.Tx) error { return tx.EraseStory(ctx, "secret", "author_request", time.Now()) })
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PurgeErased(ctx); err != nil {
		t.Fatal(err)
	}
	if page, _ := st.PublishedStories(ctx, story.Filter{Query: "quillfeatherson"}); len(page.Stories) != 0 {
		t.Fatal("erased story still found right after the purge")
	}
}
