package i18n

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"chorus/internal/story"
)

// MaxTranslation is the longest text a translation form may hold, in characters.
const MaxTranslation = 2000

// placeholder is the only template action a message may hold.
var placeholder = regexp.MustCompile(`\{\{\s*\.([A-Za-z][A-Za-z0-9_]*)\s*\}\}`)

// Placeholders lists the distinct placeholders of a text, as written in
// the source ("{{.Count}}").
func Placeholders(text string) []string {
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(text, -1) {
		if p := "{{." + m[1] + "}}"; !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// CheckTranslation validates a translation of source into the language
// code and returns it cleaned. A plain source takes one text ("other"); a
// plural source takes every plural form of the language. Every form must
// keep the source's placeholders ({{.Count}} may be spelled out in a form
// only one number takes) and hold no other template action. The text is
// data: templates escape it where it is shown.
func CheckTranslation(code string, source Message, forms map[string]string) (map[string]string, error) {
	want := []string{"other"}
	if source.Plural() {
		want = PluralFormNames(code)
	}
	for name := range forms {
		if !slices.Contains(want, name) {
			return nil, story.FieldError("text", "error.bad_form", "The form could not be read.")
		}
	}
	var sourcePlaceholders []string
	for _, text := range source.Forms {
		for _, p := range Placeholders(text) {
			if !slices.Contains(sourcePlaceholders, p) {
				sourcePlaceholders = append(sourcePlaceholders, p)
			}
		}
	}
	lead, trail := edgeSpaces(source.Text())
	out := make(map[string]string, len(want))
	for _, name := range want {
		text := cleanTranslation(forms[name])
		if text == "" {
			return nil, formError(name, "error.translation_empty", "Please write the translation, every form of it.")
		}
		if utf8.RuneCountInString(text) > MaxTranslation {
			return nil, formError(name, "error.translation_too_long", "The translation is too long (2,000 characters at most).")
		}
		have := Placeholders(text)
		for _, p := range have {
			if !slices.Contains(sourcePlaceholders, p) {
				err := formError(name, "error.translation_placeholder_unknown", "%s is not a placeholder of the English text: copy placeholders from it exactly.", p)
				err.Args = []any{"Placeholder", isolated(p)}
				return nil, err
			}
		}
		if rest := placeholder.ReplaceAllString(text, ""); strings.Contains(rest, "{{") || strings.Contains(rest, "}}") {
			return nil, formError(name, "error.translation_braces", "Double braces may only hold a placeholder copied from the English text.")
		}
		single := false
		for _, f := range PluralForms(code) {
			if f.Name == name && source.Plural() {
				single = f.Single
			}
		}
		for _, p := range sourcePlaceholders {
			if !slices.Contains(have, p) && !(p == "{{.Count}}" && single) {
				err := formError(name, "error.translation_placeholder_missing", "The translation must keep the placeholder %s of the English text.", p)
				err.Args = []any{"Placeholder", isolated(p)}
				return nil, err
			}
		}
		out[name] = lead + text + trail
	}
	return out, nil
}

// isolated keeps a placeholder's braces and dot in their order inside a
// right-to-left sentence.
func isolated(placeholder string) string { return "\u2066" + placeholder + "\u2069" }

func formError(form, key, format string, args ...any) *story.Error {
	e := story.Errorf(story.CodeInvalid, key, format, args...)
	e.Field = "form-" + form
	return e
}

// edgeSpaces returns the spaces a text begins and ends with: a translation
// keeps the source's (a separator such as ", "), since nobody sees them in
// a form.
func edgeSpaces(s string) (lead, trail string) {
	trimmed := strings.TrimLeftFunc(s, unicode.IsSpace)
	lead = s[:len(s)-len(trimmed)]
	if trimmed == "" {
		return lead, ""
	}
	inner := strings.TrimRightFunc(trimmed, unicode.IsSpace)
	return lead, trimmed[len(inner):]
}

// cleanTranslation normalises a translator's text: valid UTF-8 in NFC,
// "\n" line endings, no control or invisible formatting characters other
// than newlines and the joiners and direction marks scripts need, no
// spaces at either end.
func cleanTranslation(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = norm.NFC.String(s)
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n', r == '\u200c', r == '\u200d', r == '\u200e', r == '\u200f':
			return r
		case r == '\t':
			return ' '
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}
