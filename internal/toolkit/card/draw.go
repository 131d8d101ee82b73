package card

import (
	"image"
	"image/color"
	"math"

	"github.com/go-text/typesetting/font"
	ot "github.com/go-text/typesetting/font/opentype"
	"golang.org/x/image/draw"
	"golang.org/x/image/vector"
)

// The card is a paletted image: entry 0 is the background, entries 0 to
// inkLevels-1 blend it into the ink (anti-aliased text), the last entry is
// the accent. One byte a pixel makes PNG encoding fast and the file small.
const inkLevels = 255

var cardPalette = func() color.Palette {
	p := make(color.Palette, inkLevels+1)
	for i := range inkLevels {
		t := float64(i) / (inkLevels - 1)
		mix := func(a, b uint8) uint8 { return uint8(math.Round(float64(a) + t*(float64(b)-float64(a)))) }
		p[i] = color.RGBA{mix(Background.R, Ink.R), mix(Background.G, Ink.G), mix(Background.B, Ink.B), 0xFF}
	}
	p[inkLevels] = Accent
	return p
}()

// draw paints the card (background, accent rule, text and hashtag) and
// returns it with the coverage mask of the quote and attribution.
func (st *state) draw(lay *layout) (*image.Paletted, *image.Alpha) {
	bounds := image.Rect(0, 0, lay.W, lay.H)
	img := image.NewPaletted(bounds, cardPalette) // all background

	ras := vector.NewRasterizer(lay.W, lay.H)
	for _, lines := range [][]line{lay.quote, lay.attr} {
		for i := range lines {
			addLine(ras, &lines[i])
		}
	}
	textMask := image.NewAlpha(bounds)
	ras.Draw(textMask, bounds, image.Opaque, image.Point{})
	paint(img, textMask)

	// the hashtag only spans a band at the bottom: rasterise just that band
	tagBand := image.Rect(0, int(math.Floor(lay.tagBox.Y0)), lay.W, lay.H)
	tagMask := image.NewAlpha(tagBand)
	ras.Reset(tagBand.Dx(), tagBand.Dy())
	for i := range lay.tag {
		l := lay.tag[i]
		l.y -= float64(tagBand.Min.Y)
		addLine(ras, &l)
	}
	ras.Draw(tagMask, tagBand, image.Opaque, tagBand.Min)
	paint(img, tagMask)

	rule := image.Rect(int(lay.rule.X0), int(lay.rule.Y0), int(lay.rule.X1), int(lay.rule.Y1)).Intersect(bounds)
	for y := rule.Min.Y; y < rule.Max.Y; y++ {
		row := img.Pix[img.PixOffset(rule.Min.X, y):img.PixOffset(rule.Max.X, y)]
		for i := range row {
			row[i] = inkLevels
		}
	}
	return img, textMask
}

// drawLogo copies the card into a true-colour image, since the logo's
// colours are not in the card's palette, and draws the logo scaled into box.
func drawLogo(card *image.Paletted, logo image.Image, box rect) *image.RGBA {
	out := image.NewRGBA(card.Bounds())
	draw.Draw(out, out.Bounds(), card, image.Point{}, draw.Src)
	dst := image.Rect(int(box.X0), int(box.Y0), int(box.X1), int(box.Y1))
	draw.CatmullRom.Scale(out, dst, logo, logo.Bounds(), draw.Over, nil)
	return out
}

// paint sets the ink level of every pixel the mask covers.
func paint(img *image.Paletted, mask *image.Alpha) {
	b := mask.Bounds().Intersect(img.Bounds())
	for y := b.Min.Y; y < b.Max.Y; y++ {
		src := mask.Pix[mask.PixOffset(b.Min.X, y):mask.PixOffset(b.Max.X, y)]
		dst := img.Pix[img.PixOffset(b.Min.X, y):img.PixOffset(b.Max.X, y)]
		for i, a := range src {
			if a != 0 {
				level := uint8((int(a)*(inkLevels-1) + 127) / 255)
				dst[i] = max(dst[i], level)
			}
		}
	}
}

// addLine adds the outlines of a line's glyphs to the rasterizer.
func addLine(ras *vector.Rasterizer, l *line) {
	pen := l.x
	for _, run := range l.runs {
		face := run.Face
		scale := fl(run.Size) / float64(face.Upem())
		for _, g := range run.Glyphs {
			ox := pen + fl(g.XOffset)
			oy := l.y - fl(g.YOffset)
			addGlyph(ras, face, g.GlyphID, ox, oy, scale)
			pen += fl(g.Advance)
		}
	}
}

func addGlyph(ras *vector.Rasterizer, face *font.Face, gid font.GID, ox, oy, scale float64) {
	outline, ok := face.GlyphDataOutline(gid)
	if !ok || len(outline.Segments) == 0 {
		return
	}
	pt := func(p font.SegmentPoint) (float32, float32) {
		return float32(ox + float64(p.X)*scale), float32(oy - float64(p.Y)*scale)
	}
	open := false
	for _, s := range outline.Segments {
		switch s.Op {
		case ot.SegmentOpMoveTo:
			if open {
				ras.ClosePath()
			}
			ras.MoveTo(pt(s.Args[0]))
			open = true
		case ot.SegmentOpLineTo:
			ras.LineTo(pt(s.Args[0]))
		case ot.SegmentOpQuadTo:
			x1, y1 := pt(s.Args[0])
			x2, y2 := pt(s.Args[1])
			ras.QuadTo(x1, y1, x2, y2)
		case ot.SegmentOpCubeTo:
			x1, y1 := pt(s.Args[0])
			x2, y2 := pt(s.Args[1])
			x3, y3 := pt(s.Args[2])
			ras.CubeTo(x1, y1, x2, y2, x3, y3)
		}
	}
	if open {
		ras.ClosePath()
	}
}

// contrast is the WCAG 2 contrast ratio of two opaque colours.
func contrast(a, b color.RGBA) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func luminance(c color.RGBA) float64 {
	ch := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(c.R) + 0.7152*ch(c.G) + 0.0722*ch(c.B)
}
