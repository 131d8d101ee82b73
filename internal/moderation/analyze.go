package moderation

import (
	"bytes"
	"slices"
	"sync"
	"unicode"
	"unicode/utf8"
)

// token is a word of the normalised text.
type token struct {
	s, e   int32 // byte range in the normalised text
	qs, qe int32 // byte range in the squeezed buffer
	sent   int16 // sentence index
	quoted bool  // inside quotation marks
}

// hit is a lexicon entry matched on tokens [first, last).
type hit struct {
	entry       int32
	first, last int32
}

// analysis is the reusable per-text working state shared by the lexicon
// signals and the classifier features.
type analysis struct {
	n     normText
	toks  []token
	sq    []byte
	hits  []hit
	kinds uint32 // bit set of kinds present
	cand  []int32
	// covered marks tokens that are part of a lexicon hit.
	covered   []bool
	orig      string
	undoubled []byte // scratch for undoubledCandidates
	// rules holds the group rules found by the last lexicon scoring.
	rules groupRule
	// threatSeen: a threat rule matched; threatUnquoted: one match starts
	// outside quotation marks.
	threatSeen, threatUnquoted bool
	// ctx caches the context of each hit (ctxOK: computed).
	ctx   []hitContext
	ctxOK []bool
}

var analysisPool = sync.Pool{New: func() any { return new(analysis) }}

func getAnalysis(s string, lex *lexicon) *analysis {
	a := analysisPool.Get().(*analysis)
	a.run(s, lex)
	return a
}

func putAnalysis(a *analysis) {
	a.orig = ""
	if cap(a.n.b) > 1<<16 {
		return // don't keep huge buffers alive
	}
	analysisPool.Put(a)
}

func runeLen(c byte) int {
	switch {
	case c < 0x80:
		return 1
	case c < 0xE0:
		return 2
	case c < 0xF0:
		return 3
	default:
		return 4
	}
}

// tokenByteAt reports whether the rune starting at b[i] belongs to a word.
func tokenByteAt(b []byte, i int) bool {
	c := b[i]
	if c < utf8.RuneSelf {
		return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '*' || c >= 'A' && c <= 'Z'
	}
	r, _ := utf8.DecodeRune(b[i:])
	if r < runeTableEnd {
		return wordRunes.has(r)
	}
	return isWordRuneSlow(r)
}

func isWordRuneSlow(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.M, r)
}

// runeTableEnd ends the runes of one or two UTF-8 bytes (Latin, Greek,
// Cyrillic, Arabic), whose classes the screen looks up in bit tables
// rather than in the Unicode range tables.
const runeTableEnd = 0x800

// runeSet is a set of runes below runeTableEnd.
type runeSet [runeTableEnd / 64]uint64

func (s *runeSet) has(r rune) bool { return s[r>>6]&(1<<(r&63)) != 0 }

func newRuneSet(in func(rune) bool) *runeSet {
	var s runeSet
	for r := rune(0); r < runeTableEnd; r++ {
		if in(r) {
			s[r>>6] |= 1 << (r & 63)
		}
	}
	return &s
}

var (
	letterRunes = newRuneSet(unicode.IsLetter)
	wordRunes   = newRuneSet(isWordRuneSlow) // letters, digits and marks
)

// isLetter is unicode.IsLetter.
func isLetter(r rune) bool {
	if uint32(r) < runeTableEnd {
		return letterRunes.has(r)
	}
	return unicode.IsLetter(r)
}

func (a *analysis) run(s string, lex *lexicon) {
	a.n.reset(s)
	a.orig = s
	a.toks = a.toks[:0]
	a.sq = a.sq[:0]
	a.hits = a.hits[:0]
	a.kinds = 0
	a.rules = 0
	a.threatSeen, a.threatUnquoted = false, false
	a.ctx, a.ctxOK = a.ctx[:0], a.ctxOK[:0]
	b := a.n.b
	sent := int16(0)
	quoted := false
	var openQuote byte
	for i := 0; i < len(b); {
		if !tokenByteAt(b, i) {
			c := b[i]
			switch c {
			case '.', '!', '?', ';':
				sent++
			case '\n':
				// A quotation left open does not run into the next paragraph.
				sent++
				quoted = false
			case '"':
				quoted = !quoted
				openQuote = '"'
			case '\'':
				// An apostrophe inside a word is not a quote.
				inWord := i > 0 && tokenByteAt(b, i-1) && i+1 < len(b) && tokenByteAt(b, i+1)
				if !inWord {
					if quoted && openQuote == '\'' {
						if i == 0 || tokenByteAt(b, i-1) || b[i-1] == '.' || b[i-1] == '!' || b[i-1] == '?' {
							quoted = false
						}
					} else if !quoted && i+1 < len(b) && tokenByteAt(b, i+1) && (i == 0 || b[i-1] == ' ' || b[i-1] == '(') {
						quoted = true
						openQuote = '\''
					}
				}
			case 0xE2: // “ ” „ ‹ › … are three-byte sequences starting with E2 80
				if i+2 < len(b) && b[i+1] == 0x80 {
					switch b[i+2] {
					case 0x9C: // “ opens in English, closes „…“ in German and Ukrainian
						if quoted && (openQuote == 0x9E || openQuote == 0x9C) {
							quoted = false
						} else {
							quoted = true
							openQuote = 0x9C
						}
					case 0x9E, 0xB9: // „ ‹
						quoted = true
						openQuote = b[i+2]
					case 0x9D, 0xBA: // ” ›: close, or open where ”…” is the style
						if quoted {
							quoted = false
						} else if b[i+2] == 0x9D {
							quoted = true
							openQuote = 0x9D
						}
					case 0xA6: // …
						sent++
					}
				}
			case 0xC2: // « »
				if i+1 < len(b) {
					if b[i+1] == 0xAB {
						quoted = true
						openQuote = '"'
					} else if b[i+1] == 0xBB {
						quoted = false
					}
				}
			case 0xD8: // Arabic question mark and semicolon
				if i+1 < len(b) && (b[i+1] == 0x9F || b[i+1] == 0x9B) {
					sent++
				}
			}
			i += runeLen(c)
			continue
		}
		j := i
		for j < len(b) && tokenByteAt(b, j) {
			j += runeLen(b[j])
		}
		st, en := i, j
		for st < en && b[st] == '*' {
			st++
		}
		for en > st && b[en-1] == '*' {
			en--
		}
		if st < en {
			qs := len(a.sq)
			a.sq = append(a.sq, b[st:en]...)
			a.toks = append(a.toks, token{s: int32(st), e: int32(en), qs: int32(qs), qe: int32(len(a.sq)), sent: sent, quoted: quoted})
		}
		i = j
	}
	if lex != nil {
		a.match(lex)
	}
}

func (a *analysis) tokSq(i int) []byte { t := a.toks[i]; return a.sq[t.qs:t.qe] }

var arabicPrefixes = [][]byte{
	[]byte("ال"), []byte("وال"), []byte("بال"), []byte("فال"), []byte("كال"), []byte("لل"),
	[]byte("و"), []byte("ب"), []byte("ل"), []byte("ف"),
}

func (a *analysis) match(lex *lexicon) {
	a.covered = append(a.covered[:0], make([]bool, len(a.toks))...)
	for i := range a.toks {
		w := a.tokSq(i)
		a.cand = a.cand[:0]
		a.walkToken(lex, w)
		if len(a.cand) == 0 && len(w) >= 6 {
			a.fuzzyCandidates(lex, w)
		}
		if len(a.cand) == 0 && len(w) >= 4 {
			a.undoubledCandidates(lex, w)
		}
		if len(a.cand) == 0 && len(w) >= 5 && (w[0] == 'i' || w[0] == 'a') && a.joinedLetters(i) {
			// "I h a t e them" was joined into "ihate": try without the
			// one-letter word in front.
			a.walk(lex, w, 1, 0, 0)
		}
		a.addHits(lex, i, i+1)
	}
	a.matchSplitWords(lex)
}

// addHits records the candidates whose first word spans tokens [i, next)
// and whose further words follow.
func (a *analysis) addHits(lex *lexicon, i, next int) {
	for _, id := range a.cand {
		e := &lex.entries[id]
		last := next
		ok := true
		for k := 1; k < len(e.words); k++ {
			if last >= len(a.toks) || !wordMatches(a.tokSq(last), e.words[k]) {
				ok = false
				break
			}
			last++
		}
		if !ok || a.seen(lex, id, i, last) {
			continue
		}
		a.hits = append(a.hits, hit{entry: id, first: int32(i), last: int32(last)})
		a.kinds |= 1 << e.kind
		for k := i; k < last; k++ {
			a.covered[k] = true
		}
	}
}

// joinedLetters reports whether token i was made of spaced-out letters.
func (a *analysis) joinedLetters(i int) bool {
	t := a.toks[i]
	start, end := a.n.start[t.s], a.n.end[t.e-1]
	for k := start; k < end && int(k) < len(a.orig); k++ {
		if isSep(a.orig[k]) {
			return true
		}
	}
	return false
}

// matchSplitWords finds group, slur and dehumanising words that a space
// split in two ("ref ugees", "mus lims"): two adjacent unmatched tokens
// whose concatenation is such a word of six letters or more.
func (a *analysis) matchSplitWords(lex *lexicon) {
	b := a.n.b
	for i := 0; i+1 < len(a.toks); i++ {
		t, u := a.toks[i], a.toks[i+1]
		if a.covered[i] || a.covered[i+1] || u.s != t.e+1 || b[t.e] != ' ' || t.sent != u.sent {
			continue
		}
		w := a.sq[t.qs:u.qe] // the two tokens are contiguous in the squeezed buffer
		if utf8.RuneCount(w) < 6 || utf8.RuneCount(a.sq[t.qs:t.qe]) > utf8.RuneCount(w)-2 {
			continue
		}
		a.cand = a.cand[:0]
		a.walk(lex, w, 0, 0, 0)
		n := 0
		for _, id := range a.cand {
			e := &lex.entries[id]
			if len(e.words) == 1 && len(e.words[0].text) >= 6 && (e.kind == kindGroup || e.kind == kindSlur || e.kind == kindDehum) {
				a.cand[n] = id
				n++
			}
		}
		a.cand = a.cand[:n]
		if n > 0 {
			a.addHits(lex, i, i+2)
		}
	}
}

// walkToken walks the trie from the start of w and, for an Arabic word,
// after each clitic prefix it opens with.
func (a *analysis) walkToken(lex *lexicon, w []byte) {
	a.walk(lex, w, 0, 0, 0)
	if len(w) > 2 && w[0] >= 0xD8 && w[0] <= 0xDB {
		for _, p := range arabicPrefixes {
			if len(w) > len(p)+2 && string(w[:len(p)]) == string(p) {
				a.walk(lex, w, len(p), 0, 0)
			}
		}
	}
}

// undoubledCandidates adds group, slur, dehumanising and derogatory
// entries that a doubled letter hides ("refuugees", "щуури", "raats"):
// the squeezed form folds runs of three or more, this one run of two.
func (a *analysis) undoubledCandidates(lex *lexicon, w []byte) {
	for i := 0; i < len(w); {
		size := runeLen(w[i])
		j := i + size
		if j+size <= len(w) && bytes.Equal(w[i:j], w[j:j+size]) {
			a.undoubled = append(append(a.undoubled[:0], w[:j]...), w[j+size:]...)
			a.walkToken(lex, a.undoubled)
			n := 0
			for _, id := range a.cand {
				switch lex.entries[id].kind {
				case kindGroup, kindSlur, kindDehum, kindDerog:
					a.cand[n] = id
					n++
				}
			}
			a.cand = a.cand[:n]
			if n > 0 {
				return
			}
		}
		i = j
	}
}

// fuzzyCandidates adds group and slur entries one edit away from w, or
// contained in a long token ("ihateimmigrants").
func (a *analysis) fuzzyCandidates(lex *lexicon, w []byte) {
	if utf8.RuneCount(w) < 6 {
		return
	}
	for _, id := range lex.fuzzy[fuzzyHash(w, -1, 0)] {
		if lex.oneEditAway(w, id) {
			a.addCand(id)
		}
	}
	for i := 0; i < len(w); {
		size := runeLen(w[i])
		for _, id := range lex.fuzzy[fuzzyHash(w, i, size)] {
			if lex.oneEditAway(w, id) {
				a.addCand(id)
			}
		}
		i += size
	}
	if len(a.cand) > 0 || len(w) < 10 {
		return
	}
	a.gluedCandidates(lex, w)
}

// gluedCandidates adds the long group and slur words found inside w. A
// word inside w has its first and last pairs of bytes in w: most words are
// ruled out by these two bits before searching.
func (a *analysis) gluedCandidates(lex *lexicon, w []byte) {
	var pairs bytePairSet
	for i := 0; i+1 < len(w); i++ {
		pairs.add(bytePair(w[i], w[i+1]))
	}
	for k, id := range lex.long {
		lw := &lex.longWords[k]
		if pairs.has(lw.first) && pairs.has(lw.last) && bytes.Contains(w, lw.text) {
			a.addCand(id)
		}
	}
}

// bytePair hashes two adjacent bytes to a bit of a bytePairSet.
func bytePair(c0, c1 byte) uint16 { return (uint16(c0)<<5 ^ uint16(c1)) & (bytePairBits - 1) }

const bytePairBits = 4096

// bytePairSet is a set of bytePair hashes.
type bytePairSet [bytePairBits / 64]uint64

func (s *bytePairSet) add(p uint16)      { s[p>>6] |= 1 << (p & 63) }
func (s *bytePairSet) has(p uint16) bool { return s[p>>6]&(1<<(p&63)) != 0 }

// oneEditAway reports whether w is one letter away from a form of entry
// id: one letter dropped, added or replaced, or two neighbours swapped.
// Two words that each lose a different letter share a deleted form
// ("bankers" and "beaners" both give "baners") but are two edits apart.
func (l *lexicon) oneEditAway(w []byte, id int32) bool {
	e := &l.entries[id]
	p := e.words[0]
	endings := []string{"", "s"}
	if p.stem {
		endings = fuzzyEndings[scriptOf(p.text)]
	}
	for _, end := range endings {
		if withinOneEdit(w, p.text, end) {
			return true
		}
	}
	return false
}

// withinOneEdit compares w with stem+end rune by rune (optimal string
// alignment distance at most one) without building the form.
func withinOneEdit(w []byte, stem, end string) bool {
	var fb [64]rune
	var wb [64]rune
	f := fb[:0]
	for _, r := range stem {
		f = append(f, r)
	}
	for _, r := range end {
		f = append(f, r)
	}
	x := wb[:0]
	for i := 0; i < len(w); {
		r, size := utf8.DecodeRune(w[i:])
		x = append(x, r)
		i += size
	}
	switch len(x) - len(f) {
	case 0:
		i := 0
		for i < len(x) && x[i] == f[i] {
			i++
		}
		if i == len(x) {
			return true
		}
		if i+1 < len(x) && x[i] == f[i+1] && x[i+1] == f[i] && slices.Equal(x[i+2:], f[i+2:]) {
			return true // swapped neighbours
		}
		return slices.Equal(x[i+1:], f[i+1:]) // one letter replaced
	case 1, -1:
		long, short := x, f
		if len(f) > len(x) {
			long, short = f, x
		}
		i := 0
		for i < len(short) && long[i] == short[i] {
			i++
		}
		return slices.Equal(long[i+1:], short[i:])
	}
	return false
}

// seen reports whether entry id, or another entry of the same kind on the
// same words (the same word listed by two languages' lexicons), was already
// matched at token first.
func (a *analysis) seen(lex *lexicon, id int32, first, last int) bool {
	kind := lex.entries[id].kind
	for _, h := range a.hits {
		if int(h.first) == first && (h.entry == id || int(h.last) == last && lex.entries[h.entry].kind == kind) {
			return true
		}
	}
	return false
}

// walk follows w[i:] down the trie, adding entries whose first word matches
// exactly, as a stem, or with a plural/feminine ending. A '*' in the text
// stands for one unknown letter.
func (a *analysis) walk(lex *lexicon, w []byte, i int, node int32, wild int) {
	for ; i < len(w); i++ {
		c := w[i]
		if c == '*' && wild < 2 {
			for l := byte('a'); l <= 'z'; l++ {
				if n := lex.child(node, l); n >= 0 {
					a.walkFrom(lex, w, i+1, n, wild+1)
				}
			}
			// '*' may also hide nothing: "f*ck" ~ "fck" is rare, but
			// "n**ger" hides two letters.
			if i+1 < len(w) && w[i+1] == '*' {
				continue
			}
			return
		}
		node = lex.child(node, c)
		if node < 0 {
			return
		}
		a.terminalAt(lex, w, i+1, node)
	}
}

func (a *analysis) walkFrom(lex *lexicon, w []byte, i int, node int32, wild int) {
	a.terminalAt(lex, w, i, node)
	a.walk(lex, w, i, node, wild)
}

func (a *analysis) terminalAt(lex *lexicon, w []byte, i int, node int32) {
	ids := lex.terminal[node]
	if len(ids) == 0 {
		return
	}
	rest := w[i:]
	for _, id := range ids {
		p := lex.entries[id].words[0]
		// Negations take no plural: Spanish "nos" is not "no".
		if p.stem || len(rest) == 0 || lex.entries[id].kind != kindNeg && inflection(p.text, rest) {
			a.addCand(id)
		}
	}
}

func (a *analysis) addCand(id int32) {
	for _, c := range a.cand {
		if c == id {
			return
		}
	}
	a.cand = append(a.cand, id)
}

// inflection reports whether rest is an ending that word may take: a
// plural or feminine ending of Latin-script words, or an Arabic plural or
// pronoun suffix ("اكرههم" is "اكره" + "هم"). Short words take only a
// plural "s", so that "rat" does not match "rate" nor "spic" "spice".
func inflection(word string, rest []byte) bool {
	if len(word) > 0 && word[0] >= 0xD8 && word[0] <= 0xDB {
		if len(word) < 6 { // fewer than three Arabic letters
			return false
		}
		switch string(rest) {
		case "ين", "ون", "ه", "ها", "هم", "هن", "كم", "ك", "نا", "ات", "وا", "و", "ي":
			return true
		}
		return false
	}
	switch string(rest) {
	case "s":
		return true
	case "x":
		return len(word) >= 4
	case "es", "e", "z":
		return len(word) >= 5
	}
	return false
}

func wordMatches(tok []byte, p lexPattern) bool {
	if len(tok) < len(p.text) || string(tok[:len(p.text)]) != p.text {
		return false
	}
	rest := tok[len(p.text):]
	return p.stem || len(rest) == 0 || inflection(p.text, rest)
}

// tokenSpan returns the original byte range of tokens [first, last).
func (a *analysis) tokenSpan(first, last int32) (int, int) {
	s := a.toks[first].s
	e := a.toks[last-1].e
	return int(a.n.start[s]), int(a.n.end[e-1])
}

func (a *analysis) has(kind uint8) bool { return a.kinds&(1<<kind) != 0 }
