package sqlite

import (
	"strings"
	"time"

	"chorus/internal/storage/sqlstore"
)

// dialect is SQLite's side of the shared query layer: times are
// microseconds (0 for none), lists comma-separated text, booleans 0 and 1,
// and transactions need no row locks behind the one writer connection.
type dialect struct{ search }

var _ sqlstore.Dialect = dialect{}

func (dialect) Error(op string, err error) error { return domainError(op, err) }

func (dialect) Time(t time.Time) any       { return sqlstore.Micros(t) }
func (dialect) NullTime(t time.Time) any   { return sqlstore.Micros(t) }
func (dialect) SortedTime(t time.Time) any { return sqlstore.Micros(t) }
func (dialect) HasTime(column string) string {
	return "(" + column + " <> 0)"
}

func (dialect) List(items []string) any { return strings.Join(items, ",") }

func (dialect) IsTrue(column string) string    { return column + " = 1" }
func (dialect) EqualFold(column string) string { return column + " = ?" } // the column is COLLATE NOCASE
func (dialect) KeepIdentity() string           { return "" }
func (dialect) ForUpdate() string              { return "" }
func (dialect) Day(column string) string {
	return "strftime('%Y-%m-%d', " + column + " / 1000000, 'unixepoch')"
}

func (dialect) Before(prefix string, c *sqlstore.Cursor) sqlstore.Cond {
	at := sqlstore.Micros(c.At)
	return sqlstore.Cond{SQL: "(" + prefix + "published_at < ? OR (" + prefix + "published_at = ? AND " + prefix + "id < ?))", Args: []any{at, at, c.ID}}
}
