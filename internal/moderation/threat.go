package moderation

import (
	"bytes"
	"regexp"
	"sort"

	"chorus/internal/story"
)

// Threat rules run on the normalised text: lower case, no accents, Arabic
// hamza forms folded to alef, taa marbuta to haa, Ukrainian й to и and ї to і.
// A rule's regexp runs only when one of its trigger words occurs.
type threatRule struct {
	re       *regexp.Regexp
	triggers []string
}

var threatRules = []threatRule{
	{regexp.MustCompile(`\b(?:love|like|want|wanna|hope|glad|happy) to see (?:\w+\s+){0,3}?(?:hanged|hung|shot|killed|burned|burnt|dead|drowned|gassed|executed|lynched|slaughtered|die)\b`),
		[]string{"love to see", "like to see", "want to see", "wanna see", "hope to see", "glad to see", "happy to see"}},
	{regexp.MustCompile(`\b(?:i|we|i'll|we'll|ill|i'm|im|we're|gonna|imma|ima|will|shall|going to|gon)\s+(?:\w+\s+){0,3}?(?:kill|shoot|stab|burn|hang|murder|slaughter|behead|lynch|gas|bomb|beat|butcher|exterminate|execute|drown|strangle|torch|run over|wipe out|hunt down|rape)\w*\b`),
		[]string{"kill", "shoot", "stab", "burn", "hang", "murder", "slaughter", "behead", "lynch", "gas", "bomb", "beat", "butcher", "exterminat", "execut", "drown", "strangl", "torch", "run over", "wipe out", "hunt down", "rape"}},
	{regexp.MustCompile(`\b(?:should|must|need to|deserve to|ought to|gotta|have to|has to|needs to)\s+(?:all\s+)?(?:be\s+)?(?:all\s+)?(?:killed|shot|hanged|hung|burned|burnt|gassed|exterminated|executed|lynched|drowned|slaughtered|wiped out|put down|die|be killed)\b`),
		[]string{"killed", "shot", "hanged", "hung", "burn", "gassed", "exterminated", "executed", "lynched", "drowned", "slaughtered", "wiped out", "put down", "die"}},
	{regexp.MustCompile(`\b(?:kill|shoot|hang|gas|burn|drown|exterminate|slaughter|lynch|execute|sink)\s+(?:all|every|them|those|these|the|each)\b`),
		[]string{"kill ", "shoot ", "hang ", "gas ", "burn ", "drown ", "exterminate ", "slaughter ", "lynch ", "execute ", "sink "}},
	{regexp.MustCompile(`\b(?:death to|you'?re dead|you are dead|watch your back|(?:we|i) know where you live|your days are numbered|let them drown|sink the boats|hope (?:you|they) (?:all )?(?:die|burn|drown|rot|get shot|get killed))`),
		[]string{"death to", "dead", "watch your back", "where you live", "numbered", "drown", "sink the", "hope "}},
	{regexp.MustCompile(`\b(?:pay with (?:their|your|his|her) (?:blood|lives)|beat (?:him|her|them|you|every \w+) to death|(?:deserve|deserves|need|needs|get|gets) a bullet|put a bullet in|line them (?:all )?up|set fire to|burn down (?:their|the|every|all))\b`),
		[]string{"pay with", "to death", "bullet", "line them", "set fire", "burn down"}},
	{regexp.MustCompile(`\b(?:je vais|j'vais|jvais|on va|nous allons|je veux|on doit|il faut|faut|faudrait|il faudrait|va falloir)\s+(?:(?:te|vous|les|leur|tous|toutes|tous les|toutes les)\s+){0,2}(?:\w+\s+)?(?:tuer|buter|butter|cramer|bruler|egorger|pendre|fusiller|massacrer|exterminer|noyer|gazer|abattre|crever|defoncer|eliminer|lyncher|bombarder|violer|saigner|tabasser)\b`),
		[]string{"tuer", "buter", "butter", "cramer", "bruler", "egorger", "pendre", "fusiller", "massacrer", "exterminer", "noyer", "gazer", "abattre", "crever", "defoncer", "eliminer", "lyncher", "bombarder", "violer", "saigner", "tabasser"}},
	{regexp.MustCompile(`\b(?:(?:merite|meritent|merites) une balle|une balle dans la tete|a abattre|je (?:le|la|les|te|vous) (?:tabasse|bute|tue|crame|egorge|defonce|brule)|on (?:va )?(?:les|le|vous|te) (?:brule|bute|tue|crame|egorge|noie|pend))\b`),
		[]string{"merite", "une balle", "a abattre", "je le ", "je la ", "je les ", "je te ", "je vous ", "on va ", "on le", "on vous ", "on te "}},
	{regexp.MustCompile(`\b(?:mort aux|a mort les|vous allez crever|tu vas crever|vous allez mourir|tu vas mourir|on sait ou tu habites|on sait ou vous habitez|qu'ils crevent|qu'ils meurent|doivent crever|doivent mourir|meritent de mourir|meritent la mort)\b`),
		[]string{"mort aux", "a mort", "crever", "mourir", "habit", "crevent", "meurent", "la mort"}},
	{regexp.MustCompile(`\b(?:te voy a|os vamos a|les vamos a|los vamos a|vamos a|voy a|hay que|habria que|deberian|deberiamos)\s+(?:\w+\s+)?(?:matar|quemar|colgar|fusilar|ahorcar|exterminar|ahogar|disparar|hundir|apunalar|degollar|linchar|eliminar)\w*\b`),
		[]string{"matar", "quemar", "colgar", "fusilar", "ahorcar", "exterminar", "ahogar", "disparar", "hundir", "apunalar", "degollar", "linchar", "eliminar"}},
	{regexp.MustCompile(`\b(?:muerte a los|muerte a las|te mato|os mato|los mato|que se mueran|ojala se ahoguen|ojala se mueran|merecen morir|deben morir)\b`),
		[]string{"muerte a", "mato", "mueran", "ahoguen", "morir"}},
	{regexp.MustCompile(`\b(?:(?:pegarles|pegarle|pegar|meterles|meterle|darles|darle) un tiro|tiro en la nuca|merecen (?:un tiro|una bala|la muerte))\b`),
		[]string{"pegarle", "meterle", "darle", "tiro en", "merecen "}},
	{regexp.MustCompile(`(?:سا|سوف ا|راح ا|رح ا|ح|ه|هن|سن|لازم ن|بدي ا|بدنا ن|رح ن|راح ن)(?:قتل|ذبح|دبح|حرق|صفي|سحل|اعدم|ابيد|بيد|ادبح|اذبح)(?:ك|كم|هم|كن|و)?`),
		[]string{"قتل", "ذبح", "دبح", "حرق", "صفي", "سحل", "اعدم", "بيد"}},
	{regexp.MustCompile(`(?:اقتلوهم|اذبحوهم|احرقوهم|اقتلوا|اذبحوا|احرقوا|الموت لل|يجب قتل|يجب ذبح|يجب حرق|لازم نقتل|لازم يموتو|يستحقون الموت|يستاهلو الموت|يستاهلوا الموت|يجب ان يموتو|نعرف وين ساكن|نعرف اين تسكن|ابادتهم|يجب ابادت|يجب اعدام|اعدامهم|نطلق النار|اطلاق النار على|اطلقوا النار)`),
		[]string{"قتلو", "ذبحو", "حرقو", "الموت", "قتل", "ذبح", "حرق", "يموتو", "ساكن", "تسكن", "ابادت", "اعدام", "نطلق", "اطلاق", "اطلقو"}},
	{regexp.MustCompile(`(?:тебе|вас|іх|ix)\s+(?:\S+\s+)?(?:вб'ю|вбю|вб'ємо|уб'ю|заріжу|задушу|спалю|повішу|пристрелю|переб'ємо|знищимо|спалимо|повісимо|розстріляємо|вб'ють)`),
		[]string{"вб", "уб'", "заріж", "задуш", "спал", "повіш", "пристрел", "переб", "знищ", "розстріл"}},
	{regexp.MustCompile(`(?:^|\s)(?:я|ми)\s+(?:\S+\s+)?(?:вб'ю|вбю|уб'ю|заріжу|задушу|спалю|повішу|пристрелю|переб'ємо|знищимо|спалимо|повісимо|розстріляємо|вб'ємо|поріжемо)`),
		[]string{"вб", "уб'", "заріж", "задуш", "спал", "повіш", "пристрел", "переб", "знищ", "розстріл", "поріж"}},
	{regexp.MustCompile(`(?:вбити|знищити|спалити|розстріляти|перестріляти|повісити|втопити)\s+(?:всіх|усіх|іх|цих)|смерть\s+(?:всім\s+)?\S+ам\b|треба\s+(?:іх\s+)?(?:вбити|знищити|розстріляти|спалити)|мають\s+(?:всі\s+)?здохнути`),
		[]string{"вбити", "знищити", "спалити", "розстріляти", "перестріляти", "повісити", "втопити", "смерть", "треба", "здохнути"}},
	// First person plural, present used as future, or future tense with
	// no auxiliary: "on brûle la mosquée", "quemaremos", "спалимо".
	{regexp.MustCompile(`\bon\s+(?:va\s+)?(?:bruler|cramer|brule|crame|brulera|cramera)\s+(?:le|la|les|leur|leurs|tous|toutes|ce|cette|ces|son|sa|ses)\b|\b(?:on|nous)\s+(?:tuera|tuerons|egorgera|egorgerons|massacrera|massacrerons|brulerons|buterons|butera|cramerons)\b`),
		[]string{"brul", "cram", "tuer", "egorg", "massacr", "buter"}},
	{regexp.MustCompile(`\b(?:(?:quemamos|matamos)\s+(?:a\s+)?(?:el|la|los|las|todos|todas|esos|esas|este|esta|a)|quemaremos|mataremos|colgaremos|fusilaremos|ahorcaremos|exterminaremos|ahogaremos|quemare|matare|dispararemos|disparare|degollaremos|lincharemos|apunalaremos)\b`),
		[]string{"quema", "mata", "colga", "fusila", "ahorca", "extermina", "ahoga", "dispara", "degolla", "lincha", "apunala"}},
	{regexp.MustCompile(`(?:^|\s)(?:спалимо|вб'ємо|вбємо|переб'ємо|знищимо|розстріляємо|повісимо|заріжемо|поріжемо|перестріляємо|втопимо|підпалимо)(?:\s|$|\pP)`),
		[]string{"спал", "вб", "переб", "знищ", "розстріл", "повіс", "заріж", "поріж", "перестріл", "втоп", "підпал"}},
	{regexp.MustCompile(`(?:ساطلق النار|سنطلق النار|سوف اطلق النار|سوف نطلق النار)`),
		[]string{"ساطلق", "سنطلق", "سوف"}},
}

var threatDampers = []string{
	"threatened", "threatening", "threat", "said he would", "said they would", "said they'd", "said he'd",
	"told me he would", "told us they would", "wrote that", "menace", "m'a menace", "a dit qu'il allait", "amenaz",
	"هددني", "هددنا", "تهديد", "погрожував", "погрози", "never", "jamais", "nunca", "ابدا", "ніколи", "would never",
	"not going to", "won't", "n'allons pas", "no vamos a",
}

var threatDamperBytes = bytesOf(threatDampers)

func hasThreat(a *analysis) bool {
	var sig story.Signal
	threatSignal(a, "", &sig)
	return sig.Score > 0
}

// triggeredRules marks the rules whose trigger words start within the first
// three letters of a token (Arabic verbs carry their prefixes), and where:
// at[r] lists the byte offsets of rule r's triggers.
func triggeredRules(a *analysis, at *[maxThreatRules][]int32) uint32 {
	var mask uint32
	text := a.n.b
	for _, t := range a.toks {
		p := int(t.s)
		for k := 0; k < 3 && p < int(t.e); k++ {
			if p+1 >= len(text) {
				break // every trigger has two bytes or more
			}
			for _, tr := range threatTriggerIndex[triggerBucket(text[p], text[p+1])] {
				if bytes.HasPrefix(text[p:], tr.word) {
					mask |= 1 << tr.rule
					if n := len(at[tr.rule]); n == 0 || at[tr.rule][n-1] != int32(p) {
						at[tr.rule] = append(at[tr.rule], int32(p))
					}
				}
			}
			p += runeLen(text[p])
		}
	}
	return mask
}

// maxThreatRules bounds the rules: they are marked in a uint32.
const maxThreatRules = 32

type threatTrigger struct {
	word []byte
	rule int
}

// threatTriggerIndex buckets the triggers by their first two bytes: a
// bucket by the first byte alone held every Arabic or every Cyrillic
// trigger, each compared at every position of such a text.
var threatTriggerIndex = func() (idx [triggerBuckets][]threatTrigger) {
	if len(threatRules) > maxThreatRules {
		panic("moderation: more threat rules than maxThreatRules")
	}
	for r, rule := range threatRules {
		for _, w := range rule.triggers {
			if len(w) < 2 {
				panic("moderation: threat trigger " + w + " shorter than two bytes")
			}
			b := triggerBucket(w[0], w[1])
			idx[b] = append(idx[b], threatTrigger{[]byte(w), r})
		}
	}
	return idx
}()

const triggerBuckets = 1024

func triggerBucket(c0, c1 byte) int { return (int(c0)*31 + int(c1)) & (triggerBuckets - 1) }

// A rule's regexp runs on a window of tokens around each of its triggers,
// as many as a rule allows before and after it, rather than on the whole
// text: trying every position of a long text was a large part of a screen.
const (
	threatTokensBefore = 6
	threatTokensAfter  = 5
)

// threatWindow returns the byte bounds of the window around offset p,
// widened to whitespace so that no word is cut.
func threatWindow(a *analysis, p int) (int, int) {
	text := a.n.b
	i := sort.Search(len(a.toks), func(i int) bool { return int(a.toks[i].e) > p })
	lo, hi := 0, len(text)
	if i-threatTokensBefore > 0 {
		lo = int(a.toks[i-threatTokensBefore].s)
	}
	if i+threatTokensAfter < len(a.toks) {
		hi = int(a.toks[i+threatTokensAfter].e)
	}
	for lo > 0 && !isSpaceByte(text[lo-1]) {
		lo--
	}
	for hi < len(text) && !isSpaceByte(text[hi]) {
		hi++
	}
	return lo, hi
}

func threatSignal(a *analysis, field string, sig *story.Signal) {
	var at [maxThreatRules][]int32
	mask := triggeredRules(a, &at)
	if mask == 0 {
		return
	}
	text := a.n.b
	score := -1.0
	for r, rule := range threatRules {
		if mask&(1<<r) == 0 {
			continue
		}
		searched, reported := 0, 0 // ends of the last window and match
		for _, p := range at[r] {
			lo, hi := threatWindow(a, int(p))
			if hi <= searched {
				continue
			}
			searched = hi
			for _, loc := range rule.re.FindAllIndex(text[lo:hi], -1) {
				ms, me := lo+loc[0], lo+loc[1]
				if ms < reported {
					continue // found in the window before
				}
				reported = me
				a.threatSeen = true
				if k := sort.Search(len(a.toks), func(i int) bool { return int(a.toks[i].e) > ms }); k >= len(a.toks) || !a.toks[k].quoted {
					a.threatUnquoted = true
				}
				start, end := int(a.n.start[ms]), int(a.n.end[me-1])
				sig.Spans = append(sig.Spans, story.Span{Field: field, Start: start, End: end, Label: "threat"})
				if score < 0 {
					score = threatScore(a)
				}
				if score > sig.Score {
					sig.Score = score
				}
			}
		}
	}
}

// threatScore lowers threats that are reported, negated or condemned.
func threatScore(a *analysis) float64 {
	score := 0.9
	for _, d := range threatDamperBytes {
		if bytes.Contains(a.n.b, d) {
			score = 0.45
			break
		}
	}
	if a.has(kindCondemn) || a.has(kindReport) {
		score *= 0.7
	}
	return score
}
