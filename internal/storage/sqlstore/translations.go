package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"chorus/internal/staff"
)

// TranslationColumns are the columns scanTranslation reads, in order.
const TranslationColumns = "catalog, lang, key, forms, source_hash, updated_by, updated_at, reviewed_by, reviewed_at"

func scanTranslation(row Row) (staff.Translation, error) {
	var t staff.Translation
	var forms string
	var at, reviewedAt Time
	if err := row.Scan(&t.Catalog, &t.Lang, &t.Key, &forms, &t.SourceHash, &t.UpdatedBy, &at, &t.ReviewedBy, &reviewedAt); err != nil {
		return t, err
	}
	if err := json.Unmarshal([]byte(forms), &t.Forms); err != nil {
		return t, fmt.Errorf("decode translation %s/%s/%s: %w", t.Catalog, t.Lang, t.Key, err)
	}
	t.UpdatedAt, t.ReviewedAt = at.Time, reviewedAt.Time
	return t, nil
}

func (q Queries) Translations(ctx context.Context) ([]staff.Translation, error) {
	return queryAll(ctx, q, "translations", scanTranslation, "SELECT "+TranslationColumns+" FROM translations ORDER BY catalog, lang, key")
}

func (q Queries) Translation(ctx context.Context, catalog, lang, key string) (*staff.Translation, error) {
	t, err := scanTranslation(q.DB.QueryRow(ctx, "SELECT "+TranslationColumns+" FROM translations WHERE catalog = ? AND lang = ? AND key = ?", catalog, lang, key))
	if err != nil {
		return nil, q.err("translation", err)
	}
	return &t, nil
}

func (t *Tx) PutTranslation(ctx context.Context, tr staff.Translation) error {
	forms, err := json.Marshal(tr.Forms)
	if err != nil {
		return err
	}
	_, err = t.DB.Exec(ctx, "INSERT INTO translations ("+TranslationColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (catalog, lang, key) DO UPDATE SET forms = excluded.forms, source_hash = excluded.source_hash,
		updated_by = excluded.updated_by, updated_at = excluded.updated_at,
		reviewed_by = excluded.reviewed_by, reviewed_at = excluded.reviewed_at`,
		tr.Catalog, tr.Lang, tr.Key, string(forms), tr.SourceHash, tr.UpdatedBy, t.D.NullTime(tr.UpdatedAt), tr.ReviewedBy, t.D.NullTime(tr.ReviewedAt))
	return t.err("save translation", err)
}

func (t *Tx) DeleteTranslation(ctx context.Context, catalog, lang, key string) error {
	n, err := t.DB.Exec(ctx, "DELETE FROM translations WHERE catalog = ? AND lang = ? AND key = ?", catalog, lang, key)
	return t.oneRow("delete translation", n, err)
}
