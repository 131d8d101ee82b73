// Package media turns an uploaded photo into clean, re-encoded JPEG
// renditions and keeps blobs on disk.
//
// Nothing of the uploaded file survives except its pixels: every rendition is
// a fresh JPEG encoded from decoded pixels, so EXIF (GPS included), XMP, IPTC,
// ICC profiles and comments are dropped by construction.
package media

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"net/http"

	"golang.org/x/image/webp"

	"chorus/internal/story"
)

// Limits bound what an upload may cost. A zero or negative field means the
// value from DefaultLimits.
type Limits struct {
	MaxBytes  int64 // default 10 MiB
	MaxPixels int64 // default 40_000_000 (width*height)
}

// DefaultLimits are the limits for storyteller uploads.
var DefaultLimits = Limits{MaxBytes: 10 << 20, MaxPixels: 40_000_000}

// maxSide refuses absurd dimensions even when the pixel count is acceptable,
// such as a 1 x 40,000,000 strip.
const maxSide = 1 << 15

// maxJPEGScans caps progressive JPEG scans: each one walks every block of
// the image, so a small file of many tiny scans costs a lot of CPU for
// nothing. libjpeg and libjpeg-turbo, which most cameras, phones and
// editors use, write 10 scans for colour, 6 for grey and 18 for CMYK
// (jpeg_simple_progression); Photoshop writes 3 to 5; mozjpeg's searched
// scripts stay around a dozen. A file beyond 20 was crafted.
const maxJPEGScans = 20

// Rendition names and their bounding boxes (longest side, in pixels).
const (
	RenditionList = "list"
	RenditionPage = "page"

	listMaxSide = 640
	pageMaxSide = 1600

	jpegQuality = 82
)

// Rendition is one re-encoded size of a photo.
type Rendition struct {
	Name          string // RenditionList or RenditionPage
	Width, Height int
	ContentType   string // "image/jpeg"
	Data          []byte
}

// Error keys Process returns.
const (
	KeyTooLarge      = "error.photo_too_large"
	KeyFormat        = "error.photo_format"
	KeyTooManyPixels = "error.photo_too_many_pixels"
	KeyCorrupt       = "error.photo_corrupt"
)

// upload names what an image is for, in error keys and messages: a
// storyteller's "photo" or a partner's "logo".
type upload string

const (
	photo upload = "photo"
	logo  upload = "logo"
)

func errTooLarge(u upload, limit int64) *story.Error {
	return story.Errorf(story.CodeTooLarge, "error."+string(u)+"_too_large",
		"This %s is too large. Please choose a %s smaller than %s.", u, u, formatBytes(limit))
}

func errFormat(u upload) *story.Error {
	return story.Errorf(story.CodeUnsupported, "error."+string(u)+"_format",
		"This file is not a %s we can use. Please choose a JPEG, PNG or WebP %s.", u, u)
}

func errTooManyPixels(u upload, limit int64) *story.Error {
	return story.Errorf(story.CodeTooLarge, "error."+string(u)+"_too_many_pixels",
		"This %s has too many pixels. Please choose a %s of at most %d megapixels.", u, u, limit/1_000_000)
}

func errCorrupt(u upload, cause error) *story.Error {
	e := story.Errorf(story.CodeInvalid, "error."+string(u)+"_corrupt",
		"This %s could not be read. It may be damaged or incomplete; please try another one.", u)
	e.Err = cause
	return e
}

func formatBytes(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KB", max(1, n>>10))
}

type format int

const (
	formatUnknown format = iota
	formatJPEG
	formatPNG
	formatWebP
)

// sniff identifies the format from the leading bytes only.
func sniff(b []byte) format {
	switch {
	case len(b) >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		return formatJPEG
	case len(b) >= 8 && string(b[:8]) == "\x89PNG\r\n\x1a\n":
		return formatPNG
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return formatWebP
	}
	return formatUnknown
}

// Process reads at most limits.MaxBytes+1 bytes from r, checks the real
// format and dimensions before decoding, and returns the "list" and "page"
// renditions, in that order, re-encoded as JPEG from pixels only. It never
// upscales. The decoding and re-encoding wait, while ctx lasts, for their
// share of the image memory budget (see Budget). Every error is a
// *story.Error.
func Process(ctx context.Context, r io.Reader, limits Limits) ([]Rendition, error) {
	return processWithin(ctx, r, limits, images.Load())
}

func processWithin(ctx context.Context, r io.Reader, limits Limits, budget *Budget) (renditions []Rendition, err error) {
	defer func() {
		if p := recover(); p != nil {
			renditions, err = nil, errCorrupt(photo, fmt.Errorf("panic: %v", p))
		}
	}()
	if limits.MaxBytes <= 0 {
		limits.MaxBytes = DefaultLimits.MaxBytes
	}
	if limits.MaxPixels <= 0 {
		limits.MaxPixels = DefaultLimits.MaxPixels
	}
	in, err := checkedRead(photo, r, limits)
	if err != nil {
		return nil, err
	}
	img, release, err := in.decode(ctx, budget)
	if err != nil {
		return nil, err
	}
	defer release()
	return render(img, orientation(in.format, in.data))
}

// checkedImage is an upload whose format, dimensions and JPEG scans were
// checked, and whose decoding cost was estimated, from its headers.
type checkedImage struct {
	upload upload
	format format
	data   []byte
	cfg    image.Config
	cost   int64 // bytes to reserve from the budget
}

// checkedRead reads at most limits.MaxBytes+1 bytes from r and checks the
// real format, the dimensions and the JPEG scans, without decoding. Errors
// are worded for u.
func checkedRead(u upload, r io.Reader, limits Limits) (*checkedImage, error) {
	data, err := readLimited(u, r, limits.MaxBytes)
	if err != nil {
		return nil, err
	}
	if len(data) == 0 {
		return nil, errCorrupt(u, errors.New("empty upload"))
	}
	f := sniff(data)
	if f == formatUnknown {
		return nil, errFormat(u)
	}
	cfg, err := decodeConfig(f, data)
	if err != nil {
		return nil, errCorrupt(u, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, errCorrupt(u, fmt.Errorf("dimensions %dx%d", cfg.Width, cfg.Height))
	}
	if cfg.Width > maxSide || cfg.Height > maxSide || int64(cfg.Width)*int64(cfg.Height) > limits.MaxPixels {
		return nil, errTooManyPixels(u, limits.MaxPixels)
	}
	if f == formatJPEG && jpegScans(data) > maxJPEGScans {
		return nil, errCorrupt(u, errors.New("too many JPEG scans"))
	}
	return &checkedImage{upload: u, format: f, data: data, cfg: cfg, cost: imageCost(u, f, data, cfg)}, nil
}

// decode waits, while ctx lasts, for the image's cost from budget, then
// decodes the pixels. The caller calls release once it is done with them
// and with what it made of them.
func (c *checkedImage) decode(ctx context.Context, budget *Budget) (img image.Image, release func(), err error) {
	release, err = budget.acquire(ctx, c.upload, c.cost)
	if err != nil {
		return nil, nil, err
	}
	img, err = decode(c.format, c.data)
	if err == nil {
		if b := img.Bounds(); b.Dx() != c.cfg.Width || b.Dy() != c.cfg.Height {
			err = fmt.Errorf("decoded %v, header said %dx%d", b, c.cfg.Width, c.cfg.Height)
		}
	}
	if err != nil {
		release()
		return nil, nil, errCorrupt(c.upload, err)
	}
	return img, release, nil
}

func readLimited(u upload, r io.Reader, maxBytes int64) ([]byte, error) {
	n := maxBytes
	if n < math.MaxInt64 {
		n++
	}
	data, err := io.ReadAll(io.LimitReader(r, n))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, errTooLarge(u, maxBytes)
		}
		return nil, errCorrupt(u, err)
	}
	if int64(len(data)) > maxBytes {
		return nil, errTooLarge(u, maxBytes)
	}
	return data, nil
}

// decoders are each format's own decoders: decodeConfig and decode call
// them rather than image.Decode, so that a format registered elsewhere in
// the program (GIF, BMP, ...) can never be accepted here.
var decoders = map[format]struct {
	config func(io.Reader) (image.Config, error)
	image  func(io.Reader) (image.Image, error)
}{
	formatJPEG: {jpeg.DecodeConfig, jpeg.Decode},
	formatPNG:  {png.DecodeConfig, png.Decode},
	formatWebP: {webp.DecodeConfig, webp.Decode},
}

func decodeConfig(f format, data []byte) (cfg image.Config, err error) {
	d, ok := decoders[f]
	if !ok {
		return image.Config{}, errors.New("unknown format")
	}
	defer recoverDecoderPanic(&err)
	return d.config(bytes.NewReader(data))
}

func decode(f format, data []byte) (img image.Image, err error) {
	d, ok := decoders[f]
	if !ok {
		return nil, errors.New("unknown format")
	}
	defer recoverDecoderPanic(&err)
	return d.image(bytes.NewReader(data))
}

// recoverDecoderPanic, deferred, turns a decoder's panic into *err.
func recoverDecoderPanic(err *error) {
	if p := recover(); p != nil {
		*err = fmt.Errorf("decoder panic: %v", p)
	}
}

// jpegScans counts the SOS markers of a JPEG, skipping segment payloads.
// Entropy-coded data needs no parsing: it cannot contain a marker.
func jpegScans(b []byte) int {
	scans := 0
	for i := 2; i+1 < len(b); {
		if b[i] != 0xFF {
			i++
			continue
		}
		switch m := b[i+1]; {
		case m == 0xFF:
			i++
			continue
		case m == 0x00 || m == 0x01 || m == 0xD8 || m >= 0xD0 && m <= 0xD7:
			i += 2 // stuffed byte or a marker without payload
			continue
		case m == 0xD9:
			return scans
		case m == 0xDA:
			scans++
		}
		if i+4 > len(b) {
			break
		}
		i += 2 + int(binary.BigEndian.Uint16(b[i+2:]))
	}
	return scans
}

func orientation(f format, data []byte) int {
	switch f {
	case formatJPEG:
		return jpegOrientation(data)
	case formatWebP:
		return webpOrientation(data)
	}
	return 1
}
