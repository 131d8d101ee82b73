package app

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Campaign holds the settings submissions are checked against.
type Campaign struct {
	Name      string
	Hashtag   string
	Languages []string // story languages accepted
	Themes    []string
}

// DefaultCampaign is It Takes a Community, the campaign Chorus was built for.
func DefaultCampaign() Campaign {
	return Campaign{
		Name:      "It Takes a Community",
		Hashtag:   "#ItTakesaCommunity",
		Languages: []string{"en", "fr", "ar", "es", "uk", "fa", "ps", "so", "ti", "zh", "hi", "pt", "tr", "tl"},
		Themes:    []string{"arrival", "belonging", "work", "family", "education", "community", "culture", "resilience"},
	}
}

var (
	languageCode = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$`)
	themeName    = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

// Limits on the campaign's settings: they show on every page and card.
const (
	maxCampaignName = 100
	maxHashtag      = 60
	maxListed       = 50
)

// Validate says what is wrong with the settings, if anything.
func (c Campaign) Validate() error {
	name := strings.TrimSpace(c.Name)
	if name == "" || name != c.Name || utf8.RuneCountInString(c.Name) > maxCampaignName || !utf8.ValidString(c.Name) {
		return fmt.Errorf("campaign name: 1 to %d characters without surrounding spaces", maxCampaignName)
	}
	tag, ok := strings.CutPrefix(c.Hashtag, "#")
	if !ok || tag == "" || utf8.RuneCountInString(c.Hashtag) > maxHashtag || strings.IndexFunc(tag, notHashtagRune) >= 0 {
		return fmt.Errorf("campaign hashtag %q: # then up to %d letters, digits or _", c.Hashtag, maxHashtag-1)
	}
	if err := checkList("campaign language", c.Languages, languageCode); err != nil {
		return err
	}
	return checkList("campaign theme", c.Themes, themeName)
}

func notHashtagRune(r rune) bool {
	return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) && r != '_'
}

func checkList(what string, list []string, form *regexp.Regexp) error {
	if len(list) == 0 || len(list) > maxListed {
		return fmt.Errorf("%ss: 1 to %d", what, maxListed)
	}
	for i, v := range list {
		if !form.MatchString(v) {
			return fmt.Errorf("%s %q: not of the form %s", what, v, form)
		}
		if slices.Contains(list[:i], v) {
			return fmt.Errorf("%s %q: listed twice", what, v)
		}
	}
	return nil
}
