package mediatest

import (
	"bytes"
	"image"
	"image/jpeg"
	"testing"
)

func TestProgressiveJPEGDecodes(t *testing.T) {
	for _, scans := range []int{2, 10, 97} {
		data := ProgressiveJPEG(333, 211, scans)
		img, err := jpeg.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%d scans: %v", scans, err)
		}
		if img.Bounds() != image.Rect(0, 0, 333, 211) {
			t.Fatalf("%d scans: bounds %v", scans, img.Bounds())
		}
		if n := bytes.Count(data, []byte{0xFF, 0xDA}); n != scans {
			t.Fatalf("%d SOS markers, want %d", n, scans)
		}
	}
}
