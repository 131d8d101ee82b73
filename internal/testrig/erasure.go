package testrig

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"chorus/internal/storage/postgres/pgtest"
)

// LeftInDatabase lists where the needles are still in the raw bytes of the
// database files after an erasure. On PostgreSQL it first runs the daily
// compaction, which the erasure must have marked as due, retrying for a
// bounded time while a snapshot held elsewhere keeps a dead row alive.
func (r *Rig) LeftInDatabase(needles ...string) []string {
	r.T.Helper()
	if !Postgres() {
		return r.DatabaseFilesHold(needles...)
	}
	ctx := context.Background()
	if !r.compactionDue(ctx) {
		return []string{"no compaction is due: the table files keep what was erased"}
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		if err := r.Store.CompactErased(ctx); err != nil {
			r.T.Fatal(err)
		}
		found := r.DatabaseFilesHold(needles...)
		if len(found) == 0 || time.Now().After(deadline) {
			return found
		}
		time.Sleep(200 * time.Millisecond)
		r.execPostgres(ctx, "UPDATE maintenance SET value = true WHERE key = 'compaction_due'")
	}
}

// DatabaseFilesHold reads the raw bytes of the database files as they are
// and lists where the needles are: on SQLite every file of the data
// folder, on PostgreSQL the schema's table and index files after a
// checkpoint. It skips the test when PostgreSQL's data directory cannot be
// read here.
func (r *Rig) DatabaseFilesHold(needles ...string) []string {
	r.T.Helper()
	if !Postgres() {
		var found []string
		for _, needle := range needles {
			for _, file := range FilesContaining(r.T, r.DataDir, []byte(needle)) {
				found = append(found, file+" still holds "+needle)
			}
		}
		return found
	}
	found, read, skip := pgtest.TableFilesContaining(r.T, r.DatabaseURL, needles...)
	if skip != "" {
		r.T.Skip(skip)
	}
	if read == 0 {
		r.T.Skip("the data directory is not readable here")
	}
	return found
}

func (r *Rig) compactionDue(ctx context.Context) bool {
	var due bool
	r.execPostgres(ctx, "SELECT value FROM maintenance WHERE key = 'compaction_due'", &due)
	return due
}

// execPostgres runs one statement on the rig's schema, scanning its row
// into dest when given.
func (r *Rig) execPostgres(ctx context.Context, sql string, dest ...any) {
	r.T.Helper()
	conn, err := pgx.Connect(ctx, r.DatabaseURL)
	if err != nil {
		r.T.Fatal(err)
	}
	defer conn.Close(ctx)
	if len(dest) > 0 {
		err = conn.QueryRow(ctx, sql).Scan(dest...)
	} else {
		_, err = conn.Exec(ctx, sql)
	}
	if err != nil {
		r.T.Fatal(err)
	}
}
