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
	posted_at, created_at, status, decided_by, decided_at, hide_reason, signals,
	server, author_name, media, pinned`

func scanPost(row Row) (*story.Post, error) {
	var (
		p                          story.Post
		status                     string
		signals, media             []byte
		posted, created, decidedAt Time
	)
	err := row.Scan(&p.ID, &p.Network, &p.SourceID, &p.SourceURL, &p.Author, &p.Text, &p.Language,
		&posted, &created, &status, &p.DecidedBy, &decidedAt, &p.HideReason, &signals,
		&p.Server, &p.AuthorName, &media, &p.Pinned)
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
	if len(media) > 0 && string(media) != "null" {
		if err := json.Unmarshal(media, &p.Media); err != nil {
			return nil, fmt.Errorf("decode media of post %s: %w", p.ID, err)
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
	where, args := "status = ?", []any{string(f.Status)}
	if f.Network != "" {
		where, args = where+" AND network = ?", append(args, f.Network)
	}
	if f.Language != "" {
		where, args = where+" AND language = ?", append(args, f.Language)
	}
	pinned := ""
	if f.PinnedFirst {
		pinned = "pinned DESC, "
	}
	return queryAll(ctx, q, "posts", scanPost,
		"SELECT "+PostColumns+" FROM social_posts WHERE "+where+" ORDER BY "+pinned+"created_at "+order+", id "+order+" LIMIT ?", append(args, limit)...)
}

func (q Queries) DecidedPosts(ctx context.Context, afterID string, limit int) ([]*story.Post, error) {
	return queryAll(ctx, q, "decided posts", scanPost,
		"SELECT "+PostColumns+" FROM social_posts WHERE decided_by LIKE 'user:%' AND id > ? ORDER BY id LIMIT ?", afterID, limit)
}

func (t *Tx) InsertPost(ctx context.Context, p *story.Post) error {
	signals, media, err := postJSON(p)
	if err != nil {
		return err
	}
	_, err = t.DB.Exec(ctx, "INSERT INTO social_posts ("+PostColumns+") VALUES ("+Placeholders(18)+")",
		p.ID, p.Network, p.SourceID, p.SourceURL, p.Author, p.Text, p.Language,
		t.D.Time(p.PostedAt), t.D.Time(p.CreatedAt), string(p.Status), p.DecidedBy, t.D.NullTime(p.DecidedAt), p.HideReason, signals,
		p.Server, p.AuthorName, media, p.Pinned)
	return t.err("insert post", err)
}

// postJSON encodes a post's signals and media for their columns.
func postJSON(p *story.Post) (signals, media string, err error) {
	s, err := json.Marshal(p.Signals)
	if err != nil {
		return "", "", err
	}
	m, err := json.Marshal(p.Media)
	return string(s), string(m), err
}

func (t *Tx) UpdatePost(ctx context.Context, p *story.Post) error {
	signals, media, err := postJSON(p)
	if err != nil {
		return err
	}
	n, err := t.DB.Exec(ctx, `UPDATE social_posts SET source_url = ?, author = ?, text = ?, language = ?,
		status = ?, decided_by = ?, decided_at = ?, hide_reason = ?, signals = ?,
		server = ?, author_name = ?, media = ?, pinned = ? WHERE id = ?`,
		p.SourceURL, p.Author, p.Text, p.Language, string(p.Status), p.DecidedBy, t.D.NullTime(p.DecidedAt), p.HideReason, signals,
		p.Server, p.AuthorName, media, p.Pinned, p.ID)
	return t.oneRow("update post", n, err)
}

func (t *Tx) DeletePost(ctx context.Context, id string) error {
	n, err := t.DB.Exec(ctx, "DELETE FROM social_posts WHERE id = ?", id)
	return t.oneRow("delete post", n, err)
}
