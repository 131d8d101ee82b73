package org

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestValidSlug(t *testing.T) {
	for slug, want := range map[string]bool{
		"harbour-youth": true, "a": true, "city2026": true,
		"": false, "-a": false, "a-": false, "Harbour": false, "a b": false, "a/b": false, "..": false, "é": false,
		strings.Repeat("a", MaxSlug): true, strings.Repeat("a", MaxSlug+1): false,
	} {
		if ValidSlug(slug) != want {
			t.Errorf("ValidSlug(%q) = %v", slug, !want)
		}
	}
}

func TestConsentRecordValidate(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	ok := func() ConsentRecord {
		return ConsentRecord{Consenter: "  Amina\tK. ", Method: MethodDigital, ConsentedAt: now.Add(-time.Hour), ExplainedIn: "ar",
			Scope: []Scope{ScopeTranslation, ScopeSite, ScopeTranslation}}
	}
	c := ok()
	if err := c.Validate([]string{"en", "ar"}, now); err != nil {
		t.Fatal(err)
	}
	if c.Consenter != "Amina K." || len(c.Scope) != 2 || c.Scope[0] != ScopeSite || c.Scope[1] != ScopeTranslation {
		t.Errorf("normalised to %q %v", c.Consenter, c.Scope)
	}
	if got := c.Consent(); !got.Publish || got.Social || got.Toolkit || !got.Translate {
		t.Errorf("consent %+v", got)
	}
	for name, change := range map[string]func(*ConsentRecord){
		"no consenter":       func(c *ConsentRecord) { c.Consenter = " " },
		"unknown method":     func(c *ConsentRecord) { c.Method = "telepathy" },
		"in the future":      func(c *ConsentRecord) { c.ConsentedAt = now.AddDate(0, 0, 3) },
		"no date":            func(c *ConsentRecord) { c.ConsentedAt = time.Time{} },
		"unknown language":   func(c *ConsentRecord) { c.ExplainedIn = "xx" },
		"no site":            func(c *ConsentRecord) { c.Scope = []Scope{ScopeSocial} },
		"unknown scope":      func(c *ConsentRecord) { c.Scope = []Scope{ScopeSite, "billboards"} },
		"too long consenter": func(c *ConsentRecord) { c.Consenter = strings.Repeat("x", MaxConsenter+1) },
	} {
		c := ok()
		change(&c)
		if err := c.Validate([]string{"en", "ar"}, now); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// FuzzOrganisationAndCollection: organisations and collections come from
// forms and from import files; whatever they hold, checking them never
// panics, and what passes has a valid slug and bounded texts.
func FuzzOrganisationAndCollection(f *testing.F) {
	f.Add("harbour-youth", "youth_network", "en", "Harbour", "Young people.", "https://h.example.org", "CA", "a\nb\na")
	f.Add("", "", "", "", "", "javascript:alert(1)", "ZZ", "")
	f.Add("-x-", "business", "ar", "\u202e", strings.Repeat("é", 5000), "http://", "ca", "\x00")
	f.Fuzz(func(t *testing.T, slug, kind, lang, name, description, website, country, stories string) {
		o := Organisation{Slug: slug, Kind: Kind(kind), Texts: map[string]Text{lang: {Name: name, Description: description}}, Website: website, Country: country}
		o.Normalize()
		if o.Validate() == nil {
			if !ValidSlug(o.Slug) || len(o.Texts) == 0 {
				t.Fatalf("accepted %+v", o)
			}
			for _, tx := range o.Texts {
				if tx.Name == "" || utf8.RuneCountInString(tx.Name) > MaxName || utf8.RuneCountInString(tx.Description) > MaxDescription {
					t.Fatalf("accepted texts %+v", tx)
				}
			}
		}
		c := Collection{Slug: slug, Language: lang, Title: name, Description: description, StoryIDs: strings.Split(stories, "\n")}
		c.Normalize()
		if c.Validate([]string{"en", "fr", "ar"}) == nil {
			seen := map[string]bool{}
			for _, id := range c.StoryIDs {
				if id == "" || seen[id] {
					t.Fatalf("kept an empty or repeated story: %q", c.StoryIDs)
				}
				seen[id] = true
			}
		}
	})
}
