package org

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"chorus/internal/story"
)

// Limits of a collection.
const (
	MaxCollectionTitle       = 160
	MaxCollectionDescription = 2000
	MaxCollectionStories     = 200
)

// Collection is an ordered, titled list of published stories in one
// language, curated by an organisation or by the campaign's admins.
type Collection struct {
	ID          string
	Slug        string
	Language    string
	Title       string
	Description string
	// OrganisationID is the curating organisation; empty for the campaign's own.
	OrganisationID string
	// StoryIDs in the collection's order.
	StoryIDs  []string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Normalize trims what people type and drops repeated stories.
func (c *Collection) Normalize() {
	c.Slug = strings.ToLower(strings.TrimSpace(c.Slug))
	c.Title = story.CleanLine(c.Title)
	c.Description = strings.TrimSpace(strings.ReplaceAll(c.Description, "\r\n", "\n"))
	seen := map[string]bool{}
	ids := c.StoryIDs[:0:0]
	for _, id := range c.StoryIDs {
		id = strings.TrimSpace(id)
		if id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	c.StoryIDs = ids
}

// Validate checks a normalised collection against the site's languages.
func (c *Collection) Validate(languages []string) error {
	if !ValidSlug(c.Slug) {
		return story.FieldError("slug", "error.org_slug", "Give a short address: lower-case letters, digits and hyphens (60 at most).")
	}
	if !slices.Contains(languages, c.Language) {
		return story.FieldError("language", "error.collection_language", "Choose the collection's language.")
	}
	if c.Title == "" || utf8.RuneCountInString(c.Title) > MaxCollectionTitle {
		return story.FieldError("title", "error.collection_title", "Give the collection a title (160 characters at most).")
	}
	if utf8.RuneCountInString(c.Description) > MaxCollectionDescription {
		return story.FieldError("description", "error.collection_description", "The description is too long (2,000 characters at most).")
	}
	if len(c.StoryIDs) > MaxCollectionStories {
		return story.FieldError("stories", "error.collection_stories", "A collection holds 200 stories at most.")
	}
	return nil
}
