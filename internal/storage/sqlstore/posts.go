package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"chorus/internal/storage"
	"chorus/internal/story"
)

// PostColumns are the columns scanPost reads, in order.
const PostColumns = `id, network, source_id, source_url, author, text, language,
	posted_at, created_at, status, decided_by, decided_at, hide_reason, signals`

func scanPost(row Row) (*story.Post, error) {
	var (
		p                          story.Post
		status                     string
		signals                    []byte
		posted, created, decidedAt Time
	)
	err := row.Scan(&p.ID, &p.Network, &p.SourceID, &p.SourceURL, &p.Author, &p.Text, &p.Language,
		&posted, &created, &status, &p.DecidedBy, &decidedAt, &p.HideReason, &signals)
	if err != nil {
		return nil, err
	}
	p.Status = story.PostStatus(status)
	p.PostedAt, p.CreatedAt, p.DecidedAt = posted.Time, created.Time, decidedAt.Time
	if len(signals) > 0 && string(signals) != "null" {
		if err := json.Unmarshal(signals, &p.Signals); err != nil {
			return nil, fmt.Errorf("decode signals of post %s: %w", p.ID, err)
		}
	}
	return &p, nil
}

func (q Queries) Post(ctx context.Context, id string) (*story.Post, error) {
	p, err := scanPost(q.DB.QueryRow(ctx, "SELECT "+PostColumns+" FROM social_posts WHERE id = ?"+q.forUpdate(), id))
	return p, q.err("post", err)
}

func (q Queries) PostBySource(ctx context.Context, network, sourceID string) (*story.Post, error) {
	p, err := scanPost(q.DB.QueryRow(ctx, "SELECT "+PostColumns+" FROM social_posts WHERE network = ? AND source_id = ?"+q.forUpdate(), network, sourceID))
	return p, q.err("post by source", err)
}

func (q Queries) CountPosts(ctx context.Context, status story.PostStatus) (int, error) {
	var n int
	err := q.DB.QueryRow(ctx, "SELECT count(*) FROM social_posts WHERE status = ?", string(status)).Scan(&n)
	return n, q.err("count posts", err)
}

func (q Queries) Posts(ctx context.Context, f storage.PostFilter) ([]*story.Post, error) {
	order := "DESC"
	if f.OldestFirst {
		order = "ASC"
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 500
	}
	return queryAll(ctx, q, "posts", scanPost,
		"SELECT "+PostColumns+" FROM social_posts WHERE status = ? ORDER BY created_at "+order+", id "+order+" LIMIT ?", string(f.Status), limit)
}

func (q Queries) DecidedPosts(ctx context.Context, afterID string, limit int) ([]*story.Post, error) {
	return queryAll(ctx, q, "decided posts", scanPost,
		"SELECT "+PostColumns+" FROM social_posts WHERE decided_by LIKE 'user:%' AND id > ? ORDER BY id LIMIT ?", afterID, limit)
}

func (t *Tx) InsertPost(ctx context.Context, p *story.Post) error {
	signals, err := json.Marshal(p.Signals)
	if err != nil {
		return err
	}
	_, err = t.DB.Exec(ctx, "INSERT INTO social_posts ("+PostColumns+") VALUES ("+Placeholders(14)+")",
		p.ID, p.Network, p.SourceID, p.SourceURL, p.Author, p.Text, p.Language,
		t.D.Time(p.PostedAt), t.D.Time(p.CreatedAt), string(p.Status), p.DecidedBy, t.D.NullTime(p.DecidedAt), p.HideReason, string(signals))
	return t.err("insert post", err)
}

func (t *Tx) UpdatePost(ctx context.Context, p *story.Post) error {
	signals, err := json.Marshal(p.Signals)
	if err != nil {
		return err
	}
	n, err := t.DB.Exec(ctx, `UPDATE social_posts SET source_url = ?, author = ?, text = ?, language = ?,
		status = ?, decided_by = ?, decided_at = ?, hide_reason = ?, signals = ? WHERE id = ?`,
		p.SourceURL, p.Author, p.Text, p.Language, string(p.Status), p.DecidedBy, t.D.NullTime(p.DecidedAt), p.HideReason, string(signals), p.ID)
	return t.oneRow("update post", n, err)
}

func (t *Tx) DeletePost(ctx context.Context, id string) error {
	n, err := t.DB.Exec(ctx, "DELETE FROM social_posts WHERE id = ?", id)
	return t.oneRow("delete post", n, err)
}
