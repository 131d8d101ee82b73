package sqlstore

import (
	"context"
	"strings"

	"github.com/riverqueue/river"

	"chorus/internal/storage"
	"chorus/internal/story"
)

// Queries implements storage.Reader over a pool or a transaction.
type Queries struct {
	DB DB
	D  Dialect
	// Lock makes single-row reads lock their row (in a transaction).
	Lock bool
}

// NewQueries reads through db, outside any transaction.
func NewQueries(db DB, d Dialect) Queries { return Queries{DB: db, D: d} }

var _ storage.Reader = Queries{}

func (q Queries) forUpdate() string {
	if q.Lock {
		return q.D.ForUpdate()
	}
	return ""
}

func (q Queries) err(op string, err error) error { return q.D.Error(op, err) }

// Enqueuer adds a job inside the transaction it belongs to.
type Enqueuer func(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error

// Tx implements storage.Tx over one transaction.
type Tx struct {
	Queries
	enqueue Enqueuer
}

// NewTx serves storage.Tx from a transaction; enqueue inserts jobs in it.
func NewTx(db DB, d Dialect, enqueue Enqueuer) *Tx {
	return &Tx{Queries: Queries{DB: db, D: d, Lock: true}, enqueue: enqueue}
}

var _ storage.Tx = (*Tx)(nil)

func (t *Tx) Enqueue(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
	return t.enqueue(ctx, args, opts)
}

// queryAll runs a query and scans every row it returns.
func queryAll[T any](ctx context.Context, q Queries, op string, scan func(Row) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.DB.Query(ctx, query, args...)
	if err != nil {
		return nil, q.err(op, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, q.err(op, err)
		}
		out = append(out, v)
	}
	return out, q.err(op, rows.Err())
}

func scanString(row Row) (string, error) {
	var s string
	err := row.Scan(&s)
	return s, err
}

// oneRow turns a statement that touched no row into story.ErrNotFound.
func (q Queries) oneRow(op string, n int64, err error) error {
	if err != nil {
		return q.err(op, err)
	}
	if n == 0 {
		return story.ErrNotFound
	}
	return nil
}

// Placeholders is "?, ?, …" for n arguments.
func Placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

// Prefixed qualifies every column of a comma-separated list.
func Prefixed(prefix, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = prefix + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// Strings turns a list of strings into query arguments.
func Strings(items []string) []any {
	out := make([]any, len(items))
	for i, s := range items {
		out[i] = s
	}
	return out
}

// Backend is what each storage backend built on this layer provides.
type Backend interface {
	storage.Store
	storage.Dumper
	storage.Loader
}

// insertRows writes items with one statement per hundred rows: head is
// the statement up to its VALUES, tail what follows the rows, and row
// gives an item's values.
func insertRows[T any](ctx context.Context, t *Tx, op, head, tail string, items []T, row func(T) []any) error {
	const batch = 100
	for len(items) > 0 {
		n := min(batch, len(items))
		rows := make([]string, n)
		var args []any
		for i, item := range items[:n] {
			values := row(item)
			rows[i] = "(" + Placeholders(len(values)) + ")"
			args = append(args, values...)
		}
		if _, err := t.DB.Exec(ctx, head+" VALUES "+strings.Join(rows, ", ")+" "+tail, args...); err != nil {
			return t.err(op, err)
		}
		items = items[n:]
	}
	return nil
}
