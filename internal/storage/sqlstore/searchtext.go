package sqlstore

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// SearchText prepares text for the search index and for queries, the same
// way in both databases, so that a reader finds a word however it was
// typed:
//
//   - Arabic script: the short vowels and other marks (harakat, shadda,
//     sukun, superscript alef) and the tatweel are dropped; alef with
//     hamza or madda and alef wasla read as alef, alef maksura as yeh,
//     teh marbuta as heh; the Persian (Dari, Pashto) keheh and yeh read as
//     the Arabic kaf and yeh; Arabic-Indic and Persian digits as 0-9;
//   - Chinese, Japanese and Korean, written without spaces, are cut into
//     overlapping pairs of characters (bigrams), so a word of two or more
//     characters is found inside a sentence without a dictionary;
//   - everything is lowercased and put in NFC.
//
// Changing it changes what the index holds: a migration then asks both
// adapters to rebuild their index (see 0013_translation_reviews_search_text).
func SearchText(text string) string {
	if !norm.NFC.IsNormalString(text) {
		text = norm.NFC.String(text)
	}
	var b strings.Builder
	b.Grow(len(text) + len(text)/2)
	var run []rune // a run of CJK characters
	flush := func() {
		switch {
		case len(run) == 1:
			b.WriteString(" " + string(run) + " ")
		case len(run) > 1:
			b.WriteByte(' ')
			for i := 0; i+1 < len(run); i++ {
				if i > 0 {
					b.WriteByte(' ')
				}
				b.WriteRune(run[i])
				b.WriteRune(run[i+1])
			}
			b.WriteByte(' ')
		}
		run = run[:0]
	}
	for _, r := range text {
		if r < 0x80 {
			if len(run) > 0 {
				flush()
			}
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			b.WriteByte(byte(r))
			continue
		}
		if isCJK(r) {
			run = append(run, r)
			continue
		}
		flush()
		if r = foldArabic(r); r >= 0 {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	flush()
	return b.String()
}

func isCJK(r rune) bool {
	return r >= 0x1100 && unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r)
}

// foldArabic maps an Arabic-script letter to the form the index keeps, or
// returns -1 for a mark the index drops.
func foldArabic(r rune) rune {
	switch {
	case r < 0x0600 || r > 0x06FF:
		return r
	case r >= 0x064B && r <= 0x065F, r == 0x0670, r >= 0x06D6 && r <= 0x06ED, r == 0x0640:
		return -1
	case r >= 0x0660 && r <= 0x0669:
		return '0' + r - 0x0660
	case r >= 0x06F0 && r <= 0x06F9:
		return '0' + r - 0x06F0
	}
	switch r {
	case 'أ', 'إ', 'آ', 'ٱ':
		return 'ا'
	case 'ى', 'ی', 'ې', 'ۍ':
		return 'ي'
	case 'ة', 'ۀ':
		return 'ه'
	case 'ک':
		return 'ك'
	}
	return r
}
