package moderation

import (
	"bytes"
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
}

var analysisPool = sync.Pool{New: func() any { return new(analysis) }}

func getAnalysis(s string, lex *lexicon) *analysis {
	a := analysisPool.Get().(*analysis)
	a.run(s, lex)
	return a
}

func putAnalysis(a *analysis) {
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
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.M, r)
}

func (a *analysis) run(s string, lex *lexicon) {
	a.n.reset(s)
	a.toks = a.toks[:0]
	a.sq = a.sq[:0]
	a.hits = a.hits[:0]
	a.kinds = 0
	b := a.n.b
	sent := int16(0)
	quoted := false
	var openQuote byte
	for i := 0; i < len(b); {
		if !tokenByteAt(b, i) {
			c := b[i]
			switch c {
			case '.', '!', '?', ';', '\n':
				sent++
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
			case 0xE2: // “ ” „ ‘ ’ … are three-byte sequences starting with E2 80
				if i+2 < len(b) && b[i+1] == 0x80 {
					switch b[i+2] {
					case 0x9C, 0x9E: // “ „
						quoted = true
						openQuote = '"'
					case 0x9D: // ”
						quoted = false
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
			case 0xD8: // Arabic question mark and comma
				if i+1 < len(b) && b[i+1] == 0x9F {
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
	for i := range a.toks {
		w := a.tokSq(i)
		a.cand = a.cand[:0]
		a.walk(lex, w, 0, 0, 0)
		if len(w) > 2 && w[0] >= 0xD8 && w[0] <= 0xDB {
			for _, p := range arabicPrefixes {
				if len(w) > len(p)+2 && string(w[:len(p)]) == string(p) {
					a.walk(lex, w, len(p), 0, 0)
				}
			}
		}
		if len(a.cand) == 0 && len(w) >= 6 {
			a.fuzzyCandidates(lex, w)
		}
		for _, id := range a.cand {
			e := &lex.entries[id]
			last := i + 1
			ok := true
			for k := 1; k < len(e.words); k++ {
				if last >= len(a.toks) || !wordMatches(a.tokSq(last), e.words[k]) {
					ok = false
					break
				}
				last++
			}
			if !ok || a.seen(id, i) {
				continue
			}
			a.hits = append(a.hits, hit{entry: id, first: int32(i), last: int32(last)})
			a.kinds |= 1 << e.kind
		}
	}
}

// fuzzyCandidates adds group and slur entries one edit away from w, or
// contained in a long token ("ihateimmigrants").
func (a *analysis) fuzzyCandidates(lex *lexicon, w []byte) {
	if utf8.RuneCount(w) < 6 {
		return
	}
	for _, id := range lex.fuzzy[fuzzyHash(w, -1, 0)] {
		a.addCand(id)
	}
	for i := 0; i < len(w); {
		size := runeLen(w[i])
		for _, id := range lex.fuzzy[fuzzyHash(w, i, size)] {
			a.addCand(id)
		}
		i += size
	}
	if len(a.cand) > 0 || len(w) < 10 {
		return
	}
	for _, id := range lex.long {
		if bytes.Contains(w, []byte(lex.entries[id].words[0].text)) {
			a.addCand(id)
		}
	}
}

func (a *analysis) seen(id int32, first int) bool {
	for _, h := range a.hits {
		if h.entry == id && int(h.first) == first {
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
		if p.stem || len(rest) == 0 || inflection(rest) {
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

func inflection(rest []byte) bool {
	switch string(rest) {
	case "s", "es", "x", "e", "z":
		return true
	}
	return false
}

func wordMatches(tok []byte, p lexPattern) bool {
	if len(tok) < len(p.text) || string(tok[:len(p.text)]) != p.text {
		return false
	}
	rest := tok[len(p.text):]
	return p.stem || len(rest) == 0 || inflection(rest)
}

// tokenSpan returns the original byte range of tokens [first, last).
func (a *analysis) tokenSpan(first, last int32) (int, int) {
	s := a.toks[first].s
	e := a.toks[last-1].e
	return int(a.n.start[s]), int(a.n.end[e-1])
}

func (a *analysis) has(kind uint8) bool { return a.kinds&(1<<kind) != 0 }
