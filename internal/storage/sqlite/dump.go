package sqlite

import (
	"context"

	"chorus/internal/storage"
	"chorus/internal/storage/sqlstore"
)

// Dump reads the whole database in one read transaction: in WAL mode it
// sees one snapshot while the site keeps serving and writing.
func (s *Store) Dump(ctx context.Context, counts func(storage.Counts) error, fn func(storage.Record) error) error {
	tx, err := s.reader.BeginTx(ctx, nil)
	if err != nil {
		return domainError("dump", err)
	}
	defer tx.Rollback()
	return sqlstore.NewQueries(sqlstore.StdDB{DB: tx}, dialect{}).Dump(ctx, counts, fn)
}

// Load writes records into the empty database in one immediate
// transaction, which holds the write lock throughout: nothing else writes
// meanwhile, and on any error nothing is kept. Users and audit entries are
// inserted with their ids (AUTOINCREMENT then continues after the largest).
func (s *Store) Load(ctx context.Context, next func() (storage.Record, error)) error {
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return domainError("load", err)
	}
	defer tx.Rollback()
	if err := s.newTx(tx).Load(ctx, next); err != nil {
		return err
	}
	return domainError("load commit", tx.Commit())
}
