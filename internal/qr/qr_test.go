package qr

import (
	"errors"
	"strings"
	"testing"

	"chorus/internal/qr/qrtest"
)

func TestSVGDecodesToTheText(t *testing.T) {
	for _, text := range []string{
		"https://stories.example.org/ar/my/01HZX3K4B5C6D7E8F9G0H1J2K3/aVeryLongPrivateTokenOf43CharactersXXXXXXXX",
		"otpauth://totp/It%20Takes%20a%20Community:admin%40example.org?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=It%20Takes%20a%20Community",
		"short",
	} {
		svg, err := SVG(text)
		if err != nil {
			t.Fatal(err)
		}
		got, err := qrtest.Decode(svg)
		if err != nil {
			t.Fatal(err)
		}
		if got != text {
			t.Errorf("decoded %q, want %q", got, text)
		}
		if strings.Contains(string(svg), "<script") || strings.Contains(string(svg), "href") {
			t.Errorf("SVG carries a script or a reference: %.200s", svg)
		}
	}
}

func TestSVGRefusesEmptyAndOverlongText(t *testing.T) {
	if _, err := SVG(""); err == nil {
		t.Error("empty text accepted")
	}
	if _, err := SVG(strings.Repeat("a", MaxText+1)); !errors.Is(err, ErrTooLong) {
		t.Errorf("overlong text: %v", err)
	}
}

func FuzzSVG(f *testing.F) {
	f.Add("https://example.org/en/my/x/y")
	f.Add("ج")
	f.Fuzz(func(t *testing.T, text string) {
		svg, err := SVG(text)
		if err != nil {
			return
		}
		if !strings.HasPrefix(string(svg), "<svg") || !strings.HasSuffix(string(svg), "</svg>") {
			t.Fatalf("not an SVG: %.100s", svg)
		}
	})
}
