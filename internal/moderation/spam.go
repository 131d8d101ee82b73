package moderation

import (
	"bytes"
	"strings"

	"chorus/internal/story"
)

var spamPhrases = []string{
	"click here", "buy now", "free money", "earn money", "make money", "work from home", "bitcoin", "crypto",
	"investment opportunity", "guaranteed", "whatsapp me", "dm me", "follow me", "subscribe", "promo code",
	"cliquez ici", "gagnez", "argent facile", "haz clic", "gana dinero", "اربح", "اضغط هنا", "заробіток",
}

var spamPhraseWords = func() []searchWord {
	words := make([]searchWord, len(spamPhrases))
	for i, p := range spamPhrases {
		words[i] = newSearchWord(p)
	}
	return words
}()

func bytesOf(ss []string) [][]byte {
	b := make([][]byte, len(ss))
	for i, s := range ss {
		b[i] = []byte(s)
	}
	return b
}

// maxSpamTokens is the number of tokens whose repetition is measured.
const maxSpamTokens = 202

// tokenHash is FNV-1a of a token's bytes.
func tokenHash(w []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range w {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

func spamSignal(field, raw string, a *analysis, sig *story.Signal) {
	links := 0
	for off := 0; off < len(raw); {
		i := indexLink(raw[off:])
		if i < 0 {
			break
		}
		start := off + i
		end := start
		for end < len(raw) && raw[end] > ' ' {
			end++
		}
		links++
		sig.Spans = append(sig.Spans, story.Span{Field: field, Start: start, End: end, Label: "link"})
		off = end
	}
	score := 0.0
	switch {
	case links >= 3:
		score = 0.6 + 0.1*float64(min(links-3, 3))
	case links == 2:
		score = 0.35
	case links == 1:
		score = 0.1
	}
	// Repeated text: few distinct tokens, or the same bigram over and over.
	n := len(a.toks)
	if n >= 8 {
		// Tokens are compared by a hash first, their bytes only when the
		// hashes agree.
		var hashes [maxSpamTokens]uint64
		distinct := 0
		for i := range a.toks {
			w := a.n.b[a.toks[i].s:a.toks[i].e]
			h := tokenHash(w)
			hashes[i] = h
			seen := false
			for j := 0; j < i; j++ {
				if hashes[j] == h && string(a.n.b[a.toks[j].s:a.toks[j].e]) == string(w) {
					seen = true
					break
				}
			}
			if !seen {
				distinct++
			}
			if i+1 >= maxSpamTokens {
				break
			}
		}
		ratio := float64(distinct) / float64(min(n, 201))
		if ratio < 0.35 {
			score = max(score, 0.9-ratio)
		} else if ratio < 0.5 {
			score = max(score, 0.4)
		}
	}
	for range spamPhrasesIn(a.n.b) {
		score = min(1, score+0.2)
	}
	if score > sig.Score {
		sig.Score = score
	}
}

func indexLink(s string) int {
	best := -1
	for _, p := range []string{"http://", "https://", "www."} {
		if i := strings.Index(s, p); i >= 0 && (best < 0 || i < best) {
			best = i
		}
	}
	return best
}

// spamPhrasesIn counts the spam phrases in the normalised text b. A phrase
// in b has its first and last pairs of bytes there: a bit set of b's pairs
// rules most phrases out before searching.
func spamPhrasesIn(b []byte) int {
	var pairs bytePairSet
	for i := 0; i+1 < len(b); i++ {
		pairs.add(bytePair(b[i], b[i+1]))
	}
	n := 0
	for _, p := range spamPhraseWords {
		if pairs.has(p.first) && pairs.has(p.last) && bytes.Contains(b, p.text) {
			n++
		}
	}
	return n
}
