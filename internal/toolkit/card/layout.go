package card

import (
	"image"
	"math"
	"sort"

	"github.com/go-text/typesetting/di"
	"github.com/go-text/typesetting/language"
	"github.com/go-text/typesetting/shaping"
	"golang.org/x/image/math/fixed"
)

// rect is a box in pixels, Min inclusive, Max exclusive.
type rect struct{ X0, Y0, X1, Y1 float64 }

func (r rect) contains(s rect) bool {
	return s.X0 >= r.X0 && s.Y0 >= r.Y0 && s.X1 <= r.X1 && s.Y1 <= r.Y1
}

func (r rect) overlaps(s rect) bool {
	return r.X0 < s.X1 && s.X0 < r.X1 && r.Y0 < s.Y1 && s.Y0 < r.Y1
}

// line is one laid-out line: its runs in visual order (left to right), the
// pen origin of the first one and its baseline.
type line struct {
	runs     []shaping.Output
	x, y     float64 // pen origin of the leftmost run, baseline
	advance  float64 // sum of the runs' advances
	inkL     float64 // ink extent relative to x (inkL <= 0 <= advance <= inkR, mostly)
	inkR     float64
	ascent   float64 // above the baseline, positive
	descent  float64 // below the baseline, positive
	wordFits bool    // false when a word is wider than the box
}

// box is the line's bounding box once placed: its ink horizontally, its
// font line bounds (and ink) vertically.
func (l *line) box() rect {
	return rect{l.x + l.inkL, l.y - l.ascent, l.x + l.inkR, l.y + l.descent}
}

func (l *line) width() float64 { return l.inkR - l.inkL }
func (l *line) height() float64 {
	return l.ascent + l.descent
}

// layout is a card laid out.
type layout struct {
	W, H         int
	text         []rune // the quote as laid out (hashtags isolated)
	textBox      rect   // quote and attribution stay inside
	tagBox       rect   // the hashtag stays inside
	rule         rect   // accent rule
	logoBox      rect   // the partner's logo, scaled; empty without one
	quote, attr  []line
	tag          []line
	quoteSize    float64
	attrSize     float64
	tagSize      float64
	dir          di.Direction
	truncated    bool // the quote was cut (too long, or to fit)
	brokenInWord bool // a word wider than the box had to be broken
}

func fx(v float64) fixed.Int26_6 { return fixed.Int26_6(math.Round(v * 64)) }
func fl(v fixed.Int26_6) float64 { return float64(v) / 64 }

// paragraph shapes text at size with the faces of weight.
func (st *state) shape(text []rune, dir di.Direction, lang language.Language, weight int, size float64) []shaping.Output {
	in := shaping.Input{
		Text:      text,
		RunStart:  0,
		RunEnd:    len(text),
		Direction: dir,
		Size:      fx(size),
		Language:  lang,
	}
	runs := st.seg.Split(in, &st.faces[weight])
	outs := make([]shaping.Output, len(runs))
	for i, run := range runs {
		run.Size = in.Size
		outs[i] = st.shaper.Shape(run)
	}
	return outs
}

// wrap breaks shaped runs into lines at most maxWidth wide; with maxLines >
// 0, the text is cut after that many lines and ends with trunc.
func (st *state) wrap(text []rune, runs []shaping.Output, dir di.Direction, maxWidth float64, policy shaping.LineBreakPolicy, maxLines int, trunc []shaping.Output) ([]line, bool) {
	cfg := shaping.WrapConfig{Direction: dir, BreakPolicy: policy}
	if maxLines > 0 && len(trunc) > 0 {
		cfg.TruncateAfterLines = maxLines
		cfg.Truncator = trunc[0]
	}
	wl, truncated := st.wrapper.WrapParagraphF(cfg, fx(maxWidth), text, shaping.NewSliceIterator(runs))
	lines := make([]line, len(wl))
	for i, l := range wl {
		lines[i] = measure(l, maxWidth)
	}
	return lines, truncated > 0
}

// measure copies a wrapped line into visual order and measures it.
func measure(l shaping.Line, maxWidth float64) line {
	runs := append([]shaping.Output(nil), l...)
	sort.SliceStable(runs, func(i, j int) bool { return runs[i].VisualIndex < runs[j].VisualIndex })
	out := line{runs: runs, wordFits: true}
	pen := 0.0
	first := true
	for _, run := range runs {
		out.ascent = math.Max(out.ascent, fl(run.LineBounds.Ascent))
		out.ascent = math.Max(out.ascent, fl(run.GlyphBounds.Ascent))
		out.descent = math.Max(out.descent, -fl(run.LineBounds.Descent))
		out.descent = math.Max(out.descent, -fl(run.GlyphBounds.Descent))
		for _, g := range run.Glyphs {
			if g.Width != 0 || g.Height != 0 {
				x0 := pen + fl(g.XOffset+g.XBearing)
				x1 := x0 + fl(g.Width)
				if x1 < x0 {
					x0, x1 = x1, x0
				}
				if first {
					out.inkL, out.inkR, first = x0, x1, false
				} else {
					out.inkL, out.inkR = math.Min(out.inkL, x0), math.Max(out.inkR, x1)
				}
			}
			pen += fl(g.Advance)
		}
	}
	out.advance = pen
	out.inkL = math.Min(out.inkL, 0)
	out.inkR = math.Max(out.inkR, pen)
	if out.width() > maxWidth {
		out.wordFits = false
	}
	return out
}

// block measures lines stacked with no extra leading.
func blockHeight(lines []line) float64 {
	h := 0.0
	for i := range lines {
		h += lines[i].height()
	}
	return h
}

func linesFit(lines []line) bool {
	for i := range lines {
		if !lines[i].wordFits {
			return false
		}
	}
	return true
}

// place stacks lines from top y, aligned left or right in [x0, x1].
func place(lines []line, y, x0, x1 float64, rtl bool) float64 {
	for i := range lines {
		l := &lines[i]
		y += l.ascent
		l.y = y
		if rtl {
			l.x = x1 - l.inkR
		} else {
			l.x = x0 - l.inkL
		}
		y += l.descent
	}
	return y
}

// Layout proportions, relative to the shorter side of the card.
const (
	marginRatio  = 0.075
	tagRatio     = 0.042
	startRatio   = 0.10  // first quote size tried
	minRatio     = 0.026 // smallest quote size
	stepFactor   = 0.92  // each try is this much smaller
	attrFactor   = 0.5   // attribution size relative to the quote
	minAttrRatio = 0.022
	logoHeight   = 0.10 // largest logo height
	logoWidth    = 0.30 // largest logo width, relative to the card's width
)

func (st *state) layout(in input, size Size) *layout {
	short := float64(min(size.W, size.H))
	m := math.Round(marginRatio * short)
	lay := &layout{W: size.W, H: size.H, dir: in.dir, text: in.text}
	rtl := in.dir == di.DirectionRTL

	// the hashtag, at the bottom, beside the partner's logo if any
	lay.tagSize = math.Round(tagRatio * short)
	lay.tagBox = rect{m, 0, float64(size.W) - m, float64(size.H) - m}
	if in.logo != nil {
		lay.logoBox = logoBox(in.logo.Bounds(), size, m, rtl)
		if rtl {
			lay.tagBox.X0 = lay.logoBox.X1 + math.Round(m/2)
		} else {
			lay.tagBox.X1 = lay.logoBox.X0 - math.Round(m/2)
		}
	}
	var tagLines []line
	for {
		runs := st.shape(in.hashtag, in.tagDir, in.lang, weightBold, lay.tagSize)
		tagLines, _ = st.wrap(in.hashtag, runs, in.tagDir, lay.tagBox.X1-lay.tagBox.X0, shaping.Never, 1, st.shape([]rune{ellipsis}, in.tagDir, in.lang, weightBold, lay.tagSize))
		if (len(tagLines) == 1 && linesFit(tagLines)) || lay.tagSize < 8 {
			break
		}
		lay.tagSize = math.Floor(lay.tagSize * stepFactor)
	}
	if len(tagLines) > 1 {
		tagLines = tagLines[:1]
	}
	tagTop := lay.tagBox.Y1 - blockHeight(tagLines)
	place(tagLines, tagTop, lay.tagBox.X0, lay.tagBox.X1, rtl)
	lay.tagBox.Y0 = tagTop
	lay.tag = tagLines

	// accent rule above the hashtag; both on the side the text is aligned
	ruleH := math.Max(2, math.Round(0.006*short))
	ruleW := math.Round(0.12 * float64(size.W))
	ruleY := math.Round(tagTop - 0.5*lay.tagSize)
	if rtl {
		lay.rule = rect{lay.tagBox.X1 - ruleW, ruleY - ruleH, lay.tagBox.X1, ruleY}
	} else {
		lay.rule = rect{lay.tagBox.X0, ruleY - ruleH, lay.tagBox.X0 + ruleW, ruleY}
	}

	// the quote and attribution, sized down until they fit
	lay.textBox = rect{m, m, float64(size.W) - m, math.Round(ruleY - ruleH - 0.6*lay.tagSize)}
	if in.logo != nil {
		lay.textBox.Y1 = math.Min(lay.textBox.Y1, lay.logoBox.Y0-math.Round(0.6*lay.tagSize))
	}
	boxW := lay.textBox.X1 - lay.textBox.X0
	boxH := lay.textBox.Y1 - lay.textBox.Y0
	attrText := in.attribution
	if len(attrText) > 0 {
		attrText = append([]rune("— "), attrText...)
	}

	var quote, attr []line
	var gap float64
	fit := func(qs float64, policy shaping.LineBreakPolicy, maxLines int) (ok bool) {
		runs := st.shape(in.text, in.dir, in.lang, weightBold, qs)
		var trunc []shaping.Output
		if maxLines > 0 {
			trunc = st.shape([]rune{ellipsis}, in.dir, in.lang, weightBold, qs)
		}
		quote, lay.truncated = st.wrap(in.text, runs, in.dir, boxW, policy, maxLines, trunc)
		lay.quoteSize = qs
		lay.attrSize = math.Max(math.Round(qs*attrFactor), math.Round(minAttrRatio*short))
		attr, gap = nil, 0
		if len(attrText) > 0 {
			aruns := st.shape(attrText, in.dir, in.lang, weightRegular, lay.attrSize)
			attr, _ = st.wrap(attrText, aruns, in.dir, boxW, shaping.WhenNecessary, 2,
				st.shape([]rune{ellipsis}, in.dir, in.lang, weightRegular, lay.attrSize))
			gap = math.Round(0.6 * lay.attrSize)
		}
		return linesFit(quote) && linesFit(attr) && blockHeight(quote)+gap+blockHeight(attr) <= boxH
	}

	minSize := math.Max(8, math.Round(minRatio*short))
	done := false
	for qs := math.Round(startRatio * short); qs > minSize; qs = math.Floor(qs * stepFactor) {
		if fit(qs, shaping.Never, 0) {
			done = true
			break
		}
	}
	if !done {
		// smallest size: cut the quote after as many lines as fit
		policy := shaping.Never
		ok := fit(minSize, policy, 0)
		if !ok && !linesFit(quote) {
			policy = shaping.WhenNecessary // a word wider than the box
			lay.brokenInWord = true
			ok = fit(minSize, policy, 0)
		}
		if !ok {
			n := len(quote)
			if n > 0 {
				avail := boxH - gap - blockHeight(attr)
				n = int(avail / (blockHeight(quote) / float64(len(quote))))
			}
			for n = max(n, 1); ; n-- {
				if fit(minSize, policy, n) || n == 1 {
					break
				}
			}
			lay.truncated = true
		}
	}
	lay.truncated = lay.truncated || in.textCut

	// centre the block vertically in the text box
	total := blockHeight(quote) + gap + blockHeight(attr)
	y := lay.textBox.Y0 + math.Max(0, math.Round((boxH-total)/2))
	y = place(quote, y, lay.textBox.X0, lay.textBox.X1, rtl)
	place(attr, y+gap, lay.textBox.X0, lay.textBox.X1, rtl)
	lay.quote, lay.attr = quote, attr
	return lay
}

// logoBox scales a logo of the given bounds to fit the bottom corner on the
// side the text does not start from, in whole pixels, keeping its
// proportions.
func logoBox(logo image.Rectangle, size Size, margin float64, rtl bool) rect {
	maxW := math.Round(logoWidth * float64(size.W))
	maxH := math.Round(logoHeight * float64(min(size.W, size.H)))
	scale := math.Min(maxW/float64(logo.Dx()), maxH/float64(logo.Dy()))
	w := math.Max(1, math.Round(scale*float64(logo.Dx())))
	h := math.Max(1, math.Round(scale*float64(logo.Dy())))
	bottom := float64(size.H) - margin
	if rtl {
		return rect{margin, bottom - h, margin + w, bottom}
	}
	right := float64(size.W) - margin
	return rect{right - w, bottom - h, right, bottom}
}
