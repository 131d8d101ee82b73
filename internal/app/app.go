// Package app holds the use-cases of Chorus: each runs in one transaction
// and leaves the store consistent whatever happens.
package app

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"time"

	"chorus/internal/analytics"
	"chorus/internal/auth"
	"chorus/internal/i18n"
	"chorus/internal/media"
	"chorus/internal/moderation"
	"chorus/internal/outbound"
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

// App wires the use-cases to their parts. Build it with New.
type App struct {
	store    storage.Store
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
	// Mailer sends a storyteller their private link; nil turns it off.
	Mailer Mailer
	Log    *slog.Logger
	// Now is the clock; tests replace it.
	Now func() time.Time
	// Events tells subscribers (page cache, live queue, catalogs, other
	// nodes) what each committed change touched.
	Events *Events
	// Outbound is the guarded client for every request to the outside.
	Outbound *outbound.Client

	jobs        *JobRegistry
	storyHooks  storyHooks
	counter     *analytics.Counter
	flushing    atomic.Bool
	recent      recentTexts // stories
	recentPosts recentTexts // social posts, by network and source id

	screenerFailures atomic.Int64
	sentLinks        sentLinks
}

// Deps are the parts an App is made of. Store, Blobs and Keys are
// required; the rest have defaults.
type Deps struct {
	Store storage.Store
	Blobs BlobStore
	Keys  *auth.Keys
	// Campaign defaults to DefaultCampaign.
	Campaign Campaign
	// Photos defaults to ProcessPhotos.
	Photos PhotoProcessor
	// Screener defaults to the built-in screen.
	Screener moderation.Screener
	// TranslationLanguages default to every known site language.
	TranslationLanguages []string
	// Translator is optional: without it, no machine translation.
	Translator MachineTranslator
	// Mailer sends a storyteller their private link; nil turns it off.
	Mailer Mailer
	// Log defaults to discarding.
	Log *slog.Logger
	// Now defaults to the system clock.
	Now func() time.Time
	// Events defaults to a new notifier.
	Events *Events
	// Outbound defaults to a client that reaches public addresses only.
	Outbound *outbound.Client
}

// New checks the parts, fills the defaults and registers the app's own
// durable jobs.
func New(d Deps) (*App, error) {
	switch {
	case d.Store == nil:
		return nil, errors.New("app: no store")
	case d.Blobs == nil:
		return nil, errors.New("app: no media store")
	case d.Keys == nil:
		return nil, errors.New("app: no keys")
	}
	if d.Campaign.Name == "" && d.Campaign.Hashtag == "" && d.Campaign.Languages == nil && d.Campaign.Themes == nil {
		d.Campaign = DefaultCampaign()
	}
	if err := d.Campaign.Validate(); err != nil {
		return nil, err
	}
	if d.Photos == nil {
		d.Photos = ProcessPhotos
	}
	if d.Screener == nil {
		d.Screener = moderation.NewScreen(moderation.Options{})
	}
	if d.TranslationLanguages == nil {
		for _, l := range i18n.Known {
			d.TranslationLanguages = append(d.TranslationLanguages, l.Code)
		}
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Events == nil {
		d.Events = &Events{}
	}
	if d.Outbound == nil {
		d.Outbound = outbound.New(outbound.Options{})
	}
	a := &App{
		store: d.Store, Blobs: d.Blobs, Keys: d.Keys, Campaign: d.Campaign, Photos: d.Photos,
		Screener: d.Screener, TranslationLanguages: d.TranslationLanguages, Translator: d.Translator,
		Log: d.Log, Now: d.Now, Events: d.Events, Outbound: d.Outbound, Mailer: d.Mailer, jobs: newJobRegistry(),
	}
	a.counter = analytics.NewCounter(d.Now, analyticsFlushEvery)
	if err := errors.Join(a.registerJobs(a.jobs), a.registerPostJobs(a.jobs)); err != nil {
		return nil, err
	}
	return a, nil
}

func (a *App) now() time.Time { return a.Now().UTC() }

// publish tells the subscribers what a committed change touched.
func (a *App) publish(ev Event) { a.Events.Publish(ev) }

func (a *App) queueChanged() { a.publish(QueueChanged{}) }

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
