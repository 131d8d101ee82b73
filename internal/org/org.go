// Package org holds the organisations that run the campaign together, the
// consent records of the stories their members collect, and the curated
// collections of published stories.
package org

import (
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"chorus/internal/story"
)

// Kind is what sort of organisation a partner is.
type Kind string

const (
	KindGovernment    Kind = "government"
	KindInternational Kind = "international"
	KindYouthNetwork  Kind = "youth_network"
	KindBusiness      Kind = "business"
	KindCivilSociety  Kind = "civil_society"
	KindFaith         Kind = "faith_community"
)

// Kinds lists every kind in display order.
var Kinds = []Kind{KindGovernment, KindInternational, KindYouthNetwork, KindBusiness, KindCivilSociety, KindFaith}

// Limits of what an organisation says about itself.
const (
	MaxName        = 120
	MaxDescription = 4000
	MaxWebsite     = 300
	MaxSlug        = 60
)

// Text is an organisation's name and description in one language.
type Text struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// Organisation is a partner of the campaign.
type Organisation struct {
	ID    string
	Slug  string
	Kind  Kind
	Texts map[string]Text // by language code
	// Logo is a PNG from media.ProcessLogo; nil when none.
	Logo      []byte
	Website   string
	Country   string // ISO 3166 alpha-2, or empty
	CreatedAt time.Time
	UpdatedAt time.Time
}

// In returns the organisation's text in lang, else in fallback, else in
// any language it has (the first by code, so the choice is stable).
func (o *Organisation) In(lang, fallback string) Text {
	if t, ok := o.Texts[lang]; ok {
		return t
	}
	if t, ok := o.Texts[fallback]; ok {
		return t
	}
	langs := make([]string, 0, len(o.Texts))
	for l := range o.Texts {
		langs = append(langs, l)
	}
	slices.Sort(langs)
	if len(langs) == 0 {
		return Text{}
	}
	return o.Texts[langs[0]]
}

// ValidSlug reports whether s can name a page: 1 to MaxSlug lower-case
// ASCII letters, digits and inner hyphens.
func ValidSlug(s string) bool {
	if s == "" || len(s) > MaxSlug || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// Normalize trims what people type.
func (o *Organisation) Normalize() {
	o.Slug = strings.ToLower(strings.TrimSpace(o.Slug))
	o.Website = strings.TrimSpace(o.Website)
	o.Country = strings.ToUpper(strings.TrimSpace(o.Country))
	for lang, t := range o.Texts {
		t.Name = story.CleanLine(t.Name)
		t.Description = strings.TrimSpace(strings.ReplaceAll(t.Description, "\r\n", "\n"))
		if t.Name == "" && t.Description == "" {
			delete(o.Texts, lang)
			continue
		}
		o.Texts[lang] = t
	}
}

// Validate checks a normalised organisation; errors name the field.
func (o *Organisation) Validate() error {
	if !ValidSlug(o.Slug) {
		return story.FieldError("slug", "error.org_slug", "Give a short address: lower-case letters, digits and hyphens (60 at most).")
	}
	if !slices.Contains(Kinds, o.Kind) {
		return story.FieldError("kind", "error.org_kind", "Choose what kind of organisation this is.")
	}
	if len(o.Texts) == 0 {
		return story.FieldError("name", "error.org_name", "Give the organisation's name (120 characters at most).")
	}
	for _, t := range o.Texts {
		if t.Name == "" || utf8.RuneCountInString(t.Name) > MaxName {
			return story.FieldError("name", "error.org_name", "Give the organisation's name (120 characters at most).")
		}
		if utf8.RuneCountInString(t.Description) > MaxDescription {
			return story.FieldError("description", "error.org_description", "The description is too long (4,000 characters at most).")
		}
	}
	if o.Website != "" {
		u, err := url.Parse(o.Website)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(o.Website) > MaxWebsite {
			return story.FieldError("website", "error.org_website", "Give the website as a full address starting with https://.")
		}
	}
	if o.Country != "" && !story.ValidCountry(o.Country) {
		return story.FieldError("country", "error.org_country", "Choose a country from the list, or none.")
	}
	return nil
}

// Member says which organisation a partner account belongs to; an owner
// invites and removes the organisation's members.
type Member struct {
	UserID         int64
	OrganisationID string
	Owner          bool
}
