package ingest

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"

	"chorus/internal/story"
)

// plainText turns the HTML of a post from outside (a Mastodon status, a
// feed item) into plain text: paragraphs and line breaks kept, links kept
// as their text (a link's address shows as written), every tag, script and
// style dropped. The wall escapes it again when it renders.
func plainText(fragment string) string {
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(fragment))
	skip := 0 // inside script or style
	for {
		switch z.Next() {
		case html.ErrorToken:
			return clip(strings.TrimSpace(collapseBlankLines(b.String())))
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style":
				skip++
			case "br":
				b.WriteByte('\n')
			case "p", "div", "li", "blockquote":
				b.WriteString("\n\n")
			}
			if n := string(name); n != "script" && n != "style" {
				// Text inside title, textarea and the like is still
				// markup to drop here, not raw text to keep.
				z.NextIsNotRawText()
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style":
				if skip > 0 {
					skip--
				}
			case "p", "div", "li", "blockquote":
				b.WriteString("\n\n")
			}
		}
	}
}

func collapseBlankLines(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	blank := 0
	for _, l := range lines {
		l = strings.TrimRight(l, " \t\r")
		if strings.TrimSpace(l) == "" {
			blank++
			if blank > 1 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// clip keeps a text within the wall's limit, cutting at a rune boundary.
func clip(s string) string {
	s = story.CleanText(s)
	if utf8.RuneCountInString(s) <= story.MaxPostText {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:story.MaxPostText-1])) + "…"
}

// clipLine keeps a one-line field (a name, a handle) within limit runes.
func clipLine(s string, limit int) string {
	s = story.CleanLine(s)
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	return string([]rune(s)[:limit])
}

// foldNeedle is an ASCII word searched for without regard to case: a fast
// first look at raw events before decoding them.
type foldNeedle struct {
	word   []byte
	anchor int  // the position of the word's rarest letter, searched first
	lo, up byte // that letter in both cases
}

// letterRarity orders letters from rarest to most common in text.
const letterRarity = "zqxjkvbpygfwmucldrhsnioate"

func newFoldNeedle(word string) foldNeedle {
	n := foldNeedle{word: []byte(word)}
	best := len(letterRarity) + 1
	for i := 0; i < len(word); i++ {
		c := word[i] | 0x20
		if r := strings.IndexByte(letterRarity, c); r >= 0 && r < best {
			best, n.anchor = r, i
		}
	}
	n.lo, n.up = word[n.anchor], word[n.anchor]
	if l := n.lo | 0x20; 'a' <= l && l <= 'z' {
		n.lo, n.up = l, l&^0x20
	}
	return n
}

// in reports whether b holds the word, ASCII letters in any case.
func (n foldNeedle) in(b []byte) bool {
	w := len(n.word)
	if w == 0 {
		return true
	}
	for from := n.anchor; from < len(b); {
		rest := b[from:]
		i := bytes.IndexByte(rest, n.lo)
		if n.up != n.lo {
			if j := bytes.IndexByte(rest, n.up); j >= 0 && (i < 0 || j < i) {
				i = j
			}
		}
		if i < 0 {
			return false
		}
		start := from + i - n.anchor
		if start+w <= len(b) && bytes.EqualFold(b[start:start+w], n.word) {
			return true
		}
		from += i + 1
	}
	return false
}

// isASCII reports whether s is plain ASCII.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
