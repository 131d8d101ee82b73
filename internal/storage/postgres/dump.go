package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"chorus/internal/storage"
	"chorus/internal/storage/sqlstore"
)

// Dump reads the whole database in one read-only, repeatable-read
// transaction: one snapshot, while other sessions keep writing. Rows are
// streamed from the server as fn consumes them.
func (s *Store) Dump(ctx context.Context, counts func(storage.Counts) error, fn func(storage.Record) error) error {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return domainError("dump", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	return sqlstore.NewQueries(pgxDB{tx}, s.d).Dump(ctx, counts, fn)
}

// Load writes records into the empty database in one transaction. The
// tables are locked first (SHARE ROW EXCLUSIVE: readers go on, writers and
// a second Load wait), so the emptiness checked holds until the commit; on
// any error the transaction is rolled back and the database stays empty.
// Users and audit entries keep their ids (the audit log's ALWAYS identity
// is overridden, which is an insert, so the append-only triggers are not
// involved) and both identity sequences are moved past the largest id.
func (s *Store) Load(ctx context.Context, next func() (storage.Record, error)) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return domainError("load", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	tables := append(sqlstore.RecordTables(), "story_themes")
	if _, err := tx.Exec(ctx, "LOCK TABLE "+strings.Join(tables, ", ")+" IN SHARE ROW EXCLUSIVE MODE"); err != nil {
		return domainError("load lock", err)
	}
	if err := s.newTx(tx).Load(ctx, next); err != nil {
		return err
	}
	for _, table := range []string{"users", "audit_log"} {
		if _, err := tx.Exec(ctx, fmt.Sprintf("SELECT setval(pg_get_serial_sequence('%s', 'id'), (SELECT max(id) FROM %s))", table, table)); err != nil {
			return domainError("load: move "+table+" ids on", err)
		}
	}
	return domainError("load commit", tx.Commit(ctx))
}
