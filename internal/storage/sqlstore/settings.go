package sqlstore

import (
	"context"

	"chorus/internal/storage"
)

// SettingColumns are the columns scanSetting reads, in order.
const SettingColumns = "key, value, updated_at, updated_by"

func scanSetting(row Row) (*storage.Setting, error) {
	var s storage.Setting
	var value string
	var at Time
	err := row.Scan(&s.Key, &value, &at, &s.UpdatedBy)
	s.Value, s.UpdatedAt = []byte(value), at.Time
	return &s, err
}

func (q Queries) Setting(ctx context.Context, key string) (storage.Setting, error) {
	s, err := scanSetting(q.DB.QueryRow(ctx, "SELECT "+SettingColumns+" FROM settings WHERE key = ?", key))
	if err != nil {
		return storage.Setting{}, q.err("setting", err)
	}
	return *s, nil
}

func (t *Tx) PutSetting(ctx context.Context, s storage.Setting) error {
	_, err := t.DB.Exec(ctx, "INSERT INTO settings ("+SettingColumns+`) VALUES (?, ?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		s.Key, string(s.Value), t.D.Time(s.UpdatedAt), s.UpdatedBy)
	return t.err("put setting", err)
}

// StoredReplyColumns are the columns scanStoredReply reads, in order.
const StoredReplyColumns = "id, data, removed, updated_at, updated_by"

func scanStoredReply(row Row) (storage.StoredReply, error) {
	var r storage.StoredReply
	var data string
	var at Time
	err := row.Scan(&r.ID, &data, &r.Removed, &at, &r.UpdatedBy)
	r.Data, r.UpdatedAt = []byte(data), at.Time
	return r, err
}

func (q Queries) StoredReplies(ctx context.Context) ([]storage.StoredReply, error) {
	return queryAll(ctx, q, "stored replies", scanStoredReply, "SELECT "+StoredReplyColumns+" FROM stored_replies ORDER BY id")
}

func (t *Tx) PutStoredReply(ctx context.Context, r storage.StoredReply) error {
	_, err := t.DB.Exec(ctx, "INSERT INTO stored_replies ("+StoredReplyColumns+`) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET data = excluded.data, removed = excluded.removed, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		r.ID, string(r.Data), r.Removed, t.D.Time(r.UpdatedAt), r.UpdatedBy)
	return t.err("put stored reply", err)
}

func (t *Tx) DeleteStoredReply(ctx context.Context, id string) error {
	n, err := t.DB.Exec(ctx, "DELETE FROM stored_replies WHERE id = ?", id)
	return t.oneRow("delete stored reply", n, err)
}
