package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"chorus/internal/story"
)

func process(t *testing.T, data []byte) []Rendition {
	t.Helper()
	out, err := Process(t.Context(), bytes.NewReader(data), DefaultLimits)
	if err != nil {
		t.Fatalf("Process: %v", err)
	}
	checkRenditions(t, out)
	return out
}

// checkRenditions checks the invariants of every successful Process call and
// that each rendition is a plain JPEG of the size it claims.
func checkRenditions(t testing.TB, out []Rendition) {
	t.Helper()
	if len(out) != 2 || out[0].Name != RenditionList || out[1].Name != RenditionPage {
		t.Fatalf("want renditions list, page; got %d", len(out))
	}
	for _, r := range out {
		if r.ContentType != "image/jpeg" {
			t.Errorf("%s: content type %q", r.Name, r.ContentType)
		}
		limit := pageMaxSide
		if r.Name == RenditionList {
			limit = listMaxSide
		}
		if r.Width < 1 || r.Height < 1 || r.Width > limit || r.Height > limit {
			t.Errorf("%s: size %dx%d outside 1..%d", r.Name, r.Width, r.Height, limit)
		}
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(r.Data))
		if err != nil {
			t.Fatalf("%s: output is not a JPEG: %v", r.Name, err)
		}
		if cfg.Width != r.Width || cfg.Height != r.Height {
			t.Errorf("%s: claims %dx%d, JPEG is %dx%d", r.Name, r.Width, r.Height, cfg.Width, cfg.Height)
		}
	}
}

func decodeRendition(t *testing.T, r Rendition) image.Image {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(r.Data))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const xmpMarker = "CHORUS-XMP-MARKER-7f3a"

// jpegWithPrivateMetadata is a JPEG carrying EXIF with a camera make and GPS
// position, XMP, IPTC, an ICC profile and a comment.
func jpegWithPrivateMetadata(t testing.TB) []byte {
	order := binary.LittleEndian
	tiff := buildTIFF(order,
		[]ifdEntry{
			asciiEntry(0x010F, "ChorusTestCamMaker"),
			asciiEntry(0x0110, "ChorusTestModel"),
			orientationEntry(order, 1),
		},
		[]ifdEntry{
			{tag: 0x0000, typ: 1, count: 4, data: []byte{2, 3, 0, 0}}, // GPSVersionID
			asciiEntry(0x0001, "N"),
			{tag: 0x0002, typ: 5, count: 3, data: rationals(order, 52, 1, 31, 1, 1234, 100)},
			asciiEntry(0x0003, "E"),
			{tag: 0x0004, typ: 5, count: 3, data: rationals(order, 13, 1, 24, 1, 5678, 100)},
			asciiEntry(0x001B, "GPS-PROCESSING-METHOD"),
		})
	xmp := "http://ns.adobe.com/xap/1.0/\x00" +
		`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description exif:GPSLatitude="52,31.2N" dc:creator="` +
		xmpMarker + `"/></rdf:RDF></x:xmpmeta>`
	iptc := "Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x10\x1c\x02\x5a\x00\x0cChorusCityXY"
	icc := "ICC_PROFILE\x00\x01\x01" + strings.Repeat("\x00", 64) + "ChorusICCdesc"
	return insertSegments(encodeJPEG(t, quadrants(320, 240), 90),
		exifSegment(tiff),
		jpegSegment(0xE1, []byte(xmp)),
		jpegSegment(0xED, []byte(iptc)),
		jpegSegment(0xE2, []byte(icc)),
		jpegSegment(0xFE, []byte("ChorusCommentSecret")),
	)
}

func TestProcessStripsAllMetadata(t *testing.T) {
	in := jpegWithPrivateMetadata(t)
	for _, s := range []string{"Exif", "GPS", xmpMarker, "ChorusTestCamMaker", "ChorusICCdesc", "ChorusCommentSecret"} {
		if !bytes.Contains(in, []byte(s)) {
			t.Fatalf("test input lacks %q", s)
		}
	}
	for _, r := range process(t, in) {
		for _, m := range jpegMarkersBeforeScan(t, r.Data) {
			if m >= 0xE0 && m <= 0xEF || m == 0xFE {
				t.Errorf("%s: output has metadata segment FF %02X", r.Name, m)
			}
		}
		for _, s := range []string{"Exif", "GPS", "http://ns.adobe.com", xmpMarker, "ChorusTest", "Photoshop", "ICC_PROFILE", "Chorus"} {
			if bytes.Contains(r.Data, []byte(s)) {
				t.Errorf("%s: output contains %q", r.Name, s)
			}
		}
	}
}

func TestProcessAppliesOrientation(t *testing.T) {
	// Corners of the 64x32 quadrant image as displayed: top-left, top-right,
	// bottom-left, bottom-right.
	tests := []struct {
		orientation int
		wide        bool
		corners     [4]color.NRGBA
	}{
		{1, true, [4]color.NRGBA{red, green, blue, yellow}},
		{3, true, [4]color.NRGBA{yellow, blue, green, red}},
		{6, false, [4]color.NRGBA{blue, red, yellow, green}},
		{8, false, [4]color.NRGBA{green, yellow, red, blue}},
	}
	for _, tt := range tests {
		in := insertSegments(encodeJPEG(t, quadrants(64, 32), 95), exifSegment(orientationTIFF(tt.orientation)))
		if got := jpegOrientation(in); got != tt.orientation {
			t.Fatalf("orientation %d read as %d", tt.orientation, got)
		}
		for _, r := range process(t, in) {
			w, h := 64, 32
			if !tt.wide {
				w, h = 32, 64
			}
			if r.Width != w || r.Height != h {
				t.Fatalf("orientation %d, %s: got %dx%d, want %dx%d", tt.orientation, r.Name, r.Width, r.Height, w, h)
			}
			img := decodeRendition(t, r)
			points := [4]image.Point{{4, 4}, {w - 5, 4}, {4, h - 5}, {w - 5, h - 5}}
			for i, p := range points {
				if got := img.At(p.X, p.Y); !near(got, tt.corners[i], 40) {
					t.Errorf("orientation %d, %s: at %v got %v, want %v", tt.orientation, r.Name, p, got, tt.corners[i])
				}
			}
		}
	}
}

func TestOrientAllEight(t *testing.T) {
	// Pixels a..f of a 3x2 image, identified by their red value.
	src := image.NewRGBA(image.Rect(0, 0, 3, 2))
	for i := range 6 {
		src.Pix[4*i] = byte('a' + i)
	}
	want := map[int][]string{
		1: {"abc", "def"},
		2: {"cba", "fed"},
		3: {"fed", "cba"},
		4: {"def", "abc"},
		5: {"ad", "be", "cf"},
		6: {"da", "eb", "fc"},
		7: {"fc", "eb", "da"},
		8: {"cf", "be", "ad"},
	}
	for o, rows := range want {
		dst := orient(src, o)
		var got []string
		for y := range dst.Rect.Dy() {
			var row []byte
			for x := range dst.Rect.Dx() {
				row = append(row, dst.Pix[y*dst.Stride+4*x])
			}
			got = append(got, string(row))
		}
		if strings.Join(got, "/") != strings.Join(rows, "/") {
			t.Errorf("orientation %d: got %v, want %v", o, got, rows)
		}
	}
}

func TestProcessFlattensPNGAlphaOntoWhite(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 300, 200))
	for y := range 200 {
		for x := range 300 {
			switch {
			case x < 100: // fully transparent (and black underneath)
			case x < 200:
				img.SetNRGBA(x, y, color.NRGBA{255, 0, 0, 128})
			default:
				img.SetNRGBA(x, y, blue)
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	for _, r := range process(t, buf.Bytes()) {
		if r.Width != 300 || r.Height != 200 {
			t.Fatalf("%s: %dx%d, want 300x200 (never upscaled)", r.Name, r.Width, r.Height)
		}
		out := decodeRendition(t, r)
		for _, c := range []struct {
			x    int
			want color.NRGBA
		}{{50, white}, {150, color.NRGBA{255, 127, 127, 255}}, {250, blue}} {
			if got := out.At(c.x, 100); !near(got, c.want, 12) {
				t.Errorf("%s: at x=%d got %v, want %v", r.Name, c.x, got, c.want)
			}
		}
	}
}

func TestProcessSizes(t *testing.T) {
	tests := []struct {
		w, h             int
		listW, listH     int
		pageW, pageH     int
		asPNG            bool
		transparentPixel bool
	}{
		{4000, 3000, 640, 480, 1600, 1200, false, false},
		{1000, 3000, 213, 640, 533, 1600, true, false},
		{1600, 900, 640, 360, 1600, 900, true, true},
		{800, 600, 640, 480, 800, 600, false, false},
		{17, 5, 17, 5, 17, 5, true, true},
		{1, 1, 1, 1, 1, 1, true, false},
		{3000, 2, 640, 1, 1600, 1, true, false},
	}
	for _, tt := range tests {
		var data []byte
		src := quadrants(tt.w, tt.h)
		if tt.transparentPixel {
			src.Pix[3] = 0
		}
		if tt.asPNG {
			var buf bytes.Buffer
			if err := png.Encode(&buf, src); err != nil {
				t.Fatal(err)
			}
			data = buf.Bytes()
		} else {
			data = encodeJPEG(t, src, 85)
		}
		out := process(t, data)
		if out[0].Width != tt.listW || out[0].Height != tt.listH || out[1].Width != tt.pageW || out[1].Height != tt.pageH {
			t.Errorf("png=%v %dx%d: list %dx%d, page %dx%d; want list %dx%d, page %dx%d", tt.asPNG, tt.w, tt.h,
				out[0].Width, out[0].Height, out[1].Width, out[1].Height, tt.listW, tt.listH, tt.pageW, tt.pageH)
		}
	}
}

func TestProcessStripsWebPMetadata(t *testing.T) {
	le := binary.LittleEndian
	tiff := buildTIFF(le, []ifdEntry{asciiEntry(0x010F, "ChorusTestCamMaker")},
		[]ifdEntry{asciiEntry(0x0001, "N"), {tag: 0x0002, typ: 5, count: 3, data: rationals(le, 52, 1, 31, 1, 1234, 100)}})
	in := webpFile(
		vp8xChunk(vp8xAlpha|vp8xEXIF|1<<2, 32, 16),
		riffChunk("VP8L", redCornerVP8L()),
		riffChunk("EXIF", tiff),
		riffChunk("XMP ", []byte("<x:xmpmeta>"+xmpMarker+"</x:xmpmeta>")),
	)
	for _, r := range process(t, in) {
		for _, s := range []string{"Exif", "EXIF", "GPS", "XMP", xmpMarker, "Chorus", "RIFF", "WEBP"} {
			if bytes.Contains(r.Data, []byte(s)) {
				t.Errorf("%s: output contains %q", r.Name, s)
			}
		}
	}
}

func TestProcessWebP(t *testing.T) {
	tests := []struct {
		file       string
		w, h       int
		redAt      image.Point
		whiteAt    image.Point
		checkPixel bool
	}{
		{"red-corner.lossless.webp", 32, 16, image.Pt(3, 3), image.Pt(24, 12), true},
		{"red-corner-orientation6.lossless.webp", 16, 32, image.Pt(12, 3), image.Pt(3, 24), true},
		{"video-001.lossy.webp", 150, 103, image.Point{}, image.Point{}, false},
		{"yellow_rose.lossy-with-alpha.webp", 400, 301, image.Point{}, image.Point{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			out := process(t, readTestdata(t, tt.file))
			for _, r := range out {
				if r.Width != tt.w || r.Height != tt.h {
					t.Fatalf("%s: %dx%d, want %dx%d", r.Name, r.Width, r.Height, tt.w, tt.h)
				}
				if !tt.checkPixel {
					continue
				}
				img := decodeRendition(t, r)
				if got := img.At(tt.redAt.X, tt.redAt.Y); !near(got, red, 40) {
					t.Errorf("%s: at %v got %v, want red", r.Name, tt.redAt, got)
				}
				if got := img.At(tt.whiteAt.X, tt.whiteAt.Y); !near(got, white, 12) {
					t.Errorf("%s: at %v got %v, want white (flattened transparency)", r.Name, tt.whiteAt, got)
				}
			}
		})
	}
}

type hostileCase struct {
	name   string
	data   []byte
	limits Limits
	code   story.Code
	key    string
}

// hostileInputs are uploads Process must refuse; FuzzProcess starts from them.
func hostileInputs(t testing.TB) []hostileCase {
	valid := encodeJPEG(t, quadrants(120, 80), 80)

	sofBomb := bytes.Clone(valid)
	sof := bytes.Index(sofBomb, []byte{0xFF, 0xC0})
	binary.BigEndian.PutUint16(sofBomb[sof+5:], 30000) // height
	binary.BigEndian.PutUint16(sofBomb[sof+7:], 30000) // width

	// Repeat the scan of a baseline JPEG: a cheap stand-in for a progressive
	// file with thousands of tiny scans.
	sos := bytes.Index(valid, []byte{0xFF, 0xDA})
	manyScans := bytes.Clone(valid[:sos])
	for range 150 {
		manyScans = append(manyScans, valid[sos:len(valid)-2]...)
	}
	manyScans = append(manyScans, 0xFF, 0xD9)

	var gifBuf bytes.Buffer
	pal := image.NewPaletted(image.Rect(0, 0, 10, 10), []color.Color{color.Black, color.White})
	if err := gif.Encode(&gifBuf, pal, nil); err != nil {
		t.Fatal(err)
	}

	random := make([]byte, 4096)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range random {
		random[i] = byte(rng.Uint32())
	}

	webpBomb := webpFile(vp8xChunk(0, 16000, 16000), riffChunk("VP8L", redCornerVP8L()))

	damagedPNG := pngHeaderOnly(10, 10)
	damagedPNG[20] ^= 0xFF // inside IHDR: the CRC no longer matches

	const (
		invalid     = story.CodeInvalid
		tooLarge    = story.CodeTooLarge
		unsupported = story.CodeUnsupported
	)
	return []hostileCase{
		{"empty", nil, DefaultLimits, invalid, KeyCorrupt},
		{"truncated jpeg", valid[:len(valid)/2], DefaultLimits, invalid, KeyCorrupt},
		{"jpeg signature only", valid[:3], DefaultLimits, invalid, KeyCorrupt},
		{"jpeg without frame", append(bytes.Clone(valid[:2]), 0xFF, 0xD9), DefaultLimits, invalid, KeyCorrupt},
		{"png bomb 100000x100000", pngHeaderOnly(100000, 100000), DefaultLimits, tooLarge, KeyTooManyPixels},
		{"png bomb 7000x7000", pngHeaderOnly(7000, 7000), DefaultLimits, tooLarge, KeyTooManyPixels},
		{"png absurd 40000x1", pngHeaderOnly(40000, 1), DefaultLimits, tooLarge, KeyTooManyPixels},
		{"png zero width", pngHeaderOnly(0, 10), DefaultLimits, invalid, KeyCorrupt},
		{"png damaged header", damagedPNG, DefaultLimits, invalid, KeyCorrupt},
		{"png header, no pixels", pngHeaderOnly(10, 10), DefaultLimits, invalid, KeyCorrupt},
		{"jpeg bomb 30000x30000", sofBomb, DefaultLimits, tooLarge, KeyTooManyPixels},
		{"webp bomb 16000x16000", webpBomb, DefaultLimits, tooLarge, KeyTooManyPixels},
		{"webp truncated", readTestdata(t, "video-001.lossy.webp")[:1000], DefaultLimits, invalid, KeyCorrupt},
		{"riff but not webp", []byte("RIFF\x04\x00\x00\x00WAVE"), DefaultLimits, unsupported, KeyFormat},
		{"jpeg with 150 scans", manyScans, DefaultLimits, invalid, KeyCorrupt},
		{"gif", gifBuf.Bytes(), DefaultLimits, unsupported, KeyFormat},
		{"svg", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>`), DefaultLimits, unsupported, KeyFormat},
		{"heic", append([]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), make([]byte, 64)...), DefaultLimits, unsupported, KeyFormat},
		{"bmp", append([]byte("BM"), make([]byte, 64)...), DefaultLimits, unsupported, KeyFormat},
		{"random bytes", random, DefaultLimits, unsupported, KeyFormat},
		{"text file named photo.jpg", []byte("These are my notes, saved as photo.jpg.\n"), DefaultLimits, unsupported, KeyFormat},
		{"one byte over MaxBytes", valid, Limits{MaxBytes: int64(len(valid)) - 1}, tooLarge, KeyTooLarge},
		{"over MaxPixels", valid, Limits{MaxPixels: 120*80 - 1}, tooLarge, KeyTooManyPixels},
	}
}

func checkError(t *testing.T, err error, code story.Code, key string) {
	t.Helper()
	var se *story.Error
	if !errors.As(err, &se) {
		t.Fatalf("got %v (%T), want *story.Error", err, err)
	}
	if se.Code != code || se.Key != key {
		t.Errorf("got %s/%s, want %s/%s (%v)", se.Code, se.Key, code, key, err)
	}
	if se.Message == "" || !strings.HasSuffix(se.Message, ".") {
		t.Errorf("message %q is not a sentence", se.Message)
	}
}

func TestProcessRefusesHostileInput(t *testing.T) {
	for _, tt := range hostileInputs(t) {
		t.Run(tt.name, func(t *testing.T) {
			out, err := Process(t.Context(), bytes.NewReader(tt.data), tt.limits)
			if out != nil {
				t.Errorf("got %d renditions with the error", len(out))
			}
			checkError(t, err, tt.code, tt.key)
		})
	}
}

func TestProcessRefusesBombBeforeAllocating(t *testing.T) {
	bomb := pngHeaderOnly(30000, 30000) // under maxSide, 900 megapixels
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := Process(t.Context(), bytes.NewReader(bomb), DefaultLimits)
	runtime.ReadMemStats(&after)
	checkError(t, err, story.CodeTooLarge, KeyTooManyPixels)
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
		t.Errorf("allocated %d bytes refusing a bomb", n)
	}
}

func TestProcessDefaultMaxBytes(t *testing.T) {
	data := make([]byte, DefaultLimits.MaxBytes+1)
	copy(data, encodeJPEG(t, quadrants(16, 16), 80))
	_, err := Process(t.Context(), bytes.NewReader(data), Limits{})
	checkError(t, err, story.CodeTooLarge, KeyTooLarge)
	if se, _ := errors.AsType[*story.Error](err); !strings.Contains(se.Message, "10 MB") {
		t.Errorf("message %q does not name the limit", se.Message)
	}
}

func TestProcessAcceptsExactlyMaxBytes(t *testing.T) {
	valid := encodeJPEG(t, quadrants(120, 80), 80)
	out, err := Process(t.Context(), bytes.NewReader(valid), Limits{MaxBytes: int64(len(valid))})
	if err != nil {
		t.Fatal(err)
	}
	checkRenditions(t, out)
}

func TestProcessReadErrors(t *testing.T) {
	_, err := Process(t.Context(), io.MultiReader(strings.NewReader("\xFF\xD8\xFF"), errReader{}), DefaultLimits)
	checkError(t, err, story.CodeInvalid, KeyCorrupt)

	// A request body capped by http.MaxBytesReader reports the cap as too large.
	body := http.MaxBytesReader(httptest.NewRecorder(), io.NopCloser(bytes.NewReader(make([]byte, 100))), 10)
	_, err = Process(t.Context(), body, DefaultLimits)
	checkError(t, err, story.CodeTooLarge, KeyTooLarge)
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestFit(t *testing.T) {
	tests := []struct{ w, h, limit, wantW, wantH int }{
		{4000, 3000, 1600, 1600, 1200},
		{3000, 4000, 640, 480, 640},
		{640, 640, 640, 640, 640},
		{641, 10, 640, 640, 10},
		{100000, 1, 640, 640, 1},
		{1, 100000, 640, 1, 640},
		{10, 10, 640, 10, 10},
	}
	for _, tt := range tests {
		if w, h := fit(tt.w, tt.h, tt.limit); w != tt.wantW || h != tt.wantH {
			t.Errorf("fit(%d, %d, %d) = %d, %d; want %d, %d", tt.w, tt.h, tt.limit, w, h, tt.wantW, tt.wantH)
		}
	}
}

// photoLike is a w x h image with smooth gradients and fine texture, so that
// decoding and encoding cost about what a camera photo costs.
func photoLike(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(3, 4))
	for y := range h {
		row := img.Pix[y*img.Stride:]
		for x := range w {
			n := uint8(rng.Uint32() & 15)
			row[4*x] = uint8(x*255/w) + n
			row[4*x+1] = uint8(y*255/h) + n
			row[4*x+2] = uint8((x+y)*127/(w+h)) + n
			row[4*x+3] = 255
		}
	}
	return img
}

func BenchmarkProcess(b *testing.B) {
	data := insertSegments(encodeJPEG(b, photoLike(4000, 3000), 90), exifSegment(orientationTIFF(6)))
	in, err := checkedRead(photo, bytes.NewReader(data), DefaultLimits)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Process(b.Context(), bytes.NewReader(data), DefaultLimits); err != nil {
			b.Fatal(err)
		}
	}
	// What the photo reserves from the image memory budget, to set
	// against the bytes it allocates.
	b.ReportMetric(float64(in.cost)/1e6, "MB-reserved")
}

func TestJPEGScans(t *testing.T) {
	valid := encodeJPEG(t, quadrants(64, 48), 80)
	if n := jpegScans(valid); n != 1 {
		t.Errorf("baseline JPEG: %d scans, want 1", n)
	}
	// Marker bytes inside a segment payload are not scans.
	withComment := insertSegments(valid, jpegSegment(0xFE, []byte("\xFF\xDA\xFF\xDA")))
	if n := jpegScans(withComment); n != 1 {
		t.Errorf("JPEG with FF DA in a comment: %d scans, want 1", n)
	}
	sos := bytes.Index(valid, []byte{0xFF, 0xDA})
	manyScans := bytes.Clone(valid[:sos])
	for range 150 {
		manyScans = append(manyScans, valid[sos:len(valid)-2]...)
	}
	if n := jpegScans(append(manyScans, 0xFF, 0xD9)); n != 150 {
		t.Errorf("repeated scans: %d, want 150", n)
	}
	for _, b := range [][]byte{nil, {0xFF}, {0xFF, 0xD8, 0xFF}, {0xFF, 0xD8, 0xFF, 0xDA}, {0xFF, 0xD8, 0xFF, 0xDA, 0, 0}} {
		jpegScans(b) // must not panic
	}
}

// A decoder's panic becomes an error, with no half-decoded image.
func TestDecoderPanicIsAnError(t *testing.T) {
	saved := decoders[formatPNG]
	t.Cleanup(func() { decoders[formatPNG] = saved })
	d := saved
	d.config = func(io.Reader) (image.Config, error) { panic("bad header") }
	d.image = func(io.Reader) (image.Image, error) { panic("bad pixels") }
	decoders[formatPNG] = d
	if _, err := decodeConfig(formatPNG, []byte("x")); err == nil || !strings.Contains(err.Error(), "decoder panic: bad header") {
		t.Errorf("decodeConfig: %v", err)
	}
	if img, err := decode(formatPNG, []byte("x")); img != nil || err == nil || !strings.Contains(err.Error(), "decoder panic: bad pixels") {
		t.Errorf("decode: %v %v", img, err)
	}
	if _, err := decode(format(99), nil); err == nil {
		t.Error("an unknown format was decoded")
	}
}
