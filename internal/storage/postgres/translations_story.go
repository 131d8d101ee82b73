package postgres

import (
	"context"
	"strconv"

	"chorus/internal/storage"
	"chorus/internal/story"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

const storyTranslationColumns = `story_id, language, title, body, credit, translator_id, origin, status,
	checked_by, reviewed_by, created_at, updated_at, published_at`

// nullID stores a missing staff id as NULL, which the foreign key needs.
func nullID(id int64) pgtype.Int8 { return pgtype.Int8{Int64: id, Valid: id != 0} }

func scanStoryTranslation(row pgx.Row) (*story.Translation, error) {
	var (
		t                            story.Translation
		origin, status               string
		translator, checked, reviewd pgtype.Int8
		created, updated, published  pgtype.Timestamptz
	)
	err := row.Scan(&t.StoryID, &t.Language, &t.Title, &t.Body, &t.Credit, &translator, &origin, &status,
		&checked, &reviewd, &created, &updated, &published)
	if err != nil {
		return nil, err
	}
	t.Origin, t.Status = story.TranslationOrigin(origin), story.TranslationStatus(status)
	t.TranslatorID, t.CheckedBy, t.ReviewedBy = translator.Int64, checked.Int64, reviewd.Int64
	t.CreatedAt, t.UpdatedAt, t.PublishedAt = fromTime(created), fromTime(updated), fromTime(published)
	return &t, nil
}

func (q queries) StoryTranslation(ctx context.Context, storyID, language string) (*story.Translation, error) {
	t, err := scanStoryTranslation(q.db.QueryRow(ctx, "SELECT "+storyTranslationColumns+
		" FROM story_translations WHERE story_id = $1 AND language = $2"+q.forUpdate(), storyID, language))
	if err != nil {
		return nil, domainError("translation", err)
	}
	return t, nil
}

func (q queries) StoryTranslations(ctx context.Context, storyIDs []string, status story.TranslationStatus) ([]*story.Translation, error) {
	if len(storyIDs) == 0 {
		return nil, nil
	}
	a := args{storyIDs}
	where := "story_id = ANY($1::text[])"
	if status != "" {
		where += " AND status = " + a.add(string(status))
	}
	rows, err := q.db.Query(ctx, "SELECT "+storyTranslationColumns+" FROM story_translations WHERE "+where+" ORDER BY story_id, language", a...)
	if err != nil {
		return nil, domainError("translations", err)
	}
	return collect(rows, "translations", scanStoryTranslation)
}

func (q queries) DraftStoryTranslations(ctx context.Context, limit int) ([]*story.Translation, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := q.db.Query(ctx, "SELECT "+storyTranslationColumns+
		" FROM story_translations WHERE status = 'draft' ORDER BY updated_at, story_id, language LIMIT $1", limit)
	if err != nil {
		return nil, domainError("draft translations", err)
	}
	return collect(rows, "draft translations", scanStoryTranslation)
}

func (q queries) TranslatableStories(ctx context.Context, cursor string, limit int) (storage.StoryPage, error) {
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	var a args
	where := "status = 'published' AND consent_translate"
	if cursor != "" {
		at, id, err := decodeCursor(cursor)
		if err != nil {
			return storage.StoryPage{}, story.FieldError("cursor", "error.bad_cursor", "The page link is not valid.")
		}
		where += " AND (published_at, id) < (" + a.add(sortedTime(at)) + ", " + a.add(id) + ")"
	}
	stories, err := q.listStories(ctx, "SELECT "+storyColumns+" FROM stories WHERE "+where+
		" ORDER BY published_at DESC, id DESC LIMIT "+strconv.Itoa(limit+1), a)
	if err != nil {
		return storage.StoryPage{}, err
	}
	page := storage.StoryPage{Stories: stories}
	if len(page.Stories) > limit {
		page.Stories = page.Stories[:limit]
		page.NextCursor = encodeCursor(page.Stories[limit-1])
	}
	return page, nil
}

func (t *txStore) PutStoryTranslation(ctx context.Context, tr *story.Translation) error {
	_, err := t.db.Exec(ctx, "INSERT INTO story_translations ("+storyTranslationColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
		ON CONFLICT (story_id, language) DO UPDATE SET title = excluded.title, body = excluded.body, credit = excluded.credit,
		translator_id = excluded.translator_id, origin = excluded.origin, status = excluded.status, checked_by = excluded.checked_by,
		reviewed_by = excluded.reviewed_by, created_at = excluded.created_at, updated_at = excluded.updated_at, published_at = excluded.published_at`,
		tr.StoryID, tr.Language, tr.Title, tr.Body, tr.Credit, nullID(tr.TranslatorID), string(tr.Origin), string(tr.Status),
		nullID(tr.CheckedBy), nullID(tr.ReviewedBy), nullTime(tr.CreatedAt), nullTime(tr.UpdatedAt), nullTime(tr.PublishedAt))
	return domainError("put translation", err)
}

func (t *txStore) DeleteStoryTranslation(ctx context.Context, storyID, language string) error {
	tag, err := t.db.Exec(ctx, "DELETE FROM story_translations WHERE story_id = $1 AND language = $2", storyID, language)
	if err != nil {
		return domainError("delete translation", err)
	}
	if tag.RowsAffected() == 0 {
		return story.ErrNotFound
	}
	return nil
}

func (t *txStore) DeleteStoryTranslations(ctx context.Context, storyID string) (int, error) {
	tag, err := t.db.Exec(ctx, "DELETE FROM story_translations WHERE story_id = $1", storyID)
	if err != nil {
		return 0, domainError("delete translations", err)
	}
	return int(tag.RowsAffected()), nil
}
