package sqlstore

import (
	"context"
	"time"

	"chorus/internal/storage"
)

func (q Queries) DueBlobDeletions(ctx context.Context, now time.Time, limit int) ([]string, error) {
	return queryAll(ctx, q, "blob deletions", scanString,
		"SELECT key FROM blob_deletions WHERE due_at <= ? ORDER BY due_at LIMIT ?", q.D.SortedTime(now), limit)
}

func scanBlobDeletion(row Row) (*storage.BlobDeletion, error) {
	var b storage.BlobDeletion
	var due Time
	err := row.Scan(&b.Key, &due)
	b.DueAt = due.Time
	return &b, err
}

func (t *Tx) ScheduleBlobDeletion(ctx context.Context, key string, due time.Time) error {
	_, err := t.DB.Exec(ctx, "INSERT INTO blob_deletions (key, due_at) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET due_at = excluded.due_at",
		key, t.D.SortedTime(due))
	return t.err("schedule blob deletion", err)
}

func (t *Tx) CancelBlobDeletion(ctx context.Context, key string) error {
	_, err := t.DB.Exec(ctx, "DELETE FROM blob_deletions WHERE key = ?", key)
	return t.err("cancel blob deletion", err)
}

func (t *Tx) DoneBlobDeletion(ctx context.Context, key string) error {
	return t.CancelBlobDeletion(ctx, key)
}
