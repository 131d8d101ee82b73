package story

import (
	"net/mail"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"
)

// Submission is what a storyteller sends, before it becomes a Story.
type Submission struct {
	Title        string   `json:"title"`
	Body         string   `json:"body"`
	Language     string   `json:"language"`
	Country      string   `json:"country"`
	City         string   `json:"city"`
	Themes       []string `json:"themes"`
	Identity     Identity `json:"identity"`
	DisplayName  string   `json:"display_name"`
	Anonymous    bool     `json:"anonymous"`
	ContactEmail string   `json:"contact_email"`
	Consent      Consent  `json:"consent"`
}

// Limits on a submission's fields, in characters.
const (
	MaxTitle       = 150
	MinBody        = 20
	MaxBody        = 20000
	MaxCity        = 80
	MaxDisplayName = 60
	MaxEmail       = 254
	MaxThemes      = 5
	MaxAlt         = 500
)

// Rules are the campaign settings a submission is checked against.
type Rules struct {
	Languages []string // story languages accepted
	Themes    []string // theme codes accepted
}

// ValidationErrors collects every field problem at once, so a form can
// show them all.
type ValidationErrors []*Error

func (v ValidationErrors) Error() string {
	msgs := make([]string, len(v))
	for i, e := range v {
		msgs[i] = e.Field + ": " + e.Message
	}
	return "invalid submission: " + strings.Join(msgs, "; ")
}

// Normalize cleans every text field: valid UTF-8 in NFC, no control
// characters but newlines in the body, trimmed, consistent line endings.
func (s *Submission) Normalize() {
	s.Title = CleanLine(s.Title)
	s.Body = CleanText(s.Body)
	s.Language = strings.ToLower(strings.TrimSpace(s.Language))
	s.Country = strings.ToUpper(strings.TrimSpace(s.Country))
	s.City = CleanLine(s.City)
	s.DisplayName = CleanLine(s.DisplayName)
	s.ContactEmail = strings.TrimSpace(s.ContactEmail)
	s.Identity = Identity(strings.ToLower(strings.TrimSpace(string(s.Identity))))
	themes := s.Themes[:0:0]
	for _, t := range s.Themes {
		t = strings.ToLower(strings.TrimSpace(t))
		if t != "" && !slices.Contains(themes, t) {
			themes = append(themes, t)
		}
	}
	s.Themes = themes
	if s.Anonymous {
		s.DisplayName = ""
	}
}

// Validate reports every problem with the submission; nil when it is fine.
// Call Normalize first.
func (s *Submission) Validate(r Rules) error {
	var errs ValidationErrors
	add := func(field, key, msg string) { errs = append(errs, FieldError(field, key, msg)) }
	n := utf8.RuneCountInString
	switch {
	case s.Title == "":
		add("title", "error.title_required", "Please give your story a title.")
	case n(s.Title) > MaxTitle:
		add("title", "error.title_too_long", "The title is too long (150 characters at most).")
	}
	switch {
	case n(s.Body) < MinBody:
		add("body", "error.body_too_short", "Please write at least a few sentences (20 characters or more).")
	case n(s.Body) > MaxBody:
		add("body", "error.body_too_long", "The story is too long (20,000 characters at most).")
	}
	if !slices.Contains(r.Languages, s.Language) {
		add("language", "error.language_invalid", "Please choose the language of your story.")
	}
	if !ValidCountry(s.Country) {
		add("country", "error.country_invalid", "Please choose a country.")
	}
	if n(s.City) > MaxCity {
		add("city", "error.city_too_long", "The city name is too long.")
	}
	if len(s.Themes) > MaxThemes {
		add("themes", "error.themes_too_many", "Please choose at most five themes.")
	}
	for _, t := range s.Themes {
		if !slices.Contains(r.Themes, t) {
			add("themes", "error.theme_invalid", "One of the themes is not known.")
			break
		}
	}
	if !slices.Contains(Identities, s.Identity) {
		add("identity", "error.identity_invalid", "Please say who you are (migrant, refugee, community member or other).")
	}
	if !s.Anonymous && s.DisplayName == "" {
		add("display_name", "error.name_required", "Please give a name to show, or choose to stay anonymous.")
	}
	if n(s.DisplayName) > MaxDisplayName {
		add("display_name", "error.name_too_long", "The name is too long (60 characters at most).")
	}
	if s.ContactEmail != "" {
		if a, err := mail.ParseAddress(s.ContactEmail); err != nil || a.Address != s.ContactEmail || len(s.ContactEmail) > MaxEmail {
			add("contact_email", "error.email_invalid", "This e-mail address does not look right.")
		}
	}
	if !s.Consent.Publish {
		add("consent", "error.consent_required", "We can only publish your story with your consent.")
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// ValidCountry tells whether code is an ISO 3166-1 alpha-2 country code.
func ValidCountry(code string) bool {
	if len(code) != 2 {
		return false
	}
	r, err := language.ParseRegion(code)
	return err == nil && r.IsCountry() && r.String() == code
}

// CleanLine normalises a one-line field: NFC, no control characters, single spaces.
func CleanLine(s string) string {
	s = CleanText(s)
	return strings.Join(strings.Fields(s), " ")
}

// CleanText normalises free text: valid UTF-8 in NFC, "\n" line endings,
// no control or invisible formatting characters other than newlines, tabs
// and the bidirectional marks scripts need, and no more than one blank
// line in a row.
func CleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = norm.NFC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	newlines := 0
	for _, r := range s {
		switch {
		case r == '\n':
			newlines++
			if newlines > 2 {
				continue
			}
		case r == '\t':
			r = ' '
			newlines = 0
		case r == '\u200c' || r == '\u200d' || r == '\u200e' || r == '\u200f':
			// Zero-width (non-)joiners and direction marks are needed by
			// Persian, Arabic and Indic scripts.
			newlines = 0
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			continue
		default:
			newlines = 0
		}
		b.WriteRune(r)
	}
	lines := strings.Split(b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}
