package postgres

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Search works the same for every language: the "simple" text-search
// configuration (no stemming, no stop words, so English, French, Arabic,
// Spanish and Ukrainian are alike) over lowercased, accent-folded text.
// Folding is done by chorus_fold in the database, which uses the unaccent
// extension when it could be installed. Without it chorus_fold only
// lowercases and the adapter folds accents in Go (foldGo) before indexing
// and before querying, so index and queries always agree.

// maxQueryWords bounds the words of a query, as the SQLite backend does.
const maxQueryWords = 12

// queryWords splits a reader's query into words: runs of letters, marks and
// digits. Everything else (quotes, operators, parentheses, colons,
// asterisks) separates words and never reaches the tsquery parser.
func queryWords(text string, goFold bool) []string {
	words := strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r)
	})
	if len(words) > maxQueryWords {
		words = words[:maxQueryWords]
	}
	out := words[:0]
	for _, w := range words {
		w = searchText(w, goFold)
		if w != "" {
			out = append(out, w)
		}
	}
	return out
}

// searchText prepares text for the index or a query word.
func searchText(text string, goFold bool) string {
	text = strings.ToLower(text)
	if goFold {
		text = foldGo(text)
	}
	return text
}

// foldGo removes combining marks after canonical decomposition: "é" → "e",
// "ї" → "і", Arabic short vowels dropped.
func foldGo(text string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, text)
	if err != nil {
		return text
	}
	return out
}
