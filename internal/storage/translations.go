package storage

import (
	"context"

	"chorus/internal/story"
)

// TranslationReader reads the translations of stories.
type TranslationReader interface {
	// Translation returns one story's translation into a language.
	Translation(ctx context.Context, storyID, language string) (*story.Translation, error)
	// Translations lists the translations of the given stories by story id,
	// then language; an empty status means any.
	Translations(ctx context.Context, storyIDs []string, status story.TranslationStatus) ([]*story.Translation, error)
	// DraftTranslations lists unpublished translations, least recently
	// changed first.
	DraftTranslations(ctx context.Context, limit int) ([]*story.Translation, error)
	// TranslatableStories lists the published stories whose authors agreed
	// to translation, newest first, a page at a time.
	TranslatableStories(ctx context.Context, cursor string, limit int) (StoryPage, error)
}

// TranslationWriter changes translations within a transaction.
type TranslationWriter interface {
	// PutTranslation inserts or replaces the translation of its story into
	// its language.
	PutTranslation(ctx context.Context, t *story.Translation) error
	// DeleteTranslation removes one translation; ErrNotFound if none.
	DeleteTranslation(ctx context.Context, storyID, language string) error
	// DeleteTranslations removes every translation of a story and says how
	// many there were.
	DeleteTranslations(ctx context.Context, storyID string) (int, error)
}

// CanTranslate tells whether the role may write translations of stories.
func (r Role) CanTranslate() bool { return r == RoleAdmin || r == RoleTranslator || r == RolePartner }
