package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"chorus/internal/storage"
	"chorus/internal/story"
)

const postColumns = `id, network, source_id, source_url, author, text, language,
	posted_at, created_at, status, decided_by, decided_at, hide_reason, signals`

func scanPost(row pgx.Row) (*story.Post, error) {
	var (
		p                          story.Post
		status                     string
		signals                    []byte
		posted, created, decidedAt pgtype.Timestamptz
	)
	err := row.Scan(&p.ID, &p.Network, &p.SourceID, &p.SourceURL, &p.Author, &p.Text, &p.Language,
		&posted, &created, &status, &p.DecidedBy, &decidedAt, &p.HideReason, &signals)
	if err != nil {
		return nil, err
	}
	p.Status = story.PostStatus(status)
	p.PostedAt, p.CreatedAt, p.DecidedAt = fromTime(posted), fromTime(created), fromTime(decidedAt)
	if len(signals) > 0 && string(signals) != "null" {
		if err := json.Unmarshal(signals, &p.Signals); err != nil {
			return nil, fmt.Errorf("decode signals of post %s: %w", p.ID, err)
		}
	}
	return &p, nil
}

func (q queries) Post(ctx context.Context, id string) (*story.Post, error) {
	p, err := scanPost(q.db.QueryRow(ctx, "SELECT "+postColumns+" FROM social_posts WHERE id = $1"+q.forUpdate(), id))
	return p, domainError("post", err)
}

func (q queries) PostBySource(ctx context.Context, network, sourceID string) (*story.Post, error) {
	p, err := scanPost(q.db.QueryRow(ctx, "SELECT "+postColumns+" FROM social_posts WHERE network = $1 AND source_id = $2"+q.forUpdate(), network, sourceID))
	return p, domainError("post by source", err)
}

func (q queries) CountPosts(ctx context.Context, status story.PostStatus) (int, error) {
	var n int
	err := q.db.QueryRow(ctx, "SELECT count(*) FROM social_posts WHERE status = $1", string(status)).Scan(&n)
	return n, domainError("count posts", err)
}

func (q queries) Posts(ctx context.Context, f storage.PostFilter) ([]*story.Post, error) {
	order := "DESC"
	if f.OldestFirst {
		order = "ASC"
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 500
	}
	rows, err := q.db.Query(ctx, "SELECT "+postColumns+" FROM social_posts WHERE status = $1 ORDER BY created_at "+order+", id "+order+" LIMIT $2",
		string(f.Status), limit)
	if err != nil {
		return nil, domainError("posts", err)
	}
	return collect(rows, "posts", scanPost)
}

func (q queries) DecidedPosts(ctx context.Context, afterID string, limit int) ([]*story.Post, error) {
	rows, err := q.db.Query(ctx, "SELECT "+postColumns+" FROM social_posts WHERE decided_by LIKE 'user:%' AND id > $1 ORDER BY id LIMIT $2", afterID, limit)
	if err != nil {
		return nil, domainError("decided posts", err)
	}
	return collect(rows, "decided posts", scanPost)
}

func (q queries) Setting(ctx context.Context, key string) (storage.Setting, error) {
	s := storage.Setting{Key: key}
	var at pgtype.Timestamptz
	var value string
	err := q.db.QueryRow(ctx, "SELECT value, updated_at, updated_by FROM settings WHERE key = $1", key).Scan(&value, &at, &s.UpdatedBy)
	if err != nil {
		return storage.Setting{}, domainError("setting", err)
	}
	s.Value, s.UpdatedAt = []byte(value), fromTime(at)
	return s, nil
}

func scanStoredReply(row pgx.Row) (storage.StoredReply, error) {
	var r storage.StoredReply
	var at pgtype.Timestamptz
	var data string
	err := row.Scan(&r.ID, &data, &r.Removed, &at, &r.UpdatedBy)
	r.Data, r.UpdatedAt = []byte(data), fromTime(at)
	return r, err
}

func (q queries) StoredReplies(ctx context.Context) ([]storage.StoredReply, error) {
	rows, err := q.db.Query(ctx, "SELECT id, data, removed, updated_at, updated_by FROM stored_replies ORDER BY id")
	if err != nil {
		return nil, domainError("stored replies", err)
	}
	return collect(rows, "stored replies", scanStoredReply)
}

func (t *txStore) InsertPost(ctx context.Context, p *story.Post) error {
	signals, err := json.Marshal(p.Signals)
	if err != nil {
		return err
	}
	_, err = t.db.Exec(ctx, "INSERT INTO social_posts ("+postColumns+") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)",
		p.ID, p.Network, p.SourceID, p.SourceURL, p.Author, p.Text, p.Language,
		p.PostedAt, p.CreatedAt, string(p.Status), p.DecidedBy, nullTime(p.DecidedAt), p.HideReason, signals)
	return domainError("insert post", err)
}

func (t *txStore) UpdatePost(ctx context.Context, p *story.Post) error {
	signals, err := json.Marshal(p.Signals)
	if err != nil {
		return err
	}
	tag, err := t.db.Exec(ctx, `UPDATE social_posts SET source_url = $1, author = $2, text = $3, language = $4,
		status = $5, decided_by = $6, decided_at = $7, hide_reason = $8, signals = $9 WHERE id = $10`,
		p.SourceURL, p.Author, p.Text, p.Language, string(p.Status), p.DecidedBy, nullTime(p.DecidedAt), p.HideReason, signals, p.ID)
	return oneRow("update post", tag, err)
}

func (t *txStore) DeletePost(ctx context.Context, id string) error {
	tag, err := t.db.Exec(ctx, "DELETE FROM social_posts WHERE id = $1", id)
	return oneRow("delete post", tag, err)
}

func (t *txStore) PutSetting(ctx context.Context, s storage.Setting) error {
	_, err := t.db.Exec(ctx, `INSERT INTO settings (key, value, updated_at, updated_by) VALUES ($1, $2, $3, $4)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		s.Key, string(s.Value), s.UpdatedAt, s.UpdatedBy)
	return domainError("put setting", err)
}

func (t *txStore) PutStoredReply(ctx context.Context, r storage.StoredReply) error {
	_, err := t.db.Exec(ctx, `INSERT INTO stored_replies (id, data, removed, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (id) DO UPDATE SET data = excluded.data, removed = excluded.removed, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		r.ID, string(r.Data), r.Removed, r.UpdatedAt, r.UpdatedBy)
	return domainError("put stored reply", err)
}

func (t *txStore) DeleteStoredReply(ctx context.Context, id string) error {
	tag, err := t.db.Exec(ctx, "DELETE FROM stored_replies WHERE id = $1", id)
	return oneRow("delete stored reply", tag, err)
}

// oneRow turns a statement that touched no row into story.ErrNotFound.
func oneRow(op string, tag pgconn.CommandTag, err error) error {
	if err != nil {
		return domainError(op, err)
	}
	if tag.RowsAffected() == 0 {
		return story.ErrNotFound
	}
	return nil
}
