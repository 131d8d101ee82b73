package sqlite

import (
	"context"
	"encoding/json"
	"fmt"

	"chorus/internal/storage"
	"chorus/internal/story"
)

const translationColumns = "catalog, lang, key, forms, source_hash, updated_by, updated_at"

func scanTranslation(row scanner) (storage.Translation, error) {
	var t storage.Translation
	var forms string
	var at int64
	if err := row.Scan(&t.Catalog, &t.Lang, &t.Key, &forms, &t.SourceHash, &t.UpdatedBy, &at); err != nil {
		return t, err
	}
	if err := json.Unmarshal([]byte(forms), &t.Forms); err != nil {
		return t, fmt.Errorf("decode translation %s/%s/%s: %w", t.Catalog, t.Lang, t.Key, err)
	}
	t.UpdatedAt = fromMicros(at)
	return t, nil
}

func (q queries) Translations(ctx context.Context) ([]storage.Translation, error) {
	return queryAll(ctx, q.db, "translations", scanTranslation, "SELECT "+translationColumns+" FROM translations ORDER BY catalog, lang, key")
}

func (q queries) Translation(ctx context.Context, catalog, lang, key string) (*storage.Translation, error) {
	t, err := scanTranslation(q.db.QueryRowContext(ctx, "SELECT "+translationColumns+" FROM translations WHERE catalog = ? AND lang = ? AND key = ?", catalog, lang, key))
	if err != nil {
		return nil, domainError("translation", err)
	}
	return &t, nil
}

func (t *txStore) PutTranslation(ctx context.Context, tr storage.Translation) error {
	forms, err := json.Marshal(tr.Forms)
	if err != nil {
		return err
	}
	_, err = t.db.ExecContext(ctx, "INSERT INTO translations ("+translationColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (catalog, lang, key) DO UPDATE SET forms = excluded.forms, source_hash = excluded.source_hash,
		updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		tr.Catalog, tr.Lang, tr.Key, string(forms), tr.SourceHash, tr.UpdatedBy, micros(tr.UpdatedAt))
	return domainError("save translation", err)
}

func (t *txStore) DeleteTranslation(ctx context.Context, catalog, lang, key string) error {
	res, err := t.db.ExecContext(ctx, "DELETE FROM translations WHERE catalog = ? AND lang = ? AND key = ?", catalog, lang, key)
	if err != nil {
		return domainError("delete translation", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return story.ErrNotFound
	}
	return nil
}
