package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"chorus/internal/media/mediatest"
	"chorus/internal/story"
)

func FuzzProcess(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.webp"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, h := range hostileInputs(f) {
		if len(h.data) <= 1<<20 {
			f.Add(h.data)
		}
	}
	f.Add(jpegWithPrivateMetadata(f))
	f.Add(insertSegments(encodeJPEG(f, quadrants(24, 16), 80), exifSegment(orientationTIFF(6))))
	f.Add(pngHeaderOnly(3, 2))

	keys := map[string]story.Code{
		KeyTooLarge:      story.CodeTooLarge,
		KeyFormat:        story.CodeUnsupported,
		KeyTooManyPixels: story.CodeTooLarge,
		KeyCorrupt:       story.CodeInvalid,
		// A file whose headers the estimate cannot read is weighed as the
		// worst a frame allows, and may not fit the budget.
		"error.photo_too_complex": story.CodeTooLarge,
	}
	// Small pixel limits keep each run fast; the code paths are the same.
	limits := Limits{MaxBytes: 1 << 20, MaxPixels: 1 << 20}
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := Process(t.Context(), bytes.NewReader(data), limits)
		if err != nil {
			var se *story.Error
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a *story.Error", err)
			}
			if code, ok := keys[se.Key]; !ok || code != se.Code {
				t.Fatalf("unexpected code/key %s/%s: %v", se.Code, se.Key, se.Err)
			}
			if out != nil {
				t.Fatal("renditions returned with an error")
			}
			return
		}
		checkRenditions(t, out)
	})
}

func FuzzOrientation(f *testing.F) {
	for o := range 10 {
		tiff := orientationTIFF(o)
		f.Add(tiff)
		f.Add(insertSegments(encodeJPEG(f, quadrants(8, 8), 50), exifSegment(tiff)))
		f.Add(webpFile(vp8xChunk(vp8xEXIF, 8, 8), riffChunk("EXIF", tiff)))
	}
	le := binary.LittleEndian
	f.Add(buildTIFF(le, []ifdEntry{asciiEntry(0x010F, "Maker"), orientationEntry(le, 8)}, nil))
	f.Add(jpegWithPrivateMetadata(f))
	f.Add([]byte("II*\x00\xff\xff\xff\xff"))
	f.Add([]byte("MM\x00*\x00\x00\x00\x08\xff\xff"))

	f.Fuzz(func(t *testing.T, data []byte) {
		for name, read := range map[string]func([]byte) int{
			"tiff": tiffOrientation, "jpeg": jpegOrientation, "webp": webpOrientation,
		} {
			if o := read(data); o < 1 || o > 8 {
				t.Fatalf("%s orientation %d outside 1..8", name, o)
			}
		}
		// The JPEG and WebP readers must agree with the TIFF reader on a block
		// they carry.
		if len(data) <= 0xFFFF-8 {
			want := tiffOrientation(data)
			jpg := append([]byte{0xFF, 0xD8}, exifSegment(data)...)
			if got := jpegOrientation(jpg); got != want {
				t.Fatalf("jpeg wrapper: %d, tiff: %d", got, want)
			}
			if got := webpOrientation(webpFile(riffChunk("EXIF", data))); got != want && !bytes.HasPrefix(data, []byte("Exif\x00\x00")) {
				t.Fatalf("webp wrapper: %d, tiff: %d", got, want)
			}
		}
	})
}

func FuzzJPEGFrame(f *testing.F) {
	f.Add(encodeJPEG(f, quadrants(24, 16), 80))
	f.Add(mediatest.ProgressiveJPEG(40, 30, 3))
	f.Add(insertSegments(encodeJPEG(f, quadrants(8, 8), 50), jpegSegment(0xEE, []byte("Adobe\x00\x64\x00\x00\x00\x00\x00"))))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xC2, 0x00, 0x0B, 8, 0xFF, 0xFF, 0xFF, 0xFF, 1, 1, 0x44, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		frame, ok := parseJPEGFrame(data)
		if !ok {
			return
		}
		if len(frame.components) < 1 || len(frame.components) > 4 {
			t.Fatalf("%d components", len(frame.components))
		}
		// The largest frame Process lets through must cost a positive,
		// finite amount, and at least one byte a pixel.
		if c := jpegDecodeCost(frame, maxSide, maxSide); c < int64(maxSide)*maxSide || c > 1<<50 {
			t.Fatalf("cost %d", c)
		}
	})
}
