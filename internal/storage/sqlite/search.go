package sqlite

import (
	"context"
	"fmt"
	"strings"

	"chorus/internal/storage/sqlstore"
	"chorus/internal/story"
)

// search is the FTS5 table story_search, whose rowids are the stories'.
type search struct{}

func (search) SearchColumn() (string, string) { return "", "" }
func (search) SearchValue(s *story.Story) any { return nil }

// Unindex removes a story from the search index. The index keeps the
// removed words as keys until it is rewritten, so the removal marks it for
// the next purge.
func (search) Unindex(ctx context.Context, db sqlstore.DB, id string) error {
	n, err := db.Exec(ctx, "DELETE FROM story_search WHERE rowid = (SELECT rowid FROM stories WHERE id = ?)", id)
	if err != nil {
		return domainError("search index", err)
	}
	if n > 0 {
		if _, err := db.Exec(ctx, "UPDATE maintenance SET value = 1 WHERE key = 'search_dirty'"); err != nil {
			return domainError("search index", err)
		}
	}
	return nil
}

// Reindex keeps the index holding exactly the published stories.
func (se search) Reindex(ctx context.Context, db sqlstore.DB, s *story.Story) error {
	if err := se.Unindex(ctx, db, s.ID); err != nil {
		return err
	}
	if s.Status != story.StatusPublished {
		return nil
	}
	_, err := db.Exec(ctx, "INSERT INTO story_search (rowid, title, body) SELECT rowid, ?, ? FROM stories WHERE id = ?",
		sqlstore.SearchText(s.Title), sqlstore.SearchText(s.Body), s.ID)
	return domainError("search index", err)
}

// rebuildSearch refills the index from the published stories when a
// migration asked for it (the text it holds is prepared differently).
func (s *Store) rebuildSearch(ctx context.Context) error {
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: rebuild search index: %w", err)
	}
	defer tx.Rollback()
	var wanted int
	if err := tx.QueryRowContext(ctx, "SELECT value FROM maintenance WHERE key = 'search_rebuild'").Scan(&wanted); err != nil || wanted == 0 {
		return domainError("search index state", err)
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM story_search"); err != nil {
		return domainError("rebuild search index", err)
	}
	rows, err := tx.QueryContext(ctx, "SELECT rowid, title, body FROM stories WHERE status = 'published'")
	if err != nil {
		return domainError("rebuild search index", err)
	}
	type entry struct {
		rowid       int64
		title, body string
	}
	var entries []entry
	for rows.Next() {
		var e entry
		if err := rows.Scan(&e.rowid, &e.title, &e.body); err != nil {
			rows.Close()
			return domainError("rebuild search index", err)
		}
		entries = append(entries, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return domainError("rebuild search index", err)
	}
	for _, e := range entries {
		if _, err := tx.ExecContext(ctx, "INSERT INTO story_search (rowid, title, body) VALUES (?, ?, ?)",
			e.rowid, sqlstore.SearchText(e.title), sqlstore.SearchText(e.body)); err != nil {
			return domainError("rebuild search index", err)
		}
	}
	// The former words stay as keys until the next purge rewrites the index.
	if _, err := tx.ExecContext(ctx, "UPDATE maintenance SET value = CASE key WHEN 'search_rebuild' THEN 0 ELSE 1 END WHERE key IN ('search_rebuild', 'search_dirty')"); err != nil {
		return domainError("search index state", err)
	}
	return tx.Commit()
}

// ftsQuery turns free text into an FTS5 query matching every word, the last
// one as a prefix, with FTS syntax characters neutralised.
func ftsQuery(text string) string {
	words := strings.FieldsFunc(sqlstore.SearchText(text), func(r rune) bool {
		return r == '"' || r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '*' || r == '^' || r == ':' || r == '(' || r == ')' || r == '+' || r == '-'
	})
	if len(words) > 12 {
		words = words[:12]
	}
	for i, w := range words {
		words[i] = `"` + w + `"`
	}
	if len(words) > 0 {
		words[len(words)-1] += "*"
	}
	return strings.Join(words, " ")
}

// searchFetchLimit is the most matches fetched by rowid and sorted; above
// it, walking the date index is cheaper.
const searchFetchLimit = 500

// SearchStories answers a rare word from its few matches, a common one by
// walking the stories in date order and testing each against the index,
// which stops as soon as a page is full.
func (search) SearchStories(ctx context.Context, db sqlstore.DB, l sqlstore.Listing, query string) ([]*story.Story, error) {
	match := ftsQuery(query)
	if match == "" {
		return nil, nil
	}
	rows, err := db.Query(ctx, "SELECT rowid FROM story_search WHERE story_search MATCH ? LIMIT ?", match, searchFetchLimit+1)
	if err != nil {
		return nil, domainError("search", err)
	}
	var (
		rowids []any
		id     int64 // one scan target for every row: it escapes through the Rows interface
	)
	for rows.Next() {
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, domainError("search", err)
		}
		rowids = append(rowids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, domainError("search", err)
	}
	where := l.Where
	switch {
	case len(rowids) == 0:
		return nil, nil
	case len(rowids) <= searchFetchLimit:
		// The unary + keeps SQLite from walking the status index: the
		// few matches are fetched by rowid and sorted instead.
		where = append([]sqlstore.Cond{{SQL: "+s.status = 'published'"}}, where[1:]...)
		where = append(where, sqlstore.Cond{SQL: "s.rowid IN (" + sqlstore.Placeholders(len(rowids)) + ")", Args: rowids})
	default:
		where = append(where[:len(where):len(where)], sqlstore.Cond{SQL: "s.rowid IN (SELECT rowid FROM story_search WHERE story_search MATCH ?)", Args: []any{match}})
	}
	return l.Run(ctx, l.From(), where, sqlstore.NewestFirst)
}
