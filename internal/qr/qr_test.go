package qr

import (
	"image"
	"image/color"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"
)

var squareRE = regexp.MustCompile(`M(\d+) (\d+)h1v1h-1z`)

// rasterise paints the SVG's unit squares at scale pixels a module, the
// way a printer would, reading only the SVG text.
func rasterise(t *testing.T, svg string, scale int) image.Image {
	t.Helper()
	m := regexp.MustCompile(`viewBox="0 0 (\d+) (\d+)"`).FindStringSubmatch(svg)
	if m == nil {
		t.Fatalf("no viewBox in %.200s", svg)
	}
	n, _ := strconv.Atoi(m[1])
	img := image.NewGray(image.Rect(0, 0, n*scale, n*scale))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for _, sq := range squareRE.FindAllStringSubmatch(svg, -1) {
		x, _ := strconv.Atoi(sq[1])
		y, _ := strconv.Atoi(sq[2])
		for dy := range scale {
			for dx := range scale {
				img.SetGray(x*scale+dx, y*scale+dy, color.Gray{})
			}
		}
	}
	return img
}

// TestSVGDecodesToTheText: a decoder reading the drawn code gets back the
// exact link, for a private link and for a text in other scripts.
func TestSVGDecodesToTheText(t *testing.T) {
	for _, text := range []string{
		"https://chorus.example.org/fr/my/s0123456789abcdef/Zk3v9QwErTy-uIoP_aSdFgHjKlZxCvBn",
		"قصتي — ma histoire",
	} {
		svg, err := SVG(text, "Code <QR>", 240)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(svg, `aria-label="Code &lt;QR&gt;"`) || strings.Contains(svg, "<script") {
			t.Errorf("label not escaped or script present: %.200s", svg)
		}
		bmp, err := gozxing.NewBinaryBitmapFromImage(rasterise(t, svg, 4))
		if err != nil {
			t.Fatal(err)
		}
		result, err := gozxingqr.NewQRCodeReader().Decode(bmp, nil)
		if err != nil {
			t.Fatalf("decode %q: %v", text, err)
		}
		if result.GetText() != text {
			t.Errorf("decoded %q, want %q", result.GetText(), text)
		}
	}
}

func TestSVGRefusesEmptyAndOversizedText(t *testing.T) {
	for _, text := range []string{"", strings.Repeat("a", MaxText+1)} {
		if _, err := SVG(text, "x", 100); err == nil {
			t.Errorf("text of %d bytes accepted", len(text))
		}
	}
}
