package moderation

import (
	"bufio"
	"embed"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

//go:embed lexicon/*.tsv
var lexiconFS embed.FS

// Kinds of lexicon entries.
const (
	kindGroup    uint8 = iota // names a group: migrants, refugees, ...
	kindSlur                  // a slur against a group
	kindReclaim               // a slur often reclaimed by the group itself
	kindDehum                 // a dehumanising word, hateful when applied to a group
	kindHostile               // hostility: hate, go back, get rid of
	kindNeg                   // negation
	kindReport                // reporting or quoting someone: "called me", "m'a traité de"
	kindCondemn               // condemnation: "racist", "inacceptable"
	kindPositive              // positive statement: "welcome", "neighbours"
	kindInGroup               // speaker identifies with the group: "we are", "je suis"
	kindDerog                 // a derogatory attribute, hateful when predicated of a group: "lazy", "thieves"
	kindNonProt               // a target that is not a protected group: "bankers", "politicians", "wasps"
	kindClaim                 // what exclusion denies a group: a home, benefits, a vote, a place among us
	kindCare                  // what makes a denial about a group care for it: sleeping rough, losing a job, having to
	kindRhetQ                 // a rhetorical-question frame: "why should we", "jusqu'à quand", "скільки ще"
	kindWhy                   // "why" in every language: the model weighs it alike in all of them
	kindExpel                 // an order to expel, hateful right before a group: "send", "deport", "renvoyez", "виженіть"
	kindMyth                  // a stereotyped claim about a group, with no slur or hostile word: "steal our jobs", "bring crime"; its group column is the claim's topic
	numKinds
)

var kindNames = [numKinds]string{"group", "slur", "reclaim", "dehum", "hostile", "neg", "report", "condemn", "positive", "ingroup", "derog", "nonprot", "claim", "care", "rhetq", "why", "expel", "myth"}

type lexPattern struct {
	text string // normalised
	stem bool   // matches any ending
}

type lexEntry struct {
	kind  uint8
	group string
	lang  string
	term  string
	words []lexPattern
	// selfNeg marks entries that hold a negation themselves ("not human",
	// "don't belong", "ne supporte plus"): a negation before them does not
	// make them counter-speech.
	selfNeg bool
	// denial marks negations that call a whole claim false ("myth", "not
	// true", "неправда"): their scope reaches over a comma, and they do
	// not deny a group anything.
	denial bool
}

// lexicon indexes the first word of every entry in a byte trie walked on the
// squeezed form of tokens, so one pass over a token finds exact, inflected
// and stem matches.
type lexicon struct {
	entries  []lexEntry
	edges    [][]trieEdge // node -> its children; few each, so a scan beats a map
	root     [256]int32   // children of the root, plus one (0: none): every token starts there
	terminal [][]int32    // node -> entries whose first word ends here
	groups   []string     // distinct target groups, sorted
	claims   []string     // distinct topics of stereotyped claims ("jobs", "crime"), sorted
	// fuzzy maps hashes of group and slur word forms, and of those forms
	// with one letter deleted, to entries: it catches a dropped, added,
	// swapped or wrong letter ("imigrants", "refugess", "immigrnats").
	fuzzy map[uint64][]int32
	// long lists group and slur words of six bytes or more, searched inside
	// long unknown tokens where words were glued together; longWords holds
	// each one's text and the pairs of bytes it opens and ends with.
	long      []int32
	longWords []searchWord
}

type searchWord struct {
	text        []byte
	first, last uint16 // bytePair of the first two and last two bytes
}

// newSearchWord keeps w, of two bytes or more, to be searched for in texts.
func newSearchWord(w string) searchWord {
	n := len(w)
	return searchWord{[]byte(w), bytePair(w[0], w[1]), bytePair(w[n-2], w[n-1])}
}

func (l *lexicon) child(node int32, c byte) int32 {
	if node == 0 {
		return l.root[c] - 1
	}
	for _, e := range l.edges[node] {
		if e.c == c {
			return e.next
		}
	}
	return -1
}

type trieEdge struct {
	c    byte
	next int32
}

var defaultLexicon = mustLoadLexicon()

func mustLoadLexicon() *lexicon {
	l, err := loadLexicon()
	if err != nil {
		panic(err)
	}
	return l
}

func loadLexicon() (*lexicon, error) {
	files, err := lexiconFS.ReadDir("lexicon")
	if err != nil {
		return nil, err
	}
	l := &lexicon{terminal: [][]int32{nil}, edges: [][]trieEdge{nil}}
	groups, claims := map[string]bool{}, map[string]bool{}
	for _, f := range files {
		lang := strings.TrimSuffix(f.Name(), ".tsv")
		data, err := lexiconFS.ReadFile("lexicon/" + f.Name())
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(strings.NewReader(string(data)))
		line := 0
		for sc.Scan() {
			line++
			text := strings.TrimSpace(sc.Text())
			if text == "" || strings.HasPrefix(text, "#") {
				continue
			}
			parts := strings.Split(text, "\t")
			if len(parts) != 3 {
				return nil, fmt.Errorf("lexicon %s:%d: want kind, group and term", f.Name(), line)
			}
			kind := -1
			for k, name := range kindNames {
				if name == parts[0] {
					kind = k
				}
			}
			if kind < 0 {
				return nil, fmt.Errorf("lexicon %s:%d: unknown kind %q", f.Name(), line, parts[0])
			}
			e := lexEntry{kind: uint8(kind), group: parts[1], lang: lang, term: parts[2]}
			switch {
			case e.group == "-":
				e.group = ""
			case e.kind == kindMyth:
				claims[e.group] = true
			default:
				groups[e.group] = true
			}
			for _, w := range strings.Fields(Normalize(parts[2])) {
				stem := strings.HasSuffix(w, "*")
				w = strings.TrimRight(w, "*")
				for _, piece := range splitTokens(w) {
					e.words = append(e.words, lexPattern{text: piece})
				}
				if stem && len(e.words) > 0 {
					e.words[len(e.words)-1].stem = true
				}
			}
			if len(e.words) == 0 {
				continue
			}
			l.add(e)
		}
	}
	l.markSelfNegation()
	for i := range l.entries {
		e := &l.entries[i]
		e.denial = e.kind == kindNeg && denialTerms[e.joined()]
	}
	l.indexFuzzy()
	for g := range groups {
		l.groups = append(l.groups, g)
	}
	sort.Strings(l.groups)
	for c := range claims {
		l.claims = append(l.claims, c)
	}
	sort.Strings(l.claims)
	return l, nil
}

// joined is the entry's normalised words separated by spaces.
func (e *lexEntry) joined() string {
	if len(e.words) == 1 {
		return e.words[0].text
	}
	parts := make([]string, len(e.words))
	for i, w := range e.words {
		parts[i] = w.text
	}
	return strings.Join(parts, " ")
}

// denialTerms are negations that call a whole claim false.
var denialTerms = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range []string{
		"myth", "false", "lie", "lies", "not true", "untrue",
		"don't think", "don't believe", "do not think", "do not believe",
		"stop saying", "nobody should say", "no one should say",
		"arrêtez de dire", "personne ne devrait dire", "dejad de decir", "nadie debería decir",
		"припиніть казати", "ніхто не має казати", "توقفوا عن القول",
		"mythe", "faux", "pas vrai", "mensonge", "ne crois pas", "ne pense pas",
		"mito", "falso", "bulo", "no es verdad", "no es cierto", "mentira", "no creo", "no pienso",
		"خرافه", "كذبه", "اكاذيب", "ليس صحيحا", "غير صحيح", "لا اعتقد", "لا أظن",
		"fausse", "fausses", "falsa", "falsas", "falsos", "خاطئة", "خاطئ", "хибна", "хибне", "хибний", "хибні",
		"міф", "неправда", "не правда", "брехня", "не вважаю", "не думаю",
	} {
		m[strings.Join(splitTokens(Normalize(w)), " ")] = true
	}
	return m
}()

func (l *lexicon) markSelfNegation() {
	neg := map[string]bool{}
	for _, e := range l.entries {
		if e.kind == kindNeg {
			neg[e.words[0].text] = true
		}
	}
	for i := range l.entries {
		e := &l.entries[i]
		if e.kind == kindNeg {
			continue
		}
		for _, w := range e.words {
			if neg[w.text] {
				e.selfNeg = true
			}
		}
	}
}

var fuzzyEndings = map[string][]string{
	"latin":    {"", "s", "es", "e"},
	"cyrillic": {"", "и", "і", "ів", "ам", "ами"},
	"arabic":   {"", "ين", "ون"},
}

func scriptOf(w string) string {
	r, _ := utf8.DecodeRuneInString(w)
	switch {
	case r >= 0x0400 && r <= 0x04FF:
		return "cyrillic"
	case r >= 0x0600 && r <= 0x06FF:
		return "arabic"
	}
	return "latin"
}

func (l *lexicon) indexFuzzy() {
	l.fuzzy = map[uint64][]int32{}
	add := func(h uint64, id int32) {
		for _, x := range l.fuzzy[h] {
			if x == id {
				return
			}
		}
		l.fuzzy[h] = append(l.fuzzy[h], id)
	}
	for id, e := range l.entries {
		if len(e.words) != 1 || (e.kind != kindGroup && e.kind != kindSlur && e.kind != kindDehum) {
			continue
		}
		w := e.words[0]
		if len(w.text) >= 6 && e.kind != kindDehum {
			l.long = append(l.long, int32(id))
			l.longWords = append(l.longWords, newSearchWord(w.text))
		}
		endings := []string{"", "s"}
		if w.stem {
			endings = fuzzyEndings[scriptOf(w.text)]
		}
		for _, end := range endings {
			form := w.text + end
			if utf8.RuneCountInString(form) < 6 {
				continue
			}
			add(fuzzyHash([]byte(form), -1, 0), int32(id))
			for i, r := range form {
				add(fuzzyHash([]byte(form), i, utf8.RuneLen(r)), int32(id))
			}
		}
	}
}

// fuzzyHash hashes w without the skip bytes starting at del (none if del<0).
func fuzzyHash(w []byte, del, skip int) uint64 {
	h := uint64(14695981039346656037)
	for i, c := range w {
		if del >= 0 && i >= del && i < del+skip {
			continue
		}
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

func (l *lexicon) add(e lexEntry) {
	id := int32(len(l.entries))
	l.entries = append(l.entries, e)
	node := int32(0)
	w := e.words[0].text
	for i := 0; i < len(w); i++ {
		next := l.child(node, w[i])
		if next < 0 {
			next = int32(len(l.terminal))
			l.terminal = append(l.terminal, nil)
			l.edges = append(l.edges, nil)
			l.edges[node] = append(l.edges[node], trieEdge{w[i], next})
			if node == 0 {
				l.root[w[i]] = next + 1
			}
		}
		node = next
	}
	l.terminal[node] = append(l.terminal[node], id)
}

// splitTokens splits a normalised string into word tokens the way the
// analyser does.
func splitTokens(s string) []string {
	var out []string
	b := []byte(s)
	for i := 0; i < len(b); {
		if !tokenByteAt(b, i) {
			i++
			continue
		}
		j := i
		for j < len(b) && tokenByteAt(b, j) {
			j += runeLen(b[j])
		}
		out = append(out, string(b[i:j]))
		i = j
	}
	return out
}
