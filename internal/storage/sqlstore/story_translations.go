package sqlstore

import (
	"context"
	"database/sql"

	"chorus/internal/story"
)

// StoryTranslationColumns are the columns scanStoryTranslation reads, in order.
const StoryTranslationColumns = `story_id, language, title, body, credit, translator_id, origin, status,
	checked_by, reviewed_by, created_at, updated_at, published_at, signals`

// nullID stores a missing staff id as NULL, which the foreign key needs.
func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

func scanStoryTranslation(row Row) (*story.Translation, error) {
	var (
		t                            story.Translation
		origin, status               string
		translator, checked, reviewd sql.NullInt64
		created, updated, published  Time
		signals                      []byte
	)
	err := row.Scan(&t.StoryID, &t.Language, &t.Title, &t.Body, &t.Credit, &translator, &origin, &status,
		&checked, &reviewd, &created, &updated, &published, &signals)
	if err != nil {
		return nil, err
	}
	if t.Signals, err = decodeSignals(signals, "translation of "+t.StoryID); err != nil {
		return nil, err
	}
	t.Origin, t.Status = story.TranslationOrigin(origin), story.TranslationStatus(status)
	t.TranslatorID, t.CheckedBy, t.ReviewedBy = translator.Int64, checked.Int64, reviewd.Int64
	t.CreatedAt, t.UpdatedAt, t.PublishedAt = created.Time, updated.Time, published.Time
	return &t, nil
}

func (q Queries) StoryTranslation(ctx context.Context, storyID, language string) (*story.Translation, error) {
	t, err := scanStoryTranslation(q.DB.QueryRow(ctx, "SELECT "+StoryTranslationColumns+
		" FROM story_translations WHERE story_id = ? AND language = ?"+q.forUpdate(), storyID, language))
	if err != nil {
		return nil, q.err("translation", err)
	}
	return t, nil
}

func (q Queries) StoryTranslations(ctx context.Context, storyIDs []string, status story.TranslationStatus) ([]*story.Translation, error) {
	if len(storyIDs) == 0 {
		return nil, nil
	}
	args := Strings(storyIDs)
	where := "story_id IN (" + Placeholders(len(storyIDs)) + ")"
	if status != "" {
		where += " AND status = ?"
		args = append(args, string(status))
	}
	return queryAll(ctx, q, "translations", scanStoryTranslation,
		"SELECT "+StoryTranslationColumns+" FROM story_translations WHERE "+where+" ORDER BY story_id, language", args...)
}

func (q Queries) DraftStoryTranslations(ctx context.Context, limit int) ([]*story.Translation, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	return queryAll(ctx, q, "draft translations", scanStoryTranslation, "SELECT "+StoryTranslationColumns+
		" FROM story_translations WHERE status = 'draft' ORDER BY updated_at, story_id, language LIMIT ?", limit)
}

func (q Queries) TranslatableStories(ctx context.Context, cursor string, limit int) (story.Page, error) {
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	l := Listing{Q: q, Where: []Cond{{SQL: "s.status = 'published' AND " + q.D.IsTrue("s.consent_translate")}}, Limit: limit + 1}
	if cursor != "" {
		c, err := decodeCursor(cursor)
		if err != nil {
			return story.Page{}, errBadCursor
		}
		l.Where = append(l.Where, q.D.Before("s.", c))
	}
	stories, err := l.Run(ctx, l.From(), l.Where, NewestFirst)
	if err != nil {
		return story.Page{}, q.err("translatable stories", err)
	}
	return pageOf(stories, limit), nil
}

func (t *Tx) PutStoryTranslation(ctx context.Context, tr *story.Translation) error {
	signals, err := signalsValue(tr.Signals)
	if err != nil {
		return err
	}
	_, err = t.DB.Exec(ctx, "INSERT INTO story_translations ("+StoryTranslationColumns+") VALUES ("+Placeholders(14)+`)
		ON CONFLICT (story_id, language) DO UPDATE SET title = excluded.title, body = excluded.body, credit = excluded.credit,
		translator_id = excluded.translator_id, origin = excluded.origin, status = excluded.status, checked_by = excluded.checked_by,
		reviewed_by = excluded.reviewed_by, created_at = excluded.created_at, updated_at = excluded.updated_at, published_at = excluded.published_at,
		signals = excluded.signals`,
		tr.StoryID, tr.Language, tr.Title, tr.Body, tr.Credit, nullID(tr.TranslatorID), string(tr.Origin), string(tr.Status),
		nullID(tr.CheckedBy), nullID(tr.ReviewedBy), t.D.NullTime(tr.CreatedAt), t.D.NullTime(tr.UpdatedAt), t.D.NullTime(tr.PublishedAt), signals)
	return t.err("put translation", err)
}

func (t *Tx) DeleteStoryTranslation(ctx context.Context, storyID, language string) error {
	n, err := t.DB.Exec(ctx, "DELETE FROM story_translations WHERE story_id = ? AND language = ?", storyID, language)
	return t.oneRow("delete translation", n, err)
}

func (t *Tx) DeleteStoryTranslations(ctx context.Context, storyID string) (int, error) {
	n, err := t.DB.Exec(ctx, "DELETE FROM story_translations WHERE story_id = ?", storyID)
	if err != nil {
		return 0, t.err("delete translations", err)
	}
	return int(n), nil
}
