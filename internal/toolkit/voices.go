package toolkit

import (
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"chorus/internal/i18n"
	"chorus/internal/paths"
	"chorus/internal/story"
)

// Voice is a storyteller's words offered to partners in the toolkit,
// because its author agreed to it: the opening of a published story in the
// kit's language, or of its reviewed translation into it.
type Voice struct {
	StoryID     string
	Lang        string // of the quote
	Quote       string
	Attribution string
	URL         string // the story's page in the kit's language
	Demo        bool
}

// VoiceQuoteRunes is how much of a story a quote and its card show.
const VoiceQuoteRunes = 220

// NewVoice quotes s, or its translation t when t is not nil, signed in
// l's language as the storyteller chose to appear.
func NewVoice(l *i18n.Lang, s *story.Story, t *story.Translation, siteURL string) Voice {
	v := Voice{StoryID: s.ID, Lang: s.Language, Quote: Excerpt(s.Body, VoiceQuoteRunes), Attribution: Attribution(l, s),
		URL: siteURL + paths.StoryPath(l.Code, s.ID), Demo: s.Demo}
	if t != nil {
		v.Lang, v.Quote = t.Language, Excerpt(t.Body, VoiceQuoteRunes)
	}
	return v
}

// Attribution signs a quote as the storyteller chose to appear: their
// display name only if they gave one and are not anonymous, their city
// only if they gave it, and never anything else they told us.
func Attribution(l *i18n.Lang, s *story.Story) string {
	who := s.DisplayName
	if s.Anonymous || who == "" {
		who = l.T("story.anonymous")
	}
	place := s.Country
	if region, err := language.ParseRegion(s.Country); err == nil {
		if name := display.Regions(l.Tag).Name(region); name != "" {
			place = name
		}
	}
	separator := l.T("byline.place_separator")
	if s.City != "" {
		place = s.City + separator + place
	}
	return who + separator + place
}

// Excerpt is the opening of text in at most n characters, cut between
// words.
func Excerpt(text string, n int) string {
	runes := []rune(strings.Join(strings.Fields(text), " "))
	if len(runes) <= n {
		return string(runes)
	}
	cut := n
	for cut > n/2 && runes[cut] != ' ' {
		cut--
	}
	return strings.TrimRight(string(runes[:cut]), " ,.;:") + "…"
}
