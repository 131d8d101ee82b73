package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"

	"chorus/internal/storage"
)

var (
	_ storage.Dumper = (*Store)(nil)
	_ storage.Loader = (*Store)(nil)
)

// withExtra scans a story row followed by extra columns.
type withExtra struct {
	row   scanner
	extra []any
}

func (w withExtra) Scan(dest ...any) error { return w.row.Scan(append(dest, w.extra...)...) }

const countsQuery = `SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM credentials),
	(SELECT count(*) FROM stories), (SELECT count(*) FROM story_translations), (SELECT count(*) FROM audit_log), (SELECT count(*) FROM blob_deletions),
	(SELECT count(*) FROM social_posts), (SELECT count(*) FROM settings), (SELECT count(*) FROM stored_replies),
	(SELECT count(*) FROM translations)`

func readCounts(ctx context.Context, q querier) (storage.Counts, error) {
	var c storage.Counts
	err := q.QueryRowContext(ctx, countsQuery).Scan(&c.Users, &c.Credentials, &c.Stories, &c.StoryTranslations, &c.Audit, &c.BlobDeletions,
		&c.Posts, &c.Settings, &c.StoredReplies, &c.Translations)
	return c, err
}

// Dump reads the whole database in one read transaction: in WAL mode it
// sees one snapshot while the site keeps serving and writing.
func (s *Store) Dump(ctx context.Context, counts func(storage.Counts) error, fn func(storage.Record) error) error {
	tx, err := s.reader.BeginTx(ctx, nil)
	if err != nil {
		return domainError("dump", err)
	}
	defer tx.Rollback()
	c, err := readCounts(ctx, tx)
	if err != nil {
		return domainError("dump counts", err)
	}
	if err := counts(c); err != nil {
		return err
	}
	each := func(op, query string, scan func(*sql.Rows) (storage.Record, error)) error {
		rows, err := tx.QueryContext(ctx, query)
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
	err = each("dump users", "SELECT "+userColumns+" FROM users ORDER BY id", func(rows *sql.Rows) (storage.Record, error) {
		u, err := scanUser(rows)
		return storage.Record{User: u}, err
	})
	if err != nil {
		return err
	}
	err = each("dump credentials", "SELECT kind, token_hash, user_id, created_at, expires_at FROM credentials ORDER BY token_hash",
		func(rows *sql.Rows) (storage.Record, error) {
			var c storage.Credential
			var kind string
			var created, expires int64
			err := rows.Scan(&kind, &c.TokenHash, &c.UserID, &created, &expires)
			c.Kind, c.CreatedAt, c.ExpiresAt = storage.CredentialKind(kind), fromMicros(created), fromMicros(expires)
			return storage.Record{Credential: &c}, err
		})
	if err != nil {
		return err
	}
	err = each("dump stories", "SELECT "+storyColumns+", token_hash FROM stories ORDER BY id", func(rows *sql.Rows) (storage.Record, error) {
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
	err = each("dump story translations", "SELECT "+storyTranslationColumns+" FROM story_translations ORDER BY story_id, language", func(rows *sql.Rows) (storage.Record, error) {
		t, err := scanStoryTranslation(rows)
		return storage.Record{StoryTranslation: t}, err
	})
	if err != nil {
		return err
	}
	err = each("dump audit", "SELECT id, at, actor, action, subject_id, reason, note FROM audit_log ORDER BY id", func(rows *sql.Rows) (storage.Record, error) {
		var e storage.AuditEntry
		var at int64
		err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.SubjectID, &e.Reason, &e.Note)
		e.At = fromMicros(at)
		return storage.Record{Audit: &e}, err
	})
	if err != nil {
		return err
	}
	err = each("dump blob deletions", "SELECT key, due_at FROM blob_deletions ORDER BY key", func(rows *sql.Rows) (storage.Record, error) {
		var b storage.BlobDeletion
		var due int64
		err := rows.Scan(&b.Key, &due)
		b.DueAt = fromMicros(due)
		return storage.Record{BlobDeletion: &b}, err
	})
	if err != nil {
		return err
	}
	err = each("dump posts", "SELECT "+postColumns+" FROM social_posts ORDER BY id", func(rows *sql.Rows) (storage.Record, error) {
		p, err := scanPost(rows)
		return storage.Record{Post: p}, err
	})
	if err != nil {
		return err
	}
	err = each("dump settings", "SELECT key, value, updated_at, updated_by FROM settings ORDER BY key", func(rows *sql.Rows) (storage.Record, error) {
		var st storage.Setting
		var value string
		var at int64
		err := rows.Scan(&st.Key, &value, &at, &st.UpdatedBy)
		st.Value, st.UpdatedAt = []byte(value), fromMicros(at)
		return storage.Record{Setting: &st}, err
	})
	if err != nil {
		return err
	}
	err = each("dump stored replies", "SELECT id, data, removed, updated_at, updated_by FROM stored_replies ORDER BY id", func(rows *sql.Rows) (storage.Record, error) {
		r, err := scanStoredReply(rows)
		return storage.Record{StoredReply: &r}, err
	})
	if err != nil {
		return err
	}
	return each("dump translations", "SELECT "+translationColumns+" FROM translations ORDER BY catalog, lang, key", func(rows *sql.Rows) (storage.Record, error) {
		tr, err := scanTranslation(rows)
		return storage.Record{Translation: &tr}, err
	})
}

// Load writes records into the empty database in one immediate
// transaction, which holds the write lock throughout: nothing else writes
// meanwhile, and on any error nothing is kept. Stories go through
// InsertStory, which fills the theme and search indexes of published ones;
// users and audit entries are inserted with their ids (AUTOINCREMENT then
// continues after the largest).
func (s *Store) Load(ctx context.Context, next func() (storage.Record, error)) error {
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return domainError("load", err)
	}
	defer tx.Rollback()
	c, err := readCounts(ctx, tx)
	if err != nil {
		return domainError("load", err)
	}
	if c.Total() > 0 {
		return storage.NotEmptyError(c)
	}
	t := &txStore{queries: queries{db: tx}, tx: tx, jobs: s.Jobs}
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
	return domainError("load commit", tx.Commit())
}

func (t *txStore) loadRecord(ctx context.Context, r storage.Record) error {
	switch {
	case r.User != nil:
		u := r.User
		_, err := t.db.ExecContext(ctx, "INSERT INTO users ("+userColumns+") VALUES (?, ?, ?, ?, ?, ?)",
			u.ID, u.Email, string(u.Role), u.PasswordHash, u.TOTPSecret, micros(u.CreatedAt))
		return wrapLoad("user", fmt.Sprint(u.ID), domainError("load user", err))
	case r.Credential != nil:
		return wrapLoad("credential of user", fmt.Sprint(r.Credential.UserID), t.InsertCredential(ctx, *r.Credential))
	case r.Story != nil:
		return wrapLoad("story", r.Story.Story.ID, t.InsertStory(ctx, r.Story.Story, r.Story.TokenHash))
	case r.StoryTranslation != nil:
		return wrapLoad("translation of story", r.StoryTranslation.StoryID, t.PutStoryTranslation(ctx, r.StoryTranslation))
	case r.Audit != nil:
		e := r.Audit
		_, err := t.db.ExecContext(ctx, "INSERT INTO audit_log (id, at, actor, action, subject_id, reason, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
			e.ID, micros(e.At), e.Actor, e.Action, e.SubjectID, e.Reason, e.Note)
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
