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

func TestSpaceRunesAsUnicodeSays(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if isSpaceRune(r) != unicode.IsSpace(r) {
			t.Fatalf("isSpaceRune(%U) = %v", r, isSpaceRune(r))
		}
	}
}
