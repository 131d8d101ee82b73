package card

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/go-text/typesetting/di"
	"github.com/go-text/typesetting/language"
)

var update = flag.Bool("update", false, "rewrite the golden images in testdata/")

var goldenSpecs = []struct {
	name string
	spec Spec
	size Size
}{
	{"en-square", Spec{Text: "When I arrived, I knew no one. A neighbour brought soup, and then a whole street became my family.", Attribution: "Amal, Winnipeg", Lang: "en", Hashtag: "#ItTakesaCommunity"}, Sizes[0]},
	{"en-og", Spec{Text: "When I arrived, I knew no one. A neighbour brought soup, and then a whole street became my family.", Attribution: "Amal, Winnipeg", Lang: "en", Hashtag: "#ItTakesaCommunity"}, Sizes[2]},
	{"fr-square", Spec{Text: "« Ici, on m’a appris le français, et j’ai appris à être chez moi. » Ça change tout, à côté de l’œuvre.", Attribution: "Benoît, Montréal", Lang: "fr", Hashtag: "#ItTakesaCommunity"}, Sizes[0]},
	{"ar-square", Spec{Text: "عندما وصلت لم أكن أعرف أحداً، لكن جيراني صاروا عائلتي #ItTakesaCommunity معاً نبني بيتاً جديداً", Attribution: "أمل، وينيبيغ", Lang: "ar", Hashtag: "#ItTakesaCommunity"}, Sizes[0]},
	{"ar-story", Spec{Text: "عندما وصلت لم أكن أعرف أحداً، لكن جيراني صاروا عائلتي #ItTakesaCommunity معاً نبني بيتاً جديداً", Attribution: "أمل، وينيبيغ", Lang: "ar", Hashtag: "#ItTakesaCommunity"}, Sizes[1]},
	{"hi-square", Spec{Text: "जब मैं यहाँ आई, मैं किसी को नहीं जानती थी। आज यह पूरा मोहल्ला मेरा परिवार है।", Attribution: "प्रिया, टोरंटो", Lang: "hi", Hashtag: "#ItTakesaCommunity"}, Sizes[0]},
	{"uk-wide", Spec{Text: "Коли я приїхала, я нікого не знала. Тепер ціла вулиця — моя родина.", Attribution: "Олена, Калгарі", Lang: "uk", Hashtag: "#ItTakesaCommunity"}, Sizes[3]},
	{"zh-square", Spec{Text: "我刚来的时候谁也不认识。邻居送来一碗热汤，后来整条街都成了我的家人。#ItTakesaCommunity 我们一起建设新的家园。", Attribution: "李梅，温尼伯", Lang: "zh", Hashtag: "#ItTakesaCommunity"}, Sizes[0]},
	{"zh-og", Spec{Text: "我刚来的时候谁也不认识。邻居送来一碗热汤，后来整条街都成了我的家人。#ItTakesaCommunity 我们一起建设新的家园。", Attribution: "李梅，温尼伯", Lang: "zh", Hashtag: "#ItTakesaCommunity"}, Sizes[2]},
	{"ti-square", Spec{Text: "ናብዚ ምስ መጻእኩ ሓደ ሰብ ኣይፈልጥን ነይረ። ሕጂ ግን እዚ ጎደና ስድራይ እዩ።", Attribution: "ሰላም፣ ካልጋሪ", Lang: "ti", Hashtag: "#ItTakesaCommunity"}, Sizes[0]},
	{"fa-square", Spec{Text: "وقتی به اینجا رسیدم هیچ\u200cکس را نمی\u200cشناختم. همسایه\u200cها برایم سوپ گرم آوردند و حالا این کوچه خانوادهٔ بزرگ من است.", Attribution: "مریم، ونکوور", Lang: "fa", Hashtag: "#ItTakesaCommunity"}, Sizes[0]},
}

var (
	testRendererOnce sync.Once
	testRenderer     *Renderer
	testRendererErr  error
)

func renderer(tb testing.TB) *Renderer {
	tb.Helper()
	testRendererOnce.Do(func() { testRenderer, testRendererErr = NewRenderer() })
	if testRendererErr != nil {
		tb.Fatal(testRendererErr)
	}
	return testRenderer
}

// TestGolden compares cards with the images in testdata/, tolerating small
// anti-aliasing differences: a pixel differs when a channel is more than
// pixelTolerance away, and at most maxDiffFraction of the pixels may differ.
func TestGolden(t *testing.T) {
	const (
		pixelTolerance  = 48
		maxDiffFraction = 0.002
	)
	r := renderer(t)
	for _, g := range goldenSpecs {
		t.Run(g.name, func(t *testing.T) {
			b, err := r.Render(g.spec, g.size)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", g.name+".png")
			if *update {
				if err := os.WriteFile(path, b, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			got, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			defer f.Close()
			want, err := png.Decode(f)
			if err != nil {
				t.Fatal(err)
			}
			if got.Bounds() != want.Bounds() {
				t.Fatalf("bounds %v, golden %v", got.Bounds(), want.Bounds())
			}
			diff := 0
			bnd := got.Bounds()
			for y := bnd.Min.Y; y < bnd.Max.Y; y++ {
				for x := bnd.Min.X; x < bnd.Max.X; x++ {
					r1, g1, b1, _ := got.At(x, y).RGBA()
					r2, g2, b2, _ := want.At(x, y).RGBA()
					if absDiff(r1, r2) > pixelTolerance<<8 || absDiff(g1, g2) > pixelTolerance<<8 || absDiff(b1, b2) > pixelTolerance<<8 {
						diff++
					}
				}
			}
			frac := float64(diff) / float64(bnd.Dx()*bnd.Dy())
			if frac > maxDiffFraction {
				out := filepath.Join(t.TempDir(), g.name+".png")
				os.WriteFile(out, b, 0o644)
				t.Errorf("%.3f%% of the pixels differ from the golden (allowed %.3f%%); got %s", 100*frac, 100*maxDiffFraction, out)
			}
		})
	}
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

var lorem = "Neighbours taught me the bus routes, the words for bread and the names of the streets, and one winter morning they shoveled my walk before I woke. "

var overflowInputs = []struct {
	name      string
	spec      Spec
	truncated int  // 1: must be cut with an ellipsis, -1: must not, 0: either
	wordBreak bool // a word wider than the box may be broken
}{
	{"one-word", Spec{Text: "Home", Lang: "en"}, -1, false},
	{"short", Spec{Text: "We belong here.", Attribution: "Li", Lang: "en"}, -1, false},
	{"medium", Spec{Text: strings.Repeat(lorem, 2), Attribution: "Amal, Winnipeg", Lang: "en"}, -1, false},
	{"long", Spec{Text: strings.Repeat(lorem, 8), Attribution: "A very long attribution that goes on and on, from a place far away", Lang: "en"}, 1, false},
	{"absurd", Spec{Text: strings.Repeat(lorem, 2000), Lang: "en"}, 1, false},
	{"giant-word", Spec{Text: "Look: " + strings.Repeat("community", 40) + " ok", Lang: "en"}, -1, true},
	{"arabic-long", Spec{Text: strings.Repeat("عندما وصلت لم أكن أعرف أحداً، لكن جيراني صاروا عائلتي #ItTakesaCommunity ", 12), Attribution: "أمل", Lang: "ar"}, 0, false},
	{"hindi-long", Spec{Text: strings.Repeat("आज यह पूरा मोहल्ला मेरा परिवार है। ", 20), Attribution: "प्रिया", Lang: "hi"}, 0, false},
	{"cyrillic", Spec{Text: strings.Repeat("Тепер ціла вулиця — моя родина. ", 5), Lang: "uk"}, -1, false},
	{"chinese-short", Spec{Text: "我们在一起。", Attribution: "李梅", Lang: "zh"}, -1, false},
	{"chinese-medium", Spec{Text: strings.Repeat(zhSentence, 3), Attribution: "李梅，温尼伯", Lang: "zh"}, -1, false},
	{"chinese-long", Spec{Text: strings.Repeat(zhSentence, 40), Attribution: "李梅，温尼伯", Lang: "zh"}, 1, false},
	{"ethiopic-short", Spec{Text: "ንሕና ሓደ ኢና።", Attribution: "ሰላም", Lang: "ti"}, -1, false},
	{"ethiopic-long", Spec{Text: strings.Repeat("ሕጂ ግን እዚ ጎደና ስድራይ እዩ። ", 60), Attribution: "ሰላም፣ ካልጋሪ", Lang: "ti"}, 1, false},
}

// zhSentence has no spaces, closing punctuation that must not start a line,
// a Latin word and an embedded Latin hashtag that must not be broken.
const zhSentence = "我刚来的时候谁也不认识，邻居送来一碗热汤。「社区」就是Community，#ItTakesaCommunity我们一起建设新的家园！"

// TestNoOverflow checks, at every size, that every laid-out line lies in its
// box, that no drawn text pixel lies outside the text box, and that lines
// end at word boundaries.
func TestNoOverflow(t *testing.T) {
	r := renderer(t)
	for _, in := range overflowInputs {
		for _, size := range Sizes {
			t.Run(in.name+"-"+size.Name, func(t *testing.T) {
				_, lay, mask, err := r.render(in.spec, size)
				if err != nil {
					t.Fatal(err)
				}
				checkInBoxes(t, lay, mask)
				if in.truncated != 0 && lay.truncated != (in.truncated > 0) {
					t.Errorf("truncated = %v, want %v", lay.truncated, in.truncated > 0)
				}
				if lay.brokenInWord != in.wordBreak {
					t.Errorf("broken in a word = %v, want %v", lay.brokenInWord, in.wordBreak)
				}
				if !in.wordBreak {
					checkLineBreaks(t, lay)
				}
			})
		}
	}
}

// checkInBoxes checks that every laid-out line lies in its box, that no
// drawn text pixel lies outside the text box, and that the boxes (and the
// logo's) do not overlap.
func checkInBoxes(t *testing.T, lay *layout, mask *image.Alpha) {
	t.Helper()
	if len(lay.quote) == 0 {
		t.Fatal("no lines")
	}
	for _, group := range []struct {
		name  string
		lines []line
		box   rect
	}{{"quote", lay.quote, lay.textBox}, {"attribution", lay.attr, lay.textBox}, {"hashtag", lay.tag, lay.tagBox}} {
		for i := range group.lines {
			if b := group.lines[i].box(); !group.box.contains(b) {
				t.Errorf("%s line %d box %+v outside %+v", group.name, i, b, group.box)
			}
		}
	}
	if lay.tagBox.Y0 < lay.textBox.Y1 {
		t.Errorf("hashtag box %+v overlaps the text box %+v", lay.tagBox, lay.textBox)
	}
	// drawn pixels: a pixel covers [x, x+1)
	x0, y0 := int(math.Floor(lay.textBox.X0)), int(math.Floor(lay.textBox.Y0))
	x1, y1 := int(math.Ceil(lay.textBox.X1)), int(math.Ceil(lay.textBox.Y1))
	outside := 0
	b := mask.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if mask.AlphaAt(x, y).A != 0 && (x < x0 || x >= x1 || y < y0 || y >= y1) {
				outside++
			}
		}
	}
	if outside > 0 {
		t.Errorf("%d text pixels outside the text box", outside)
	}
	if lay.logoBox != (rect{}) {
		if lay.logoBox.overlaps(lay.textBox) || lay.logoBox.overlaps(lay.tagBox) {
			t.Errorf("logo %+v overlaps the text box %+v or the hashtag box %+v", lay.logoBox, lay.textBox, lay.tagBox)
		}
		if card := (rect{0, 0, float64(lay.W), float64(lay.H)}); !card.contains(lay.logoBox) {
			t.Errorf("logo %+v outside the card", lay.logoBox)
		}
	}
}

// checkLineBreaks: every line but a truncated last one ends where a line
// may break: not inside a word of a script written with spaces, not inside
// a hashtag, not before closing punctuation.
func checkLineBreaks(t *testing.T, lay *layout) {
	t.Helper()
	for i, l := range lay.quote {
		if lay.truncated && i == len(lay.quote)-1 {
			continue
		}
		end := 0
		for _, run := range l.runs {
			end = max(end, run.Runes.Offset+run.Runes.Count)
		}
		if end >= len(lay.text) {
			continue
		}
		context := func() string {
			return fmt.Sprintf("%q|%q", string(lay.text[max(0, end-10):end]), string(lay.text[end:min(len(lay.text), end+10)]))
		}
		if insideIsolate(lay.text, end) {
			t.Errorf("line %d ends inside a hashtag: %s", i, context())
		}
		before, after := visibleRune(lay.text, end, -1), visibleRune(lay.text, end, 1)
		if inWord(before) && inWord(after) && !ideographic(before) && !ideographic(after) {
			t.Errorf("line %d ends inside a word: %s", i, context())
		}
		if strings.ContainsRune(closingPunctuation, after) {
			t.Errorf("line %d is followed by a line starting with %q: %s", i+1, after, context())
		}
	}
}

const closingPunctuation = ",.;:!?)]}»”’…。，、；：！？）」』》】〉"

// insideIsolate tells whether position i (between runes i-1 and i) lies
// inside a first-strong isolate, the hashtags of the laid-out text, with
// visible runes of it on both sides.
func insideIsolate(text []rune, i int) bool {
	start := -1
	for j, c := range text[:i] {
		switch c {
		case fsi:
			start = j
		case pdi:
			start = -1
		}
	}
	if start < 0 || visibleRune(text[start+1:], i-start-1, -1) == 0 {
		return false
	}
	for _, c := range text[i:] {
		if c == pdi {
			return false
		}
		if !unicode.Is(unicode.Cf, c) {
			return true
		}
	}
	return false
}

// visibleRune is the first rune from position i (step -1: before it, 1:
// from it on) that is not a format character, or 0.
func visibleRune(text []rune, i, step int) rune {
	if step < 0 {
		i--
	}
	for ; i >= 0 && i < len(text); i += step {
		if !unicode.Is(unicode.Cf, text[i]) {
			return text[i]
		}
	}
	return 0
}

func inWord(c rune) bool {
	return unicode.IsLetter(c) || unicode.IsMark(c) || unicode.IsNumber(c)
}

func ideographic(c rune) bool {
	return unicode.In(c, unicode.Han, unicode.Hiragana, unicode.Katakana)
}

func TestTruncatedEndsWithEllipsis(t *testing.T) {
	r := renderer(t)
	_, lay, _, err := r.render(Spec{Text: strings.Repeat(lorem, 8), Lang: "en"}, Sizes[2])
	if err != nil {
		t.Fatal(err)
	}
	last := lay.quote[len(lay.quote)-1]
	lastRun := last.runs[len(last.runs)-1]
	face := lastRun.Face
	gid, _ := face.NominalGlyph(ellipsis)
	g := lastRun.Glyphs[len(lastRun.Glyphs)-1]
	if g.GlyphID != gid {
		t.Errorf("last glyph %d, want the ellipsis %d", g.GlyphID, gid)
	}
}

// TestArabicShaped: the letters of an Arabic word are joined (their glyphs
// are not the isolated forms), and the run is right to left.
func TestArabicShaped(t *testing.T) {
	r := renderer(t)
	st := r.pool.Get().(*state)
	defer r.pool.Put(st)
	word := []rune("مرحبا بكم")
	runs := st.shape(word, di.DirectionRTL, language.NewLanguage("ar"), weightBold, 40)
	if len(runs) != 1 {
		t.Fatalf("%d runs, want 1", len(runs))
	}
	run := runs[0]
	if run.Direction != di.DirectionRTL {
		t.Errorf("direction %v, want RTL", run.Direction)
	}
	if run.Face != st.faces[weightBold].faces[famArabic] {
		t.Error("not shaped with the Arabic face")
	}
	isolated := map[uint32]bool{}
	for _, c := range word {
		gid, ok := run.Face.NominalGlyph(c)
		if !ok {
			t.Fatalf("no glyph for %q", c)
		}
		isolated[uint32(gid)] = true
	}
	joined := 0
	for _, g := range run.Glyphs {
		if !isolated[uint32(g.GlyphID)] {
			joined++
		}
	}
	// م ر ح ب ا  ب ك م: at least the medial and final forms differ
	if joined < 4 {
		t.Errorf("only %d of %d glyphs are contextual forms", joined, len(run.Glyphs))
	}
	// RTL: glyphs in visual order, so the first letter's cluster is last
	if first := run.Glyphs[len(run.Glyphs)-1]; first.TextIndex() != 0 {
		t.Errorf("rightmost glyph is cluster %d, want 0", first.TextIndex())
	}
}

// TestScriptFaces: each script is shaped with its own face and no glyph is
// missing (.notdef); in mixed text a Latin hashtag, its '#' included, and
// Latin words keep Noto Sans.
func TestScriptFaces(t *testing.T) {
	r := renderer(t)
	st := r.pool.Get().(*state)
	defer r.pool.Put(st)
	familyOf := func(c rune) int {
		switch {
		case unicode.In(c, unicode.Han, unicode.Hiragana, unicode.Katakana) || c == '。' || c == '，':
			return famCJK
		case unicode.Is(unicode.Ethiopic, c):
			return famEthiopic
		case unicode.Is(unicode.Arabic, c):
			return famArabic
		case unicode.Is(unicode.Devanagari, c):
			return famDevanagari
		case unicode.In(c, unicode.Latin, unicode.Cyrillic, unicode.Greek) || c == '#':
			return famLatin
		}
		return -1 // spaces, format characters: any face
	}
	for _, c := range []struct{ name, text, lang string }{
		{"chinese", "我们在一起。社区就是家，", "zh"},
		{"chinese with hashtag and Latin", "我们在一起#ItTakesaCommunity社区就是Community。", "zh"},
		{"kana", "ありがとう、コミュニティ", "ja"},
		{"tigrinya", "ሕጂ ግን እዚ ጎደና ስድራይ እዩ።", "ti"},
		{"amharic", "ማህበረሰብ ያስፈልጋል", "am"},
		{"persian letters", "پ چ ژ گ ک ی", "fa"},
		{"pashto letters", "ټ ډ ړ ږ ښ ګ ڼ ۍ ې پښتو", "ps"},
		{"greek", "Καλώς ήρθατε", "el"},
	} {
		t.Run(c.name, func(t *testing.T) {
			in, err := r.prepare(Spec{Text: c.text, Lang: c.lang})
			if err != nil {
				t.Fatal(err)
			}
			for _, run := range st.shape(in.text, in.dir, in.lang, weightBold, 40) {
				for _, g := range run.Glyphs {
					char := in.text[g.TextIndex()]
					if g.GlyphID == 0 {
						t.Errorf("no glyph for %q", char)
					}
					if fam := familyOf(char); fam >= 0 && run.Face != st.faces[weightBold].faces[fam] {
						t.Errorf("%q not shaped with the face of family %d", char, fam)
					}
				}
			}
		})
	}
}

func TestIsolateHashtags(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"we #belong here", "we \u2068#belong\u2069 here"},
		{"نحن #معا هنا", "نحن \u2068#معا\u2069 هنا"},
		{"#ItTakesaCommunity2026!", "\u2068#ItTakesaCommunity2026\u2069!"},
		{"在一起#ItTakesaCommunity社区", "在一起\u2068#ItTakesaCommunity\u2069社区"},
		{"#社区同行，我们", "\u2068#社区同行\u2069，我们"},
		{"no # tag", "no # tag"},
	} {
		if got := string(isolateHashtags([]rune(c.in))); got != c.want {
			t.Errorf("%q: got %q, want %q", c.in, got, c.want)
		}
	}
}

// TestCutAtLineBreak: text longer than MaxTextRunes is cut where a line
// may break, so Chinese is cut between ideographs but not inside a Latin
// word that follows them.
func TestCutAtLineBreak(t *testing.T) {
	hanzi := strings.Repeat("我", MaxTextRunes-5)
	got, cut := clean(hanzi+"community 我们", MaxTextRunes)
	if want := hanzi + "…"; !cut || string(got) != want {
		t.Errorf("cut %v, ends %q, want %q", cut, string(got[len(got)-5:]), want[len(want)-15:])
	}
	words := strings.Repeat("neighbours ", MaxTextRunes/10)
	got, _ = clean(words, MaxTextRunes)
	if !strings.HasSuffix(string(got), "neighbours…") {
		t.Errorf("Latin text cut inside a word: ends %q", string(got[len(got)-15:]))
	}
}

// TestArabicWithLatinHashtag: the paragraph is right to left and aligned
// right, and the Latin hashtag in it reads left to right with its '#' first.
func TestArabicWithLatinHashtag(t *testing.T) {
	r := renderer(t)
	spec := Spec{Text: "نحن هنا معاً #ItTakesaCommunity في كل مكان", Lang: "ar"}
	_, lay, _, err := r.render(spec, Sizes[3])
	if err != nil {
		t.Fatal(err)
	}
	if lay.dir != di.DirectionRTL {
		t.Fatal("paragraph not RTL")
	}
	hash := -1
	for i, c := range lay.text {
		if c == '#' {
			hash = i
		}
	}
	xs := map[int]float64{}
	var tagDir di.Direction
	found := false
	for _, l := range lay.quote {
		pen := l.x
		for _, run := range l.runs {
			for _, g := range run.Glyphs {
				if g.TextIndex() == hash || g.TextIndex() == hash+1 || g.TextIndex() == hash+2 {
					xs[g.TextIndex()] = pen
					tagDir, found = run.Direction, true
				}
				pen += fl(g.Advance)
			}
		}
		if d := lay.textBox.X1 - l.box().X1; d > 1 {
			t.Errorf("RTL line not aligned right: %.1f px from the right edge", d)
		}
	}
	if !found || len(xs) != 3 {
		t.Fatalf("hashtag glyphs not found: %v", xs)
	}
	if tagDir != di.DirectionLTR {
		t.Errorf("hashtag run direction %v, want LTR", tagDir)
	}
	if !(xs[hash] < xs[hash+1] && xs[hash+1] < xs[hash+2]) {
		t.Errorf("hashtag not left to right: x(#)=%.1f x(I)=%.1f x(t)=%.1f", xs[hash], xs[hash+1], xs[hash+2])
	}
}

func TestLTRAlignedLeft(t *testing.T) {
	r := renderer(t)
	_, lay, _, err := r.render(Spec{Text: strings.Repeat(lorem, 2), Lang: "fr"}, Sizes[0])
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range lay.quote {
		if d := l.box().X0 - lay.textBox.X0; d > 1 {
			t.Errorf("line %d starts %.1f px from the left edge", i, d)
		}
	}
}

func TestBadInput(t *testing.T) {
	r := renderer(t)
	for _, c := range []struct {
		name string
		spec Spec
		size Size
		err  error // nil: must render
	}{
		{"empty", Spec{}, Sizes[0], ErrEmptyText},
		{"spaces", Spec{Text: " \n\t  "}, Sizes[0], ErrEmptyText},
		{"controls", Spec{Text: "\x00\x01\x1b"}, Sizes[0], ErrEmptyText},
		{"emoji only", Spec{Text: "🙂🙂 🎉"}, Sizes[0], ErrEmptyText},
		{"invalid UTF-8", Spec{Text: "caf\xe9"}, Sizes[0], ErrInvalidUTF8},
		{"invalid UTF-8 attribution", Spec{Text: "ok", Attribution: "\xff"}, Sizes[0], ErrInvalidUTF8},
		{"rare hanzi", Spec{Text: "我们在一起龘", Lang: "zh"}, Sizes[0], ErrUnsupportedScript},
		{"chinese", Spec{Text: "我们在一起", Lang: "zh"}, Sizes[0], nil},
		{"japanese kana", Spec{Text: "ありがとう、コミュニティ", Lang: "ja"}, Sizes[0], nil},
		{"zero size", Spec{Text: "ok"}, Size{"zero", 0, 0}, ErrBadSize},
		{"huge size", Spec{Text: "ok"}, Size{"huge", 100000, 100000}, ErrBadSize},
		{"emoji dropped", Spec{Text: "We made it 🎉 together", Lang: "en"}, Sizes[0], nil},
		{"no lang, Arabic", Spec{Text: "مرحبا"}, Sizes[0], nil},
		{"odd lang", Spec{Text: "Hello", Lang: "!!--"}, Sizes[0], nil},
		{"huge lang", Spec{Text: "Hello", Lang: strings.Repeat("ar-", 1<<16)}, Sizes[0], nil},
		{"only hashtag", Spec{Text: "#ItTakesaCommunity", Hashtag: "#ItTakesaCommunity"}, Sizes[0], nil},
		{"long hashtag", Spec{Text: "ok", Hashtag: "#" + strings.Repeat("Community", 30)}, Sizes[2], nil},
		{"huge input", Spec{Text: strings.Repeat("a", 5<<20)}, Sizes[0], nil},
		{"combining marks", Spec{Text: "e" + strings.Repeat("\u0301", 500)}, Sizes[0], nil},
		{"bidi controls", Spec{Text: "\u202Eabc\u2066def", Lang: "en"}, Sizes[0], nil},
		{"min size", Spec{Text: strings.Repeat(lorem, 5), Attribution: "Amal"}, Size{"min", MinSide, MinSide}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, err := r.Render(c.spec, c.size)
			if c.err != nil {
				if !errors.Is(err, c.err) {
					t.Fatalf("err %v, want %v", err, c.err)
				}
				if want := c.err == ErrEmptyText || c.err == ErrUnsupportedScript; NoCard(err) != want {
					t.Errorf("NoCard(%v) = %v, want %v", err, !want, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if img.Bounds() != image.Rect(0, 0, c.size.W, c.size.H) {
				t.Errorf("bounds %v", img.Bounds())
			}
		})
	}
}

// TestPartnerLogo: a logo of any shape is scaled to fill its corner area
// as far as its proportions allow, drawn in its own colours opposite the
// hashtag, and overlaps no text, at every size.
func TestPartnerLogo(t *testing.T) {
	r := renderer(t)
	partner := color.NRGBA{0x12, 0x6E, 0xB4, 0xFF}
	logo := func(w, h int) image.Image {
		img := image.NewNRGBA(image.Rect(0, 0, w, h))
		draw.Draw(img, img.Bounds(), image.NewUniform(partner), image.Point{}, draw.Src)
		return img
	}
	for _, c := range []struct {
		name string
		spec Spec
		logo image.Image
	}{
		{"wide", Spec{Text: strings.Repeat(lorem, 3), Attribution: "Amal, Winnipeg", Lang: "en"}, logo(900, 200)},
		{"tall", Spec{Text: "عندما وصلت لم أكن أعرف أحداً، لكن جيراني صاروا عائلتي", Attribution: "أمل", Lang: "ar"}, logo(60, 300)},
		{"tiny", Spec{Text: zhSentence, Lang: "zh", Hashtag: "#" + strings.Repeat("Community", 5)}, logo(12, 12)},
	} {
		for _, size := range Sizes {
			t.Run(c.name+"-"+size.Name, func(t *testing.T) {
				spec := c.spec
				spec.Logo = c.logo
				img, lay, mask, err := r.render(spec, size)
				if err != nil {
					t.Fatal(err)
				}
				checkInBoxes(t, lay, mask)
				box := lay.logoBox
				w, h := box.X1-box.X0, box.Y1-box.Y0
				lw, lh := float64(c.logo.Bounds().Dx()), float64(c.logo.Bounds().Dy())
				if math.Abs(w/h-lw/lh) > 0.02*lw/lh+1/h {
					t.Errorf("logo drawn %.0fx%.0f, not in the proportions of %.0fx%.0f", w, h, lw, lh)
				}
				maxW, maxH := math.Round(logoWidth*float64(size.W)), math.Round(logoHeight*float64(min(size.W, size.H)))
				if w > maxW || h > maxH || (w < maxW-1 && h < maxH-1) {
					t.Errorf("logo drawn %.0fx%.0f, want the largest fit in %.0fx%.0f", w, h, maxW, maxH)
				}
				if rtl := lay.dir == di.DirectionRTL; rtl && box.X0 != lay.textBox.X0 || !rtl && box.X1 != lay.textBox.X1 {
					t.Errorf("logo %+v not in the corner opposite the hashtag", box)
				}
				centre := img.At(int(box.X0+w/2), int(box.Y0+h/2))
				if cr, cg, cb, _ := centre.RGBA(); cr>>8 != uint32(partner.R) || cg>>8 != uint32(partner.G) || cb>>8 != uint32(partner.B) {
					t.Errorf("logo centre is %v, want %v", centre, partner)
				}
			})
		}
	}
	b, err := r.Render(Spec{Text: "We belong here.", Lang: "en", Logo: logo(300, 100)}, Sizes[0])
	if err != nil {
		t.Fatal(err)
	}
	if img, err := png.Decode(bytes.NewReader(b)); err != nil {
		t.Fatal(err)
	} else if _, paletted := img.(*image.Paletted); paletted {
		t.Error("a card with a logo is paletted: the logo's colours are lost")
	}
}

func TestContrast(t *testing.T) {
	if c := contrast(Ink, Background); c < 4.5 {
		t.Errorf("text contrast %.2f < 4.5 (WCAG AA)", c)
	}
	if c := contrast(Accent, Background); c < 3 {
		t.Errorf("accent contrast %.2f < 3", c)
	}
}

// TestConcurrent renders from several goroutines at once; the cards must
// equal the ones rendered one at a time.
func TestConcurrent(t *testing.T) {
	r := renderer(t)
	want := make([][]byte, len(goldenSpecs))
	for i, g := range goldenSpecs {
		b, err := r.Render(g.spec, g.size)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = b
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4*len(goldenSpecs))
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, g := range goldenSpecs {
				b, err := r.Render(g.spec, g.size)
				if err != nil {
					errs <- err
					continue
				}
				if !bytes.Equal(b, want[i]) {
					errs <- fmt.Errorf("%s differs when rendered concurrently", g.name)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func BenchmarkRender1080(b *testing.B) {
	r := renderer(b)
	spec := goldenSpecs[0].spec
	for b.Loop() {
		if _, err := r.Render(spec, Sizes[0]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRender1080Arabic(b *testing.B) {
	r := renderer(b)
	spec := goldenSpecs[3].spec
	for b.Loop() {
		if _, err := r.Render(spec, Sizes[0]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRender1080Chinese(b *testing.B) {
	r := renderer(b)
	spec := goldenSpec(b, "zh-square")
	for b.Loop() {
		if _, err := r.Render(spec, Sizes[0]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNewRenderer(b *testing.B) {
	for b.Loop() {
		if _, err := NewRenderer(); err != nil {
			b.Fatal(err)
		}
	}
}

func goldenSpec(tb testing.TB, name string) Spec {
	for _, g := range goldenSpecs {
		if g.name == name {
			return g.spec
		}
	}
	tb.Fatalf("no golden card %s", name)
	return Spec{}
}

// TestFrenchGuillemets: « and » stay with their words, and no-break spaces
// in the input are kept.
func TestFrenchGuillemets(t *testing.T) {
	r := renderer(t)
	spec := Spec{Text: strings.Repeat("« Ici, on m’a appris le français ! » Et puis : bienvenue\u00A0chez nous ; ", 6), Lang: "fr"}
	for _, size := range Sizes {
		_, lay, _, err := r.render(spec, size)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(lay.text), "« ") || strings.Contains(string(lay.text), " »") || strings.Contains(string(lay.text), " !") {
			t.Fatalf("breakable spaces left: %q", string(lay.text))
		}
		if !strings.Contains(string(lay.text), "bienvenue\u00A0chez") {
			t.Fatalf("no-break space lost: %q", string(lay.text))
		}
		for i, l := range lay.quote {
			start := len(lay.text)
			for _, run := range l.runs {
				start = min(start, run.Runes.Offset)
			}
			if c := lay.text[start]; c == '»' || c == '!' || c == ':' || c == ';' || c == '\u00A0' || c == '\u202F' {
				t.Errorf("%s: line %d starts with %q", size.Name, i, c)
			}
		}
	}
}

func TestCoversTellsWhatRenderCanDraw(t *testing.T) {
	r := renderer(t)
	for text, want := range map[string]bool{
		"Nous sommes voisins":  true,
		"我们在一起":                true,
		"我们在一起龘":               false,
		"Welcome 🎉 neighbours": true,
	} {
		if got := r.Covers(text); got != want {
			t.Errorf("Covers(%q) = %v, want %v", text, got, want)
		}
		_, err := r.Render(Spec{Text: text, Lang: "en"}, Sizes[0])
		if drawn := err == nil; drawn != want {
			t.Errorf("Render(%q): %v, but Covers says %v", text, err, want)
		}
	}
}

// TestParagraphDirectionFromText: the first strong character outside
// isolates decides, for every right-to-left script the Unicode data knows.
func TestParagraphDirectionFromText(t *testing.T) {
	for _, c := range []struct {
		name, text string
		want       di.Direction
	}{
		{"Latin", "Welcome", di.DirectionLTR},
		{"Arabic", "مرحبا بكم", di.DirectionRTL},
		{"Hebrew", "ברוכים הבאים", di.DirectionRTL},
		{"Syriac", "ܫܠܡܐ", di.DirectionRTL},
		{"Thaana", "ދިވެހި", di.DirectionRTL},
		{"N'Ko", "ߒߞߏ", di.DirectionRTL},
		{"Adlam (Fula)", "\U0001E900\U0001E922\U0001E934", di.DirectionRTL},
		{"Hanifi Rohingya", "\U00010D00\U00010D01\U00010D02", di.DirectionRTL},
		{"Mandaic", "\u0840\u0841\u0842", di.DirectionRTL},
		{"Samaritan", "\u0800\u0801\u0802", di.DirectionRTL},
		{"digits then Arabic", "2024 مرحبا", di.DirectionRTL},
		{"punctuation then Latin", "« Bonjour »", di.DirectionLTR},
		{"isolated Latin then Arabic", "\u2068#ItTakesaCommunity\u2069 معاً", di.DirectionRTL},
		{"isolated Arabic then Latin", "\u2067معاً\u2069 together", di.DirectionLTR},
		{"no strong character", "123 !?", di.DirectionLTR},
		{"empty", "", di.DirectionLTR},
	} {
		if got := paragraphDirection([]rune(c.text)); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
