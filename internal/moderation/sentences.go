package moderation

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"chorus/internal/story"
)

// LabelSentence marks, on the hate signal of a long text, the sentence that
// drove its score.
const LabelSentence = "sentence"

// A long text (a story) is scored by its worst sentence, each read alone
// and with the sentence before it as context, rather than as a whole: a linear
// model adds up the faint evidence of many sentences ("papers", "ID
// numbers", "border", "police") into a false alarm, and a moderator wants
// to know which sentence to read. Short texts (posts) are scored whole.
const (
	sentenceScoringMinBytes     = 400
	sentenceScoringMinSentences = 3
)

// sentenceBounds returns the byte ranges of the sentences of text, without
// surrounding spaces: a sentence ends at ".", "!", "?", "؟" or "…" followed
// by a space, or at a line break.
func sentenceBounds(text string) [][2]int {
	var out [][2]int
	start := 0
	emit := func(end int) {
		s, e := start, end
		for s < e && isSpaceByte(text[s]) {
			s++
		}
		for e > s && isSpaceByte(text[e-1]) {
			e--
		}
		if s < e {
			out = append(out, [2]int{s, e})
		}
		start = end
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		next := i + size
		switch {
		case r == '\n':
			emit(next)
		case r == '.' || r == '!' || r == '?' || r == '؟' || r == '…':
			// Closing quotes and brackets stay with their sentence, and
			// so does a quotation that goes on: "« quoted! » here?".
			for next < len(text) {
				c, size := utf8.DecodeRuneInString(text[next:])
				if !strings.ContainsRune(`"'”’»)]`, c) {
					break
				}
				next += size
			}
			c, _ := utf8.DecodeRuneInString(text[next:])
			if next == len(text) || unicode.IsSpace(c) && !closesAfterSpace(text[next:]) {
				emit(next)
			}
		}
		i = next
	}
	emit(len(text))
	return out
}

// closesAfterSpace reports whether rest opens with spaces and a closing
// guillemet: French puts a space before "»".
func closesAfterSpace(rest string) bool {
	t := strings.TrimLeft(rest, " \u00a0\u202f")
	return strings.HasPrefix(t, "»") && len(t) < len(rest)
}

// worstSentence scores each sentence of a long text, alone and with the one
// before it (the geometric mean of the two scores), and returns the highest score and the sentence that reached it; ok is
// false for a short text, which is scored whole.
func (s *Screen) worstSentence(text string) (score float64, start, end int, ok bool) {
	if len(text) < sentenceScoringMinBytes {
		return 0, 0, 0, false
	}
	bounds := sentenceBounds(text)
	if len(bounds) < sentenceScoringMinSentences {
		return 0, 0, 0, false
	}
	score = -1
	for i, b := range bounds {
		var sc float64
		if i == 0 {
			sc = s.textHate(text[b[0]:b[1]])
		} else {
			sc = s.inContext(text[b[0]:b[1]], text[bounds[i-1][0]:b[1]])
		}
		if sc > score {
			score, start, end = sc, b[0], b[1]
		}
	}
	return score, start, end, true
}

// inContext scores a sentence as the geometric mean of its score alone and
// the score of the text that holds it with its context: both must carry
// the evidence. The context alone ("They asked for my papers" after a
// sentence about migrants) does not make a sentence hateful, and a
// sentence is read with what frames it ("He wrote: …").
func (s *Screen) inContext(sentence, withContext string) float64 {
	return math.Sqrt(s.textHate(sentence) * s.textHate(withContext))
}

// firstSentence is the first sentence of text.
func firstSentence(text string) string {
	if b := sentenceBounds(text); len(b) > 0 {
		return text[b[0][0]:b[0][1]]
	}
	return ""
}

func (s *Screen) textHate(text string) float64 {
	a := getAnalysis(text, s.lex)
	defer putAnalysis(a)
	score, _ := hateScore(a, s.lex, s.model, hasThreat(a))
	return score
}

// sentenceSpan is the hate signal's span of the sentence that drove the
// score of field.
func sentenceSpan(field string, start, end int) story.Span {
	return story.Span{Field: field, Start: start, End: end, Label: LabelSentence}
}
