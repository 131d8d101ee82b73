package storage

import (
	"context"

	"chorus/internal/story"
)

// StoryTranslationReader reads the translations of stories.
type StoryTranslationReader interface {
	// Translation returns one story's translation into a language.
	StoryTranslation(ctx context.Context, storyID, language string) (*story.Translation, error)
	// Translations lists the translations of the given stories by story id,
	// then language; an empty status means any.
	StoryTranslations(ctx context.Context, storyIDs []string, status story.TranslationStatus) ([]*story.Translation, error)
	// DraftStoryTranslations lists unpublished translations, least recently
	// changed first.
	DraftStoryTranslations(ctx context.Context, limit int) ([]*story.Translation, error)
	// TranslatableStories lists the published stories whose authors agreed
	// to translation, newest first, a page at a time.
	TranslatableStories(ctx context.Context, cursor string, limit int) (story.Page, error)
}

// StoryTranslationWriter changes translations within a transaction.
type StoryTranslationWriter interface {
	// PutStoryTranslation inserts or replaces the translation of its story into
	// its language.
	PutStoryTranslation(ctx context.Context, t *story.Translation) error
	// DeleteStoryTranslation removes one translation; ErrNotFound if none.
	DeleteStoryTranslation(ctx context.Context, storyID, language string) error
	// DeleteStoryTranslations removes every translation of a story and says how
	// many there were.
	DeleteStoryTranslations(ctx context.Context, storyID string) (int, error)
}
