package moderation

import "testing"

// hitIn returns the first hit of kind on the token whose normalised text is
// word, and whether there is one.
func hitIn(a *analysis, kind uint8, word string) (hit, bool) {
	for _, h := range a.hits {
		if defaultLexicon.entries[h.entry].kind == kind && string(a.n.b[a.toks[h.first].s:a.toks[h.first].e]) == word {
			return h, true
		}
	}
	return hit{}, false
}

func TestNormalizeMixedCyrillic(t *testing.T) {
	for in, want := range map[string]string{
		"м1гранти": "мігранти", // leetspeak inside a Cyrillic word
		"біженцi":  "біженці",  // Latin i among Cyrillic letters
		"rаgheads": "ragheads", // Cyrillic а among Latin letters
		"Мiгранти": "мігранти",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLexiconMatching(t *testing.T) {
	cases := []struct {
		text, word string
		kind       uint8
		want       bool
	}{
		{"ref ugees are animals", "ref", kindGroup, true}, // a space inside the word
		{"mus lims are a disease", "mus", kindGroup, true},
		{"I h a t e refugees", "ihate", kindHostile, true},       // spaced letters after "I"
		{"J'ai encore raté mon train", "rate", kindDehum, false}, // "rat" + "e" is not an inflection
		{"Too much spice in the stew", "spice", kindSlur, false},
		{"اللاجئون؟ أكرههم جميعا", "اكرههم", kindHostile, true}, // Arabic pronoun suffix
	}
	for _, c := range cases {
		a := getAnalysis(c.text, defaultLexicon)
		_, got := hitIn(a, c.kind, c.word)
		putAnalysis(a)
		if got != c.want {
			t.Errorf("%q: %s hit on %q = %v, want %v", c.text, kindNames[c.kind], c.word, got, c.want)
		}
	}
}

func TestCounterSpeechContext(t *testing.T) {
	cases := []struct {
		text, word string
		kind       uint8
		want       hitContext
	}{
		// „…“ closes with “: what follows is not quoted.
		{"Фраза „біженці паразити“ це мова ворожнечі", "паразити", kindDehum, hitContext{quoted: true, reported: true, condemned: true}},
		// "ne … que" is "nothing but", not a negation.
		{"Les réfugiés ne sont que des sauvages.", "sauvages", kindDehum, hitContext{}},
		// A negation inside the entry does not negate it, nor does a
		// positive word inside it count.
		{"Les migrants ne sont pas humains.", "pas", kindDehum, hitContext{}},
		// A comma ends the scope of an ordinary negation …
		{"I don't care, refugees are vermin.", "vermin", kindDehum, hitContext{}},
		// … but not of a claim called false.
		{"Неправда, що біженці — паразити.", "паразити", kindDehum, hitContext{negated: true}},
		{"Refugees don't deserve to be treated like animals.", "animals", kindDehum, hitContext{negated: true}},
	}
	for _, c := range cases {
		a := getAnalysis(c.text, defaultLexicon)
		h, ok := hitIn(a, c.kind, c.word)
		if !ok {
			t.Errorf("%q: no %s hit on %q", c.text, kindNames[c.kind], c.word)
		} else if got := a.contextOf(defaultLexicon, h); got != c.want {
			t.Errorf("%q: context %+v, want %+v", c.text, got, c.want)
		}
		if c.word == "паразити" && c.want.quoted {
			if tail, ok := hitIn(a, kindCondemn, "мова"); !ok || a.toks[tail.first].quoted {
				t.Errorf("%q: the quotation does not close", c.text)
			}
		}
		putAnalysis(a)
	}
}
