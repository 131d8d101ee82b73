package media

import (
	"bytes"
	"context"
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
// checks its real format and dimensions before decoding, and returns it
// upright (its EXIF orientation applied) as a PNG no larger than LogoSide on
// its longest side, with its transparency and nothing else: no metadata
// survives. It waits, while ctx lasts, for its share of the image memory
// budget that photos use too. Every error is a *story.Error whose key starts
// with "error.logo_", but for a busy or cancelled wait.
func ProcessLogo(ctx context.Context, r io.Reader) ([]byte, error) {
	return processLogoWithin(ctx, r, images.Load())
}

func processLogoWithin(ctx context.Context, r io.Reader, budget *Budget) (out []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, errCorrupt(logo, fmt.Errorf("panic: %v", p))
		}
	}()
	in, err := checkedRead(logo, r, Limits{MaxBytes: MaxLogoBytes, MaxPixels: maxLogoPixels})
	if err != nil {
		return nil, err
	}
	src, release, err := in.decode(ctx, budget)
	if err != nil {
		return nil, err
	}
	defer release()
	sb := src.Bounds()
	w, h := fit(sb.Dx(), sb.Dy(), LogoSide)
	dst := image.NewNRGBA(image.Rect(0, 0, w, h))
	if w == sb.Dx() && h == sb.Dy() {
		draw.Draw(dst, dst.Rect, src, sb.Min, draw.Src)
	} else {
		draw.CatmullRom.Scale(dst, dst.Rect, src, sb, draw.Src, nil)
	}
	dst = orientNRGBA(dst, orientation(in.format, in.data))
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, dst); err != nil {
		return nil, errCorrupt(logo, err)
	}
	return buf.Bytes(), nil
}

// orientNRGBA applies an EXIF orientation to a logo. orient only moves
// four-byte pixels, so it serves non-premultiplied pixels as well.
func orientNRGBA(src *image.NRGBA, orientation int) *image.NRGBA {
	moved := orient(&image.RGBA{Pix: src.Pix, Stride: src.Stride, Rect: src.Rect}, orientation)
	return &image.NRGBA{Pix: moved.Pix, Stride: moved.Stride, Rect: moved.Rect}
}
