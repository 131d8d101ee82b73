// Package app holds the use-cases of Chorus: each runs in one transaction
// and leaves the store consistent whatever happens.
package app

import (
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"time"

	"chorus/internal/auth"
	"chorus/internal/media"
	"chorus/internal/moderation"
	"chorus/internal/storage"
	"chorus/internal/story"
)

// PhotoProcessor decodes an upload and re-encodes it without metadata.
// It waits, while ctx lasts, for its share of the image memory budget.
type PhotoProcessor func(ctx context.Context, r io.Reader) ([]media.Rendition, error)

// ProcessPhotos is the PhotoProcessor of media with its default limits.
func ProcessPhotos(ctx context.Context, r io.Reader) ([]media.Rendition, error) {
	return media.Process(ctx, r, media.DefaultLimits)
}

// BlobStore keeps media files by key.
type BlobStore interface {
	Put(ctx context.Context, key string, data []byte, contentType string) error
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	Delete(ctx context.Context, key string) error
}

// Campaign holds the settings submissions are checked against.
type Campaign struct {
	Name      string
	Hashtag   string
	Languages []string // story languages accepted
	Themes    []string
}

// App wires the use-cases to their parts.
type App struct {
	Store    storage.Store
	Blobs    BlobStore
	Photos   PhotoProcessor
	Screener moderation.Screener
	Keys     *auth.Keys
	Campaign Campaign
	// TranslationLanguages are the site languages stories may be
	// translated into.
	TranslationLanguages []string
	// Translator drafts machine translations; nil turns them off.
	Translator MachineTranslator
	Log        *slog.Logger
	// Now is the clock; tests replace it.
	Now func() time.Time
	// Changed is called after a commit that changed a public surface, so
	// caches can drop what they hold.
	Changed func()
	// QueueChanged is called after a commit that changed the moderation
	// queue, so moderators watching it can be told.
	QueueChanged func()
	// TranslationsChanged is called after a commit that saved a
	// translation, so the catalogs in memory can take it up.
	TranslationsChanged func()

	recent      recentTexts // stories
	recentPosts recentTexts // social posts, by network and source id
}

func (a *App) now() time.Time {
	if a.Now != nil {
		return a.Now().UTC()
	}
	return time.Now().UTC()
}

func (a *App) changed() {
	if a.Changed != nil {
		a.Changed()
	}
}

func (a *App) queueChanged() {
	if a.QueueChanged != nil {
		a.QueueChanged()
	}
}

func (a *App) rules() story.Rules {
	return story.Rules{Languages: a.Campaign.Languages, Themes: a.Campaign.Themes}
}

// newID returns a short random identifier for a story: 12 characters of
// lowercase base32, 60 bits.
func newID() string {
	const alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic("app: no randomness: " + err.Error())
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
