package moderation

import "slices"

// What the offline trainer (internal/moderation/train) needs of the
// classifier: the features it reads, the model format, and a candidate
// model's scores. The screen itself uses none of it.

// FeatureDim is the number of weights of a model.
const FeatureDim = featureDim

// Features returns the hashed features the classifier reads in text, with
// the built-in lexicons, and their values, in slices of the caller's own.
func Features(text string) ([]uint32, []float32) {
	a := getAnalysis(text, defaultLexicon)
	defer putAnalysis(a)
	fs := featurePool.Get().(*featureState)
	defer featurePool.Put(fs)
	feats, vals := fs.features(a, defaultLexicon, lexiconHateScore(a, defaultLexicon), hasThreat(a))
	return slices.Clone(feats), slices.Clone(vals)
}

// EncodeModel writes weights and a bias in the format LoadModel reads,
// quantised to one byte a weight.
func EncodeModel(w []float32, bias float32) []byte { return encodeModel(w, bias) }

// Logit is the model's log-odds of hate for a text's features, without the
// lexicon's pull.
func (m *Model) Logit(feats []uint32, vals []float32) float64 { return m.logit(feats, vals) }

// HateScore is the hate score the screen would give text with this model
// in place of the embedded one.
func (m *Model) HateScore(text string) float64 { return classifyText(text, defaultLexicon, m) }

// Sigmoid turns log-odds into a probability, as the classifier does.
func Sigmoid(z float64) float64 { return sigmoid(z) }
