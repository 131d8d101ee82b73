package app

import (
	"context"
	"time"

	"chorus/internal/story"
)

// OpenStory is a published story as the open data gives it: its words and
// where and when they come from, nothing about the person who told it.
type OpenStory struct {
	ID           string            `json:"id"`
	Title        string            `json:"title"`
	Body         string            `json:"body"`
	Language     string            `json:"language"`
	Country      string            `json:"country"`
	City         string            `json:"city"`
	Themes       []string          `json:"themes"`
	Published    time.Time         `json:"published"`
	URL          string            `json:"url"`
	Translations []OpenTranslation `json:"translations"`
	Licence      string            `json:"licence"`
}

// OpenTranslation is a reviewed translation of an open story.
type OpenTranslation struct {
	Language string `json:"language"`
	Title    string `json:"title"`
	Body     string `json:"body"`
}

// openDataPage is how many stories one read brings: the export holds one
// page in memory at a time, whatever the number of stories.
const openDataPage = 1000

// EachOpenStory calls fn with every published story, newest first, one
// page in memory at a time. url makes a story's public address.
func (a *App) EachOpenStory(ctx context.Context, url func(*story.Story) string, fn func(*OpenStory) error) error {
	t, err := a.Timeline(ctx)
	if err != nil {
		return err
	}
	licence := LicenceOf(t.Licence).Code
	// Walk back in time by publication: each read starts at the oldest
	// time of the previous one, skipping the stories of that very time
	// already given.
	var upTo time.Time
	given := map[string]bool{} // ids published at upTo, already given
	for {
		stories, err := a.store.PublishedUpTo(ctx, upTo, openDataPage+len(given))
		if err != nil {
			return err
		}
		fresh := stories[:0:0]
		for _, s := range stories {
			if !given[s.ID] {
				fresh = append(fresh, s)
			}
		}
		translations, err := a.PublishedTranslations(ctx, fresh...)
		if err != nil {
			return err
		}
		for _, s := range fresh {
			o := &OpenStory{ID: s.ID, Title: s.Title, Body: s.Body, Language: s.Language, Country: s.Country, City: s.City,
				Themes: s.Themes, Published: s.PublishedAt, URL: url(s), Translations: []OpenTranslation{}, Licence: licence}
			if o.Themes == nil {
				o.Themes = []string{}
			}
			for _, tr := range translations[s.ID] {
				o.Translations = append(o.Translations, OpenTranslation{Language: tr.Language, Title: tr.Title, Body: tr.Body})
			}
			if err := fn(o); err != nil {
				return err
			}
		}
		if len(stories) < openDataPage+len(given) {
			return nil
		}
		oldest := stories[len(stories)-1].PublishedAt
		if !oldest.Equal(upTo) {
			clear(given)
		}
		upTo = oldest
		for _, s := range stories {
			if s.PublishedAt.Equal(upTo) {
				given[s.ID] = true
			}
		}
	}
}
