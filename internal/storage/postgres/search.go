package postgres

import (
	"context"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"chorus/internal/storage/sqlstore"
	"chorus/internal/story"
)

// Search works the same for every language: the "simple" text-search
// configuration (no stemming, no stop words, so English, French, Arabic,
// Spanish and Ukrainian are alike) over lowercased, accent-folded text.
// Folding is done by chorus_fold in the database, which uses the unaccent
// extension when it could be installed. Without it chorus_fold only
// lowercases and the adapter folds accents in Go (foldGo) before indexing
// and before querying, so index and queries always agree.

// maxQueryWords bounds the words of a query, as the SQLite backend does.
const maxQueryWords = 12

// queryWords splits a reader's query into words: runs of letters, marks and
// digits. Everything else (quotes, operators, parentheses, colons,
// asterisks) separates words and never reaches the tsquery parser.
func queryWords(text string, goFold bool) []string {
	words := strings.FieldsFunc(sqlstore.SearchText(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r)
	})
	if len(words) > maxQueryWords {
		words = words[:maxQueryWords]
	}
	out := words[:0]
	for _, w := range words {
		w = fold(w, goFold)
		if w != "" {
			out = append(out, w)
		}
	}
	return out
}

// searchText prepares text for the index (sqlstore.SearchText), folded.
func searchText(text string, goFold bool) string {
	return fold(sqlstore.SearchText(text), goFold)
}

// fold removes accents in Go when the database cannot.
func fold(text string, goFold bool) string {
	if goFold {
		return foldGo(text)
	}
	return text
}

// foldGo removes combining marks after canonical decomposition: "é" → "e",
// "ї" → "і", Arabic short vowels dropped.
func foldGo(text string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, text)
	if err != nil {
		return text
	}
	return out
}

// search is the stories.search column: the words of published stories.
type search struct{ goFold bool }

func (search) SearchColumn() (string, string) {
	return "search", "to_tsvector('simple', chorus_fold(?::text))"
}

// SearchValue is the text to index: NULL unless the story is published.
func (se search) SearchValue(s *story.Story) any {
	if s.Status != story.StatusPublished {
		return nil
	}
	return se.searchText(s.Title + "\n" + s.Body)
}

func (se search) searchText(text string) string { return searchText(text, se.goFold) }

// rebuildSearch fills the search column of the published stories that
// lack it: after a migration emptied it because the text it holds is now
// prepared differently. Several nodes may run it at once: each writes the
// same values.
func (s *Store) rebuildSearch(ctx context.Context) error {
	rows, err := s.pool.Query(ctx, "SELECT id, title, body FROM stories WHERE status = 'published' AND search IS NULL")
	if err != nil {
		return domainError("rebuild search index", err)
	}
	type entry struct{ id, title, body string }
	var entries []entry
	for rows.Next() {
		var e entry
		if err := rows.Scan(&e.id, &e.title, &e.body); err != nil {
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
		if _, err := s.pool.Exec(ctx, "UPDATE stories SET search = to_tsvector('simple', chorus_fold($1::text)) WHERE id = $2 AND status = 'published'",
			s.d.searchText(e.title+"\n"+e.body), e.id); err != nil {
			return domainError("rebuild search index", err)
		}
	}
	return nil
}

// Reindex has nothing to do: the column is written with the story.
func (search) Reindex(context.Context, sqlstore.DB, *story.Story) error { return nil }

// Unindex has nothing to do: erasing sets the column to NULL.
func (search) Unindex(context.Context, sqlstore.DB, string) error { return nil }

// searchWindow is how many of the newest stories a search tests one by one
// before asking the search index for every match.
const searchWindow = 5000

// SearchStories works around a planner that cannot tell a rare word from a
// common one, and walks the stories newest first testing each: quick for a
// common word, a walk of the whole table for a rare one. So it searches the
// newest searchWindow stories that way first; if that does not fill the
// page, it takes every match from the search index and sorts them (the
// OFFSET 0 keeps the planner from turning it back into the walk). Only the
// columns the test needs are read for the window; the few stories found
// are then fetched whole.
func (se search) SearchStories(ctx context.Context, db sqlstore.DB, l sqlstore.Listing, query string) ([]*story.Story, error) {
	words := queryWords(query, se.goFold)
	if len(words) == 0 {
		return nil, nil
	}
	const match = "search @@ chorus_tsquery(?::text[])"
	window := sqlstore.Cond{SQL: "(SELECT id, published_at, search FROM stories WHERE status = 'published'"}
	if l.Cursor != nil {
		before := (dialect{}).Before("", l.Cursor)
		window.SQL += " AND " + before.SQL
		window.Args = append(window.Args, before.Args...)
	}
	window.SQL += " ORDER BY published_at DESC, id DESC LIMIT " + strconv.Itoa(searchWindow) + ") w JOIN stories s ON s.id = w.id" + l.Join.SQL
	window.Args = append(window.Args, l.Join.Args...)
	recent, err := l.Run(ctx, window, append(l.Where[:len(l.Where):len(l.Where)], sqlstore.Cond{SQL: "w." + match, Args: []any{words}}),
		"w.published_at DESC, w.id DESC")
	if err != nil || len(recent) >= l.Limit {
		return recent, err
	}
	all := sqlstore.FromWhere(l.From(), append(l.Where[:len(l.Where):len(l.Where)], sqlstore.Cond{SQL: "s." + match, Args: []any{words}}))
	matches := sqlstore.Cond{SQL: "(SELECT s.* FROM " + all.SQL + " OFFSET 0) s", Args: all.Args}
	return l.Run(ctx, matches, []sqlstore.Cond{{SQL: "TRUE"}}, sqlstore.NewestFirst)
}
