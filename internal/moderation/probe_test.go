package moderation

import (
	"encoding/csv"
	"maps"
	"os"
	"slices"
	"testing"
)

// The functional probe set (testdata/probes.csv) was written for this
// project to test phenomena rather than a data source: derogation,
// dehumanisation, threats, slurs, profanity with and without a target,
// pronoun reference, negated hate, questions and opinions, counter-speech
// quoting or referencing hate, negation, positive statements, reclaimed
// words, spelling variations and non-protected targets, in English, French,
// Spanish, Arabic and Ukrainian. It is never trained on: the training data
// uses other sentence frames.

// probeFloors are the per-language macro-F1 reached by the shipped model
// (docs/moderation.md), less a margin of about two errors.
var probeFloors = map[string]float64{"en": 0.88, "fr": 0.87, "es": 0.90, "ar": 0.90, "uk": 0.92}

// Phenomena where a flag silences an ally, and where a miss lets direct
// hate through.
var (
	allyPhenomena   = map[string]bool{"counter_quote": true, "counter_reference": true, "negation": true, "reporting": true, "positive": true, "reclaimed": true}
	directPhenomena = map[string]bool{"derogation": true, "dehumanisation": true, "threat": true, "slur": true, "exclusion": true}
)

// probeResults are a probe set's decisions, over all and by language and
// phenomenon.
type probeResults struct {
	all            Confusion
	byLang, byPhen map[string]*Confusion
}

// flagged counts the probes of the phenomena in set that the screen
// flagged, and those probes.
func (p probeResults) flagged(set map[string]bool) (flagged, n int) {
	for phen, c := range p.byPhen {
		if set[phen] {
			flagged += c.TP + c.FP
			n += c.N()
		}
	}
	return flagged, n
}

// runProbes screens every row of a probe CSV (text,label,lang,phenomenon).
func runProbes(t *testing.T, path string) probeResults {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	s := NewScreen(Options{})
	res := probeResults{byLang: map[string]*Confusion{}, byPhen: map[string]*Confusion{}}
	for _, r := range rows[1:] {
		text, lang, phen := r[col["text"]], r[col["lang"]], r[col["phenomenon"]]
		hate := r[col["label"]] == "hate"
		flagged := s.HateScore(text, lang) >= DecisionThreshold
		res.all.Add(hate, flagged)
		for _, g := range []struct {
			m map[string]*Confusion
			k string
		}{{res.byLang, lang}, {res.byPhen, phen}} {
			if g.m[g.k] == nil {
				g.m[g.k] = &Confusion{}
			}
			g.m[g.k].Add(hate, flagged)
		}
		if hate != flagged && testing.Verbose() {
			t.Logf("miss [%s %s] %s", lang, phen, text)
		}
	}
	return res
}

func TestProbeSet(t *testing.T) {
	res := runProbes(t, "testdata/probes.csv")
	all, byLang, byPhen := res.all, res.byLang, res.byPhen
	allyFlagged, allyN := res.flagged(allyPhenomena)
	directCaught, directN := res.flagged(directPhenomena)
	for _, k := range sortedKeys(byPhen) {
		c := byPhen[k]
		t.Logf("%-18s n=%3d accuracy %.3f", k, c.N(), c.Accuracy())
	}
	if all.N() < 250 {
		t.Fatalf("probe set has %d rows", all.N())
	}
	if f1 := all.MacroF1(); f1 < 0.90 {
		t.Errorf("probe set macro-F1 %.3f, floor 0.90", f1)
	}
	for lang, floor := range probeFloors {
		c := byLang[lang]
		if c == nil || c.N() < 30 {
			t.Errorf("%s: too few probes", lang)
			continue
		}
		t.Logf("%s: n=%d macro-F1 %.3f (floor %.2f)", lang, c.N(), c.MacroF1(), floor)
		if f1 := c.MacroF1(); f1 < floor {
			t.Errorf("%s: probe macro-F1 %.3f, floor %.2f", lang, f1, floor)
		}
	}
	// English and French are served equally well.
	if d := byLang["en"].MacroF1() - byLang["fr"].MacroF1(); d > 0.05 || d < -0.05 {
		t.Errorf("English %.3f and French %.3f differ by more than 0.05", byLang["en"].MacroF1(), byLang["fr"].MacroF1())
	}
	// A screen that silences allies is worse than none; direct hate must
	// be caught.
	if rate := float64(allyFlagged) / float64(allyN); rate > 0.12 {
		t.Errorf("%d of %d counter-speech, negation, positive, reporting and reclaimed probes flagged (%.0f%%, at most 12%%)", allyFlagged, allyN, 100*rate)
	}
	if recall := float64(directCaught) / float64(directN); recall < 0.92 {
		t.Errorf("%d of %d direct hate probes caught (recall %.2f, floor 0.92)", directCaught, directN, recall)
	}
}

// The second probe set (testdata/probes2.csv) was written for this project
// after the first one, with other sentence frames, for the phenomena the
// first left weak: exclusion phrased with a negation and no hostile word,
// negated positive statements, rhetorical questions, counter-speech that
// repeats the insult in order to define it, reclaimed words without a
// first-person cue, and insults of targets that are not protected groups,
// each beside its contrasts. It is never trained on.

// probe2Floors are the per-language macro-F1 reached by the shipped model
// (docs/moderation.md), less a margin of about two errors.
var probe2Floors = map[string]float64{"en": 0.94, "fr": 0.87, "es": 0.92, "ar": 0.92, "uk": 0.92}

func TestProbeSet2(t *testing.T) {
	res := runProbes(t, "testdata/probes2.csv")
	all, byLang, byPhen := res.all, res.byLang, res.byPhen
	if all.N() < 150 {
		t.Fatalf("probe set has %d rows", all.N())
	}
	if f1 := all.MacroF1(); f1 < 0.93 {
		t.Errorf("second probe set macro-F1 %.3f, floor 0.93", f1)
	}
	for lang, floor := range probe2Floors {
		c := byLang[lang]
		if c == nil || c.N() < 25 {
			t.Errorf("%s: too few probes", lang)
			continue
		}
		t.Logf("%s: n=%d macro-F1 %.3f (floor %.2f)", lang, c.N(), c.MacroF1(), floor)
		if f1 := c.MacroF1(); f1 < floor {
			t.Errorf("%s: second probe set macro-F1 %.3f, floor %.2f", lang, f1, floor)
		}
	}
	// Every phenomenon with ten probes or more, hateful or not, is mostly
	// right: none may be traded for another.
	for _, k := range sortedKeys(byPhen) {
		c := byPhen[k]
		t.Logf("%-15s n=%3d accuracy %.3f", k, c.N(), c.Accuracy())
		if c.N() >= 10 && c.Accuracy() < 0.85 {
			t.Errorf("%s: accuracy %.3f on %d probes, floor 0.85", k, c.Accuracy(), c.N())
		}
	}
}

func sortedKeys(m map[string]*Confusion) []string { return slices.Sorted(maps.Keys(m)) }

// The fourth probe sets were written for this project per phenomenon and
// per language (English, French, Spanish, Arabic, Ukrainian): direct
// threats against a group, hate in a disguised spelling (a letter dropped,
// swapped or doubled, leetspeak, a space added, look-alike letters of
// another script), implicit derogation with no slur and no cue word, hate
// phrased as a negated positive statement, and on the other side
// counter-speech quoting or referring to hate and the non-hateful twins of
// the hate (denied claims, positive and neutral statements about the same
// groups, threats reported). testdata/probes4_heldout.csv was written and
// committed before any change and never tuned on; testdata/probes4_dev.csv
// is the part the changes were tuned on. Their floors are the shipped
// model's figures (docs/moderation.md) less a margin of about two errors
// per language, and per phenomenon the goals of this round where the
// figures reach them.

type probeFloors4 struct {
	rows   int
	lang   map[string]float64 // macro-F1
	phen   map[string]float64 // accuracy
	macro  float64
	minLen int // probes per language at least
}

var (
	probe4HeldOutFloors = probeFloors4{
		rows: 120, macro: 0.85, minLen: 20,
		lang: map[string]float64{"en": 0.82, "fr": 0.82, "es": 0.82, "ar": 0.86, "uk": 0.77},
		phen: map[string]float64{"threat": 0.88, "disguise": 0.90, "implicit": 0.58, "negated_positive": 0.76, "counter_quote": 0.88, "counter_reference": 0.82, "twin": 0.82},
	}
	probe4DevFloors = probeFloors4{
		rows: 85, macro: 0.92, minLen: 15,
		lang: map[string]float64{"en": 0.92, "fr": 0.85, "es": 0.87, "ar": 0.75, "uk": 0.87},
		phen: map[string]float64{"threat": 0.90, "disguise": 0.85, "implicit": 0.87, "negated_positive": 0.81, "counter_quote": 0.72, "counter_reference": 0.90, "twin": 0.83},
	}
)

func TestProbeSet4HeldOut(t *testing.T) {
	checkProbes4(t, "testdata/probes4_heldout.csv", probe4HeldOutFloors)
}

func TestProbeSet4Dev(t *testing.T) {
	checkProbes4(t, "testdata/probes4_dev.csv", probe4DevFloors)
}

func checkProbes4(t *testing.T, path string, floors probeFloors4) {
	res := runProbes(t, path)
	if res.all.N() < floors.rows {
		t.Fatalf("%s has %d rows, want %d", path, res.all.N(), floors.rows)
	}
	if f1 := res.all.MacroF1(); f1 < floors.macro {
		t.Errorf("macro-F1 %.3f, floor %.2f", f1, floors.macro)
	}
	for _, lang := range slices.Sorted(maps.Keys(floors.lang)) {
		c, floor := res.byLang[lang], floors.lang[lang]
		if c == nil || c.N() < floors.minLen {
			t.Errorf("%s: too few probes", lang)
			continue
		}
		t.Logf("%s: n=%d macro-F1 %.3f (floor %.2f)", lang, c.N(), c.MacroF1(), floor)
		if f1 := c.MacroF1(); f1 < floor {
			t.Errorf("%s: macro-F1 %.3f, floor %.2f", lang, f1, floor)
		}
	}
	for _, phen := range slices.Sorted(maps.Keys(floors.phen)) {
		c, floor := res.byPhen[phen], floors.phen[phen]
		if c == nil || c.N() < 10 {
			t.Errorf("%s: too few probes", phen)
			continue
		}
		t.Logf("%-17s n=%3d accuracy %.3f (floor %.2f)", phen, c.N(), c.Accuracy(), floor)
		if acc := c.Accuracy(); acc < floor {
			t.Errorf("%s: accuracy %.3f on %d probes, floor %.2f", phen, acc, c.N(), floor)
		}
	}
	if len(res.byPhen) != len(floors.phen) {
		t.Errorf("phenomena %v, floors for %v", slices.Sorted(maps.Keys(res.byPhen)), slices.Sorted(maps.Keys(floors.phen)))
	}
}
