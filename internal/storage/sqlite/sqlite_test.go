package sqlite

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"chorus/internal/audit"
	"chorus/internal/storage"
	"chorus/internal/storage/storagetest"
	"chorus/internal/story"
)

func openTemp(t *testing.T) *Store {
	t.Helper()
	return openPath(t, filepath.Join(t.TempDir(), "chorus.db"))
}

func openPath(t *testing.T, path string) *Store {
	t.Helper()
	st, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Store { return openTemp(t) })
}

func TestReopenKeepsDataAndMigratesOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "chorus.db")
	ctx := context.Background()
	st, err := Open(ctx, path)
	if err != nil || !st.Created() {
		t.Fatalf("first open: %v created=%v", err, st.Created())
	}
	err = st.WithTx(ctx, func(tx storage.Tx) error {
		return tx.AppendAudit(ctx, audit.Entry{At: time.Now(), Actor: "system", Action: "test", SubjectID: "x"})
	})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	st, err = Open(ctx, path)
	if err != nil || st.Created() {
		t.Fatalf("second open: %v created=%v", err, st.Created())
	}
	defer st.Close()
	if entries, _ := st.Audit(ctx, "x"); len(entries) != 1 {
		t.Fatalf("data lost on reopen: %v", entries)
	}
}

func TestTalliesFilledOnOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "chorus.db")
	st := openPath(t, path)
	storagetest.TalliesFilledOnOpen(t, st,
		func() {
			if _, err := st.writer.Exec("DELETE FROM story_tallies"); err != nil {
				t.Fatal(err)
			}
		},
		func() storage.Store {
			st.Close()
			return openPath(t, path)
		})
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	st := openTemp(t)
	ctx := context.Background()
	st.WithTx(ctx, func(tx storage.Tx) error {
		return tx.AppendAudit(ctx, audit.Entry{At: time.Now(), Actor: "user:1", Action: "approve", SubjectID: "s", Note: "fine"})
	})
	for _, q := range []string{"DELETE FROM audit_log", "UPDATE audit_log SET action = 'reject'", "UPDATE audit_log SET note = 'other'"} {
		if _, err := st.writer.ExecContext(ctx, q); err == nil {
			t.Errorf("%q was allowed", q)
		}
	}
	if _, err := st.writer.ExecContext(ctx, "UPDATE audit_log SET note = ''"); err != nil {
		t.Errorf("blanking a note on erasure refused: %v", err)
	}
}

// TestErasedWordsLeaveTheFiles checks the raw bytes of the database and its
// write-ahead log after an erasure, with readers open.
func TestErasedWordsLeaveTheFiles(t *testing.T) {
	st := openTemp(t)
	storagetest.EraseAndPurge(t, st)
	for name, data := range storeFiles(st) {
		for _, needle := range storagetest.ErasedWords {
			if bytes.Contains(data, []byte(needle)) {
				t.Errorf("%s still holds %q", name, needle)
			}
		}
	}
}

// storeFiles reads every file in the folder of st's database: the
// database, its write-ahead log and what else SQLite keeps beside it.
func storeFiles(st *Store) map[string][]byte {
	dir := filepath.Dir(st.Path())
	entries, _ := os.ReadDir(dir)
	files := make(map[string][]byte, len(entries))
	for _, e := range entries {
		files[e.Name()], _ = os.ReadFile(filepath.Join(dir, e.Name()))
	}
	return files
}

// TestRedactedWordsLeaveTheSearchIndex changes a published story's text,
// as a redaction does: after the purge, the removed word is in no file.
func TestRedactedWordsLeaveTheSearchIndex(t *testing.T) {
	st := openTemp(t)
	ctx := context.Background()
	s := &story.Story{ID: "redact", Status: story.StatusPublished, Title: "Winter", Body: "Call Marguerithaxx at home for help.",
		Language: "en", Country: "CA", Identity: story.IdentityOther, Anonymous: true, CreatedAt: time.Now(), UpdatedAt: time.Now(), PublishedAt: time.Now()}
	if err := st.WithTx(ctx, func(tx storage.Tx) error { return tx.InsertStory(ctx, s, []byte("h")) }); err != nil {
		t.Fatal(err)
	}
	s.Body = "Call [name removed] at home for help."
	if err := st.WithTx(ctx, func(tx storage.Tx) error { return tx.UpdateStory(ctx, s) }); err != nil {
		t.Fatal(err)
	}
	if err := st.PurgeErased(ctx); err != nil {
		t.Fatal(err)
	}
	for name, data := range storeFiles(st) {
		if bytes.Contains(bytes.ToLower(data), []byte("marguerithaxx")) {
			t.Errorf("%s still holds the redacted word", name)
		}
	}
	if page, _ := st.PublishedStories(ctx, story.Filter{Query: "home"}); len(page.Stories) != 1 {
		t.Error("the redacted story is no longer searchable")
	}
}

// TestTranslationMigrationOnAnOldDatabase opens a database made before
// consent to translation was asked: its stories do not consent, and the
// migration runner applies 0005 although 0003 and 0004 are not there.
func TestTranslationMigrationOnAnOldDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "chorus.db")
	ctx := context.Background()
	st, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	old := &story.Story{ID: "old", Status: story.StatusPublished, Title: "Before", Body: "Told before translations existed.",
		Language: "en", Country: "CA", Identity: story.IdentityOther, Anonymous: true, CreatedAt: time.Now(), UpdatedAt: time.Now(), PublishedAt: time.Now()}
	if err := st.WithTx(ctx, func(tx storage.Tx) error { return tx.InsertStory(ctx, old, []byte("h")) }); err != nil {
		t.Fatal(err)
	}
	// Undo 0005 as if it had never run.
	undo := []string{"DROP TABLE story_translations", "DROP INDEX stories_open_for_translation",
		"ALTER TABLE stories DROP COLUMN consent_translate", "DELETE FROM schema_migrations WHERE name = '0005_story_translations.sql'"}
	for _, q := range undo {
		if _, err := st.writer.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	st.Close()

	st, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("upgrade: %v", err)
	}
	defer st.Close()
	got, err := st.Story(ctx, "old")
	if err != nil || got.Consent.Translate || got.Title != "Before" {
		t.Fatalf("old story after the upgrade: %+v %v", got, err)
	}
	if page, _ := st.TranslatableStories(ctx, "", 10); len(page.Stories) != 0 {
		t.Error("an old story is open for translation without its author's consent")
	}
}
