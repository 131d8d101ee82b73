// Package sqlite is the embedded storage backend: one SQLite file in WAL
// mode, one writer connection and a pool of readers.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	sqlite3 "modernc.org/sqlite"
	sqlite3lib "modernc.org/sqlite/lib"

	"chorus/internal/storage"
	"chorus/internal/storage/jobqueue"
	"chorus/internal/storage/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is a SQLite database file.
type Store struct {
	path                    string
	created                 bool
	*jobqueue.Jobs[*sql.Tx] // the job methods of storage.Store
	writer                  *sql.DB
	reader                  *sql.DB
	sqlstore.Queries
}

var _ sqlstore.Backend = (*Store)(nil)

// Open opens (creating if needed) the database at path and applies migrations.
func Open(ctx context.Context, path string) (*Store, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: resolve path: %w", err)
	}
	pragmas := []string{
		"busy_timeout(10000)",
		"foreign_keys(1)",
		"secure_delete(1)",
		"journal_mode(WAL)",
		"synchronous(FULL)",
	}
	dsn := func(extra ...string) string {
		q := url.Values{}
		for _, p := range append(pragmas, extra...) {
			q.Add("_pragma", p)
		}
		return "file:" + abs + "?" + q.Encode()
	}
	writer, err := sql.Open("sqlite", dsn()+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("sqlite: open writer: %w", err)
	}
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxLifetime(0)
	if err := writer.PingContext(ctx); err != nil {
		writer.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", filepath.Base(abs), err)
	}
	s := &Store{path: abs, writer: writer}
	if err := s.migrate(ctx); err != nil {
		writer.Close()
		return nil, err
	}
	if err := s.rebuildSearch(ctx); err != nil {
		writer.Close()
		return nil, err
	}
	// River shares the one writer connection: a job is inserted with the
	// transaction that holds it.
	s.Jobs, err = jobqueue.New(ctx, riversqlite.New(writer), 500*time.Millisecond)
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	reader, err := sql.Open("sqlite", dsn("query_only(1)"))
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("sqlite: open readers: %w", err)
	}
	readers := max(4, runtime.NumCPU()*2)
	reader.SetMaxOpenConns(readers)
	reader.SetMaxIdleConns(readers)
	s.reader = reader
	s.Queries = sqlstore.NewQueries(sqlstore.StdDB{DB: reader}, dialect{})
	if err := s.fillStoryTallies(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// fillStoryTallies counts the stories of a database opened for the first
// time since the tallies were added.
func (s *Store) fillStoryTallies(ctx context.Context) error {
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return domainError("begin", err)
	}
	defer tx.Rollback()
	if err := s.newTx(tx).FillStoryTallies(ctx); err != nil {
		return err
	}
	return domainError("fill story tallies", tx.Commit())
}

// Path is the database file's absolute path.
func (s *Store) Path() string { return s.path }

// Close closes every connection.
func (s *Store) Close() error {
	return errors.Join(s.reader.Close(), s.writer.Close())
}

// WithTx runs fn in an immediate (write-locking) transaction.
func (s *Store) WithTx(ctx context.Context, fn func(storage.Tx) error) error {
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return domainError("begin", err)
	}
	if err := fn(s.newTx(tx)); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return domainError("commit", err)
	}
	return nil
}

// newTx serves storage.Tx from a transaction on the writer connection.
func (s *Store) newTx(tx *sql.Tx) *sqlstore.Tx {
	return sqlstore.NewTx(sqlstore.StdDB{DB: tx}, dialect{}, func(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
		return s.Jobs.Enqueue(ctx, tx, args, opts)
	})
}

// PurgeErased makes erased text unrecoverable from the files. The search
// index keeps a deleted word as a term key until its segments are merged,
// even in secure-delete mode, so it is rewritten first; then the
// write-ahead log is moved into the database file (whose freed pages
// secure_delete has zeroed) and truncated. Readers holding old snapshots can
// delay the checkpoint, so it retries briefly.
func (s *Store) PurgeErased(ctx context.Context) error {
	err := s.WithTx(ctx, func(tx storage.Tx) error {
		db := tx.(*sqlstore.Tx).DB
		var dirty int
		if err := db.QueryRow(ctx, "SELECT value FROM maintenance WHERE key = 'search_dirty'").Scan(&dirty); err != nil {
			return domainError("search index state", err)
		}
		if dirty == 0 {
			return nil
		}
		if _, err := db.Exec(ctx, "INSERT INTO story_search (story_search) VALUES ('optimize')"); err != nil {
			return domainError("optimize search index", err)
		}
		_, err := db.Exec(ctx, "UPDATE maintenance SET value = 0 WHERE key = 'search_dirty'")
		return domainError("search index state", err)
	})
	if err != nil {
		return err
	}
	var lastErr error
	for attempt := 0; attempt < 50; attempt++ {
		var busy, logFrames, checkpointed int
		err := s.writer.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logFrames, &checkpointed)
		if err == nil && busy == 0 {
			return nil
		}
		lastErr = err
		if lastErr == nil {
			lastErr = errors.New("readers kept the log busy")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	return fmt.Errorf("sqlite: checkpoint: %w", lastErr)
}

// CompactErased has nothing left to do on SQLite: PurgeErased already
// rewrote the search index and truncated the log.
func (s *Store) CompactErased(ctx context.Context) error { return nil }

// Backup writes a consistent copy of the database to path while it serves.
func (s *Store) Backup(ctx context.Context, path string) error {
	_, err := s.writer.ExecContext(ctx, "VACUUM INTO ?", path)
	return domainError("backup", err)
}

func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.writer.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("sqlite: migrations table: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		var n int
		if err := s.writer.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations WHERE name = ?", base).Scan(&n); err != nil {
			return fmt.Errorf("sqlite: read migrations: %w", err)
		}
		if n > 0 {
			continue
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		tx, err := s.writer.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("sqlite: migration %s: %w", base, err)
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			tx.Rollback()
			return fmt.Errorf("sqlite: migration %s: %w", base, err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)", base, time.Now().Unix()); err != nil {
			tx.Rollback()
			return fmt.Errorf("sqlite: record migration %s: %w", base, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("sqlite: migration %s: %w", base, err)
		}
		if base == names[0][len("migrations/"):] {
			s.created = true
		}
	}
	return nil
}

// Created tells whether this Open created the database.
func (s *Store) Created() bool { return s.created }

// domainError turns driver errors into domain errors; nil stays nil.
func domainError(op string, err error) error {
	wrapped, done := sqlstore.CommonError("sqlite", op, err)
	var le *sqlite3.Error
	if done || !errors.As(err, &le) {
		return wrapped
	}
	switch le.Code() & 0xff {
	case sqlite3lib.SQLITE_CONSTRAINT:
		return sqlstore.Conflict(wrapped)
	case sqlite3lib.SQLITE_FULL, sqlite3lib.SQLITE_IOERR:
		return sqlstore.StorageFull(wrapped)
	case sqlite3lib.SQLITE_BUSY, sqlite3lib.SQLITE_LOCKED:
		return sqlstore.Busy(wrapped)
	}
	return wrapped
}

// DB is the read-only pool, for checks and tools.
func (s *Store) DB() *sql.DB { return s.reader }
