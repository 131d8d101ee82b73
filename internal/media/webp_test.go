package media

import (
	"bytes"
	"encoding/binary"
	"flag"
	"image/color"
	"os"
	"path/filepath"
	"testing"
)

// Go has no WebP encoder, so the lossless test files are built here: a VP8L
// bitstream of at most two colours needs nothing but "simple" prefix codes of
// one or two symbols. Run with -update to rewrite them.
var update = flag.Bool("update", false, "rewrite generated files under testdata")

// bitWriter writes bits least significant first, as VP8L reads them.
type bitWriter struct {
	buf  []byte
	acc  uint64
	bits uint
}

func (w *bitWriter) write(v uint32, n uint) {
	w.acc |= uint64(v) << w.bits
	w.bits += n
	for w.bits >= 8 {
		w.buf = append(w.buf, byte(w.acc))
		w.acc >>= 8
		w.bits -= 8
	}
}

func (w *bitWriter) bytes() []byte {
	if w.bits > 0 {
		return append(w.buf, byte(w.acc))
	}
	return w.buf
}

// vp8lTwoColours encodes a w x h image whose pixel (x, y) is colours[pick(x, y)].
func vp8lTwoColours(w, h int, colours [2]color.NRGBA, pick func(x, y int) int) []byte {
	bw := &bitWriter{buf: []byte{0x2f}}
	bw.write(uint32(w-1), 14)
	bw.write(uint32(h-1), 14)
	bw.write(1, 1) // alpha is used
	bw.write(0, 3) // version
	bw.write(0, 1) // no transform
	bw.write(0, 1) // no colour cache
	bw.write(0, 1) // no meta prefix codes

	// Prefix codes in VP8L order: green, red, blue, alpha, then distance.
	channel := func(c color.NRGBA, i int) uint32 { return uint32([4]uint8{c.G, c.R, c.B, c.A}[i]) }
	var high [4]uint32
	var twoSymbols [4]bool
	for i := range 4 {
		a, b := channel(colours[0], i), channel(colours[1], i)
		bw.write(1, 1) // simple code
		if a == b {
			bw.write(0, 1) // one symbol
			bw.write(1, 1) // 8-bit symbol
			bw.write(a, 8)
			continue
		}
		lo, hi := min(a, b), max(a, b)
		twoSymbols[i], high[i] = true, hi
		bw.write(1, 1) // two symbols, ascending, so code 0 is the lower one
		bw.write(1, 1)
		bw.write(lo, 8)
		bw.write(hi, 8)
	}
	bw.write(1, 1) // distance: simple code, one 1-bit symbol, 0
	bw.write(0, 1)
	bw.write(0, 1)
	bw.write(0, 1)

	for y := range h {
		for x := range w {
			c := colours[pick(x, y)]
			for i := range 4 {
				if twoSymbols[i] {
					bit := uint32(0)
					if channel(c, i) == high[i] {
						bit = 1
					}
					bw.write(bit, 1)
				}
			}
		}
	}
	return bw.bytes()
}

func riffChunk(id string, payload []byte) []byte {
	out := append([]byte(id), 0, 0, 0, 0)
	binary.LittleEndian.PutUint32(out[4:], uint32(len(payload)))
	out = append(out, payload...)
	if len(payload)%2 == 1 {
		out = append(out, 0)
	}
	return out
}

func webpFile(chunks ...[]byte) []byte {
	body := []byte("WEBP")
	for _, c := range chunks {
		body = append(body, c...)
	}
	return riffChunk("RIFF", body)
}

// vp8xChunk declares the extended format with the given feature flags.
func vp8xChunk(flags byte, w, h int) []byte {
	p := make([]byte, 10)
	p[0] = flags
	p[4], p[5], p[6] = byte(w-1), byte((w-1)>>8), byte((w-1)>>16)
	p[7], p[8], p[9] = byte(h-1), byte((h-1)>>8), byte((h-1)>>16)
	return riffChunk("VP8X", p)
}

const (
	vp8xEXIF  = 1 << 3
	vp8xAlpha = 1 << 4
)

// redCornerVP8L is 32 x 16: an 8 x 8 opaque red block top-left, the rest fully
// transparent.
func redCornerVP8L() []byte {
	return vp8lTwoColours(32, 16, [2]color.NRGBA{{}, red}, func(x, y int) int {
		if x < 8 && y < 8 {
			return 1
		}
		return 0
	})
}

func generatedWebPs() map[string][]byte {
	return map[string][]byte{
		"red-corner.lossless.webp": webpFile(riffChunk("VP8L", redCornerVP8L())),
		"red-corner-orientation6.lossless.webp": webpFile(
			vp8xChunk(vp8xAlpha|vp8xEXIF, 32, 16),
			riffChunk("VP8L", redCornerVP8L()),
			riffChunk("EXIF", orientationTIFF(6)),
		),
	}
}

func TestGeneratedWebPTestdata(t *testing.T) {
	for name, want := range generatedWebPs() {
		path := filepath.Join("testdata", name)
		if *update {
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -run TestGeneratedWebPTestdata -update)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is out of date: run go test -run TestGeneratedWebPTestdata -update", path)
		}
	}
}
