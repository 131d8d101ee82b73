// Package train is the offline trainer of the hate classifier and its
// evaluation: "chorus moderation train|eval". It reads the training data
// under data/ from disk and writes the model that internal/moderation
// embeds (model/hate.bin); the server's screen needs none of it.
package train

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"chorus/internal/moderation"
)

// Example is one labelled text.
type Example struct {
	Text     string  `json:"text"`
	Language string  `json:"language"`
	Label    string  `json:"label"` // "hate" or "ok"
	Source   string  `json:"source,omitempty"`
	Weight   float64 `json:"-"`
	group    string  // template id: the held-out split keeps templates apart
}

// TrainConfig controls a training run.
type TrainConfig struct {
	Seed      uint64
	DataDir   string // holds davidson/, mlma/ and chorus/
	Extra     []Example
	Epochs    int
	HoldOut   int  // one in HoldOut examples is held out for metrics; 0 = 5
	MaxPerSrc int  // cap examples per source (0 = all), for fast tests
	FinalAll  bool // refit on all data after measuring held-out figures
}

// TrainResult is a trained model and its held-out figures.
type TrainResult struct {
	Model   []byte
	Metrics map[string]*moderation.Confusion // by language and source
	Train   int
	Held    int
	// Mistakes lists misclassified held-out examples of the project's own
	// and moderators' data, for error analysis.
	Mistakes []string
	// Temperature divides the weights so that probabilities are
	// calibrated on the held-out split; LogLoss and ECE are the held-out
	// log-loss and expected calibration error before and after.
	Temperature float64
	LogLoss     [2]float64
	ECE         [2]float64
}

// LoadTrainingData reads every labelled source under dir.
func LoadTrainingData(dir string, seed uint64) ([]Example, error) {
	var all []Example
	dav, err := loadDavidson(filepath.Join(dir, "davidson", "labeled_data.csv"))
	if err != nil {
		return nil, err
	}
	all = append(all, dav...)
	for _, lang := range []string{"en", "fr", "ar"} {
		name := lang + "_dataset.csv"
		if lang == "en" {
			name = "en_dataset_with_stop_words.csv"
		}
		ex, err := loadMLMA(filepath.Join(dir, "mlma", name), lang)
		if err != nil {
			return nil, err
		}
		all = append(all, ex...)
	}
	sf, err := loadStormfront(filepath.Join(dir, "stormfront", "stormfront.csv"))
	if err != nil {
		return nil, err
	}
	all = append(all, sf...)
	own, err := loadChorus(filepath.Join(dir, "chorus"), seed)
	if err != nil {
		return nil, err
	}
	all = append(all, own...)
	return all, nil
}

// csvTable is a CSV file with a header row, read past a byte-order mark.
type csvTable struct {
	*csv.Reader
	file   *os.File
	header []string
	column map[string]int // a header's index by its trimmed name
}

func openCSV(path string) (*csvTable, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(f, 1<<16)
	if b, _ := br.Peek(3); string(b) == "\xef\xbb\xbf" {
		br.Discard(3)
	}
	r := csv.NewReader(br)
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: reading header: %w", path, err)
	}
	t := &csvTable{Reader: r, file: f, header: header, column: map[string]int{}}
	for i, h := range header {
		if _, seen := t.column[strings.TrimSpace(h)]; !seen {
			t.column[strings.TrimSpace(h)] = i
		}
	}
	return t, nil
}

func (t *csvTable) Close() error { return t.file.Close() }

// eachRow calls fn with every row of the CSV file at path, which must have
// the named columns; field gives the row's value in one of them. A row too
// short to hold them all is skipped.
func eachRow(path string, columns []string, fn func(field func(column string) string)) error {
	table, err := openCSV(path)
	if err != nil {
		return err
	}
	defer table.Close()
	width := 0
	for _, k := range columns {
		i, ok := table.column[k]
		if !ok {
			return fmt.Errorf("%s: no column %q", path, k)
		}
		width = max(width, i+1)
	}
	for {
		rec, err := table.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if len(rec) < width {
			continue
		}
		fn(func(column string) string { return rec[table.column[column]] })
	}
}

// loadDavidson maps Davidson et al.'s classes to hate/ok. Class 0 (hate) is
// weighted by annotator agreement; class 1 ("offensive") is mostly profanity
// and misogyny rather than hate, so it counts as ok with a low weight because
// some of it is mislabelled hate.
func loadDavidson(path string) ([]Example, error) {
	var out []Example
	err := eachRow(path, []string{"count", "hate_speech", "class", "tweet"}, func(field func(string) string) {
		count, _ := strconv.Atoi(field("count"))
		hateVotes, _ := strconv.Atoi(field("hate_speech"))
		ex := Example{Text: field("tweet"), Language: "en", Source: "davidson"}
		switch field("class") {
		case "0":
			ex.Label, ex.Weight = "hate", float64(hateVotes)/float64(max(count, 1))
		case "1":
			ex.Label, ex.Weight = "ok", 0.3
			if hateVotes > 0 {
				return // disputed
			}
		default:
			ex.Label, ex.Weight = "ok", 1
		}
		out = append(out, ex)
	})
	return out, err
}

// loadStormfront reads de Gibert et al.'s sentences from a white-supremacist
// forum, labelled hate or noHate; much of the hate is implicit. It weighs
// less than the other sources (one forum's way of speaking, not the
// campaign's), and a sentence the annotators could only judge with the
// sentences around it weighs half of that.
func loadStormfront(path string) ([]Example, error) {
	var out []Example
	err := eachRow(path, []string{"text", "label", "needed_context"}, func(field func(string) string) {
		ex := Example{Text: field("text"), Language: "en", Source: "stormfront", Weight: 0.6}
		switch field("label") {
		case "hate":
			ex.Label = "hate"
		case "noHate":
			ex.Label = "ok"
		default:
			return
		}
		if field("needed_context") != "0" {
			ex.Weight /= 2
		}
		out = append(out, ex)
	})
	return out, err
}

var mlmaOriginGroups = map[string]bool{
	"immigrants": true, "refugees": true, "arabs": true, "african_descent": true, "hispanics": true,
	"muslims": true, "asians": true, "indian/hindu": true, "jews": true,
}

// loadMLMA maps Ousidhoum et al.'s multi-label hostility to hate/ok:
// "hateful" without "normal" is hate; "normal" alone is ok; abusive or
// offensive tweets aimed at an origin or religion group count as hate with
// half weight; other hostility (insults of individuals, politics) is ok with
// a low weight; mixed normal/hostile labels are dropped.
func loadMLMA(path, lang string) ([]Example, error) {
	var out []Example
	err := eachRow(path, []string{"tweet", "sentiment", "group"}, func(field func(string) string) {
		sent := field("sentiment")
		labels := strings.Split(sent, "_")
		ex := Example{Text: field("tweet"), Language: lang, Source: "mlma"}
		switch {
		case sent == "normal":
			ex.Label, ex.Weight = "ok", 1
		case slices.Contains(labels, "normal"):
			return
		case slices.Contains(labels, "hateful"):
			ex.Label, ex.Weight = "hate", 1
		case mlmaOriginGroups[field("group")]:
			ex.Label, ex.Weight = "hate", 0.5
		default:
			ex.Label, ex.Weight = "ok", 0.3
		}
		out = append(out, ex)
	})
	return out, err
}

// loadChorus expands the project's own templates over group words, adds
// spelling variations of some of them and the hand-written examples.
func loadChorus(dir string, seed uint64) ([]Example, error) {
	slots, err := loadSlots(filepath.Join(dir, "groups.tsv"))
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 0x636f756e746572))
	var out []Example
	for _, lang := range []string{"en", "fr", "es", "ar", "uk"} {
		f, err := os.ReadFile(filepath.Join(dir, "templates_"+lang+".tsv"))
		if err != nil {
			return nil, err
		}
		for n, line := range strings.Split(string(f), "\n") {
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			parts := strings.SplitN(line, "\t", 3)
			if len(parts) != 3 {
				return nil, fmt.Errorf("templates_%s.tsv:%d: want label, phenomenon, template", lang, n+1)
			}
			label, phen, tmpl := parts[0], parts[1], parts[2]
			slot := "G"
			switch {
			case strings.Contains(tmpl, "{S}"):
				slot = "S"
			case strings.Contains(tmpl, "{P}"):
				slot = "P"
			}
			values := slots[lang][slot]
			for i, v := range values {
				text := strings.ReplaceAll(tmpl, "{"+slot+"}", v)
				if ga := slots[lang]["GA"]; slot == "G" && i < len(ga) {
					text = strings.ReplaceAll(text, "{GA}", ga[i])
				} else if slot == "G" {
					text = strings.ReplaceAll(text, "{GA}", v)
				}
				ex := Example{Text: text, Language: lang, Label: label, Source: "chorus:" + phen, Weight: 3, group: fmt.Sprintf("%s:%d", lang, n)}
				out = append(out, ex)
				if rng.IntN(4) == 0 {
					pert := ex
					pert.Text = perturb(text, v, rng)
					pert.Source = "chorus:spelling"
					out = append(out, pert)
				}
			}
		}
	}
	f, err := os.Open(filepath.Join(dir, "examples.jsonl"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ex, err := ReadExamples(f)
	if err != nil {
		return nil, fmt.Errorf("examples.jsonl: %w", err)
	}
	for i := range ex {
		ex[i].Weight = 4
		ex[i].Source = "chorus:handwritten"
	}
	return append(out, ex...), nil
}

func loadSlots(path string) (map[string]map[string][]string, error) {
	f, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	out := map[string]map[string][]string{}
	for _, line := range strings.Split(string(f), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.SplitN(line, "\t", 3)
		if len(parts) != 3 {
			return nil, fmt.Errorf("%s: bad line %q", path, line)
		}
		if out[parts[0]] == nil {
			out[parts[0]] = map[string][]string{}
		}
		out[parts[0]][parts[1]] = strings.Split(parts[2], "|")
	}
	return out, nil
}

// perturb rewrites word inside text the way people dodge filters: leetspeak,
// spaced letters, a dropped or swapped letter, or a glued word boundary.
func perturb(text, word string, rng *rand.Rand) string {
	i := strings.Index(text, word)
	if i < 0 || len(word) < 4 {
		return text
	}
	rs := []rune(word)
	var w string
	switch rng.IntN(7) {
	case 5:
		k := 1 + rng.IntN(len(rs)-2)
		w = string(append(append(append([]rune{}, rs[:k+1]...), rs[k]), rs[k+1:]...))
	case 6:
		w = homoglyphs(rs, rng)
	case 0:
		w = strings.NewReplacer("a", "4", "e", "3", "i", "1", "o", "0", "s", "5").Replace(word)
	case 1:
		w = strings.Join(strings.Split(word, ""), " ")
	case 2:
		k := 1 + rng.IntN(len(rs)-2)
		w = string(append(append([]rune{}, rs[:k]...), rs[k+1:]...))
	case 3:
		k := 1 + rng.IntN(len(rs)-2)
		rs[k], rs[k+1] = rs[k+1], rs[k]
		w = string(rs)
	default:
		if i > 0 && text[i-1] == ' ' {
			return text[:i-1] + text[i:]
		}
		w = word
	}
	return text[:i] + w + text[i+len(word):]
}

// lookalikes map letters to letters of another script that look the same:
// Latin to Cyrillic, and back.
var lookalikes = map[rune]rune{
	'a': 'а', 'e': 'е', 'o': 'о', 'c': 'с', 'p': 'р', 'x': 'х', 'y': 'у', 'i': 'і',
	'а': 'a', 'е': 'e', 'о': 'o', 'с': 'c', 'р': 'p', 'х': 'x', 'у': 'y', 'і': 'i',
}

// homoglyphs replaces one or two letters of a word by look-alikes of
// another script ("rеfugees" with a Cyrillic е).
func homoglyphs(rs []rune, rng *rand.Rand) string {
	out := append([]rune{}, rs...)
	for range 2 {
		k := rng.IntN(len(out))
		if r, ok := lookalikes[out[k]]; ok {
			out[k] = r
		}
	}
	return string(out)
}

// ReadExamples reads JSON Lines of {"text","language","label"} where label is
// "hate" or "ok", as exported from moderators' decisions.
func ReadExamples(r io.Reader) ([]Example, error) {
	var out []Example
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	line := 0
	for sc.Scan() {
		line++
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var ex Example
		if err := json.Unmarshal(sc.Bytes(), &ex); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if ex.Label != "hate" && ex.Label != "ok" {
			return nil, fmt.Errorf("line %d: label must be \"hate\" or \"ok\", got %q", line, ex.Label)
		}
		ex.Weight = 2
		ex.Source = "moderators"
		out = append(out, ex)
	}
	return out, sc.Err()
}

func heldOut(ex Example, every int) bool {
	h := fnv.New32a()
	key := ex.group
	if key == "" {
		key = ex.Text
	}
	h.Write([]byte(key))
	return h.Sum32()%uint32(every) == 0
}

type encoded struct {
	feats []uint32
	vals  []float32
	y     float64
	w     float64
}

func encodeExamples(exs []Example) []encoded {
	out := make([]encoded, len(exs))
	for i, ex := range exs {
		feats, vals := moderation.Features(ex.Text)
		out[i] = encoded{feats: feats, vals: vals, w: ex.Weight}
		if ex.Label == "hate" {
			out[i].y = 1
		}
	}
	return out
}

// balanceClasses reweights the hate examples of every source and language
// so that both classes weigh the same there (within 1/4..4 times). A
// source in which most texts are hostile (MLMA French) would otherwise
// teach the model that writing in its language is a sign of hate, and a
// global class weight would tilt the project's balanced templates.
func balanceClasses(exs []Example) []Example {
	type mass struct{ hate, ok float64 }
	strata := map[string]*mass{}
	key := func(ex Example) string { return sourceFamily(ex.Source) + ":" + ex.Language }
	for _, ex := range exs {
		m := strata[key(ex)]
		if m == nil {
			m = &mass{}
			strata[key(ex)] = m
		}
		if ex.Label == "hate" {
			m.hate += ex.Weight
		} else {
			m.ok += ex.Weight
		}
	}
	out := make([]Example, len(exs))
	for i, ex := range exs {
		if m := strata[key(ex)]; ex.Label == "hate" && m.hate > 0 && m.ok > 0 {
			ex.Weight *= min(max(m.ok/m.hate, 0.25), 4)
		}
		out[i] = ex
	}
	return out
}

// fit trains logistic regression with AdaGrad and L2 on a deterministic
// shuffle; the caller balances the classes by weight.
func fit(data []encoded, epochs int, seed uint64) ([]float32, float32) {
	w := make([]float64, moderation.FeatureDim)
	g2 := make([]float64, moderation.FeatureDim)
	var bias, biasG2 float64
	order := make([]int, len(data))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(seed, 0x7472616e))
	const lr, l2 = 0.2, 1e-6
	for range epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, idx := range order {
			d := data[idx]
			z := bias
			for k, f := range d.feats {
				z += w[f] * float64(d.vals[k])
			}
			p := moderation.Sigmoid(z)
			g := (p - d.y) * d.w
			for k, f := range d.feats {
				gf := g*float64(d.vals[k]) + l2*w[f]
				g2[f] += gf * gf
				w[f] -= lr * gf / (math.Sqrt(g2[f]) + 1e-8)
			}
			biasG2 += g * g
			bias -= lr * g / (math.Sqrt(biasG2) + 1e-8)
		}
	}
	out := make([]float32, moderation.FeatureDim)
	for i, x := range w {
		out[i] = float32(x)
	}
	return out, float32(bias)
}

// Train fits the classifier and measures it on a held-out split.
func Train(cfg TrainConfig) (*TrainResult, error) {
	if cfg.Epochs <= 0 {
		cfg.Epochs = 6
	}
	if cfg.HoldOut <= 0 {
		cfg.HoldOut = 5
	}
	all, err := LoadTrainingData(cfg.DataDir, cfg.Seed)
	if err != nil {
		return nil, err
	}
	all = append(all, cfg.Extra...)
	if cfg.MaxPerSrc > 0 {
		all = capPerSource(all, cfg.MaxPerSrc)
	}
	var train, held []Example
	for _, ex := range all {
		if heldOut(ex, cfg.HoldOut) {
			held = append(held, ex)
		} else {
			train = append(train, ex)
		}
	}
	w, b := fit(encodeExamples(balanceClasses(train)), cfg.Epochs, cfg.Seed)
	m, err := moderation.LoadModel(moderation.EncodeModel(w, b))
	if err != nil {
		return nil, err
	}
	res := &TrainResult{Metrics: map[string]*moderation.Confusion{}, Train: len(train), Held: len(held), Temperature: 1}
	if len(held) > 0 {
		// The weights learnt on balanced, repeated template examples make
		// the model overconfident: one temperature, fitted on the held-out
		// examples, softens its probabilities without moving its decisions.
		// MLMA is left out: its labels are hostility of many kinds rather
		// than hate, and fitting them would make every score lukewarm.
		var cal []Example
		for _, ex := range held {
			if sourceFamily(ex.Source) != "mlma" {
				cal = append(cal, ex)
			}
		}
		z, y := heldOutLogits(m, cal)
		res.Temperature = fitTemperature(z, y)
		res.LogLoss[0], res.ECE[0] = calibration(z, y, 1)
		res.LogLoss[1], res.ECE[1] = calibration(z, y, res.Temperature)
		w, b = scaleWeights(w, b, res.Temperature)
		if m, err = moderation.LoadModel(moderation.EncodeModel(w, b)); err != nil {
			return nil, err
		}
	}
	for _, ex := range held {
		score := m.HateScore(ex.Text)
		for _, key := range []string{"all", "lang:" + ex.Language, "source:" + sourceFamily(ex.Source)} {
			c := res.Metrics[key]
			if c == nil {
				c = &moderation.Confusion{}
				res.Metrics[key] = c
			}
			c.Add(ex.Label == "hate", score >= moderation.DecisionThreshold)
		}
		if sf := sourceFamily(ex.Source); (sf == "chorus" || sf == "moderators") && (ex.Label == "hate") != (score >= moderation.DecisionThreshold) {
			res.Mistakes = append(res.Mistakes, fmt.Sprintf("%s %.2f %s [%s] %s", ex.Label, score, ex.Language, ex.Source, ex.Text))
		}
	}
	if cfg.FinalAll {
		w, b = fit(encodeExamples(balanceClasses(all)), cfg.Epochs, cfg.Seed)
		w, b = scaleWeights(w, b, res.Temperature)
	}
	res.Model = moderation.EncodeModel(w, b)
	return res, nil
}

// heldOutLogits returns the model's log-odds of hate for each example
// (without the lexicon's pull) and whether it is labelled hate.
func heldOutLogits(m *moderation.Model, held []Example) (z []float64, y []bool) {
	for _, ex := range held {
		z = append(z, m.Logit(moderation.Features(ex.Text)))
		y = append(y, ex.Label == "hate")
	}
	return z, y
}

// fitTemperature returns the temperature in [1, 6] (steps of 0.05) that
// minimises the log-loss of moderation.Sigmoid(z/T).
func fitTemperature(z []float64, y []bool) float64 {
	best, bestLoss := 1.0, math.Inf(1)
	for k := 0; k <= 100; k++ {
		t := 1 + 0.05*float64(k)
		if loss, _ := calibration(z, y, t); loss < bestLoss-1e-12 {
			best, bestLoss = t, loss
		}
	}
	return best
}

// calibration returns the mean log-loss and the expected calibration error
// (ten equal bins) of moderation.Sigmoid(z/t).
func calibration(z []float64, y []bool, t float64) (logLoss, ece float64) {
	var bins [10]struct{ n, hate, p float64 }
	for i, zi := range z {
		p := min(max(moderation.Sigmoid(zi/t), 1e-6), 1-1e-6)
		if y[i] {
			logLoss -= math.Log(p)
		} else {
			logLoss -= math.Log(1 - p)
		}
		k := min(int(p*10), 9)
		bins[k].n++
		bins[k].p += p
		if y[i] {
			bins[k].hate++
		}
	}
	n := float64(len(z))
	for _, b := range bins {
		if b.n > 0 {
			ece += b.n / n * math.Abs(b.hate/b.n-b.p/b.n)
		}
	}
	return logLoss / n, ece
}

func scaleWeights(w []float32, b float32, t float64) ([]float32, float32) {
	if t == 1 {
		return w, b
	}
	out := make([]float32, len(w))
	for i, x := range w {
		out[i] = float32(float64(x) / t)
	}
	return out, float32(float64(b) / t)
}

func sourceFamily(s string) string {
	if i := strings.IndexByte(s, ':'); i >= 0 {
		return s[:i]
	}
	return s
}

func capPerSource(all []Example, n int) []Example {
	count := map[string]int{}
	var out []Example
	for _, ex := range all {
		k := sourceFamily(ex.Source) + ex.Language
		if count[k] < n {
			count[k]++
			out = append(out, ex)
		}
	}
	return out
}

func sortedKeys(m map[string]*moderation.Confusion) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
