package card

import (
	"image"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-text/typesetting/di"
	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/language"
	"github.com/go-text/typesetting/segmenter"

	"chorus/internal/i18n"
)

// input is a Spec checked and cleaned for layout.
type input struct {
	text, attribution, hashtag []rune
	textCut                    bool // text longer than MaxTextRunes was cut
	lang                       language.Language
	dir                        di.Direction // paragraph direction of the text
	tagDir                     di.Direction // paragraph direction of the hashtag
	logo                       image.Image  // nil for none
}

const (
	ellipsis = '…'
	// Unicode bidi isolates
	fsi = '\u2068' // first strong isolate
	pdi = '\u2069' // pop directional isolate
)

func (r *Renderer) prepare(spec Spec) (input, error) {
	var in input
	if !utf8.ValidString(spec.Text) || !utf8.ValidString(spec.Attribution) || !utf8.ValidString(spec.Hashtag) || !utf8.ValidString(spec.Lang) {
		return in, ErrInvalidUTF8
	}
	in.text, in.textCut = clean(spec.Text, MaxTextRunes)
	if len(in.text) == 0 {
		return in, ErrEmptyText
	}
	in.attribution, _ = clean(spec.Attribution, MaxAttributionRunes)
	tag := spec.Hashtag
	if strings.TrimSpace(tag) == "" {
		tag = DefaultHashtag
	}
	in.hashtag, _ = clean(tag, MaxHashtagRunes)

	var err error
	for _, p := range []*[]rune{&in.text, &in.attribution, &in.hashtag} {
		if *p, err = r.checkCoverage(*p); err != nil {
			return in, err
		}
	}
	if len(in.text) == 0 {
		return in, ErrEmptyText
	}

	if isFrench(spec.Lang) && len(spec.Lang) <= 35 {
		in.text = frenchSpaces(in.text)
		in.attribution = frenchSpaces(in.attribution)
	}
	lang := spec.Lang
	if len(lang) > 35 { // longer than any sensible BCP 47 tag
		lang = ""
	}
	in.lang = language.NewLanguage(lang)
	in.dir = paragraphDirection(in.text)
	in.tagDir = paragraphDirection(in.hashtag)
	in.text = isolateHashtags(in.text)
	in.attribution = isolateHashtags(in.attribution)
	if spec.Logo != nil && !spec.Logo.Bounds().Empty() {
		in.logo = spec.Logo
	}
	return in, nil
}

// clean collapses white space (line breaks included) to single spaces, drops
// control characters, trims, and cuts text longer than max runes where a
// line may break, ending it with an ellipsis.
func clean(s string, max int) (_ []rune, wasCut bool) {
	out := make([]rune, 0, min(len(s), 4*max))
	space := true // drop leading space
	for _, c := range s {
		switch {
		case c == '\u00A0' || c == '\u202F' || c == '\u2007':
			// no-break spaces are kept (and not collapsed)
		case unicode.IsSpace(c) || c == '\u2028' || c == '\u2029':
			if !space {
				out = append(out, ' ')
				space = true
			}
			continue
		case unicode.IsControl(c), c == utf8.RuneError:
			continue
		}
		space = false
		out = append(out, c)
		if len(out) > max+1 {
			break
		}
	}
	for len(out) > 0 && out[len(out)-1] == ' ' {
		out = out[:len(out)-1]
	}
	if len(out) <= max {
		return out, false
	}
	out = out[:lastBreak(out, max/2+1, max-1)]
	for len(out) > 0 && (out[len(out)-1] == ' ' || unicode.IsPunct(out[len(out)-1])) {
		out = out[:len(out)-1]
	}
	return append(out, ellipsis), true
}

// lastBreak is the last position in [lo, hi] where a line may break (UAX
// #14: after a space, between ideographs, never inside a word), or hi when
// there is none.
func lastBreak(text []rune, lo, hi int) int {
	var seg segmenter.Segmenter
	seg.Init(text)
	cut := hi
	for lines := seg.LineIterator(); lines.Next(); {
		line := lines.Line()
		if end := line.Offset + len(line.Text); end >= lo && end <= hi {
			cut = end
		}
	}
	return cut
}

// Covers tells whether the fonts cover every letter, digit and mark of
// text, that is, whether Render can draw it.
func (r *Renderer) Covers(text string) bool {
	_, err := r.checkCoverage([]rune(text))
	return err == nil
}

// checkCoverage drops symbols (emoji, mostly) and variation selectors no
// embedded font has, and refuses letters, digits and marks none has.
func (r *Renderer) checkCoverage(text []rune) ([]rune, error) {
	out := text[:0]
	for _, c := range text {
		if c == ' ' || unicode.Is(unicode.Cf, c) || r.covered(c) {
			out = append(out, c)
			continue
		}
		if unicode.IsLetter(c) || unicode.IsNumber(c) || unicode.IsMark(c) && !unicode.Is(unicode.Variation_Selector, c) {
			return nil, ErrUnsupportedScript
		}
	}
	// the dropped symbols may leave double spaces
	cleaned := out[:0]
	for i, c := range out {
		if c == ' ' && (i == 0 || out[i-1] == ' ') {
			continue
		}
		cleaned = append(cleaned, c)
	}
	for len(cleaned) > 0 && cleaned[len(cleaned)-1] == ' ' {
		cleaned = cleaned[:len(cleaned)-1]
	}
	return cleaned, nil
}

func isFrench(lang string) bool {
	l := strings.ToLower(lang)
	return l == "fr" || strings.HasPrefix(l, "fr-") || strings.HasPrefix(l, "fr_")
}

// frenchSpaces makes the spaces inside « » and before ; : ! ? no-break
// spaces, so that a line never starts with a closing guillemet or a colon.
func frenchSpaces(text []rune) []rune {
	for i, c := range text {
		if c != ' ' {
			continue
		}
		if i > 0 && text[i-1] == '«' {
			text[i] = '\u00A0'
		} else if i+1 < len(text) {
			switch text[i+1] {
			case '»':
				text[i] = '\u00A0'
			case ';', ':', '!', '?':
				text[i] = '\u202F'
			}
		}
	}
	return text
}

func (r *Renderer) covered(c rune) bool {
	for _, ft := range r.fonts[weightBold] {
		if _, ok := ft.NominalGlyph(c); ok {
			return true
		}
	}
	return false
}

// paragraphDirection is the direction of the text (i18n.TextIsRTL).
func paragraphDirection(text []rune) di.Direction {
	if i18n.TextIsRTL(string(text)) {
		return di.DirectionRTL
	}
	return di.DirectionLTR
}

// isolateHashtags wraps every hashtag in a first-strong isolate, so that a
// Latin hashtag in right-to-left text (and an Arabic one in left-to-right
// text) keeps its own direction, with its '#' in front.
func isolateHashtags(text []rune) []rune {
	var out []rune
	for i := 0; i < len(text); i++ {
		if text[i] != '#' || i+1 >= len(text) || !isTagRune(text[i+1]) {
			if out != nil {
				out = append(out, text[i])
			}
			continue
		}
		if out == nil {
			out = append(make([]rune, 0, len(text)+8), text[:i]...)
		}
		j := i + 1
		script := language.Unknown // of the tag's first letter
		for ; j < len(text) && isTagRune(text[j]); j++ {
			if s := tagScript(text[j]); s.Strong() {
				if script == language.Unknown {
					script = s
				} else if s != script {
					break
				}
			}
		}
		out = append(out, fsi)
		out = append(out, text[i:j]...)
		out = append(out, pdi)
		i = j - 1
	}
	if out == nil {
		return text
	}
	return out
}

func isTagRune(c rune) bool {
	return c == '_' || unicode.IsLetter(c) || unicode.IsNumber(c) || unicode.IsMark(c)
}

// tagScript is the script of a rune of a hashtag, kana counted as Han. A
// hashtag ends where the script changes, so that a Latin hashtag followed
// by Chinese with no space between them does not take in the hanzi.
func tagScript(c rune) language.Script {
	s := language.LookupScript(c)
	if s == language.Hiragana || s == language.Katakana {
		return language.Han
	}
	return s
}

// fontmap picks the face of a run: the face of the run's script when it has
// the rune, else the first face that has it.
type fontmap struct {
	faces  []*font.Face
	script language.Script
}

func (m *fontmap) SetScript(s language.Script) { m.script = s }

func (m *fontmap) preferred() *font.Face {
	switch m.script {
	case language.Arabic:
		return m.faces[famArabic]
	case language.Devanagari:
		return m.faces[famDevanagari]
	case language.Ethiopic:
		return m.faces[famEthiopic]
	case language.Han, language.Hiragana, language.Katakana:
		return m.faces[famCJK]
	}
	return m.faces[famLatin]
}

func (m *fontmap) ResolveFace(c rune) *font.Face {
	p := m.preferred()
	if _, ok := p.NominalGlyph(c); ok {
		return p
	}
	for _, f := range m.faces {
		if _, ok := f.NominalGlyph(c); ok {
			return f
		}
	}
	return p
}
