package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"chorus/internal/app"
	"chorus/internal/storage"
	"chorus/internal/story"
	"chorus/internal/testrig"
)

// TestOpenDataGivesEveryPublishedStoryOnce: the walk by publication time
// gives each published story once, newest first, even when more stories
// than a page share one publication time, and nothing else.
func TestOpenDataGivesEveryPublishedStoryOnce(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	var stories []*story.Story
	for i := range 340 {
		published := at
		switch {
		case i < 20:
			published = at.Add(time.Duration(i+1) * time.Hour) // newer, one each
		case i >= 270:
			published = at.Add(-time.Duration(i) * time.Minute) // older, one each
		}
		s := &story.Story{ID: fmt.Sprintf("od%04d", i), Status: story.StatusPublished, Title: "T", Body: "Body of the story.",
			Language: "en", Country: "CA", Identity: story.IdentityMigrant, Consent: story.Consent{Publish: true},
			CreatedAt: published, UpdatedAt: published, PublishedAt: published}
		if i%50 == 7 {
			s.Status, s.PublishedAt = story.StatusPending, time.Time{}
		}
		stories = append(stories, s)
	}
	err := rig.Store.WithTx(ctx, func(tx storage.Tx) error {
		for _, s := range stories {
			if err := tx.InsertStory(ctx, s, []byte("hash-"+s.ID)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	var last time.Time
	err = rig.App.EachOpenStory(ctx, func(s *story.Story) string { return s.ID }, func(o *app.OpenStory) error {
		seen[o.ID]++
		if !last.IsZero() && o.Published.After(last) {
			t.Errorf("%s published %s after %s: not newest first", o.ID, o.Published, last)
		}
		last = o.Published
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range stories {
		want := 1
		if s.Status != story.StatusPublished {
			want = 0
		}
		if seen[s.ID] != want {
			t.Errorf("%s (%s) given %d times, want %d", s.ID, s.Status, seen[s.ID], want)
		}
	}
}
