package moderation

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"math"
	"sync"
	"unicode/utf8"
)

// The classifier is a logistic regression over hashed features: character
// n-grams of the normalised words, word uni- and bigrams, an abstracted word
// sequence in which lexicon hits become their kind ("GROUP are DEHUM"), and
// the counter-speech context of every lexicon hit.

const (
	featureBits = 18
	featureDim  = 1 << featureBits
	modelMagic  = "chorusm1"
)

//go:embed model/hate.bin
var embeddedModel []byte

// Model is a trained hate classifier.
type Model struct {
	w       []float32
	bias    float32
	version string
}

var (
	defaultModelOnce sync.Once
	defaultModel     *Model
)

// DefaultModel returns the embedded model, or nil when none was embedded.
func DefaultModel() *Model {
	defaultModelOnce.Do(func() {
		m, err := LoadModel(embeddedModel)
		if err == nil {
			defaultModel = m
		}
	})
	return defaultModel
}

// ModelVersion names the embedded classifier: a hash of its weights.
func ModelVersion() string {
	if m := DefaultModel(); m != nil {
		return m.version
	}
	return "lexicon-only"
}

// Version names the model by a hash of its weights.
func (m *Model) Version() string { return m.version }

// LoadModel decodes a model file: magic, dimension, bias, scale and one
// int8 weight per hashed feature.
func LoadModel(data []byte) (*Model, error) {
	if len(data) < len(modelMagic)+12 || string(data[:len(modelMagic)]) != modelMagic {
		return nil, errors.New("moderation: not a model file")
	}
	p := data[len(modelMagic):]
	dim := binary.LittleEndian.Uint32(p)
	bias := math.Float32frombits(binary.LittleEndian.Uint32(p[4:]))
	scale := math.Float32frombits(binary.LittleEndian.Uint32(p[8:]))
	p = p[12:]
	if dim != featureDim || len(p) != int(dim) {
		return nil, errors.New("moderation: model has the wrong size")
	}
	m := &Model{w: make([]float32, dim), bias: bias}
	for i, q := range p {
		m.w[i] = float32(int8(q)) * scale
	}
	sum := sha256.Sum256(data)
	m.version = "hate-" + hex.EncodeToString(sum[:6])
	return m, nil
}

// encodeModel quantises weights to int8 with one scale.
func encodeModel(w []float32, bias float32) []byte {
	var maxAbs float32
	for _, x := range w {
		maxAbs = max(maxAbs, float32(math.Abs(float64(x))))
	}
	scale := maxAbs / 127
	if scale == 0 {
		scale = 1
	}
	var buf bytes.Buffer
	buf.WriteString(modelMagic)
	var hdr [12]byte
	binary.LittleEndian.PutUint32(hdr[0:], uint32(len(w)))
	binary.LittleEndian.PutUint32(hdr[4:], math.Float32bits(bias))
	binary.LittleEndian.PutUint32(hdr[8:], math.Float32bits(scale))
	buf.Write(hdr[:])
	for _, x := range w {
		q := math.Round(float64(x / scale))
		q = max(-127, min(127, q))
		buf.WriteByte(byte(int8(q)))
	}
	return buf.Bytes()
}

func (m *Model) score(feats []uint32, vals []float32) float64 {
	return sigmoid(m.logit(feats, vals))
}

func (m *Model) logit(feats []uint32, vals []float32) float64 {
	z := float64(m.bias)
	for i, f := range feats {
		z += float64(m.w[f] * vals[i])
	}
	return z
}

func sigmoid(z float64) float64 {
	if z < -30 {
		return 0
	}
	if z > 30 {
		return 1
	}
	return 1 / (1 + math.Exp(-z))
}

// Feature namespaces keep hashes of different feature kinds apart.
const (
	nsWord uint32 = iota + 1
	nsNegWord
	nsSym2
	nsSym3
	nsChar
	nsFlag
	nsHitCtx
	nsSym1
)

const fnvOffset = 2166136261
const fnvPrime = 16777619

func hashStart(ns uint32) uint32 { return (fnvOffset ^ ns) * fnvPrime }

func hashBytes(h uint32, b []byte) uint32 {
	for _, c := range b {
		h ^= uint32(c)
		h *= fnvPrime
	}
	return h
}

func hashU32(h, v uint32) uint32 {
	for range 4 {
		h ^= v & 0xff
		h *= fnvPrime
		v >>= 8
	}
	return h
}

func hashString(h uint32, s string) uint32 {
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= fnvPrime
	}
	return h
}

func slot(h uint32) uint32 {
	h ^= h >> 15
	h *= 0x2c1b3c6d
	h ^= h >> 12
	return h & (featureDim - 1)
}

// symbol kinds for the abstracted word sequence, by priority.
// Claims, care words and rhetorical-question frames are not symbols: they
// only feed the group rules (hateScore), whose outcome is a feature.
var symPriority = []uint8{kindSlur, kindReclaim, kindGroup, kindNonProt, kindDehum, kindHostile, kindDerog, kindNeg, kindReport, kindCondemn, kindPositive, kindInGroup, kindWhy}

// featureState holds per-text scratch for feature extraction.
type featureState struct {
	syms  []uint32
	skip  []bool
	negSc []bool
	buf   []byte
	offs  []int32
	feats []uint32
	vals  []float32 // value of each feature: 1, or less for character n-grams
}

func (fs *featureState) add(f uint32, v float32) {
	fs.feats = append(fs.feats, f)
	fs.vals = append(fs.vals, v)
}

var featurePool = sync.Pool{New: func() any { return new(featureState) }}

// features computes the hashed features of an analysed text and their
// values (fs.feats, fs.vals).
func (fs *featureState) features(a *analysis, lex *lexicon, lexScore float64, threat bool) ([]uint32, []float32) {
	fs.feats = fs.feats[:0]
	fs.vals = fs.vals[:0]
	n := len(a.toks)
	fs.syms = append(fs.syms[:0], make([]uint32, n)...)
	fs.skip = append(fs.skip[:0], make([]bool, n)...)
	fs.negSc = append(fs.negSc[:0], make([]bool, n)...)
	for i := range n {
		fs.syms[i] = hashBytes(hashStart(0), a.n.b[a.toks[i].s:a.toks[i].e])
	}
	// Lexicon hits replace their words by the kind in the abstract sequence.
	for _, prio := range symPriority {
		for _, h := range a.hits {
			e := &lex.entries[h.entry]
			if e.kind != prio {
				continue
			}
			if fs.syms[h.first] < uint32(numKinds) {
				continue
			}
			fs.syms[h.first] = uint32(e.kind)
			for k := h.first + 1; k < h.last; k++ {
				fs.skip[k] = true
			}
		}
	}
	// Negation scope: up to five words after a negation, within the sentence.
	for _, h := range a.hits {
		if lex.entries[h.entry].kind != kindNeg {
			continue
		}
		sent := a.toks[h.first].sent
		for k := int(h.last); k < n && k < int(h.last)+5 && a.toks[k].sent == sent; k++ {
			fs.negSc[k] = true
		}
	}
	prev2, prev1 := uint32(0xfffffff0), uint32(0xfffffff1) // sentence start
	for i := range n {
		if fs.skip[i] {
			continue
		}
		t := a.toks[i]
		w := a.n.b[t.s:t.e]
		// Group names are masked to their kind so the model cannot learn
		// that mentioning refugees is itself a sign of hate; slurs and
		// reclaimed words too, so that their context decides (a reclaimed
		// word in in-group speech, a slur that is reported) and slurs the
		// training data lacks weigh like those it has.
		masked := fs.syms[i] < uint32(numKinds) && maskedKind[fs.syms[i]]
		if !masked {
			fs.add(slot(hashBytes(hashStart(nsWord), w)), 1)
		}
		if fs.negSc[i] {
			fs.add(slot(hashU32(hashStart(nsNegWord), fs.syms[i])), 1)
		}
		s := fs.syms[i]
		if s < uint32(numKinds) {
			fs.add(slot(hashU32(hashStart(nsSym1), s)), 1)
		}
		if i > 0 && a.toks[i-1].sent != t.sent {
			prev2, prev1 = 0xfffffff0, 0xfffffff1
		}
		fs.add(slot(hashU32(hashU32(hashStart(nsSym2), prev1), s)), 1)
		fs.add(slot(hashU32(hashU32(hashU32(hashStart(nsSym3), prev2), prev1), s)), 1)
		prev2, prev1 = prev1, s
		if !masked && charGramWord(w) {
			fs.charGrams(w)
		}
	}
	fs.flags(a, lex, lexScore, threat)
	return fs.feats, fs.vals
}

// maskedKind lists the kinds of lexicon hits whose words the model sees
// only as their kind: groups, slurs, reclaimed, dehumanising, derogatory
// and hostile words, and targets that are not protected groups. Their context decides: the same word is hateful about
// a group and counter-speech when negated, quoted or reported, and a word
// that only the lexicon knows (in Ukrainian, say) weighs like those that
// the training data has.
var maskedKind = func() (m [numKinds]bool) {
	for _, k := range []uint8{kindGroup, kindSlur, kindReclaim, kindDehum, kindDerog, kindHostile, kindNonProt, kindWhy} {
		m[k] = true
	}
	return m
}()

// charGramWord reports whether a word gets character n-grams: short words
// and stop words do not, since their n-grams only repeat the word feature
// and let function words weigh as much as content words.
func charGramWord(w []byte) bool {
	if utf8.RuneCount(w) <= 3 {
		return false
	}
	_, stop := stopwords[string(w)]
	return !stop
}

// charGrams adds character 3- to 5-grams of "<word>", hashing the UTF-8
// bytes of each window of runes. Each n-gram has the value 1/sqrt(count),
// so that a long word weighs about as much as a short one: with hashed
// features, the many n-grams of a word never seen in training would
// otherwise add up to a large score made of collisions.
func (fs *featureState) charGrams(w []byte) {
	fs.buf = append(append(append(fs.buf[:0], '<'), w...), '>')
	fs.offs = fs.offs[:0]
	for i := 0; i < len(fs.buf); i += runeLen(fs.buf[i]) {
		fs.offs = append(fs.offs, int32(i))
	}
	fs.offs = append(fs.offs, int32(len(fs.buf)))
	nr := len(fs.offs) - 1
	count := 0
	for size := 3; size <= 5; size++ {
		count += max(0, nr-size+1)
	}
	if count == 0 {
		return
	}
	v := float32(1 / math.Sqrt(float64(count)))
	start := hashStart(nsChar)
	for size := 3; size <= 5; size++ {
		for i := 0; i+size <= nr; i++ {
			fs.add(slot(hashBytes(start^uint32(size), fs.buf[fs.offs[i]:fs.offs[i+size]])), v)
		}
	}
}

func (fs *featureState) flag(name string) {
	fs.add(slot(hashString(hashStart(nsFlag), name)), 1)
}

var ctxNames = [...]string{"plain", "negated", "quoted", "reported", "condemned", "positive", "ingroup", "hostile", "treatment"}

func (fs *featureState) flags(a *analysis, lex *lexicon, lexScore float64, threat bool) {
	hasGroup := a.has(kindGroup)
	for _, h := range a.hits {
		e := &lex.entries[h.entry]
		if e.kind != kindSlur && e.kind != kindReclaim && e.kind != kindDehum && e.kind != kindHostile && e.kind != kindDerog {
			continue
		}
		c := a.contextOf(lex, h)
		// The hash of the kind and its target, as of "dehum+group": FNV
		// hashes the pieces in turn as it would their concatenation.
		base := hashString(hashStart(nsHitCtx), kindNames[e.kind])
		if e.kind == kindDehum || e.kind == kindHostile || e.kind == kindDerog {
			switch {
			case a.aimedAtNonProtected(lex, h):
				base = hashString(base, "+nonprot")
			case hasGroup:
				base = hashString(base, "+group")
			default:
				base = hashString(base, "-group")
			}
		}
		any := false
		for k, on := range [...]bool{false, c.negated, c.quoted, c.reported, c.condemned, c.positive, c.inGroup, c.hostile, c.treatment} {
			if on {
				fs.add(slot(hashString(base, ctxNames[k])), 1)
				any = true
			}
		}
		if !any {
			fs.add(slot(hashString(base, ctxNames[0])), 1)
		}
	}
	if threat {
		if a.threatSeen && !a.threatUnquoted {
			fs.flag("threat-quoted") // "The graffiti read “kill the …”"
		} else {
			fs.flag("threat")
		}
	}
	if a.rules&ruleExclusion != 0 {
		fs.flag("rule-exclusion")
	}
	if a.rules&ruleRhetorical != 0 {
		fs.flag("rule-rhetorical")
	}
	if a.rules&ruleExpulsion != 0 {
		fs.flag("rule-expulsion")
	}
	if a.rules&ruleMyth != 0 {
		fs.flag("rule-myth")
	}
	if a.rules&ruleCare != 0 {
		fs.flag("rule-care")
	}
	// A group named with nothing hostile about it: only warmly, or only
	// named ("There are many refugees in my street").
	if hasGroup && !threat && a.rules&^ruleCare == 0 && !a.has(kindSlur) && !a.has(kindDehum) && !a.has(kindDerog) && !a.has(kindHostile) {
		switch {
		case a.hasPlainPositive(lex):
			fs.flag("group-positive-only")
		case !a.has(kindNeg) && !a.has(kindReclaim):
			fs.flag("group-mention-only")
		}
	}
	switch {
	case lexScore >= 0.7:
		fs.flag("lex-high")
	case lexScore >= 0.4:
		fs.flag("lex-mid")
	case lexScore > 0.1:
		fs.flag("lex-low")
	}
	// The kinds from claim on feed the group rules (or, for "why", the
	// word sequence): they have no flag of their own.
	for k := range kindClaim {
		if a.has(k) {
			fs.add(hasKindSlot[k], 1)
		}
	}
}

// hasKindSlot is the slot of the flag "has-<kind>" of each kind.
var hasKindSlot = func() (s [numKinds]uint32) {
	for k, name := range kindNames {
		s[k] = slot(hashString(hashStart(nsFlag), "has-"+name))
	}
	return s
}()
