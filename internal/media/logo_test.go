package media

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"chorus/internal/story"
)

// pngWithText is a PNG carrying a tEXt chunk, the way editors leave an
// author's name or a location in a file.
func pngWithText(t *testing.T, w, h int, text string) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.NRGBA{R: uint8(x), G: 80, B: 160, A: uint8(255 * (x % 2))})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	// Insert a tEXt chunk after IHDR (8-byte signature + 25-byte IHDR chunk).
	chunk := pngChunk("tEXt", []byte("Comment\x00"+text))
	return append(append(append([]byte{}, b[:33]...), chunk...), b[33:]...)
}

func TestProcessLogoKeepsPixelsAndTransparencyOnly(t *testing.T) {
	in := pngWithText(t, 1200, 300, "GPS 45.5017,-73.5673 home of the author")
	out, err := ProcessLogo(t.Context(), bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte("GPS")) || bytes.Contains(out, []byte("tEXt")) {
		t.Fatal("the logo kept its text chunk")
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != LogoSide || b.Dy() != 150 {
		t.Fatalf("size %v, want %dx150", b, LogoSide)
	}
	if _, _, _, a := img.At(0, 75).RGBA(); a == 0xffff {
		t.Error("transparency lost")
	}
}

func TestProcessLogoRefusesWhatIsNotALogo(t *testing.T) {
	for name, data := range map[string][]byte{
		"empty":     nil,
		"text":      []byte(strings.Repeat("not an image ", 10)),
		"too large": append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, MaxLogoBytes)...),
		"truncated": pngWithText(t, 40, 40, "x")[:60],
	} {
		_, err := ProcessLogo(t.Context(), bytes.NewReader(data))
		var se *story.Error
		if !errors.As(err, &se) || !strings.HasPrefix(se.Key, "error.logo_") || !strings.Contains(se.Message, "logo") {
			t.Errorf("%s: %v, want a clear error about the logo", name, err)
		}
	}
}
