// Package sqlstore is the one query layer of both storage backends: every
// query of storage.Reader and storage.Tx is written here once, in SQL that
// SQLite and PostgreSQL both accept, with "?" placeholders. What the two
// databases do differently (placeholders, time and list types, full-text
// search, row locks, error codes) is asked of a Dialect, implemented in a
// small file of each backend.
package sqlstore

import (
	"context"
	"database/sql"
)

// DB is what a connection pool and a transaction have in common, for
// either driver. Queries use "?" placeholders; a dialect whose database
// numbers them rewrites them on the way.
type DB interface {
	// Exec runs a statement and returns how many rows it touched.
	Exec(ctx context.Context, query string, args ...any) (int64, error)
	Query(ctx context.Context, query string, args ...any) (Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) Row
}

// Row is one result row.
type Row interface{ Scan(dest ...any) error }

// Rows is a result set, read row by row.
type Rows interface {
	Row
	Next() bool
	Err() error
	Close()
}

// sqlQuerier is what *sql.DB, *sql.Conn and *sql.Tx have in common.
type sqlQuerier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// StdDB serves DB from database/sql.
type StdDB struct{ DB sqlQuerier }

func (s StdDB) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := s.DB.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (s StdDB) Query(ctx context.Context, query string, args ...any) (Rows, error) {
	rows, err := s.DB.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return stdRows{rows}, nil
}

func (s StdDB) QueryRow(ctx context.Context, query string, args ...any) Row {
	return s.DB.QueryRowContext(ctx, query, args...)
}

type stdRows struct{ *sql.Rows }

func (r stdRows) Close() { r.Rows.Close() }
