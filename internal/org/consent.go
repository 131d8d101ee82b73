package org

import (
	"slices"
	"time"
	"unicode/utf8"

	"chorus/internal/story"
)

// ConsentMethod is how a storyteller gave consent to a partner.
type ConsentMethod string

const (
	MethodSignedForm     ConsentMethod = "signed_form"
	MethodRecordedVerbal ConsentMethod = "recorded_verbal"
	MethodDigital        ConsentMethod = "digital"
)

// ConsentMethods lists every method in display order.
var ConsentMethods = []ConsentMethod{MethodSignedForm, MethodRecordedVerbal, MethodDigital}

// Scope is one use a storyteller agreed to.
type Scope string

const (
	ScopeSite        Scope = "site"
	ScopeSocial      Scope = "social"
	ScopeToolkit     Scope = "toolkit"
	ScopeTranslation Scope = "translation"
)

// Scopes lists every scope in display order.
var Scopes = []Scope{ScopeSite, ScopeSocial, ScopeToolkit, ScopeTranslation}

// MaxConsenter bounds who consented, a name or a description.
const MaxConsenter = 200

// ConsentRecord is the proof that a story a partner collected (in a
// workshop, on paper, by phone) may be published. It is personal data:
// never shown publicly and erased with the story.
type ConsentRecord struct {
	StoryID        string
	OrganisationID string
	SubmittedBy    int64 // the partner account; 0 once it is gone
	Consenter      string
	Method         ConsentMethod
	ConsentedAt    time.Time
	ExplainedIn    string // the language the consent was explained in
	Scope          []Scope
	// ScanKey is the private blob of the signed form's scan; empty when none.
	ScanKey   string
	CreatedAt time.Time
}

// Has reports whether the record's scope includes s.
func (c *ConsentRecord) Has(s Scope) bool { return slices.Contains(c.Scope, s) }

// Consent is what the record lets the site do, as a story's consent.
func (c *ConsentRecord) Consent() story.Consent {
	return story.Consent{Publish: c.Has(ScopeSite), Social: c.Has(ScopeSocial), Toolkit: c.Has(ScopeToolkit), Translate: c.Has(ScopeTranslation)}
}

// Validate checks a record before its story is stored; languages are the
// site's story languages and now the time of submission.
func (c *ConsentRecord) Validate(languages []string, now time.Time) error {
	c.Consenter = story.CleanLine(c.Consenter)
	if c.Consenter == "" || utf8.RuneCountInString(c.Consenter) > MaxConsenter {
		return story.FieldError("consenter", "error.consent_consenter", "Say who gave consent (200 characters at most).")
	}
	if !slices.Contains(ConsentMethods, c.Method) {
		return story.FieldError("method", "error.consent_method", "Choose how consent was given.")
	}
	if c.ConsentedAt.IsZero() || c.ConsentedAt.After(now.Add(24*time.Hour)) || c.ConsentedAt.Before(now.AddDate(-5, 0, 0)) {
		return story.FieldError("consented_at", "error.consent_date", "Give the date consent was given (not in the future).")
	}
	if !slices.Contains(languages, c.ExplainedIn) {
		return story.FieldError("explained_in", "error.consent_language", "Choose the language consent was explained in.")
	}
	seen := map[Scope]bool{}
	scope := c.Scope[:0:0]
	for _, s := range c.Scope {
		if !slices.Contains(Scopes, s) {
			return story.FieldError("scope", "error.consent_scope", "Publication on the site must be part of the consent.")
		}
		if !seen[s] {
			seen[s] = true
			scope = append(scope, s)
		}
	}
	slices.SortFunc(scope, func(a, b Scope) int { return slices.Index(Scopes, a) - slices.Index(Scopes, b) })
	c.Scope = scope
	if !c.Has(ScopeSite) {
		return story.FieldError("scope", "error.consent_scope", "Publication on the site must be part of the consent.")
	}
	return nil
}
