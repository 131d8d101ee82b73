// Package postgres is the PostgreSQL storage backend, for when one machine
// is outgrown: several chorus processes share one database through pgx
// connection pools. It passes the same conformance suite as the embedded
// SQLite backend and mirrors its behaviour.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"chorus/internal/storage"
	"chorus/internal/storage/jobqueue"
	"chorus/internal/storage/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Advisory lock keys, database-wide: one for migrations, one for purges.
const (
	migrationLock int64 = 0x63686f7275730001 // "chorus" 1
	purgeLock     int64 = 0x63686f7275730002
)

// Store is a PostgreSQL database reached through a connection pool.
type Store struct {
	pool                   *pgxpool.Pool
	created                bool
	*jobqueue.Jobs[pgx.Tx] // the job methods of storage.Store
	sqlstore.Queries
	d dialect
}

var _ sqlstore.Backend = (*Store)(nil)

// Open connects to the database at url (a postgres:// URL or a key=value
// connection string; unknown parameters such as search_path are sent as
// run-time settings), applies the migrations not yet applied and returns the
// store. Several processes may Open the same database at once: migrations
// run under an advisory lock, so each is applied once.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// The error may quote the URL, password included.
		return nil, errors.New("postgres: the database URL cannot be parsed")
	}
	if !strings.Contains(url, "pool_max_conns") {
		// The driver's default (4, or the CPU count) starves a node under
		// load; the URL's pool_max_conns overrides this.
		cfg.MaxConns = int32(max(16, 4*runtime.NumCPU()))
	}
	if _, set := cfg.ConnConfig.RuntimeParams["plan_cache_mode"]; !set {
		// Prepared statements are cached; a generic plan cannot see whether
		// a searched word is rare, and walks the whole table for it.
		cfg.ConnConfig.RuntimeParams["plan_cache_mode"] = "force_custom_plan"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, domainError("connect", err)
	}
	s := &Store{pool: pool}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	var folded string
	if err := pool.QueryRow(ctx, "SELECT chorus_fold('É')").Scan(&folded); err != nil {
		pool.Close()
		return nil, domainError("check search folding", err)
	}
	s.d = dialect{search{goFold: folded != "e"}}
	s.Queries = sqlstore.NewQueries(pgxDB{pool}, s.d)
	if err := s.rebuildSearch(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	if s.Jobs, err = s.openJobs(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	if err := s.fillStoryTallies(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// fillStoryTallies counts the stories of a database opened for the first
// time since the tallies were added. Nodes starting together take turns:
// the second finds the tallies there.
func (s *Store) fillStoryTallies(ctx context.Context) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return domainError("begin", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, "LOCK TABLE story_tallies IN SHARE ROW EXCLUSIVE MODE"); err != nil {
		return domainError("fill story tallies", err)
	}
	if err := s.newTx(tx).FillStoryTallies(ctx); err != nil {
		return err
	}
	return domainError("fill story tallies", tx.Commit(ctx))
}

// openJobs migrates River's tables under an advisory lock, so nodes that
// start together migrate once.
func (s *Store) openJobs(ctx context.Context) (*jobqueue.Jobs[pgx.Tx], error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, domainError("job queue", err)
	}
	defer conn.Release()
	const riverMigrationLock = 0x63686f72 // "chor"
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", riverMigrationLock); err != nil {
		return nil, domainError("job queue lock", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", riverMigrationLock)
	q, err := jobqueue.New(ctx, riverpgxv5.New(s.pool), time.Second)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	return q, nil
}

// Close closes every connection.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Created tells whether this Open applied the first migration, that is,
// created the schema.
func (s *Store) Created() bool { return s.created }

// UnaccentInDatabase tells whether search folding is done by the unaccent
// extension (true) or in Go (false).
func (s *Store) UnaccentInDatabase() bool { return !s.d.goFold }

// WithTx runs fn in one read-committed transaction, committed when fn
// returns nil. Within it, reading a story or a user locks its row (SELECT
// ... FOR UPDATE) until the end of the transaction, so read-check-write
// use-cases (deciding on a pending story, editing it) serialise on that row
// as they do behind SQLite's single writer.
func (s *Store) WithTx(ctx context.Context, fn func(storage.Tx) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return domainError("begin", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) // no-op once committed
	if err := fn(s.newTx(tx)); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return domainError("commit", err)
	}
	return nil
}

// newTx serves storage.Tx from a transaction.
func (s *Store) newTx(tx pgx.Tx) *sqlstore.Tx {
	return sqlstore.NewTx(pgxDB{tx}, s.d, func(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
		return s.Jobs.Enqueue(ctx, tx, args, opts)
	})
}

// PurgeErased runs right after an erasure. It removes the dead row
// versions from the tables and indexes with a plain VACUUM, which takes no
// lock that blocks readers or writers, so the erased text is in no query,
// no index scan and no search result from then on. It does not zero the
// freed bytes: PostgreSQL leaves them in the page's free space until a row
// overwrites them. So it also marks a compaction as due; CompactErased
// (a daily job) rewrites the tables into new files.
func (s *Store) PurgeErased(ctx context.Context) error {
	if _, err := s.pool.Exec(ctx, "UPDATE maintenance SET value = true WHERE key = 'compaction_due'"); err != nil {
		return domainError("purge", err)
	}
	if _, err := s.pool.Exec(ctx, "VACUUM stories, story_themes, story_translations, audit_log, users, consent_records"); err != nil {
		return domainError("vacuum", err)
	}
	return nil
}

// CompactErased makes erased text leave the database's table and index
// files, when an erasure happened since the last compaction.
//
// stories (with its TOAST table, where long bodies live, and every index,
// the search index included: GIN keeps a word as an entry key after its
// last posting is gone), story_translations (deleted with their story's
// text), audit_log (whose erased notes linger the same way) and users
// (whose second-factor secrets were once stored in plain text) and
// consent_records (who consented to a withdrawn story, deleted with it) are
// rewritten by VACUUM FULL into new files, and the old files are deleted. VACUUM FULL holds an exclusive lock on each table while it
// copies it: seconds per hundred thousand stories, which is why it runs
// once a day at a quiet hour rather than after every withdrawal.
// lock_timeout bounds the wait behind a long reader, after which it fails
// with a busy error and the job retries. One compaction runs at a time
// across processes.
//
// What this cannot reach, and operators must cover by policy:
//   - a snapshot still open in another session keeps the dead tuple alive
//     (VACUUM FULL then copies it) until the next compaction after it ends;
//   - the deleted files' blocks stay on the disk until the file system
//     reuses them (as with SQLite's freed pages on the host);
//   - the write-ahead log holds the old text until its segments are
//     recycled (after checkpoints, within max_wal_size/wal_keep_size); WAL
//     archives, replication slots and replicas' logs hold it as long as they
//     are kept;
//   - base backups and dumps taken before the erasure hold it until they
//     expire: their retention must be short enough to honour withdrawals.
func (s *Store) CompactErased(ctx context.Context) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return domainError("compact", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", purgeLock); err != nil {
		return domainError("compact lock", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", purgeLock)
	var due bool
	if err := conn.QueryRow(ctx, "SELECT value FROM maintenance WHERE key = 'compaction_due'").Scan(&due); err != nil {
		return domainError("compact", err)
	}
	if !due {
		return nil
	}
	// Cleared first: an erasure committed while the tables are copied sets
	// it again, and the next compaction covers it.
	if _, err := conn.Exec(ctx, "UPDATE maintenance SET value = false WHERE key = 'compaction_due'"); err != nil {
		return domainError("compact", err)
	}
	if _, err := conn.Exec(ctx, "SET lock_timeout = '10s'"); err != nil {
		return domainError("compact", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "RESET lock_timeout")
	if _, err := conn.Exec(ctx, "VACUUM (FULL) stories, story_translations, audit_log, users, consent_records"); err != nil {
		conn.Exec(context.WithoutCancel(ctx), "UPDATE maintenance SET value = true WHERE key = 'compaction_due'")
		return domainError("vacuum full", err)
	}
	return nil
}

func (s *Store) migrate(ctx context.Context) error {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for i, name := range names {
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		base := strings.TrimPrefix(name, "migrations/")
		applied, err := s.applyMigration(ctx, base, string(body))
		if err != nil {
			return err
		}
		if applied && i == 0 {
			s.created = true
		}
	}
	return nil
}

// applyMigration applies one migration in its own transaction unless it was
// already recorded. The advisory lock is taken first, so a process starting
// beside another waits for it and then finds the migration done.
func (s *Store) applyMigration(ctx context.Context, name, body string) (applied bool, err error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return false, fmt.Errorf("postgres: migration %s: %w", name, domainError("begin", err))
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", migrationLock); err != nil {
		return false, fmt.Errorf("postgres: migration lock: %w", domainError("lock", err))
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name text PRIMARY KEY, applied_at timestamptz NOT NULL)`); err != nil {
		return false, fmt.Errorf("postgres: migrations table: %w", err)
	}
	var done bool
	if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE name = $1)", name).Scan(&done); err != nil {
		return false, fmt.Errorf("postgres: read migrations: %w", err)
	}
	if done {
		return false, tx.Commit(ctx)
	}
	if _, err := tx.Exec(ctx, body); err != nil {
		return false, fmt.Errorf("postgres: migration %s: %w", name, err)
	}
	if _, err := tx.Exec(ctx, "INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)", name, time.Now().UTC()); err != nil {
		return false, fmt.Errorf("postgres: record migration %s: %w", name, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return false, fmt.Errorf("postgres: migration %s: %w", name, err)
	}
	return true, nil
}
