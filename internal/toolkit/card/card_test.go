package card

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

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
}

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
				if in.truncated != 0 && lay.truncated != (in.truncated > 0) {
					t.Errorf("truncated = %v, want %v", lay.truncated, in.truncated > 0)
				}
				if lay.brokenInWord != in.wordBreak {
					t.Errorf("broken in a word = %v, want %v", lay.brokenInWord, in.wordBreak)
				}
				if !in.wordBreak {
					checkWordBoundaries(t, lay)
				}
			})
		}
	}
}

// checkWordBoundaries: every line but a truncated last one ends before a
// space or at the end of the text.
func checkWordBoundaries(t *testing.T, lay *layout) {
	t.Helper()
	for i, l := range lay.quote {
		if lay.truncated && i == len(lay.quote)-1 {
			continue
		}
		end := 0
		for _, run := range l.runs {
			end = max(end, run.Runes.Offset+run.Runes.Count)
		}
		if end < len(lay.text) && lay.text[end-1] != ' ' && lay.text[end] != ' ' {
			t.Errorf("line %d ends inside a word: %q|%q", i, string(lay.text[max(0, end-10):end]), string(lay.text[end:min(len(lay.text), end+10)]))
		}
	}
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
	if first := run.Glyphs[len(run.Glyphs)-1]; first.ClusterIndex != 0 {
		t.Errorf("rightmost glyph is cluster %d, want 0", first.ClusterIndex)
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
				if g.ClusterIndex == hash || g.ClusterIndex == hash+1 || g.ClusterIndex == hash+2 {
					xs[g.ClusterIndex] = pen
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
		{"chinese", Spec{Text: "我们在一起", Lang: "zh"}, Sizes[0], ErrUnsupportedScript},
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
