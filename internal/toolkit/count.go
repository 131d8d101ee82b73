// Package toolkit is the campaign's digital toolkit: key messages,
// ready-to-post texts, hashtag guidance, safety tips and myth/fact pairs in
// each language, and the package partners download.
package toolkit

import (
	"regexp"
	"unicode"
	"unicode/utf8"
)

// Networks and their length limits, as each counts them.
var Limits = map[string]int{
	"x":         280,
	"bluesky":   300,
	"mastodon":  500,
	"instagram": 2200,
}

var linkPattern = regexp.MustCompile(`https?://\S+`)

// Count measures text the way the network does: X weighs most scripts
// outside Latin (CJK, emoji) as two and any link as 23; Mastodon counts a
// link as 23; Bluesky counts graphemes (approximated here as characters
// without their combining marks); Instagram counts characters.
func Count(network, text string) int {
	switch network {
	case "x":
		n := 0
		rest := linkPattern.ReplaceAllStringFunc(text, func(string) string { n += 23; return "" })
		for _, r := range rest {
			n += xWeight(r)
		}
		return n
	case "mastodon":
		n := 0
		rest := linkPattern.ReplaceAllStringFunc(text, func(string) string { n += 23; return "" })
		return n + utf8.RuneCountInString(rest)
	case "bluesky":
		n := 0
		for _, r := range text {
			if !unicode.Is(unicode.Mn, r) && r != '\u200d' && !(r >= 0xfe00 && r <= 0xfe0f) {
				n++
			}
		}
		return n
	default:
		return utf8.RuneCountInString(text)
	}
}

// xWeight follows X's published weighting: these ranges count one, all
// else two.
func xWeight(r rune) int {
	switch {
	case r <= 0x10ff, r >= 0x2000 && r <= 0x200d, r >= 0x2010 && r <= 0x201f, r >= 0x2032 && r <= 0x2037:
		return 1
	default:
		return 2
	}
}
