package moderation

import (
	"testing"

	"chorus/internal/story"
)

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

func TestNormalizeMixedScriptsAndLeetspeak(t *testing.T) {
	for in, want := range map[string]string{
		"м1гранти": "мігранти", // leetspeak inside a Cyrillic word
		"біженцi":  "біженці",  // Latin i among Cyrillic letters
		"rаgheads": "ragheads", // Cyrillic а among Latin letters
		"Мiгранти": "мігранти",
		"r3fug33s": "refugees", // leetspeak digits, symbols
		"5h17":     "shit",
		"h@te":     "hate",
		"$cum":     "scum",
		"m!ss":     "miss",
		"b8d":      "b8d",   // 8 stands for no letter
		"2024":     "2024",  // digits without letters stay
		"@home":    "@home", // @ needs a letter on both sides
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
		// One edit away: a letter dropped, swapped or replaced; but two
		// words that each lose a different letter are two edits apart.
		{"imigrants are rats", "imigrants", kindGroup, true},
		{"immigrnats are rats", "immigrnats", kindGroup, true},
		{"Bankers are parasites", "bankers", kindSlur, false},
		{"Bankers are parasites", "bankers", kindNonProt, true},
		{"a banner at the match", "banner", kindSlur, false},
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
		// A word denied of a group, then defined as the subject of the
		// next sentence, is not applied to anyone …
		{"Muslims aren't terrorists. Terrorists are murderers.", "terrorists", kindDehum, hitContext{negated: true}},
		{"Muslims aren't terrorists. Terrorists are terrorists.", "terrorists", kindDehum, hitContext{negated: true}},
		// … but said of the group again, it is.
		{"People say refugees aren't parasites. Refugees are parasites.", "parasites", kindDehum, hitContext{negated: true}},
		// A negative question that asserts does not negate.
		{"Хіба не всі мігранти злодії?", "злодіі", kindDerog, hitContext{}}, // normalised: ї → і
		{"Aren't all refugees thieves?", "thieves", kindDerog, hitContext{}},
		// A positive word under negation is no positive statement.
		{"Refugees are not welcome here, they are vermin.", "vermin", kindDehum, hitContext{}},
		// Reclaimable words: with pride or from inside the group …
		{"Sudacas, migrantes y felices: así es nuestro grupo de teatro.", "sudacas", kindReclaim, hitContext{positive: true, inGroup: true}},
		{"Entre rebeus on se serre les coudes, toujours.", "rebeus", kindReclaim, hitContext{inGroup: true}},
		// … or with hostility, whoever speaks.
		{"Ces rebeus de merde foutent le feu aux poubelles.", "rebeus", kindReclaim, hitContext{hostile: true}},
		// Hostility aimed at how a group is treated.
		{"Je déteste la façon dont les médias parlent des réfugiés.", "deteste", kindHostile, hitContext{condemned: true, treatment: true}},
	}
	for _, c := range cases {
		a := getAnalysis(c.text, defaultLexicon)
		h, ok := hitIn(a, c.kind, c.word)
		if !ok {
			t.Errorf("%q: no %s hit on %q", c.text, kindNames[c.kind], c.word)
		} else if got := a.contextOf(defaultLexicon, h); got != c.want {
			t.Errorf("%q: context %+v, want %+v", c.text, got, c.want)
		}
		if c.text == "Muslims aren't terrorists. Terrorists are murderers." || c.text == "Muslims aren't terrorists. Terrorists are terrorists." {
			// The second sentence: the subject repeats the denied word.
			var last hit
			for _, h2 := range a.hits {
				if defaultLexicon.entries[h2.entry].kind == kindDehum {
					last = h2
				}
			}
			if got := a.contextOf(defaultLexicon, last); !got.negated || !got.refuted {
				t.Errorf("%q: the repeated word is not refuted: %+v", c.text, got)
			}
		}
		if c.word == "паразити" && c.want.quoted {
			if tail, ok := hitIn(a, kindCondemn, "мова"); !ok || a.toks[tail.first].quoted {
				t.Errorf("%q: the quotation does not close", c.text)
			}
		}
		putAnalysis(a)
	}
}

// TestGroupRules pins the context rules about a group as a whole: exclusion
// phrased with a negation, rhetorical questions and orders to expel, with
// the contrasts that must not trigger them.
func TestGroupRules(t *testing.T) {
	cases := []struct {
		text string
		want groupRule
	}{
		{"I'd never rent a room to a Muslim, not in a million years.", ruleExclusion},
		{"Aucun exilé ne mérite un logement social avant un Français.", ruleExclusion},
		{"Мусульманин ніколи не буде одним із нас.", ruleExclusion},
		{"No quiero moros en mi edificio.", ruleExclusion},                            // a slur as the target
		{"No asylum seeker should be left to sleep in a tent this winter.", ruleCare}, // care
		{"No immigrant should have to choose between rent and food.", ruleCare},
		{"Refugees are not the reason rents went up.", ruleCare}, // a defence
		{"It's not true that refugees get council houses before locals.", 0},
		{"Nobody should say refugees can't live here.", 0},
		{`"No refugee should ever get a flat" is what the flyer said.`, 0}, // quoted
		{"Why should my taxes pay for a single refugee?", ruleRhetorical},
		{"¿Hasta cuándo vamos a aguantar a tanto extranjero?", ruleRhetorical},
		{"Скільки ще ми терпітимемо цих іноземців?", ruleRhetorical},
		{"Why should we help refugees? Because they are human beings.", 0}, // answered
		{"Why do we let refugees drown in the Channel?", 0},                // harm to the group
		{"Why do refugees risk their lives crossing the sea?", 0},
		{"Send the refugees back.", ruleExpulsion},
		{"Il faut expulser les migrants.", ruleExpulsion},
		{"They want to deport all migrants. We must stop them.", 0}, // not an order
		{"Send the refugees our love and some warm blankets.", 0},
	}
	for _, c := range cases {
		a := getAnalysis(c.text, defaultLexicon)
		lexiconHateScore(a, defaultLexicon)
		if a.rules != c.want {
			t.Errorf("%q: rules %b, want %b", c.text, a.rules, c.want)
		}
		putAnalysis(a)
	}
}

func TestNonProtectedTargets(t *testing.T) {
	for text, want := range map[string]bool{
		"Bankers are parasites sucking the economy dry.":         true,
		"Les traders sont de la vermine qui ruine l'économie.":   true,
		"Чиновники — паразити на тілі держави.":                  true,
		"Politicians are parasites who exploit refugees.":        false, // names a group: the model decides
		"Refugees are parasites, say the politicians. Shameful.": false,
		"Migrants are bloodsuckers, every single one.":           false,
	} {
		a := getAnalysis(text, defaultLexicon)
		if got := a.insultsOnlyNonProtected(defaultLexicon); got != want {
			t.Errorf("%q: insults only non-protected targets = %v, want %v", text, got, want)
		}
		putAnalysis(a)
	}
	// The dehumanising word is said of the politicians, not the refugees.
	a := getAnalysis("Politicians are parasites who exploit refugees.", defaultLexicon)
	if s := lexiconHateScore(a, defaultLexicon); s != 0 {
		t.Errorf("lexicon score %.2f for an insult of politicians", s)
	}
	putAnalysis(a)
}

func TestEpithetsAndQuotedThreats(t *testing.T) {
	// An epithet next to a group word is a slur; counted once when the
	// pair is also listed ("sale arabe").
	for text, want := range map[string]int{
		"Casse-toi, sale juif.":               1,
		"Un type m'a traité de sale arabe.":   1,
		"Ces réfugiés de merde, dehors.":      1,
		"J'ai fait le sale boulot au bureau.": 0,
	} {
		var sig story.Signal
		a := getAnalysis(text, defaultLexicon)
		lexiconHate(a, defaultLexicon, "body", &sig, nil)
		n := 0
		for _, sp := range sig.Spans {
			if sp.Label == LabelSlur {
				n++
			}
		}
		if n != want {
			t.Errorf("%q: %d slur spans, want %d", text, n, want)
		}
		putAnalysis(a)
	}
	for text, quoted := range map[string]bool{
		`The graffiti read "kill the refugees" and we painted over it.`: true,
		"I will kill the refugees.":                                     false,
	} {
		a := getAnalysis(text, defaultLexicon)
		if !hasThreat(a) || a.threatUnquoted == quoted {
			t.Errorf("%q: threat %v, unquoted %v", text, hasThreat(a), a.threatUnquoted)
		}
		putAnalysis(a)
	}
}
