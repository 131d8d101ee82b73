// Package card renders share cards: PNG images of a story quote or key
// message in the campaign's look, with its attribution and hashtag, used as
// social preview images.
//
// Text is shaped with HarfBuzz (the go-text port): it is split into runs by
// direction, script and font, each run is shaped, lines are wrapped where
// the Unicode line breaking algorithm (UAX #14) allows and runs are placed
// in visual (bidi) order, so Arabic letters join, right-to-left paragraphs
// are aligned right, a Latin hashtag inside Arabic text keeps its own
// direction, and Chinese wraps between ideographs but never before closing
// punctuation nor inside a Latin word. Fonts are embedded subsets of Noto
// Sans (Latin, Greek, Cyrillic), Noto Sans Arabic, Noto Sans Devanagari,
// Noto Sans Ethiopic and Noto Sans CJK SC (the common hanzi of Simplified
// Chinese); text with a letter none of them covers is refused with
// ErrUnsupportedScript; emoji are dropped.
//
// The quote is set in bold from a large size down in steps until it and the
// attribution fit the text box, wrapped at line-break opportunities only (a
// word wider than the box at the smallest size is broken). What still does
// not fit at the smallest size is cut after the last line that fits and ends
// with an ellipsis. Cards are 8-bit paletted PNGs: background, 254
// anti-aliasing levels of ink, and the accent colour.
package card

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"sync"

	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/shaping"
)

// Size is an output size of a card, in pixels.
type Size struct {
	Name string
	W, H int
}

// Sizes are the card sizes the platform offers: square posts, stories,
// Open Graph previews and wide (16:9) images.
var Sizes = []Size{{"square", 1080, 1080}, {"story", 1080, 1920}, {"og", 1200, 630}, {"wide", 1600, 900}}

// DefaultHashtag is drawn when Spec.Hashtag is empty.
const DefaultHashtag = "#ItTakesaCommunity"

// Spec is what a card shows.
type Spec struct {
	Text        string // the quote or message
	Attribution string // e.g. "Amal, Winnipeg" (may be empty)
	Lang        string // BCP 47 of the text: "en", "fr", "ar", "uk", "hi", ...
	Hashtag     string // "#ItTakesaCommunity"; DefaultHashtag when empty
	// Logo is a partner's logo, or nil. It is scaled to fit the bottom
	// corner opposite the hashtag, keeping its proportions; a card with a
	// logo is a true-colour PNG.
	Logo image.Image
}

// Errors returned by Render.
var (
	ErrEmptyText         = errors.New("card: empty text")
	ErrInvalidUTF8       = errors.New("card: text is not valid UTF-8")
	ErrUnsupportedScript = errors.New("card: text in a script the card fonts do not cover")
	ErrBadSize           = errors.New("card: size out of range")
)

// NoCard tells whether err means the text has no card to draw (nothing to
// show, or a script the fonts do not cover), which callers skip rather
// than fail on.
func NoCard(err error) bool {
	return errors.Is(err, ErrUnsupportedScript) || errors.Is(err, ErrEmptyText)
}

// Limits on the input. Longer text is cut at a word boundary and ends with an
// ellipsis; whatever still does not fit at the smallest type size is
// truncated with an ellipsis by the line wrapper.
const (
	MaxTextRunes        = 1000
	MaxAttributionRunes = 80
	MaxHashtagRunes     = 60
	// Sizes are limited to keep memory use per render bounded.
	MinSide = 200
	MaxSide = 4096
)

// Campaign colours, the site's own (internal/web/static/style.css:
// --cream, --ink, --brand): a warm cream background, deep ink text
// (contrast about 15:1, WCAG AAA) and the crimson accent rule (about 7:1).
var (
	Background = color.RGBA{0xFB, 0xF3, 0xE6, 0xFF}
	Ink        = color.RGBA{0x1B, 0x1B, 0x2F, 0xFF}
	Accent     = color.RGBA{0x9B, 0x1C, 0x31, 0xFF}
)

//go:embed fonts/*.ttf fonts/*.otf
var fontFiles embed.FS

// font families, in fallback order
const (
	famLatin = iota
	famArabic
	famDevanagari
	famEthiopic
	famCJK
	numFamilies
)

const (
	weightBold = iota
	weightRegular
	numWeights
)

var fontNames = [numWeights][numFamilies]string{
	weightBold: {
		"NotoSans-Bold.ttf", "NotoSansArabic-Bold.ttf", "NotoSansDevanagari-Bold.ttf",
		"NotoSansEthiopic-Bold.ttf", "NotoSansCJKsc-Bold.otf",
	},
	weightRegular: {
		"NotoSans-Regular.ttf", "NotoSansArabic-Regular.ttf", "NotoSansDevanagari-Regular.ttf",
		"NotoSansEthiopic-Regular.ttf", "NotoSansCJKsc-Regular.otf",
	},
}

// Renderer holds the parsed fonts. It is safe for concurrent use: the parsed
// fonts are read-only, and the faces, shaper and wrapper (which cache and are
// not safe for concurrent use) belong to pooled per-render states.
type Renderer struct {
	fonts [numWeights][numFamilies]*font.Font
	pool  sync.Pool
}

// NewRenderer parses the embedded fonts.
func NewRenderer() (*Renderer, error) {
	r := &Renderer{}
	for w := range fontNames {
		for f, name := range fontNames[w] {
			data, err := fontFiles.ReadFile("fonts/" + name)
			if err != nil {
				return nil, fmt.Errorf("card: %w", err)
			}
			face, err := font.ParseTTF(bytes.NewReader(data))
			if err != nil {
				return nil, fmt.Errorf("card: parsing %s: %w", name, err)
			}
			r.fonts[w][f] = face.Font
		}
	}
	r.pool.New = func() any { return r.newState() }
	return r, nil
}

// state is what one render needs that must not be shared.
type state struct {
	faces   [numWeights]fontmap
	shaper  shaping.HarfbuzzShaper
	seg     shaping.Segmenter
	wrapper shaping.LineWrapper
}

func (r *Renderer) newState() *state {
	st := &state{}
	for w := range r.fonts {
		st.faces[w].faces = make([]*font.Face, numFamilies)
		for f, ft := range r.fonts[w] {
			st.faces[w].faces[f] = font.NewFace(ft)
		}
	}
	return st
}

// Render draws the card and returns it as PNG.
func (r *Renderer) Render(spec Spec, size Size) ([]byte, error) {
	img, _, _, err := r.render(spec, size)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.Grow(size.W * size.H / 8)
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("card: encoding PNG: %w", err)
	}
	return buf.Bytes(), nil
}

// render lays out and draws the card; it also returns the layout and the
// text coverage mask, for tests.
func (r *Renderer) render(spec Spec, size Size) (image.Image, *layout, *image.Alpha, error) {
	if size.W < MinSide || size.H < MinSide || size.W > MaxSide || size.H > MaxSide {
		return nil, nil, nil, fmt.Errorf("%w: %dx%d", ErrBadSize, size.W, size.H)
	}
	in, err := r.prepare(spec)
	if err != nil {
		return nil, nil, nil, err
	}
	st := r.pool.Get().(*state)
	defer r.pool.Put(st)
	lay := st.layout(in, size)
	img, mask := st.draw(lay)
	if in.logo != nil {
		return drawLogo(img, in.logo, lay.logoBox), lay, mask, nil
	}
	return img, lay, mask, nil
}
