package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"chorus/internal/storage"
	"chorus/internal/story"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

const translationColumns = "catalog, lang, key, forms, source_hash, updated_by, updated_at"

func scanTranslation(row pgx.Row) (storage.Translation, error) {
	var t storage.Translation
	var forms string
	var at pgtype.Timestamptz
	if err := row.Scan(&t.Catalog, &t.Lang, &t.Key, &forms, &t.SourceHash, &t.UpdatedBy, &at); err != nil {
		return t, err
	}
	if err := json.Unmarshal([]byte(forms), &t.Forms); err != nil {
		return t, fmt.Errorf("decode translation %s/%s/%s: %w", t.Catalog, t.Lang, t.Key, err)
	}
	t.UpdatedAt = fromTime(at)
	return t, nil
}

func (q queries) Translations(ctx context.Context) ([]storage.Translation, error) {
	rows, err := q.db.Query(ctx, "SELECT "+translationColumns+" FROM translations ORDER BY catalog, lang, key")
	if err != nil {
		return nil, domainError("translations", err)
	}
	return collect(rows, "translations", scanTranslation)
}

func (q queries) Translation(ctx context.Context, catalog, lang, key string) (*storage.Translation, error) {
	t, err := scanTranslation(q.db.QueryRow(ctx, "SELECT "+translationColumns+" FROM translations WHERE catalog = $1 AND lang = $2 AND key = $3", catalog, lang, key))
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
	_, err = t.db.Exec(ctx, "INSERT INTO translations ("+translationColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (catalog, lang, key) DO UPDATE SET forms = excluded.forms, source_hash = excluded.source_hash,
		updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		tr.Catalog, tr.Lang, tr.Key, string(forms), tr.SourceHash, tr.UpdatedBy, nullTime(tr.UpdatedAt))
	return domainError("save translation", err)
}

func (t *txStore) DeleteTranslation(ctx context.Context, catalog, lang, key string) error {
	tag, err := t.db.Exec(ctx, "DELETE FROM translations WHERE catalog = $1 AND lang = $2 AND key = $3", catalog, lang, key)
	if err != nil {
		return domainError("delete translation", err)
	}
	if tag.RowsAffected() == 0 {
		return story.ErrNotFound
	}
	return nil
}
