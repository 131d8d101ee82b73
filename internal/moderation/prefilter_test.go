package moderation

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// The screen's cheap gates and indexes must find everything the plain
// search they replace finds: each test compares one with the other.

// corpusTexts returns the texts of the probe sets.
func corpusTexts(t *testing.T) []string {
	t.Helper()
	names, err := filepath.Glob("testdata/*.csv")
	if err != nil || len(names) == 0 {
		t.Fatalf("no probe sets: %v", err)
	}
	var texts []string
	for _, name := range names {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range recs[1:] {
			texts = append(texts, rec[0])
		}
	}
	return texts
}

// scanTriggers is triggeredRules without the index: every trigger of
// every rule compared at the first three letters of every token.
func scanTriggers(a *analysis) (uint32, [maxThreatRules][]int32) {
	var mask uint32
	var at [maxThreatRules][]int32
	text := a.n.b
	for _, t := range a.toks {
		p := int(t.s)
		for k := 0; k < 3 && p < int(t.e); k++ {
			for r, rule := range threatRules {
				for _, w := range rule.triggers {
					if bytes.HasPrefix(text[p:], []byte(w)) {
						mask |= 1 << r
						if n := len(at[r]); n == 0 || at[r][n-1] != int32(p) {
							at[r] = append(at[r], int32(p))
						}
					}
				}
			}
			p += runeLen(text[p])
		}
	}
	return mask, at
}

func TestThreatTriggerIndexFindsEveryTrigger(t *testing.T) {
	texts := corpusTexts(t)
	for _, rule := range threatRules {
		for _, w := range rule.triggers {
			texts = append(texts, w, "so "+w+" them", "x"+w, "xy"+w+"z", "xyz"+w)
		}
	}
	matched := 0
	for _, text := range texts {
		a := getAnalysis(text, defaultLexicon)
		var at [maxThreatRules][]int32
		mask := triggeredRules(a, &at)
		wantMask, wantAt := scanTriggers(a)
		if mask != wantMask || !slices.EqualFunc(at[:], wantAt[:], slices.Equal) {
			t.Errorf("%q: rules %b at %v, a scan of every trigger finds %b at %v", text, mask, at, wantMask, wantAt)
		}
		if mask != 0 {
			matched++
		}
		putAnalysis(a)
	}
	if matched < len(texts)/4 {
		t.Errorf("only %d of %d texts have a trigger", matched, len(texts))
	}
}

func TestGluedWordsFoundLikeAPlainSearch(t *testing.T) {
	lex := defaultLexicon
	a := new(analysis)
	found := 0
	for k, id := range lex.long {
		word := lex.entries[id].words[0].text
		other := lex.entries[lex.long[(k+1)%len(lex.long)]].words[0].text
		for _, w := range []string{"ihate" + word, word + "out", "go" + word + "home", other + word, word[1:] + "xxxx" + word[:len(word)-1]} {
			a.cand = a.cand[:0]
			a.gluedCandidates(lex, []byte(w))
			var want []int32
			for _, id2 := range lex.long {
				if strings.Contains(w, lex.entries[id2].words[0].text) && !slices.Contains(want, id2) {
					want = append(want, id2)
				}
			}
			if !slices.Equal(a.cand, want) {
				t.Errorf("%q: glued words %v, a plain search finds %v", w, a.cand, want)
			}
			found += len(want)
		}
	}
	if found < len(lex.long) {
		t.Errorf("only %d glued words found for %d words", found, len(lex.long))
	}
}

func TestAddressSearchFromTheFirstNumber(t *testing.T) {
	texts := append(corpusTexts(t),
		"12 Main Street", "I live at 12 Main Street.", "a12 Main Street and 7 High Road", "_12 Main Street", "é12 Main Street",
		"10, Downing Street", "7b Baker Street", "12 rue de la Paix", "rue12 rue de la Paix, 3 bis avenue Foch", "x3 rue Victor Hugo",
		"née12 rue de la Paix", "2016: 12 Avenue des Champs", "-4 rue Blanche", "4", "")
	for _, text := range texts {
		for _, re := range []*regexp.Regexp{reAddressEN, reAddressFR} {
			got, want := findAllFromNumber(re, text), re.FindAllStringIndex(text, -1)
			if !slices.EqualFunc(got, want, slices.Equal) {
				t.Errorf("%q: %v finds %v, the whole-text search %v", text, re, got, want)
			}
		}
	}
	for text, want := range map[string]string{"I live at 12 Main Street.": "12 Main Street", "Chez moi : 3 bis avenue Foch": "3 bis avenue Foch", "a12 Main Street and 7 High Road": "7 High Road"} {
		var got []string
		for _, sp := range findPII("body", text, "", nil) {
			got = append(got, text[sp.Start:sp.End])
		}
		if !slices.Contains(got, want) {
			t.Errorf("%q: address %q not found, got %q", text, want, got)
		}
	}
}

func TestRuneClassesAsUnicodeSays(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if isSpaceRune(r) != unicode.IsSpace(r) {
			t.Fatalf("isSpaceRune(%U) = %v", r, isSpaceRune(r))
		}
		if isLetter(r) != unicode.IsLetter(r) {
			t.Fatalf("isLetter(%U) = %v", r, isLetter(r))
		}
		if r >= utf8.RuneSelf && !(r >= 0xD800 && r <= 0xDFFF) {
			word := unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.M, r)
			if got := tokenByteAt(utf8.AppendRune(nil, r), 0); got != word {
				t.Fatalf("tokenByteAt(%U) = %v", r, got)
			}
		}
	}
}

// hasAnyFoldScan is hasAnyFold without comparing a keyword's second byte
// first.
func hasAnyFoldScan(s string, idx *foldIndex) bool {
	for i := 0; i < len(s); i++ {
		for _, w := range idx[lowerASCII(s[i])] {
			if i+len(w) <= len(s) && strings.EqualFold(s[i:i+len(w)], w) {
				return true
			}
		}
	}
	return false
}

func TestKeywordGatesFoldLikeEqualFold(t *testing.T) {
	texts := append(corpusTexts(t), "PASSPORT AB1234567", "PaSsPoRt", "ALLÉE des Roses 4", "allÉe", "RÉS. Les Pins", "Rés", "C/ Mayor 3",
		"UNHCR", "Id: 4", "iD 4", "\u212Aase", "ca\u017Fe 12", "pa\u017F\u017Fport", "rue", "RUE ", "Cit\u00C9", "AV. Foch", "c\u00e9", "r\xffs", "rés"[:2])
	for _, text := range texts {
		for name, idx := range map[string]*foldIndex{"id": idKeywords, "fr": frStreetWords, "es": esStreetWords} {
			if got, want := hasAnyFold(text, idx), hasAnyFoldScan(text, idx); got != want {
				t.Errorf("%q: %s keywords %v, comparing each with EqualFold %v", text, name, got, want)
			}
		}
	}
	for _, text := range []string{"PASSPORT AB1234567", "ALLÉE des Roses 4", "RÉS. Les Pins", "c/ mayor"} {
		if !hasAnyFold(text, idKeywords) && !hasAnyFold(text, frStreetWords) && !hasAnyFold(text, esStreetWords) {
			t.Errorf("%q: no keyword found", text)
		}
	}
}

func TestSpamPhrasesFoundLikeAPlainSearch(t *testing.T) {
	texts := append(corpusTexts(t), spamPhrases...)
	for _, p := range spamPhrases {
		texts = append(texts, "so "+p+" now", p[1:], p[:len(p)-1], strings.ToUpper(p))
	}
	found := 0
	for _, text := range texts {
		a := getAnalysis(text, defaultLexicon)
		want := 0
		for _, p := range spamPhrases {
			if strings.Contains(string(a.n.b), p) {
				want++
			}
		}
		if got := spamPhrasesIn(a.n.b); got != want {
			t.Errorf("%q: %d spam phrases, a plain search finds %d", text, got, want)
		}
		found += want
		putAnalysis(a)
	}
	if found < 2*len(spamPhrases) {
		t.Errorf("only %d spam phrases found", found)
	}
}

func TestSqueezeAndJoinSpacedLetters(t *testing.T) {
	for in, want := range map[string]string{
		"refuuugees":          "refugees",
		"reefugees":           "reefugees",
		"aaab":                "ab",
		"baaa":                "ba",
		"so baaad!!!":         "so bad!!!",
		"xx yyy":              "xx y",
		"h a t e them":        "hate them",
		"I h a t e them":      "ihate them",
		"the h.a.t.e is real": "the hate is real",
		"r-e-f-u-g-e-e-s":     "refugees",
		"б і ж е н ц і":       "біженці",
		"é a b c":             "eabc",
		"ab c d e":            "ab cde",
		"a b":                 "a b",
		"x1 a b c":            "xi abc",
		"a b c1":              "a b ci",
		"n o, y e s":          "n o, yes",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}
