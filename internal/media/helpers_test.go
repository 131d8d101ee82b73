package media

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

// Test colours, and the quadrant image used for orientation tests.
var (
	red    = color.NRGBA{255, 0, 0, 255}
	green  = color.NRGBA{0, 255, 0, 255}
	blue   = color.NRGBA{0, 0, 255, 255}
	yellow = color.NRGBA{255, 255, 0, 255}
	white  = color.NRGBA{255, 255, 255, 255}
)

// quadrants returns a w x h image: red top-left, green top-right, blue
// bottom-left, yellow bottom-right.
func quadrants(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := red
			switch {
			case x >= w/2 && y < h/2:
				c = green
			case x < w/2 && y >= h/2:
				c = blue
			case x >= w/2 && y >= h/2:
				c = yellow
			}
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

func encodeJPEG(t testing.TB, img image.Image, quality int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// jpegSegment builds one marker segment: FF marker, big-endian length, payload.
func jpegSegment(marker byte, payload []byte) []byte {
	seg := []byte{0xFF, marker, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	return append(seg, payload...)
}

// insertSegments puts segments right after the SOI marker of a JPEG.
func insertSegments(jpg []byte, segments ...[]byte) []byte {
	out := append([]byte{}, jpg[:2]...)
	for _, s := range segments {
		out = append(out, s...)
	}
	return append(out, jpg[2:]...)
}

func exifSegment(tiff []byte) []byte {
	return jpegSegment(0xE1, append([]byte("Exif\x00\x00"), tiff...))
}

// ifdEntry is one TIFF directory entry; data of up to four bytes is stored
// inline, longer data in the area after the directories.
type ifdEntry struct {
	tag, typ uint16
	count    uint32
	data     []byte
}

// buildTIFF lays out a TIFF header, IFD0 and, when gps is not empty, a GPS IFD
// that IFD0 points to through tag 0x8825.
func buildTIFF(order binary.ByteOrder, ifd0, gps []ifdEntry) []byte {
	if len(gps) > 0 {
		ifd0 = append(ifd0, ifdEntry{tag: 0x8825, typ: 4, count: 1}) // offset patched below
	}
	ifdSize := func(n int) int { return 2 + 12*n + 4 }
	ifd0Off := 8
	gpsOff := ifd0Off + ifdSize(len(ifd0))
	dataOff := gpsOff
	if len(gps) > 0 {
		dataOff += ifdSize(len(gps))
	}
	out := make([]byte, dataOff)
	if order == binary.ByteOrder(binary.LittleEndian) {
		copy(out, "II")
	} else {
		copy(out, "MM")
	}
	order.PutUint16(out[2:], 42)
	order.PutUint32(out[4:], uint32(ifd0Off))

	writeIFD := func(at int, entries []ifdEntry) {
		order.PutUint16(out[at:], uint16(len(entries)))
		for i, e := range entries {
			p := at + 2 + 12*i
			order.PutUint16(out[p:], e.tag)
			order.PutUint16(out[p+2:], e.typ)
			order.PutUint32(out[p+4:], e.count)
			switch {
			case e.tag == 0x8825:
				order.PutUint32(out[p+8:], uint32(gpsOff))
			case len(e.data) <= 4:
				copy(out[p+8:p+12], e.data)
			default:
				order.PutUint32(out[p+8:], uint32(len(out)))
				out = append(out, e.data...)
				if len(out)%2 == 1 {
					out = append(out, 0)
				}
			}
		}
	}
	writeIFD(ifd0Off, ifd0)
	if len(gps) > 0 {
		writeIFD(gpsOff, gps)
	}
	return out
}

func orientationEntry(order binary.ByteOrder, o int) ifdEntry {
	v := make([]byte, 2)
	order.PutUint16(v, uint16(o))
	return ifdEntry{tag: tagOrientation, typ: typeShort, count: 1, data: v}
}

func orientationTIFF(o int) []byte {
	return buildTIFF(binary.BigEndian, []ifdEntry{orientationEntry(binary.BigEndian, o)}, nil)
}

func asciiEntry(tag uint16, s string) ifdEntry {
	return ifdEntry{tag: tag, typ: 2, count: uint32(len(s) + 1), data: append([]byte(s), 0)}
}

// rationals encodes unsigned TIFF RATIONALs, numerator/denominator pairs.
func rationals(order binary.ByteOrder, v ...uint32) []byte {
	out := make([]byte, 4*len(v))
	for i, x := range v {
		order.PutUint32(out[4*i:], x)
	}
	return out
}

// pngChunk builds a PNG chunk with its CRC.
func pngChunk(typ string, data []byte) []byte {
	out := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	out = append(out, typ...)
	out = append(out, data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(out[4:]))
}

// pngHeaderOnly is a PNG whose IHDR declares w x h RGBA pixels, followed by a
// scrap of image data: what a decompression bomb looks like to a header check.
func pngHeaderOnly(w, h uint32) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0)
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, pngChunk("IHDR", ihdr)...)
	out = append(out, pngChunk("IDAT", []byte{0x78, 0x9c, 0x63, 0, 0, 0, 1, 0, 1})...)
	return append(out, pngChunk("IEND", nil)...)
}

// jpegMarkersBeforeScan lists the markers of a JPEG up to its first SOS.
func jpegMarkersBeforeScan(t *testing.T, b []byte) []byte {
	t.Helper()
	if len(b) < 2 || b[0] != 0xFF || b[1] != 0xD8 {
		t.Fatalf("not a JPEG: % x", b[:min(len(b), 4)])
	}
	var markers []byte
	for i := 2; ; {
		if i+4 > len(b) || b[i] != 0xFF {
			t.Fatalf("bad JPEG structure at %d", i)
		}
		m := b[i+1]
		markers = append(markers, m)
		if m == 0xDA {
			return markers
		}
		i += 2 + int(binary.BigEndian.Uint16(b[i+2:]))
	}
}

// near reports whether two colours differ by at most tol in every channel.
func near(got color.Color, want color.NRGBA, tol int) bool {
	g := color.NRGBAModel.Convert(got).(color.NRGBA)
	d := func(a, b uint8) bool { return max(int(a)-int(b), int(b)-int(a)) <= tol }
	return d(g.R, want.R) && d(g.G, want.G) && d(g.B, want.B) && d(g.A, want.A)
}
