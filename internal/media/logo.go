package media

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"strings"

	"golang.org/x/image/draw"

	"chorus/internal/story"
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
			out, err = nil, errCorrupt(fmt.Errorf("panic: %v", p))
		}
		if err != nil {
			err = asLogoError(err)
		}
	}()
	data, err := readLimited(r, MaxLogoBytes)
	if err != nil {
		return nil, err
	}
	if len(data) == 0 {
		return nil, errCorrupt(errors.New("empty upload"))
	}
	f := sniff(data)
	if f == formatUnknown {
		return nil, errFormat()
	}
	cfg, err := decodeConfig(f, data)
	if err != nil {
		return nil, errCorrupt(err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, errCorrupt(fmt.Errorf("dimensions %dx%d", cfg.Width, cfg.Height))
	}
	if cfg.Width > maxSide || cfg.Height > maxSide || int64(cfg.Width)*int64(cfg.Height) > maxLogoPixels {
		return nil, errTooManyPixels(maxLogoPixels)
	}
	if f == formatJPEG && jpegScans(data) > maxJPEGScans {
		return nil, errCorrupt(errors.New("too many JPEG scans"))
	}
	src, err := decode(f, data)
	if err != nil {
		return nil, errCorrupt(err)
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
		return nil, errCorrupt(err)
	}
	return buf.Bytes(), nil
}

// asLogoError words a photo error for a logo.
func asLogoError(err error) error {
	var se *story.Error
	if !errors.As(err, &se) {
		return err
	}
	e := *se
	e.Key = strings.Replace(e.Key, "error.photo_", "error.logo_", 1)
	e.Message = strings.ReplaceAll(e.Message, "photo", "logo")
	return &e
}
