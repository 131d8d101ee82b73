package moderation

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// normText is a normalised view of a field: folded lower-case text in which
// every byte remembers the byte range of the original rune it came from, so
// that matches on the normalised text map back to spans of the original.
type normText struct {
	b     []byte
	start []int32 // original start offset for each byte of b
	end   []int32 // original end offset for each byte of b
	tmp   []byte
	word  []rune
	word2 []rune
	wofs  []int32 // original start of each rune in word
	wend  []int32
}

// Normalize folds s the way the screen and the classifier see it: NFKC,
// lower case, diacritics and Arabic vowel marks removed, look-alike letters of
// other scripts folded inside Latin words, leetspeak inside words, runs of
// three or more identical letters squeezed and spaced-out letters joined.
func Normalize(s string) string {
	var n normText
	n.reset(s)
	return string(n.b)
}

func (n *normText) reset(s string) {
	n.b = n.b[:0]
	n.start = n.start[:0]
	n.end = n.end[:0]
	i := 0
	for i < len(s) {
		// Gather one whitespace-delimited word so that decisions about
		// confusables and leetspeak can look at the whole word.
		r, size := utf8.DecodeRuneInString(s[i:])
		if isSpaceRune(r) || r == utf8.RuneError && size <= 1 && isSpaceByte(s[i]) {
			n.emitByte(' ', i, i+size)
			i += size
			continue
		}
		n.word = n.word[:0]
		n.wofs = n.wofs[:0]
		n.wend = n.wend[:0]
		j := i
		for j < len(s) {
			r, size = utf8.DecodeRuneInString(s[j:])
			if isSpaceRune(r) {
				break
			}
			n.word = append(n.word, r)
			n.wofs = append(n.wofs, int32(j))
			n.wend = append(n.wend, int32(j+size))
			j += size
		}
		n.emitWord()
		i = j
	}
	n.squeeze()
	n.joinSpaced()
}

// isSpaceRune is unicode.IsSpace with its ASCII case inlined.
func isSpaceRune(r rune) bool {
	if r < utf8.RuneSelf {
		return r == ' ' || r >= '\t' && r <= '\r'
	}
	return unicode.IsSpace(r)
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (n *normText) emitByte(c byte, start, end int) {
	n.b = append(n.b, c)
	n.start = append(n.start, int32(start))
	n.end = append(n.end, int32(end))
}

func (n *normText) emitRune(r rune, start, end int32) {
	if r < utf8.RuneSelf {
		n.b = append(n.b, byte(r))
		n.start = append(n.start, start)
		n.end = append(n.end, end)
		return
	}
	k := len(n.b)
	n.b = utf8.AppendRune(n.b, r)
	for ; k < len(n.b); k++ {
		n.start = append(n.start, start)
		n.end = append(n.end, end)
	}
}

func (n *normText) emitWord() {
	hasLatin, hasLetter := false, false
	latin, cyrillic := 0, 0
	for _, r := range n.word {
		if isLetter(r) {
			hasLetter = true
			if r < latinLetterEnd {
				hasLatin = true
				latin++
			}
		}
		if r >= 0x0400 && r <= 0x04FF {
			cyrillic++
		}
	}
	// A mostly Cyrillic word with a few Latin look-alikes or digits
	// ("мiгранти", "б1женці") is folded to Cyrillic instead.
	toCyrillic := cyrillic >= 2 && cyrillic > latin
	if toCyrillic {
		hasLatin = false
	}
	for k, r := range n.word {
		st, en := n.wofs[k], n.wend[k]
		if r < utf8.RuneSelf {
			c := byte(r)
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			} else if hasLetter {
				if l, ok := leetByte(c, n.word, k); ok {
					c = l
				}
			}
			if toCyrillic {
				if f, ok := latinToCyrillic[c]; ok {
					n.emitRune(f, st, en)
					continue
				}
			}
			if c == '`' {
				c = '\''
			}
			n.b = append(n.b, c)
			n.start = append(n.start, st)
			n.end = append(n.end, en)
			continue
		}
		if hasLatin {
			if f, ok := confusable[r]; ok {
				n.emitRune(f, st, en)
				continue
			}
		}
		switch r {
		case '’', '‘', 'ʼ', '′':
			n.emitRune('\'', st, en)
			continue
		case 'ـ': // Arabic tatweel
			continue
		case 'ة':
			n.emitRune('ه', st, en)
			continue
		case 'ى':
			n.emitRune('ي', st, en)
			continue
		case 'ß':
			n.emitRune('s', st, en)
			n.emitRune('s', st, en)
			continue
		}
		if r >= 0x0660 && r <= 0x0669 {
			n.emitRune('0'+(r-0x0660), st, en)
			continue
		}
		if r >= 0x06F0 && r <= 0x06F9 {
			n.emitRune('0'+(r-0x06F0), st, en)
			continue
		}
		var folded []rune
		if r < rune(len(foldTable)) {
			folded = foldTable[r]
		} else {
			n.tmp = foldRune(n.tmp[:0], r)
			folded = n.tmpRunes(n.tmp)
		}
		for _, d := range folded {
			if f, ok := confusable[d]; ok && hasLatin {
				d = f
			}
			n.emitRune(d, st, en)
		}
	}
}

// foldRune compatibility-decomposes r, drops combining marks and
// invisible joiners and lower-cases what is left, appending UTF-8 to dst.
func foldRune(dst []byte, r rune) []byte {
	var buf [utf8.UTFMax]byte
	dec := norm.NFKD.Append(nil, buf[:utf8.EncodeRune(buf[:], r)]...)
	for _, d := range string(dec) {
		if unicode.Is(unicode.Mn, d) || d == 0x200c || d == 0x200d || d == 0xfeff || d == 0x200b {
			continue
		}
		dst = utf8.AppendRune(dst, unicode.ToLower(d))
	}
	return dst
}

func (n *normText) tmpRunes(b []byte) []rune {
	n.word2 = n.word2[:0]
	for _, r := range string(b) {
		n.word2 = append(n.word2, r)
	}
	return n.word2
}

// foldTable holds foldRune for the runes below U+0800: Latin, Greek,
// Cyrillic and Arabic, the scripts the screen serves.
var foldTable = func() [][]rune {
	t := make([][]rune, 0x800)
	for r := rune(0x80); r < 0x800; r++ {
		t[r] = []rune(string(foldRune(nil, r)))
	}
	return t
}()

// latinLetterEnd ends the Latin blocks (up to IPA Extensions).
const latinLetterEnd = 0x250

// leetDigits are the letters that digits stand for, by digit.
var leetDigits = [10]byte{0: 'o', 1: 'i', 3: 'e', 4: 'a', 5: 's', 7: 't'}

// leetByte folds digits and symbols commonly used in place of letters, but
// only inside words that also contain letters ("r3fug33s", "$cum", "h@te").
func leetByte(c byte, word []rune, k int) (byte, bool) {
	switch {
	case c >= '0' && c <= '9', c == '@', c == '$', c == '!', c == '|':
	default:
		return 0, false // no stand-in: its neighbours need no look
	}
	prevLetter := k > 0 && isWordRune(word[k-1])
	nextLetter := k+1 < len(word) && isWordRune(word[k+1])
	if c >= '0' && c <= '9' {
		l := leetDigits[c-'0']
		return l, l != 0 && (prevLetter || nextLetter)
	}
	switch c {
	case '@':
		return 'a', prevLetter && nextLetter
	case '$':
		return 's', nextLetter
	case '!', '|':
		return 'i', prevLetter && nextLetter
	}
	return 0, false
}

func isWordRune(r rune) bool {
	return isLetter(r) || r >= '0' && r <= '9' || r == '@' || r == '$' || r == '*'
}

// squeeze collapses runs of three or more identical letters to one.
func (n *normText) squeeze() {
	b := n.b
	w := 0
	for i := 0; i < len(b); {
		c := b[i]
		if w == i && (i+1 == len(b) || b[i+1] != c) {
			// Nothing squeezed yet and no run here: the byte stays.
			w++
			i++
			continue
		}
		j := i + 1
		for j < len(b) && b[j] == c {
			j++
		}
		if j-i >= 3 && c < utf8.RuneSelf && isASCIILetter(c) {
			b[w] = c
			n.start[w] = n.start[i]
			n.end[w] = n.end[j-1]
			w++
			i = j
			continue
		}
		for ; i < j; i++ {
			b[w] = b[i]
			n.start[w] = n.start[i]
			n.end[w] = n.end[i]
			w++
		}
	}
	n.b = b[:w]
	n.start = n.start[:w]
	n.end = n.end[:w]
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' }

func isSep(c byte) bool { return c == ' ' || c == '.' || c == '-' || c == '_' || c == '*' || c == '+' }

// joinSpaced removes the separators of runs of three or more isolated
// letters: "h a t e", "h.a.t.e", "r-e-f-u-g-e-e-s", "б і ж е н ц і".
func (n *normText) joinSpaced() {
	b := n.b
	letterAt := func(i int) (int, bool) { // size of the letter at i, if any
		if i < 0 || i >= len(b) {
			return 0, false
		}
		if b[i] < utf8.RuneSelf {
			return 1, isASCIILetter(b[i])
		}
		r, size := utf8.DecodeRune(b[i:])
		return size, isLetter(r)
	}
	letterBefore := func(i int) bool {
		if i <= 0 {
			return false
		}
		r, _ := utf8.DecodeLastRune(b[:i])
		return isLetter(r)
	}
	// isolated reports the size of a letter at i with no letter either side.
	isolated := func(i int) int {
		size, ok := letterAt(i)
		if !ok || letterBefore(i) {
			return 0
		}
		if _, next := letterAt(i + size); next {
			return 0
		}
		return size
	}
	w := 0
	copyByte := func(k int) {
		b[w] = b[k]
		n.start[w] = n.start[k]
		n.end[w] = n.end[k]
		w++
	}
	for i := 0; i < len(b); {
		// An ASCII byte that is no letter, or a letter after one, is no
		// isolated letter: copied without decoding its neighbours.
		if c := b[i]; c < utf8.RuneSelf && (!isASCIILetter(c) || i > 0 && isASCIILetter(b[i-1])) {
			copyByte(i)
			i++
			continue
		}
		if size := isolated(i); size > 0 {
			// Collect letter (sep letter)* with single-byte separators.
			var starts [64]int
			var sizes [64]int
			count := 0
			j := i
			for count < len(starts) {
				starts[count], sizes[count] = j, size
				count++
				next := j + size
				if next+1 >= len(b) || !isSep(b[next]) {
					break
				}
				size = isolated(next + 1)
				if size == 0 {
					break
				}
				j = next + 1
			}
			if count >= 3 {
				for k := 0; k < count; k++ {
					for m := starts[k]; m < starts[k]+sizes[k]; m++ {
						copyByte(m)
					}
				}
				i = starts[count-1] + sizes[count-1]
				continue
			}
		}
		copyByte(i)
		i++
	}
	n.b = b[:w]
	n.start = n.start[:w]
	n.end = n.end[:w]
}

// latinToCyrillic folds Latin letters (and leetspeak already folded to
// them) that look like Cyrillic ones, inside mostly Cyrillic words.
var latinToCyrillic = map[byte]rune{
	'a': 'а', 'c': 'с', 'e': 'е', 'i': 'і', 'k': 'к', 'm': 'м', 'o': 'о', 'p': 'р',
	'x': 'х', 'y': 'у', 't': 'т', 'h': 'н', 'b': 'в',
}

// confusable folds Cyrillic and Greek letters that look like Latin ones; it
// is applied only inside words that also contain Latin letters.
var confusable = map[rune]rune{
	'а': 'a', 'в': 'b', 'е': 'e', 'ё': 'e', 'к': 'k', 'м': 'm', 'н': 'h', 'о': 'o', 'р': 'p',
	'с': 'c', 'т': 't', 'у': 'y', 'х': 'x', 'і': 'i', 'ї': 'i', 'ј': 'j', 'ѕ': 's', 'ԁ': 'd',
	'ɡ': 'g', 'ո': 'n', 'ս': 'u', 'А': 'a', 'В': 'b', 'Е': 'e', 'К': 'k', 'М': 'm', 'Н': 'h',
	'О': 'o', 'Р': 'p', 'С': 'c', 'Т': 't', 'Х': 'x', 'І': 'i', 'Ј': 'j', 'Ѕ': 's',
	'α': 'a', 'β': 'b', 'ε': 'e', 'ι': 'i', 'κ': 'k', 'ν': 'v', 'ο': 'o', 'ρ': 'p', 'τ': 't',
	'υ': 'u', 'χ': 'x', 'Α': 'a', 'Β': 'b', 'Ε': 'e', 'Ι': 'i', 'Κ': 'k', 'Μ': 'm', 'Ν': 'n',
	'Ο': 'o', 'Ρ': 'p', 'Τ': 't', 'Υ': 'y', 'Χ': 'x', 'Ζ': 'z',
}
