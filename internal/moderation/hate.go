package moderation

import (
	"bytes"
	"sort"
	"strings"

	"chorus/internal/story"
)

// Span labels of the hate signal.
const (
	LabelSlur         = "slur"
	LabelDehumanising = "dehumanising"
)

// context cues of one lexicon hit that point to counter-speech.
type hitContext struct {
	negated, quoted, reported, condemned, positive, inGroup bool
}

func (a *analysis) contextOf(lex *lexicon, h hit) hitContext {
	var c hitContext
	first := a.toks[h.first]
	c.quoted = first.quoted
	selfNeg := lex.entries[h.entry].selfNeg
	for _, o := range a.hits {
		if o.first >= h.first && o.first < h.last {
			continue // part of the same phrase: "not human", "pas humains"
		}
		e := &lex.entries[o.entry]
		ot := a.toks[o.first]
		sameSent := ot.sent == first.sent
		switch e.kind {
		case kindNeg:
			// Negation shortly before the hit, in the same sentence and
			// clause ("I don't care, they are vermin" is not negated).
			// A claim called false ("It's a myth that …", "Неправда, що …")
			// reaches over the comma.
			claim := denialWords[e.words[0].text]
			if !selfNeg && sameSent && o.first < h.first && h.first-o.last <= 6 &&
				(claim || !a.clauseBreak(o.last, h.first)) && !a.restrictive(o, h.first) {
				c.negated = true
			}
		case kindReport:
			if sameSent || o.first < h.first {
				c.reported = true
			}
		case kindCondemn:
			c.condemned = true
		case kindPositive:
			if sameSent {
				c.positive = true
			}
		case kindInGroup:
			c.inGroup = true
		}
	}
	return c
}

// clauseBreak reports whether a comma, colon or dash stands between the
// end of token from-1 and the start of token to.
func (a *analysis) clauseBreak(from, to int32) bool {
	if from <= 0 || from > to || int(to) >= len(a.toks)+1 {
		return false
	}
	between := a.n.b[a.toks[from-1].e:a.toks[to].s]
	return bytes.ContainsAny(between, ",:") || bytes.Contains(between, []byte("—")) || bytes.Contains(between, []byte("–"))
}

// restrictive reports whether negation o is the French "ne … que" or the
// Spanish "no … más que" before token to: "ils ne sont que des rats", "no
// son más que ratas" mean "nothing but".
func (a *analysis) restrictive(o hit, to int32) bool {
	word := func(k int32) string { return string(a.n.b[a.toks[k].s:a.toks[k].e]) }
	neg := word(o.first)
	for k := o.last; k < to; k++ {
		switch w := word(k); {
		case (neg == "ne" || neg == "n") && (w == "que" || w == "qu"):
			return true
		case neg == "no" && w == "que" && k > o.last && word(k-1) == "mas":
			return true
		}
	}
	return false
}

// denialWords are negations that call a whole claim false.
var denialWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range []string{"myth", "false", "lie", "lies", "mythe", "faux", "mito", "falso", "bulo", "خرافه", "كذبه", "اكاذيب", "міф", "неправда"} {
		m[Normalize(w)] = true
	}
	return m
}()

// damping is how much counter-speech cues lower a lexicon hit: quoting,
// negating, reporting or condemning hate is the daily work of allies.
func (c hitContext) damping(reclaim bool) float64 {
	f := 1.0
	if c.negated {
		f *= 0.35
	}
	if c.quoted {
		f *= 0.45
	}
	if c.reported {
		f *= 0.5
	}
	if c.condemned {
		f *= 0.5
	}
	if c.positive {
		f *= 0.6
	}
	if reclaim && c.inGroup {
		f *= 0.3
	}
	return max(f, 0.08)
}

// groupNear returns the target group mentioned closest to hit h in its
// sentence, or in the whole text, and whether it is in the same sentence.
func (a *analysis) groupNear(lex *lexicon, h hit) (string, bool) {
	best, bestDist := "", 1<<30
	sent := a.toks[h.first].sent
	for _, o := range a.hits {
		e := &lex.entries[o.entry]
		if e.kind != kindGroup {
			continue
		}
		d := int(o.first - h.first)
		if d < 0 {
			d = -d
		}
		if a.toks[o.first].sent != sent {
			d += 1000
		}
		if d < bestDist {
			best, bestDist = e.group, d
		}
	}
	if bestDist >= 1000+40 {
		return "", false
	}
	return best, bestDist < 1000
}

// DecisionThreshold is the hate score from which eval counts a text as hate.
const DecisionThreshold = 0.5

func lexiconHateScore(a *analysis, lex *lexicon) float64 {
	return lexiconHate(a, lex, "", nil, nil)
}

// hateScore combines the classifier with the lexicon: the model decides,
// and a lexicon hit the model under-rates pulls the score up.
func hateScore(a *analysis, lex *lexicon, m *Model, threat bool) (score, lexScore float64) {
	lexScore = lexiconHateScore(a, lex)
	if threat && a.has(kindGroup) {
		// A threat in a text about a group is hate unless it is reported
		// or condemned.
		c := hitContext{reported: a.has(kindReport), condemned: a.has(kindCondemn)}
		for _, h := range a.hits {
			if lex.entries[h.entry].kind == kindGroup {
				c.quoted = c.quoted || a.toks[h.first].quoted
			}
		}
		lexScore = 1 - (1-lexScore)*(1-0.8*c.damping(false))
	}
	if m == nil {
		return lexScore, lexScore
	}
	fs := featurePool.Get().(*featureState)
	p := m.score(fs.features(a, lex, lexScore, threat))
	featurePool.Put(fs)
	if lexScore > p {
		// The surer the lexicon, the further it pulls: an undamped slur
		// (0.85) or a threat against a group (0.8) is hate even when the
		// model has not seen the sentence frame; a damped hit barely moves.
		p += lexScore * (lexScore - p)
	}
	return p, lexScore
}

func classifyText(text string, lex *lexicon, m *Model) float64 {
	a := getAnalysis(text, lex)
	defer putAnalysis(a)
	s, _ := hateScore(a, lex, m, hasThreat(a))
	return s
}

// lexiconHate scores slurs and dehumanising words of one field; with a
// signal it also records their spans.
func lexiconHate(a *analysis, lex *lexicon, field string, sig *story.Signal, groups map[string]bool) float64 {
	keep := 1.0
	for _, h := range a.hits {
		e := &lex.entries[h.entry]
		var base float64
		var label, group string
		switch e.kind {
		case kindSlur:
			base, label, group = 0.85, LabelSlur, e.group
		case kindReclaim:
			base, label, group = 0.45, LabelSlur, e.group
		case kindDehum:
			var sameSentence bool
			group, sameSentence = a.groupNear(lex, h)
			if group == "" {
				continue
			}
			// Said of a group in the same sentence ("refugees are
			// parasites"), or of one named earlier ("They are rats").
			base, label = 0.6, LabelDehumanising
			if sameSentence {
				base = 0.75
			}
		default:
			continue
		}
		s := base * a.contextOf(lex, h).damping(e.kind == kindReclaim)
		keep *= 1 - s
		if sig != nil {
			start, end := a.tokenSpan(h.first, h.last)
			sig.Spans = append(sig.Spans, story.Span{Field: field, Start: start, End: end, Label: label})
		}
		if groups != nil {
			groups[group] = true
		}
	}
	return 1 - keep
}

func groupDetail(groups map[string]bool) string {
	if len(groups) == 0 {
		return ""
	}
	list := make([]string, 0, len(groups))
	for g := range groups {
		list = append(list, g)
	}
	sort.Strings(list)
	return "target: " + strings.Join(list, ", ")
}
