package sqlite

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"chorus/internal/storage"
	"chorus/internal/story"
)

// TestSearchIndexRebuiltWhenAsked: an index written with other rules (here,
// the raw text) is rebuilt from the published stories on open once a
// migration asks for it, and only then.
func TestSearchIndexRebuiltWhenAsked(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "chorus.db")
	st, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	published := &story.Story{ID: "zh1", Status: story.StatusPublished, Title: "我们的社区", Body: "邻居们每天都来帮忙", Language: "zh",
		Country: "CA", Identity: story.IdentityMigrant, Consent: story.Consent{Publish: true}, CreatedAt: at, UpdatedAt: at, PublishedAt: at}
	pending := &story.Story{ID: "zh2", Status: story.StatusPending, Title: "社区的秘密", Body: "还在等待审核的故事", Language: "zh",
		Country: "CA", Identity: story.IdentityMigrant, Consent: story.Consent{Publish: true}, CreatedAt: at, UpdatedAt: at}
	err = st.WithTx(ctx, func(tx storage.Tx) error {
		for _, s := range []*story.Story{published, pending} {
			if err := tx.InsertStory(ctx, s, []byte("hash-"+s.ID)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// As an index of the former rules holds it: the raw text, no pairs.
	if _, err := st.writer.ExecContext(ctx, "DELETE FROM story_search"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.writer.ExecContext(ctx, "INSERT INTO story_search (rowid, title, body) SELECT rowid, title, body FROM stories WHERE id = 'zh1'"); err != nil {
		t.Fatal(err)
	}
	found := func(st *Store) []string {
		page, err := st.PublishedStories(ctx, story.Filter{Query: "社区"})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, s := range page.Stories {
			ids = append(ids, s.ID)
		}
		return ids
	}
	st.Close()

	st, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if ids := found(st); len(ids) != 0 {
		t.Fatalf("the index was rebuilt without being asked: %v", ids)
	}
	if _, err := st.writer.ExecContext(ctx, "UPDATE maintenance SET value = 1 WHERE key = 'search_rebuild'"); err != nil {
		t.Fatal(err)
	}
	st.Close()

	st, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if ids := found(st); len(ids) != 1 || ids[0] != "zh1" {
		t.Errorf("after the rebuild, the search finds %v, want [zh1]", ids)
	}
	var rebuild, dirty int
	st.writer.QueryRowContext(ctx, "SELECT (SELECT value FROM maintenance WHERE key = 'search_rebuild'), (SELECT value FROM maintenance WHERE key = 'search_dirty')").Scan(&rebuild, &dirty)
	if rebuild != 0 || dirty != 1 {
		t.Errorf("after the rebuild: search_rebuild %d, search_dirty %d", rebuild, dirty)
	}
}
