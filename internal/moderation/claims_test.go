package moderation

import (
	"testing"
	"unicode/utf8"
)

// The claim rule: a stereotyped claim said of a group is implicit
// derogation; the same claim denied, called false, quoted or said of no
// group is not.
func TestClaimRule(t *testing.T) {
	cases := []struct {
		text  string
		rule  bool
		score float64 // with the rule, at least this lexicon score
	}{
		{"Immigrants steal our jobs.", true, 0.7},
		{"Les migrants ramènent la délinquance.", true, 0.7},
		{"Los inmigrantes nos roban el trabajo.", true, 0.7},
		{"المهاجرون يسرقون وظائفنا.", true, 0.7},
		{"Мігранти крадуть нашу роботу.", true, 0.7},
		{"Refugees will outnumber us in twenty years.", true, 0.7},
		{"He keeps saying that refugees bring crime.", true, 0}, // reported: damped
		{"Immigrants don't steal our jobs.", false, 0.1},
		{"Los inmigrantes no roban el trabajo.", false, 0.1},
		{"It's a myth that refugees bring crime.", false, 0.1},
		{"La idea de que los inmigrantes roban el trabajo es falsa.", false, 0.1},
		{"Думка, що мігранти крадуть роботу, хибна.", false, 0.1},
		{`"They steal our jobs" is the oldest lie told about migrants.`, false, 0.1},
		{"Robots steal our jobs.", false, 0.1}, // no group
		{"Migrants create jobs and bring new ideas.", false, 0.1},
	}
	s := NewScreen(Options{})
	for _, c := range cases {
		a := getAnalysis(c.text, defaultLexicon)
		score := lexiconHateScore(a, defaultLexicon)
		got, exclusion := a.rules&ruleMyth != 0, a.rules&ruleExclusion != 0
		putAnalysis(a)
		switch hate := s.HateScore(c.text, ""); {
		case got != c.rule:
			t.Errorf("%q: claim rule %v, want %v", c.text, got, c.rule)
		case c.rule && score < c.score:
			t.Errorf("%q: lexicon score %.2f, want at least %.2f", c.text, score, c.score)
		case !c.rule && exclusion:
			t.Errorf("%q: counts as exclusion", c.text)
		case !c.rule && hate >= DecisionThreshold:
			t.Errorf("%q: hate %.2f, want below %.2f", c.text, hate, DecisionThreshold)
		}
	}
	// Reported, the claim counts less than said.
	said, reported := lexiconOf("Refugees bring crime."), lexiconOf("He keeps saying that refugees bring crime.")
	if reported >= said {
		t.Errorf("reported claim %.2f, said %.2f", reported, said)
	}
}

func lexiconOf(text string) float64 {
	a := getAnalysis(text, defaultLexicon)
	defer putAnalysis(a)
	return lexiconHateScore(a, defaultLexicon)
}

// Doubled letters hide group, slur and dehumanising words; ordinary words
// with a doubled letter stay ordinary.
func TestDoubledLetters(t *testing.T) {
	for _, c := range []struct {
		text, kind string
	}{
		{"refuugees", "group"},
		{"Біжженці", "group"},
		{"щуури", "dehum"},
		{"parrasites", "dehum"},
		{"المهااجرين", "group"},
	} {
		if !hasKind(c.text, c.kind) {
			t.Errorf("%q: no %s hit", c.text, c.kind)
		}
	}
	for _, w := range []string{"good", "too", "sheep", "coffee", "happy", "bookkeeper", "mississippi", "apples"} {
		a := getAnalysis(w, defaultLexicon)
		for _, h := range a.hits {
			switch k := defaultLexicon.entries[h.entry].kind; k {
			case kindGroup, kindSlur, kindDehum, kindDerog:
				t.Errorf("%q matched %s %q", w, kindNames[k], defaultLexicon.entries[h.entry].term)
			}
		}
		putAnalysis(a)
	}
}

func hasKind(text, kind string) bool {
	a := getAnalysis(text, defaultLexicon)
	defer putAnalysis(a)
	for _, h := range a.hits {
		if kindNames[defaultLexicon.entries[h.entry].kind] == kind {
			return true
		}
	}
	return false
}

func FuzzSentenceBounds(f *testing.F) {
	for _, s := range []string{"One. Two? Three!", "« Dehors ! » : honte.", "a\n\nb", "3.5 stays؟ Last…", "\xff. \xfe", "...", "»"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		prev := 0
		for _, b := range sentenceBounds(s) {
			if b[0] < prev || b[0] >= b[1] || b[1] > len(s) {
				t.Fatalf("bounds %v after %d in %d bytes", b, prev, len(s))
			}
			if utf8.ValidString(s) && (!utf8.ValidString(s[b[0]:b[1]])) {
				t.Fatalf("bounds %v cut a rune of %q", b, s)
			}
			prev = b[1]
		}
	})
}
