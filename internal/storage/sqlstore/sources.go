package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"chorus/internal/storage"
	"chorus/internal/story"
)

// SourceColumns are the columns scanSource reads, in order.
const SourceColumns = `id, kind, url, tags, every_ms, token_sealed, state, last_error, last_run_at, taken, created_at, created_by`

func scanSource(row Row) (*story.Source, error) {
	var (
		s                  story.Source
		kind, tags, state  string
		everyMS            int64
		lastRun, createdAt Time
	)
	err := row.Scan(&s.ID, &kind, &s.URL, &tags, &everyMS, &s.TokenSealed, &state, &s.LastError, &lastRun, &s.Taken, &createdAt, &s.CreatedBy)
	if err != nil {
		return nil, err
	}
	s.Kind, s.Every = story.SourceKind(kind), time.Duration(everyMS)*time.Millisecond
	s.LastRunAt, s.CreatedAt = lastRun.Time, createdAt.Time
	if state != "" {
		s.State = []byte(state)
	}
	if err := json.Unmarshal([]byte(tags), &s.Tags); err != nil {
		return nil, fmt.Errorf("decode tags of source %s: %w", s.ID, err)
	}
	return &s, nil
}

func (q Queries) Sources(ctx context.Context) ([]*story.Source, error) {
	return queryAll(ctx, q, "sources", scanSource, "SELECT "+SourceColumns+" FROM sources ORDER BY created_at, id")
}

func (q Queries) Source(ctx context.Context, id string) (*story.Source, error) {
	s, err := scanSource(q.DB.QueryRow(ctx, "SELECT "+SourceColumns+" FROM sources WHERE id = ?"+q.forUpdate(), id))
	return s, q.err("source", err)
}

func (t *Tx) InsertSource(ctx context.Context, s *story.Source) error {
	tags, err := json.Marshal(nonNilStrings(s.Tags))
	if err != nil {
		return err
	}
	_, err = t.DB.Exec(ctx, "INSERT INTO sources ("+SourceColumns+") VALUES ("+Placeholders(12)+")",
		s.ID, string(s.Kind), s.URL, string(tags), s.Every.Milliseconds(), s.TokenSealed, string(s.State), s.LastError,
		t.D.NullTime(s.LastRunAt), s.Taken, t.D.Time(s.CreatedAt), s.CreatedBy)
	return t.err("insert source", err)
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (t *Tx) UpdateSourceRun(ctx context.Context, id string, state []byte, lastError string, at time.Time, added int) error {
	n, err := t.DB.Exec(ctx, "UPDATE sources SET state = ?, last_error = ?, last_run_at = ?, taken = taken + ? WHERE id = ?",
		string(state), lastError, t.D.NullTime(at), added, id)
	return t.oneRow("update source run", n, err)
}

func (t *Tx) DeleteSource(ctx context.Context, id string) error {
	n, err := t.DB.Exec(ctx, "DELETE FROM sources WHERE id = ?", id)
	return t.oneRow("delete source", n, err)
}

func (t *Tx) TakeLease(ctx context.Context, name, holder string, now, expires time.Time) (bool, error) {
	n, err := t.DB.Exec(ctx, `INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
		WHERE leases.holder = excluded.holder OR leases.expires_at < ?`,
		name, holder, t.D.Time(expires), t.D.Time(now))
	if err != nil {
		return false, t.err("take lease", err)
	}
	return n == 1, nil
}

func (t *Tx) CountPostFigure(ctx context.Context, day, network, language string, hidden bool) error {
	h := 0
	if hidden {
		h = 1
	}
	_, err := t.DB.Exec(ctx, `INSERT INTO post_figures (day, network, language, taken, hidden) VALUES (?, ?, ?, 1, ?)
		ON CONFLICT (day, network, language) DO UPDATE SET taken = post_figures.taken + 1, hidden = post_figures.hidden + excluded.hidden`,
		day, network, language, h)
	return t.err("count post figure", err)
}

func (q Queries) PostFigures(ctx context.Context, sinceDay string) ([]storage.PostFigure, error) {
	return queryAll(ctx, q, "post figures", func(row Row) (storage.PostFigure, error) {
		var f storage.PostFigure
		err := row.Scan(&f.Day, &f.Network, &f.Language, &f.Taken, &f.Hidden)
		return f, err
	}, "SELECT day, network, language, taken, hidden FROM post_figures WHERE day >= ? ORDER BY day, network, language", sinceDay)
}
