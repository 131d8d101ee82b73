package media

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"io"

	"golang.org/x/image/draw"
)

// Limits of a partner's logo upload.
const (
	MaxLogoBytes  = 5 << 20
	maxLogoPixels = 16_000_000
	// LogoSide is the longest side a logo is kept at: share cards draw it
	// at most a few hundred pixels wide.
	LogoSide = 600
)

// ProcessLogo reads a PNG, JPEG or WebP logo of at most MaxLogoBytes,
// checks its real format and dimensions before decoding, and returns it as
// a PNG no larger than LogoSide on its longest side, with its transparency
// and nothing else: no metadata survives. Every error is a *story.Error
// whose key starts with "error.logo_".
func ProcessLogo(r io.Reader) (out []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, errCorrupt(logo, fmt.Errorf("panic: %v", p))
		}
	}()
	src, _, _, err := checkedDecode(logo, r, Limits{MaxBytes: MaxLogoBytes, MaxPixels: maxLogoPixels})
	if err != nil {
		return nil, err
	}
	sb := src.Bounds()
	w, h := fit(sb.Dx(), sb.Dy(), LogoSide)
	dst := image.NewNRGBA(image.Rect(0, 0, w, h))
	if w == sb.Dx() && h == sb.Dy() {
		draw.Draw(dst, dst.Rect, src, sb.Min, draw.Src)
	} else {
		draw.CatmullRom.Scale(dst, dst.Rect, src, sb, draw.Src, nil)
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, dst); err != nil {
		return nil, errCorrupt(logo, err)
	}
	return buf.Bytes(), nil
}
