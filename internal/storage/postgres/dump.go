package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"

	"chorus/internal/storage"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

var (
	_ storage.Dumper = (*Store)(nil)
	_ storage.Loader = (*Store)(nil)
)

// withExtra scans a story row followed by extra columns.
type withExtra struct {
	row   pgx.Row
	extra []any
}

func (w withExtra) Scan(dest ...any) error { return w.row.Scan(append(dest, w.extra...)...) }

const countsQuery = `SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM credentials),
	(SELECT count(*) FROM stories), (SELECT count(*) FROM story_translations), (SELECT count(*) FROM audit_log), (SELECT count(*) FROM blob_deletions),
	(SELECT count(*) FROM social_posts), (SELECT count(*) FROM settings), (SELECT count(*) FROM stored_replies),
	(SELECT count(*) FROM translations)`

func readCounts(ctx context.Context, q querier) (storage.Counts, error) {
	var c storage.Counts
	err := q.QueryRow(ctx, countsQuery).Scan(&c.Users, &c.Credentials, &c.Stories, &c.StoryTranslations, &c.Audit, &c.BlobDeletions,
		&c.Posts, &c.Settings, &c.StoredReplies, &c.Translations)
	return c, err
}

// Dump reads the whole database in one read-only, repeatable-read
// transaction: one snapshot, while other sessions keep writing. Rows are
// streamed from the server as fn consumes them.
func (s *Store) Dump(ctx context.Context, counts func(storage.Counts) error, fn func(storage.Record) error) error {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return domainError("dump", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	c, err := readCounts(ctx, tx)
	if err != nil {
		return domainError("dump counts", err)
	}
	if err := counts(c); err != nil {
		return err
	}
	each := func(op, query string, scan func(pgx.Rows) (storage.Record, error)) error {
		rows, err := tx.Query(ctx, query)
		if err != nil {
			return domainError(op, err)
		}
		defer rows.Close()
		for rows.Next() {
			r, err := scan(rows)
			if err != nil {
				return domainError(op, err)
			}
			if err := fn(r); err != nil {
				return err
			}
		}
		return domainError(op, rows.Err())
	}
	err = each("dump users", "SELECT "+userColumns+" FROM users ORDER BY id", func(rows pgx.Rows) (storage.Record, error) {
		u, err := scanUser(rows)
		return storage.Record{User: u}, err
	})
	if err != nil {
		return err
	}
	err = each("dump credentials", "SELECT kind, token_hash, user_id, created_at, expires_at FROM credentials ORDER BY token_hash",
		func(rows pgx.Rows) (storage.Record, error) {
			var c storage.Credential
			var kind string
			var created, expires pgtype.Timestamptz
			err := rows.Scan(&kind, &c.TokenHash, &c.UserID, &created, &expires)
			c.Kind, c.CreatedAt, c.ExpiresAt = storage.CredentialKind(kind), fromTime(created), fromTime(expires)
			return storage.Record{Credential: &c}, err
		})
	if err != nil {
		return err
	}
	err = each("dump stories", "SELECT "+storyColumns+", token_hash FROM stories ORDER BY id", func(rows pgx.Rows) (storage.Record, error) {
		var hash []byte
		st, err := scanStory(withExtra{rows, []any{&hash}})
		if err != nil {
			return storage.Record{}, err
		}
		return storage.Record{Story: &storage.StoryRecord{Story: st, TokenHash: hash}}, nil
	})
	if err != nil {
		return err
	}
	err = each("dump story translations", "SELECT "+storyTranslationColumns+" FROM story_translations ORDER BY story_id, language", func(rows pgx.Rows) (storage.Record, error) {
		t, err := scanStoryTranslation(rows)
		return storage.Record{StoryTranslation: t}, err
	})
	if err != nil {
		return err
	}
	err = each("dump audit", "SELECT id, at, actor, action, subject_id, reason, note FROM audit_log ORDER BY id", func(rows pgx.Rows) (storage.Record, error) {
		var e storage.AuditEntry
		var at pgtype.Timestamptz
		err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.SubjectID, &e.Reason, &e.Note)
		e.At = fromTime(at)
		return storage.Record{Audit: &e}, err
	})
	if err != nil {
		return err
	}
	err = each("dump blob deletions", "SELECT key, due_at FROM blob_deletions ORDER BY key", func(rows pgx.Rows) (storage.Record, error) {
		var b storage.BlobDeletion
		var due pgtype.Timestamptz
		err := rows.Scan(&b.Key, &due)
		b.DueAt = fromTime(due)
		return storage.Record{BlobDeletion: &b}, err
	})
	if err != nil {
		return err
	}
	err = each("dump posts", "SELECT "+postColumns+" FROM social_posts ORDER BY id", func(rows pgx.Rows) (storage.Record, error) {
		p, err := scanPost(rows)
		return storage.Record{Post: p}, err
	})
	if err != nil {
		return err
	}
	err = each("dump settings", "SELECT key, value, updated_at, updated_by FROM settings ORDER BY key", func(rows pgx.Rows) (storage.Record, error) {
		var st storage.Setting
		var value string
		var at pgtype.Timestamptz
		err := rows.Scan(&st.Key, &value, &at, &st.UpdatedBy)
		st.Value, st.UpdatedAt = []byte(value), fromTime(at)
		return storage.Record{Setting: &st}, err
	})
	if err != nil {
		return err
	}
	err = each("dump stored replies", "SELECT id, data, removed, updated_at, updated_by FROM stored_replies ORDER BY id", func(rows pgx.Rows) (storage.Record, error) {
		r, err := scanStoredReply(rows)
		return storage.Record{StoredReply: &r}, err
	})
	if err != nil {
		return err
	}
	return each("dump translations", "SELECT "+translationColumns+" FROM translations ORDER BY catalog, lang, key", func(rows pgx.Rows) (storage.Record, error) {
		tr, err := scanTranslation(rows)
		return storage.Record{Translation: &tr}, err
	})
}

// loadedTables are locked by Load against every other writer.
const loadedTables = "users, credentials, stories, story_themes, story_translations, audit_log, blob_deletions, social_posts, settings, stored_replies, translations"

// Load writes records into the empty database in one transaction. The
// tables are locked first (SHARE ROW EXCLUSIVE: readers go on, writers and
// a second Load wait), so the emptiness checked holds until the commit; on
// any error the transaction is rolled back and the database stays empty.
// Stories go through InsertStory, which fills the search column and the
// theme index of published ones; users and audit entries keep their ids
// (the audit log's ALWAYS identity is overridden, which is an insert, so
// the append-only triggers are not involved) and both identity sequences
// are moved past the largest id.
func (s *Store) Load(ctx context.Context, next func() (storage.Record, error)) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return domainError("load", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, "LOCK TABLE "+loadedTables+" IN SHARE ROW EXCLUSIVE MODE"); err != nil {
		return domainError("load lock", err)
	}
	c, err := readCounts(ctx, tx)
	if err != nil {
		return domainError("load", err)
	}
	if c.Total() > 0 {
		return storage.NotEmptyError(c)
	}
	t := &txStore{queries: queries{db: tx, goFold: s.goFold}, tx: tx, jobs: s.Jobs}
	for {
		r, err := next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if err := storage.CheckRecord(r); err != nil {
			return err
		}
		if err := t.loadRecord(ctx, r); err != nil {
			return err
		}
	}
	for _, table := range []string{"users", "audit_log"} {
		if _, err := tx.Exec(ctx, fmt.Sprintf("SELECT setval(pg_get_serial_sequence('%s', 'id'), (SELECT max(id) FROM %s))", table, table)); err != nil {
			return domainError("load: move "+table+" ids on", err)
		}
	}
	return domainError("load commit", tx.Commit(ctx))
}

func (t *txStore) loadRecord(ctx context.Context, r storage.Record) error {
	switch {
	case r.User != nil:
		u := r.User
		_, err := t.db.Exec(ctx, "INSERT INTO users ("+userColumns+") VALUES ($1, $2, $3, $4, $5, $6)",
			u.ID, u.Email, string(u.Role), u.PasswordHash, u.TOTPSecret, nullTime(u.CreatedAt))
		return wrapLoad("user", fmt.Sprint(u.ID), domainError("load user", err))
	case r.Credential != nil:
		return wrapLoad("credential of user", fmt.Sprint(r.Credential.UserID), t.InsertCredential(ctx, *r.Credential))
	case r.Story != nil:
		return wrapLoad("story", r.Story.Story.ID, t.InsertStory(ctx, r.Story.Story, r.Story.TokenHash))
	case r.StoryTranslation != nil:
		return wrapLoad("translation of story", r.StoryTranslation.StoryID, t.PutStoryTranslation(ctx, r.StoryTranslation))
	case r.Audit != nil:
		e := r.Audit
		_, err := t.db.Exec(ctx, `INSERT INTO audit_log (id, at, actor, action, subject_id, reason, note)
			OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			e.ID, nullTime(e.At), e.Actor, e.Action, e.SubjectID, e.Reason, e.Note)
		return wrapLoad("audit entry", fmt.Sprint(e.ID), domainError("load audit", err))
	case r.BlobDeletion != nil:
		return wrapLoad("blob deletion", r.BlobDeletion.Key, t.ScheduleBlobDeletion(ctx, r.BlobDeletion.Key, r.BlobDeletion.DueAt))
	case r.Post != nil:
		return wrapLoad("social post", r.Post.ID, t.InsertPost(ctx, r.Post))
	case r.Setting != nil:
		return wrapLoad("setting", r.Setting.Key, t.PutSetting(ctx, *r.Setting))
	case r.StoredReply != nil:
		return wrapLoad("reply", r.StoredReply.ID, t.PutStoredReply(ctx, *r.StoredReply))
	case r.Translation != nil:
		tr := r.Translation
		return wrapLoad("translation", tr.Catalog+"/"+tr.Lang+"/"+tr.Key, t.PutTranslation(ctx, *tr))
	}
	return errors.New("empty record")
}

func wrapLoad(what, id string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("load %s %s: %w", what, id, err)
}
