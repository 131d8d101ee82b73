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

// context cues of one lexicon hit that point to counter-speech, and for
// reclaimable words, whether they are used as a slur.
type hitContext struct {
	negated, quoted, reported, condemned, positive, inGroup bool
	// hostile: a reclaimable word with hostility, a derogatory or
	// dehumanising word or a slur in its sentence ("ces rebeus de merde").
	hostile bool
	// refuted: the subject of a sentence after one that denied it of a
	// group ("Terrorists are murderers"); also counts as negated.
	refuted bool
	// treatment: hostility aimed at how a group is treated or spoken of,
	// not at the group ("I hate the way …", "Je déteste la façon dont …").
	treatment bool
}

// contextOf returns the context of hit h, computed once per text: the
// lexicon score, the group rules and the features all ask for it.
func (a *analysis) contextOf(lex *lexicon, h hit) hitContext {
	i := 0
	for i < len(a.hits) && a.hits[i] != h {
		i++
	}
	if i == len(a.hits) {
		return a.computeContext(lex, h)
	}
	for len(a.ctxOK) < len(a.hits) {
		a.ctx = append(a.ctx, hitContext{})
		a.ctxOK = append(a.ctxOK, false)
	}
	if !a.ctxOK[i] {
		a.ctx[i], a.ctxOK[i] = a.computeContext(lex, h), true
	}
	return a.ctx[i]
}

func (a *analysis) computeContext(lex *lexicon, h hit) hitContext {
	var c hitContext
	first := a.toks[h.first]
	c.quoted = first.quoted
	e0 := &lex.entries[h.entry]
	c.negated = a.negatedHit(lex, h)
	for _, o := range a.hits {
		if o.first >= h.first && o.first < h.last {
			continue // part of the same phrase: "not human", "pas humains"
		}
		e := &lex.entries[o.entry]
		ot := a.toks[o.first]
		sameSent := ot.sent == first.sent
		switch e.kind {
		case kindReport:
			if sameSent || o.first < h.first {
				c.reported = true
			}
		case kindCondemn:
			c.condemned = true
			if e0.kind == kindHostile && o.first >= h.last && o.first-h.last <= 2 && sameSent {
				c.treatment = true
			}
		case kindPositive:
			// "Refugees are not welcome here" is no positive statement.
			if sameSent && !a.negatedHit(lex, o) {
				c.positive = true
			}
		case kindInGroup:
			c.inGroup = true
		case kindHostile, kindDerog, kindDehum, kindSlur:
			if e0.kind == kindReclaim && sameSent && (o.first >= h.last || o.last <= h.first) {
				c.hostile = true
			}
		}
	}
	switch e0.kind {
	case kindDehum, kindDerog, kindSlur, kindReclaim:
		// "Muslims aren't terrorists. Terrorists are murderers.": a word
		// denied of a group and then made the subject of the next
		// sentence is being defined, not applied.
		if !c.negated && a.refutedSentence(lex, first.sent) {
			c.negated, c.refuted = true, true
		}
	}
	if e0.kind == kindReclaim {
		// Said with hostility, a reclaimable word is a slur whoever says
		// it; said with pride or from inside the group, it is reclaimed.
		c.inGroup = !c.hostile && (c.inGroup || c.positive || a.inGroupCue(h))
	}
	return c
}

// negatedHit reports whether a negation stands shortly before hit h, in
// the same sentence and clause ("I don't care, they are vermin" is not
// negated). A claim called false ("It's a myth that …", "Неправда, що …")
// reaches over the comma; "ne … que" is not a negation; an entry holding
// its own negation ("not human") is not negated by it.
func (a *analysis) negatedHit(lex *lexicon, h hit) bool {
	if lex.entries[h.entry].selfNeg {
		return false
	}
	sent := a.toks[h.first].sent
	for _, o := range a.hits {
		e := &lex.entries[o.entry]
		if e.kind != kindNeg || o.first >= h.first || a.toks[o.first].sent != sent || h.first-o.last > 6 {
			continue
		}
		if (e.denial || !a.clauseBreak(o.last, h.first)) && !a.restrictive(o, h.first) && !a.rhetoricalNegation(o) {
			return true
		}
	}
	return false
}

// rhetoricalMarkers open a negative question that asserts: "Хіба не всі
// … злодії?", "¿Acaso no son …?".
var rhetoricalMarkers = map[string]bool{"хіба": true, "невже": true, "acaso": true}

// rhetoricalNegation reports whether negation o asks a question that
// asserts: it opens a question ("Aren't they all thieves?") or follows a
// rhetorical marker.
func (a *analysis) rhetoricalNegation(o hit) bool {
	k := int(o.first)
	sent := a.toks[k].sent
	opens := k == 0 || a.toks[k-1].sent != sent
	if !opens && !rhetoricalMarkers[string(a.n.b[a.toks[k-1].s:a.toks[k-1].e])] {
		return false
	}
	return a.isQuestion(sent)
}

// sentenceArticles may stand before the subject of a sentence.
var sentenceArticles = map[string]bool{
	"a": true, "an": true, "the": true, "le": true, "la": true, "les": true, "l": true, "un": true, "une": true,
	"des": true, "el": true, "los": true, "las": true, "una": true, "unos": true, "unas": true,
}

// refutedSentence reports whether sentence sent begins with a derogatory,
// dehumanising or slur word that an earlier sentence denied of someone.
func (a *analysis) refutedSentence(lex *lexicon, sent int16) bool {
	if sent == 0 {
		return false
	}
	k := -1
	for i := range a.toks {
		if a.toks[i].sent == sent {
			k = i
			break
		}
	}
	if k < 0 {
		return false
	}
	if k+1 < len(a.toks) && a.toks[k+1].sent == sent && sentenceArticles[string(a.n.b[a.toks[k].s:a.toks[k].e])] {
		k++
	}
	for _, h := range a.hits {
		if int(h.first) != k {
			continue
		}
		e := &lex.entries[h.entry]
		if e.kind != kindDehum && e.kind != kindDerog && e.kind != kindSlur {
			continue
		}
		for _, o := range a.hits {
			if o.entry == h.entry && a.toks[o.first].sent < sent && a.negatedHit(lex, o) {
				return true
			}
		}
	}
	return false
}

// inGroupWords mark speech from inside a group in the sentence of a
// reclaimable word: first person plural, and "between us".
var inGroupWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range []string{
		"we", "us", "our", "ours", "ourselves",
		"nous", "notre", "nos", "on",
		"nosotros", "nosotras", "nuestro", "nuestra", "nuestros", "nuestras", "somos",
		"ми", "нас", "наш", "наша", "наше", "наші", "нашої", "нашого", "нашому",
		"نحن",
	} {
		m[Normalize(w)] = true
	}
	return m
}()

var betweenWords = map[string]bool{"entre": true, "between": true, "among": true, "amongst": true, "серед": true, "بين": true}

// inGroupCue reports whether reclaimable word h is used from inside its
// group: a first-person plural word in its sentence ("Us wogs stick
// together", "nuestro grupo"), or "between" just before it ("entre
// rebeus").
func (a *analysis) inGroupCue(h hit) bool {
	sent := a.toks[h.first].sent
	for i := range a.toks {
		t := a.toks[i]
		if t.sent != sent || i >= int(h.first) && i < int(h.last) {
			continue
		}
		w := a.n.b[t.s:t.e]
		if inGroupWords[string(w)] || betweenWords[string(w)] && i == int(h.first)-1 {
			return true
		}
	}
	return false
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

// damping is how much counter-speech cues lower a lexicon hit: quoting,
// negating, reporting or condemning hate is the daily work of allies.
func (c hitContext) damping(reclaim bool) float64 {
	f := 1.0
	if c.negated {
		f *= 0.35
	}
	if c.refuted {
		f *= 0.5 // not even said of anyone
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
	id, d := a.nearest(lex, h, kindGroup)
	if id < 0 || d >= 1000+40 {
		return "", false
	}
	return lex.entries[id].group, d < 1000
}

// nearest returns the entry of the hit of a kind closest to hit h, and its
// distance in words (plus 1000 in another sentence); -1 if there is none.
func (a *analysis) nearest(lex *lexicon, h hit, kind uint8) (int32, int) {
	best, bestDist := int32(-1), 1<<30
	sent := a.toks[h.first].sent
	for _, o := range a.hits {
		if lex.entries[o.entry].kind != kind {
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
			best, bestDist = o.entry, d
		}
	}
	return best, bestDist
}

// aimedAtNonProtected reports whether hit h is said of a target that is
// not a protected group: one named in its sentence closer than any group
// ("Bankers are parasites", "Les traders sont de la vermine").
func (a *analysis) aimedAtNonProtected(lex *lexicon, h hit) bool {
	if !a.has(kindNonProt) {
		return false
	}
	np, dn := a.nearest(lex, h, kindNonProt)
	if np < 0 || dn >= 1000 {
		return false
	}
	_, dg := a.nearest(lex, h, kindGroup)
	return dn < dg
}

// hasPlainPositive reports whether the text holds a positive word that is
// not negated.
func (a *analysis) hasPlainPositive(lex *lexicon) bool {
	if !a.has(kindPositive) {
		return false
	}
	for _, h := range a.hits {
		if lex.entries[h.entry].kind == kindPositive && !a.negatedHit(lex, h) {
			return true
		}
	}
	return false
}

// insultsOnlyNonProtected reports whether a text names no protected group
// and every hostile, derogatory or dehumanising word in it is said of a
// target that is not a protected group.
func (a *analysis) insultsOnlyNonProtected(lex *lexicon) bool {
	if !a.has(kindNonProt) || a.has(kindGroup) || a.has(kindSlur) || a.has(kindReclaim) {
		return false
	}
	insults := 0
	for _, h := range a.hits {
		switch lex.entries[h.entry].kind {
		case kindDehum, kindDerog, kindHostile:
			if !a.aimedAtNonProtected(lex, h) {
				return false
			}
			insults++
		}
	}
	return insults > 0
}

// dehumanisingAt reports whether a dehumanising word or a slur starts at
// the token of hit h ("criminals" is both derogatory and dehumanising):
// one word counts once.
func (a *analysis) dehumanisingAt(lex *lexicon, h hit) bool {
	for _, o := range a.hits {
		if k := lex.entries[o.entry].kind; (k == kindDehum || k == kindSlur) && o.first == h.first {
			return true
		}
	}
	return false
}

// warmOnly reports whether a text speaks of a group only warmly or from
// inside it: a positive word that is not negated, or a reclaimable word
// in in-group speech, and nothing hostile, derogatory, dehumanising or
// excluding anywhere.
func (a *analysis) warmOnly(lex *lexicon) bool {
	if !a.has(kindGroup) && !a.has(kindReclaim) || a.has(kindSlur) || a.has(kindDehum) || a.has(kindDerog) || a.has(kindHostile) ||
		a.rules&(ruleExclusion|ruleRhetorical|ruleExpulsion) != 0 {
		return false
	}
	if a.hasPlainPositive(lex) {
		return true
	}
	for _, h := range a.hits {
		if lex.entries[h.entry].kind == kindReclaim {
			if c := a.contextOf(lex, h); c.inGroup && !c.hostile {
				return true
			}
		}
	}
	return false
}

// isQuestion reports whether sentence sent ends with a question mark (or
// opens with "¿").
func (a *analysis) isQuestion(sent int16) bool {
	first, last := -1, -1
	for i, t := range a.toks {
		if t.sent == sent {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if last < 0 {
		return false
	}
	b := a.n.b
	from := 0
	if first > 0 {
		from = int(a.toks[first-1].e)
	}
	if bytes.Contains(b[from:a.toks[first].s], []byte("¿")) {
		return true
	}
	to := len(b)
	if last+1 < len(a.toks) {
		to = int(a.toks[last+1].s)
	}
	tail := b[a.toks[last].e:to]
	return bytes.IndexByte(tail, '?') >= 0 || bytes.Contains(tail, []byte("؟"))
}

// orderWords before an expulsion verb make it an order: "we must deport",
// "il faut expulser", "hay que echar", "треба вигнати", "يجب طرد".
var orderWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range []string{"should", "must", "need", "let's", "lets", "just", "faut", "doit", "devons", "hay", "debemos", "tenemos", "треба", "потрібно", "слід", "يجب", "لازم"} {
		for _, t := range splitTokens(Normalize(w)) {
			m[t] = true
		}
	}
	return m
}()

// ordered reports whether expulsion verb h is an order: it opens its
// sentence or follows a word of obligation ("They want to deport …" is
// not one).
func (a *analysis) ordered(h hit) bool {
	k := int(h.first)
	if k == 0 || a.toks[k-1].sent != a.toks[k].sent {
		return true
	}
	for j := k - 1; j >= 0 && j >= k-2 && a.toks[j].sent == a.toks[k].sent; j-- {
		if orderWords[string(a.n.b[a.toks[j].s:a.toks[j].e])] {
			return true
		}
	}
	return false
}

// answerWords open the answer to a question: "Why should we …? Because
// they are human beings." is an argument, not a jibe.
var answerWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range []string{"because", "parce", "porque", "тому", "бо", "لان", "لأن"} {
		m[Normalize(w)] = true
	}
	return m
}()

// answered reports whether the sentence after sent opens with an answer.
func (a *analysis) answered(sent int16) bool {
	for i := range a.toks {
		if a.toks[i].sent > sent {
			return answerWords[string(a.n.b[a.toks[i].s:a.toks[i].e])]
		}
	}
	return false
}

// groupRule is a context rule about a group as a whole.
type groupRule uint8

const (
	// ruleExclusion: a group is denied a home, benefits, a place among us
	// or trust with a negation and no hostile word ("I'd never rent a room
	// to a Muslim", "Aucun exilé ne mérite un logement", "Мусульманин
	// ніколи не буде одним із нас"), unless the denial is care ("No
	// refugee should have to sleep in a tent") or a claim called false.
	ruleExclusion groupRule = 1 << iota
	// ruleRhetorical: a rhetorical question about a group ("Why should my
	// taxes pay for a single refugee?", "¿Hasta cuándo vamos a aguantar a
	// tanto extranjero?"), unless it asks about harm done to the group.
	ruleRhetorical
	// ruleExpulsion: an order to expel a group, without insult ("Send the
	// refugees back", "Renvoyez tous les migrants", "Виженіть іноземців"):
	// a moderator's call rather than a sure hide.
	ruleExpulsion
	// ruleCare: a negation about a group with care or a defence in its
	// sentence ("No refugee should have to sleep in a tent", "Pas un seul
	// réfugié n'a posé de problème"); it scores nothing, the model weighs it.
	ruleCare
	// ruleMyth: a stereotyped claim said of a group in its sentence, with
	// no slur and no hostile word ("Immigrants steal our jobs", "Les
	// migrants ramènent la délinquance"), unless it is negated, quoted,
	// reported, called false or said with care.
	ruleMyth
)

// groupRules finds the group rules that hold in a text: for each, the
// damped score and the target group.
func (a *analysis) groupRules(lex *lexicon, found func(r groupRule, score float64, group string)) groupRule {
	if !a.has(kindGroup) && !a.has(kindSlur) && !a.has(kindReclaim) || !a.has(kindClaim) && !a.has(kindRhetQ) && !a.has(kindExpel) && !a.has(kindCare) && !a.has(kindMyth) {
		return 0
	}
	var all groupRule
	for _, g := range a.hits {
		eg := &lex.entries[g.entry]
		if eg.kind != kindGroup && eg.kind != kindSlur && eg.kind != kindReclaim || a.toks[g.first].quoted {
			continue
		}
		sent := a.toks[g.first].sent
		var negated, denied, claim, care, rhet, positive, expel bool
		myth, mythDenied := hit{first: -1}, false
		for _, o := range a.hits {
			if a.toks[o.first].sent != sent || o.first >= g.first && o.first < g.last {
				continue
			}
			e := &lex.entries[o.entry]
			switch e.kind {
			case kindNeg:
				if e.denial {
					denied = true
				} else if o.first < g.first && g.first-o.last <= 6 && !a.clauseBreak(o.last, g.first) ||
					o.first >= g.last && o.first-g.last <= 3 && !a.clauseBreak(g.last, o.first) {
					negated = true
				}
			case kindClaim:
				claim = true
			case kindCare:
				care = true
			case kindRhetQ:
				rhet = true
			case kindExpel:
				expel = expel || o.last <= g.first && g.first-o.last <= 2 && a.ordered(o)
			case kindPositive:
				positive = positive || !a.negatedHit(lex, o)
			case kindMyth:
				if myth.first < 0 && !a.toks[o.first].quoted {
					myth = o
				}
				// "Immigrants don't steal our jobs" denies a claim; it
				// excludes nobody.
				mythDenied = mythDenied || a.contextOf(lex, o).negated
			}
		}
		if negated && care && !denied {
			all |= ruleCare
		}
		var r groupRule
		base := 0.75
		switch {
		case negated && claim && !denied && !care && !positive && !mythDenied:
			r = ruleExclusion
		case rhet && !care && a.isQuestion(sent) && !a.answered(sent):
			r = ruleRhetorical
		case expel && !care && !positive:
			r, base = ruleExpulsion, 0.65
		case myth.first >= 0 && !denied && !care && !positive && !a.contextOf(lex, myth).negated:
			// A claim denied ("Refugees don't bring crime") is the
			// commonest answer to it, not a weaker form of it.
			r, base = ruleMyth, 0.7
		default:
			continue
		}
		c := a.contextOf(lex, g)
		if r == ruleMyth {
			// The claim's own context: "Immigrants don't steal jobs",
			// "He wrote that refugees bring crime".
			mc := a.contextOf(lex, myth)
			c.negated = false
			c.reported = c.reported || mc.reported
			c.quoted = c.quoted || mc.quoted
		}
		if r != ruleExpulsion && r != ruleMyth {
			c.negated = false // the negation is the rule's own
		}
		c.positive, c.inGroup = false, false
		all |= r
		if found != nil {
			found(r, base*c.damping(false), eg.group)
		}
	}
	return all
}

// slurAt reports whether a slur hit overlaps hit h.
func (a *analysis) slurAt(lex *lexicon, h hit) bool {
	for _, o := range a.hits {
		if lex.entries[o.entry].kind == kindSlur && o.first < h.last+1 && o.last > h.first {
			return true
		}
	}
	return false
}

// epithets are hostile words that make a slur of the group word they
// stand next to; postEpithets may also follow it.
var epithets, postEpithets = func() (map[string]bool, map[string]bool) {
	pre, post := map[string]bool{}, map[string]bool{}
	for _, w := range []string{"dirty", "sale", "sales", "putain de", "puto", "puta", "malditos", "maldito", "клят", "бісов"} {
		pre[strings.Join(splitTokens(Normalize(w)), " ")] = true
	}
	for _, w := range []string{"de merde", "клят", "бісов"} {
		k := strings.Join(splitTokens(Normalize(w)), " ")
		pre[k], post[k] = true, true
	}
	return pre, post
}()

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
	if a.insultsOnlyNonProtected(lex) {
		// "Bankers are parasites", "Les députés sont des sangsues": an
		// insult, but not hate against a protected group.
		p *= 0.5
	} else if !threat && a.warmOnly(lex) {
		// "Les réfugiés sont bienvenus", "As a queer refugee I finally
		// feel safe": nothing hostile, only warmth or in-group speech.
		p *= 0.5
	}
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
			if a.contextOf(lex, h).hostile {
				base = 0.85 // used as a slur
			}
		case kindDehum:
			var sameSentence bool
			group, sameSentence = a.groupNear(lex, h)
			if group == "" || a.aimedAtNonProtected(lex, h) {
				continue
			}
			// Said of a group in the same sentence ("refugees are
			// parasites"), or of one named earlier ("They are rats").
			base, label = 0.6, LabelDehumanising
			if sameSentence {
				base = 0.75
			}
		case kindDerog:
			// A derogatory attribute said of a group in its sentence
			// ("Pourquoi les réfugiés sont-ils si sales ?"): surer than
			// nothing, less sure than dehumanisation; no span.
			var sameSentence bool
			group, sameSentence = a.groupNear(lex, h)
			if !sameSentence || a.aimedAtNonProtected(lex, h) || a.dehumanisingAt(lex, h) {
				continue
			}
			base = 0.6
		default:
			continue
		}
		s := base * a.contextOf(lex, h).damping(e.kind == kindReclaim)
		keep *= 1 - s
		if sig != nil && label != "" {
			start, end := a.tokenSpan(h.first, h.last)
			sig.Spans = append(sig.Spans, story.Span{Field: field, Start: start, End: end, Label: label})
		}
		if groups != nil {
			groups[group] = true
		}
	}
	for _, h := range a.hits {
		// An epithet glued to a group word is a slur: "sale juif",
		// "dirty foreigners", "malditos moros", "мігранти кляті",
		// "réfugiés de merde".
		e := &lex.entries[h.entry]
		if e.kind != kindHostile && e.kind != kindDerog || !epithets[e.joined()] {
			continue
		}
		if a.slurAt(lex, h) {
			continue // listed as a slur ("sale arabe"): counted once
		}
		for _, g := range a.hits {
			eg := &lex.entries[g.entry]
			if eg.kind == kindGroup && (g.first == h.last || g.last == h.first && postEpithets[e.joined()]) {
				s := 0.85 * a.contextOf(lex, g).damping(false)
				keep *= 1 - s
				if groups != nil {
					groups[eg.group] = true
				}
				if sig != nil {
					start, end := a.tokenSpan(min(h.first, g.first), max(h.last, g.last))
					sig.Spans = append(sig.Spans, story.Span{Field: field, Start: start, End: end, Label: LabelSlur})
				}
				break
			}
		}
	}
	a.rules = a.groupRules(lex, func(_ groupRule, s float64, group string) {
		keep *= 1 - s
		if groups != nil {
			groups[group] = true
		}
	})
	return 1 - keep
}

func groupDetail(groups, claims map[string]bool) string {
	detail := ""
	if len(groups) > 0 {
		detail = "target: " + sortedList(groups)
	}
	if len(claims) > 0 {
		detail = strings.TrimPrefix(detail+"; claim: "+sortedList(claims), "; ")
	}
	return detail
}

func sortedList(set map[string]bool) string {
	list := make([]string, 0, len(set))
	for k := range set {
		list = append(list, k)
	}
	sort.Strings(list)
	return strings.Join(list, ", ")
}

// claimTopics adds the topics of the stereotyped claims said of a group
// (the myth rule held) to claims, made if nil, and returns it.
func claimTopics(a *analysis, lex *lexicon, claims map[string]bool) map[string]bool {
	if a.rules&ruleMyth == 0 {
		return claims
	}
	for _, h := range a.hits {
		if e := &lex.entries[h.entry]; e.kind == kindMyth && !a.toks[h.first].quoted {
			if claims == nil {
				claims = map[string]bool{}
			}
			claims[e.group] = true
		}
	}
	return claims
}
