package postgres

import (
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"chorus/internal/storage/sqlstore"
)

// dialect is PostgreSQL's side of the shared query layer: real types
// (timestamptz, text[], boolean), identity columns, and row locks in
// transactions, so that read-check-write use-cases serialise on the row as
// they do behind SQLite's single writer.
type dialect struct{ search }

var _ sqlstore.Dialect = dialect{}

func (dialect) Error(op string, err error) error { return domainError(op, err) }

func (dialect) Time(t time.Time) any { return t }

// NullTime stores none as NULL.
func (dialect) NullTime(t time.Time) any {
	if t.IsZero() {
		return pgtype.Timestamptz{}
	}
	return pgtype.Timestamptz{Time: t, Valid: true}
}

// SortedTime stores none as -infinity, which sorts and compares.
func (dialect) SortedTime(t time.Time) any {
	if t.IsZero() {
		return pgtype.Timestamptz{InfinityModifier: pgtype.NegativeInfinity, Valid: true}
	}
	return pgtype.Timestamptz{Time: t, Valid: true}
}

func (dialect) HasTime(column string) string { return "(" + column + " IS NOT NULL)" }

func (dialect) List(items []string) any {
	if items == nil {
		return []string{}
	}
	return items
}

func (dialect) IsTrue(column string) string { return column }

// EqualFold compares as SQLite's NOCASE column does; the unique index is on
// lower(email).
func (dialect) EqualFold(column string) string { return "lower(" + column + ") = lower(?)" }
func (dialect) KeepIdentity() string           { return " OVERRIDING SYSTEM VALUE" }
func (dialect) ForUpdate() string              { return " FOR UPDATE" }
func (dialect) Day(column string) string {
	return "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
}

func (dialect) Before(prefix string, c *sqlstore.Cursor) sqlstore.Cond {
	return sqlstore.Cond{SQL: "(" + prefix + "published_at, " + prefix + "id) < (?, ?)", Args: []any{(dialect{}).SortedTime(c.At), c.ID}}
}
