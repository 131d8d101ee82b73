package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"chorus/internal/storage"
	"chorus/internal/story"
)

const storyTranslationColumns = `story_id, language, title, body, credit, translator_id, origin, status,
	checked_by, reviewed_by, created_at, updated_at, published_at`

// nullID stores a missing staff id as NULL, which the foreign key needs.
func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

func scanStoryTranslation(row scanner) (*story.Translation, error) {
	var (
		t                            story.Translation
		origin, status               string
		translator, checked, reviewd sql.NullInt64
		created, updated, published  int64
	)
	err := row.Scan(&t.StoryID, &t.Language, &t.Title, &t.Body, &t.Credit, &translator, &origin, &status,
		&checked, &reviewd, &created, &updated, &published)
	if err != nil {
		return nil, err
	}
	t.Origin, t.Status = story.TranslationOrigin(origin), story.TranslationStatus(status)
	t.TranslatorID, t.CheckedBy, t.ReviewedBy = translator.Int64, checked.Int64, reviewd.Int64
	t.CreatedAt, t.UpdatedAt, t.PublishedAt = fromMicros(created), fromMicros(updated), fromMicros(published)
	return &t, nil
}

func (q queries) collectStoryTranslations(ctx context.Context, op, query string, args ...any) ([]*story.Translation, error) {
	return queryAll(ctx, q.db, op, scanStoryTranslation, query, args...)
}

func (q queries) StoryTranslation(ctx context.Context, storyID, language string) (*story.Translation, error) {
	t, err := scanStoryTranslation(q.db.QueryRowContext(ctx, "SELECT "+storyTranslationColumns+" FROM story_translations WHERE story_id = ? AND language = ?", storyID, language))
	if err != nil {
		return nil, domainError("translation", err)
	}
	return t, nil
}

func (q queries) StoryTranslations(ctx context.Context, storyIDs []string, status story.TranslationStatus) ([]*story.Translation, error) {
	if len(storyIDs) == 0 {
		return nil, nil
	}
	args := make([]any, 0, len(storyIDs)+1)
	for _, id := range storyIDs {
		args = append(args, id)
	}
	where := "story_id IN (?" + strings.Repeat(", ?", len(storyIDs)-1) + ")"
	if status != "" {
		where += " AND status = ?"
		args = append(args, string(status))
	}
	return q.collectStoryTranslations(ctx, "translations", "SELECT "+storyTranslationColumns+" FROM story_translations WHERE "+where+" ORDER BY story_id, language", args...)
}

func (q queries) DraftStoryTranslations(ctx context.Context, limit int) ([]*story.Translation, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	return q.collectStoryTranslations(ctx, "draft translations", "SELECT "+storyTranslationColumns+
		" FROM story_translations WHERE status = 'draft' ORDER BY updated_at, story_id, language LIMIT ?", limit)
}

func (q queries) TranslatableStories(ctx context.Context, cursor string, limit int) (storage.StoryPage, error) {
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	where := "status = 'published' AND consent_translate = 1"
	var args []any
	if cursor != "" {
		at, id, err := decodeCursor(cursor)
		if err != nil {
			return storage.StoryPage{}, story.FieldError("cursor", "error.bad_cursor", "The page link is not valid.")
		}
		where += " AND (published_at < ? OR (published_at = ? AND id < ?))"
		args = append(args, at, at, id)
	}
	rows, err := q.db.QueryContext(ctx, "SELECT "+storyColumns+" FROM stories WHERE "+where+
		" ORDER BY published_at DESC, id DESC LIMIT ?", append(args, limit+1)...)
	if err != nil {
		return storage.StoryPage{}, domainError("translatable stories", err)
	}
	defer rows.Close()
	var page storage.StoryPage
	for rows.Next() {
		s, err := scanStory(rows)
		if err != nil {
			return storage.StoryPage{}, domainError("translatable stories", err)
		}
		page.Stories = append(page.Stories, s)
	}
	if err := rows.Err(); err != nil {
		return storage.StoryPage{}, domainError("translatable stories", err)
	}
	if len(page.Stories) > limit {
		page.Stories = page.Stories[:limit]
		page.NextCursor = encodeCursor(page.Stories[limit-1])
	}
	return page, nil
}

func (t *txStore) PutStoryTranslation(ctx context.Context, tr *story.Translation) error {
	_, err := t.db.ExecContext(ctx, "INSERT INTO story_translations ("+storyTranslationColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (story_id, language) DO UPDATE SET title = excluded.title, body = excluded.body, credit = excluded.credit,
		translator_id = excluded.translator_id, origin = excluded.origin, status = excluded.status, checked_by = excluded.checked_by,
		reviewed_by = excluded.reviewed_by, created_at = excluded.created_at, updated_at = excluded.updated_at, published_at = excluded.published_at`,
		tr.StoryID, tr.Language, tr.Title, tr.Body, tr.Credit, nullID(tr.TranslatorID), string(tr.Origin), string(tr.Status),
		nullID(tr.CheckedBy), nullID(tr.ReviewedBy), micros(tr.CreatedAt), micros(tr.UpdatedAt), micros(tr.PublishedAt))
	return domainError("put translation", err)
}

func (t *txStore) DeleteStoryTranslation(ctx context.Context, storyID, language string) error {
	res, err := t.db.ExecContext(ctx, "DELETE FROM story_translations WHERE story_id = ? AND language = ?", storyID, language)
	if err != nil {
		return domainError("delete translation", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return story.ErrNotFound
	}
	return nil
}

func (t *txStore) DeleteStoryTranslations(ctx context.Context, storyID string) (int, error) {
	res, err := t.db.ExecContext(ctx, "DELETE FROM story_translations WHERE story_id = ?", storyID)
	if err != nil {
		return 0, domainError("delete translations", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
