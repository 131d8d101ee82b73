package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"chorus/internal/storage"
	"chorus/internal/story"
)

const postColumns = `id, network, source_id, source_url, author, text, language,
	posted_at, created_at, status, decided_by, decided_at, hide_reason, signals`

func scanPost(row scanner) (*story.Post, error) {
	var (
		p                          story.Post
		status, signals            string
		posted, created, decidedAt int64
	)
	err := row.Scan(&p.ID, &p.Network, &p.SourceID, &p.SourceURL, &p.Author, &p.Text, &p.Language,
		&posted, &created, &status, &p.DecidedBy, &decidedAt, &p.HideReason, &signals)
	if err != nil {
		return nil, err
	}
	p.Status = story.PostStatus(status)
	p.PostedAt, p.CreatedAt, p.DecidedAt = fromMicros(posted), fromMicros(created), fromMicros(decidedAt)
	if signals != "null" && signals != "" {
		if err := json.Unmarshal([]byte(signals), &p.Signals); err != nil {
			return nil, fmt.Errorf("decode signals of post %s: %w", p.ID, err)
		}
	}
	return &p, nil
}

func (q queries) Post(ctx context.Context, id string) (*story.Post, error) {
	p, err := scanPost(q.db.QueryRowContext(ctx, "SELECT "+postColumns+" FROM social_posts WHERE id = ?", id))
	return p, domainError("post", err)
}

func (q queries) PostBySource(ctx context.Context, network, sourceID string) (*story.Post, error) {
	p, err := scanPost(q.db.QueryRowContext(ctx, "SELECT "+postColumns+" FROM social_posts WHERE network = ? AND source_id = ?", network, sourceID))
	return p, domainError("post by source", err)
}

func (q queries) CountPosts(ctx context.Context, status story.PostStatus) (int, error) {
	var n int
	err := q.db.QueryRowContext(ctx, "SELECT count(*) FROM social_posts WHERE status = ?", string(status)).Scan(&n)
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
	return queryAll(ctx, q.db, "posts", scanPost,
		"SELECT "+postColumns+" FROM social_posts WHERE status = ? ORDER BY created_at "+order+", id "+order+" LIMIT ?", string(f.Status), limit)
}

func (q queries) DecidedPosts(ctx context.Context, afterID string, limit int) ([]*story.Post, error) {
	return queryAll(ctx, q.db, "decided posts", scanPost,
		"SELECT "+postColumns+" FROM social_posts WHERE decided_by LIKE 'user:%' AND id > ? ORDER BY id LIMIT ?", afterID, limit)
}

func (q queries) Setting(ctx context.Context, key string) (storage.Setting, error) {
	s := storage.Setting{Key: key}
	var value string
	var at int64
	err := q.db.QueryRowContext(ctx, "SELECT value, updated_at, updated_by FROM settings WHERE key = ?", key).Scan(&value, &at, &s.UpdatedBy)
	if err != nil {
		return storage.Setting{}, domainError("setting", err)
	}
	s.Value, s.UpdatedAt = []byte(value), fromMicros(at)
	return s, nil
}

func (q queries) StoredReplies(ctx context.Context) ([]storage.StoredReply, error) {
	return queryAll(ctx, q.db, "stored replies", scanStoredReply, "SELECT id, data, removed, updated_at, updated_by FROM stored_replies ORDER BY id")
}

func scanStoredReply(row scanner) (storage.StoredReply, error) {
	var r storage.StoredReply
	var data string
	var at int64
	err := row.Scan(&r.ID, &data, &r.Removed, &at, &r.UpdatedBy)
	r.Data, r.UpdatedAt = []byte(data), fromMicros(at)
	return r, err
}

func postSignals(p *story.Post) (string, error) {
	b, err := json.Marshal(p.Signals)
	return string(b), err
}

func (t *txStore) InsertPost(ctx context.Context, p *story.Post) error {
	signals, err := postSignals(p)
	if err != nil {
		return err
	}
	_, err = t.db.ExecContext(ctx, "INSERT INTO social_posts ("+postColumns+") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
		p.ID, p.Network, p.SourceID, p.SourceURL, p.Author, p.Text, p.Language,
		micros(p.PostedAt), micros(p.CreatedAt), string(p.Status), p.DecidedBy, micros(p.DecidedAt), p.HideReason, signals)
	return domainError("insert post", err)
}

func (t *txStore) UpdatePost(ctx context.Context, p *story.Post) error {
	signals, err := postSignals(p)
	if err != nil {
		return err
	}
	res, err := t.db.ExecContext(ctx, `UPDATE social_posts SET source_url = ?, author = ?, text = ?, language = ?,
		status = ?, decided_by = ?, decided_at = ?, hide_reason = ?, signals = ? WHERE id = ?`,
		p.SourceURL, p.Author, p.Text, p.Language, string(p.Status), p.DecidedBy, micros(p.DecidedAt), p.HideReason, signals, p.ID)
	return oneRow("update post", res, err)
}

func (t *txStore) DeletePost(ctx context.Context, id string) error {
	res, err := t.db.ExecContext(ctx, "DELETE FROM social_posts WHERE id = ?", id)
	return oneRow("delete post", res, err)
}

func (t *txStore) PutSetting(ctx context.Context, s storage.Setting) error {
	_, err := t.db.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		s.Key, string(s.Value), micros(s.UpdatedAt), s.UpdatedBy)
	return domainError("put setting", err)
}

func (t *txStore) PutStoredReply(ctx context.Context, r storage.StoredReply) error {
	_, err := t.db.ExecContext(ctx, `INSERT INTO stored_replies (id, data, removed, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET data = excluded.data, removed = excluded.removed, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		r.ID, string(r.Data), r.Removed, micros(r.UpdatedAt), r.UpdatedBy)
	return domainError("put stored reply", err)
}

func (t *txStore) DeleteStoredReply(ctx context.Context, id string) error {
	res, err := t.db.ExecContext(ctx, "DELETE FROM stored_replies WHERE id = ?", id)
	return oneRow("delete stored reply", res, err)
}

// oneRow turns a statement that touched no row into story.ErrNotFound.
func oneRow(op string, res sql.Result, err error) error {
	if err != nil {
		return domainError(op, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return story.ErrNotFound
	}
	return nil
}
