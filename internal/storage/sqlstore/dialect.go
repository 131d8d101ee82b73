package sqlstore

import (
	"context"
	"time"

	"chorus/internal/story"
)

// Dialect is what the two databases do differently. Each backend
// implements it in one small file; everything else is shared.
type Dialect interface {
	// Error turns a driver error into a domain error (story.Error); nil
	// stays nil and domain errors pass through.
	Error(op string, err error) error

	// Time, NullTime and SortedTime encode a time argument. Zero is "none":
	// SQLite stores every time as microseconds, 0 for none; PostgreSQL
	// stores timestamptz, NULL for none where a column may be NULL
	// (NullTime) and -infinity where it must sort and compare (SortedTime).
	// Time is for columns that are never none.
	Time(t time.Time) any
	NullTime(t time.Time) any
	SortedTime(t time.Time) any
	// HasTime is a condition true when the time column is not none.
	HasTime(column string) string
	// List encodes a list of short strings (the story's themes).
	List(items []string) any
	// IsTrue is a condition true when the boolean column is.
	IsTrue(column string) string
	// EqualFold is a condition comparing the text column to the next
	// argument without regard to case, so that it uses the column's index.
	EqualFold(column string) string
	// Before is the condition "published before the cursor", in the
	// newest-first order, on the columns of the table aliased prefix ("s."
	// or ""), written so that it walks the listing indexes.
	Before(prefix string, c *Cursor) Cond
	// KeepIdentity goes between the columns and VALUES of an insert that
	// writes a generated id column itself (a load).
	KeepIdentity() string
	// ForUpdate is appended to single-row reads in a transaction: "" where
	// transactions are serialised anyway (SQLite's single writer).
	ForUpdate() string
	// Day is the expression of a time column's day, UTC, as YYYY-MM-DD.
	Day(column string) string

	Search
}

// Search is the full-text index of published stories.
type Search interface {
	// SearchColumn is an extra stories column written with every story
	// ("" when the index lives elsewhere), and expr the SQL of its value,
	// with one placeholder for SearchValue.
	SearchColumn() (column, expr string)
	SearchValue(s *story.Story) any
	// Reindex brings the index up to date after a story was written
	// (which may have left or entered the published set).
	Reindex(ctx context.Context, db DB, s *story.Story) error
	// Unindex removes an erased story from the index, before its text is
	// cleared.
	Unindex(ctx context.Context, db DB, id string) error
	// SearchStories lists the published stories of l matching the free
	// text query, by running l with a condition of its own; none when the
	// query holds no word to search.
	SearchStories(ctx context.Context, db DB, l Listing, query string) ([]*story.Story, error)
}
