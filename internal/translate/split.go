package translate

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Piece is a part of a text translated on its own, and the separator that
// followed it in the text, kept as it was.
type Piece struct {
	Text  string
	After string
}

// sentenceEnds are the marks a sentence may end with, in the scripts of
// the campaign's languages.
const sentenceEnds = ".!?…。！？؟۔"

// Split cuts text into pieces of at most max characters: at a paragraph
// break if one fits, else a line break, else the end of a sentence, else a
// space, else anywhere. Joining every piece's Text and After gives the text
// back. Text that is only spaces is one piece with an empty Text.
func Split(text string, max int) []Piece {
	if max < 1 {
		max = 1
	}
	var out []Piece
	for text != "" {
		if strings.TrimSpace(text) == "" {
			return append(out, Piece{After: text})
		}
		if utf8.RuneCountInString(text) <= max {
			return append(out, Piece{Text: text})
		}
		limit := byteIndexOfRune(text, max)
		end := cutPoint(text[:limit])
		if end == 0 {
			end = limit
		}
		rest := strings.TrimLeftFunc(text[end:], unicode.IsSpace)
		out = append(out, Piece{Text: text[:end], After: text[end : len(text)-len(rest)]})
		text = rest
	}
	return out
}

// cutPoint is where the best break in head ends its piece; 0 when there
// is none.
func cutPoint(head string) int {
	if i := strings.LastIndex(head, "\n\n"); i > 0 {
		return i
	}
	if i := strings.LastIndexByte(head, '\n'); i > 0 {
		return i
	}
	best := 0
	for i, r := range head {
		if !unicode.IsSpace(r) || i == 0 {
			continue
		}
		before, _ := utf8.DecodeLastRuneInString(head[:i])
		if strings.ContainsRune(sentenceEnds, before) {
			best = i
		}
	}
	if best > 0 {
		return best
	}
	if i := strings.LastIndexFunc(head, unicode.IsSpace); i > 0 {
		return i
	}
	return 0
}

// byteIndexOfRune is the byte offset of the n-th rune of s (len(s) if s
// is shorter).
func byteIndexOfRune(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}
