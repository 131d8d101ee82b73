package media

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/png"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"chorus/internal/media/mediatest"
	"chorus/internal/story"
)

func TestImageCostWeighsPixelsComponentsAndProgression(t *testing.T) {
	cost := func(data []byte) int64 {
		t.Helper()
		in, err := checkedRead(photo, bytes.NewReader(data), DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		return in.cost
	}
	baseline := encodeJPEG(t, photoLike(800, 600), 80) // 4:2:0, one scan
	progressive := mediatest.ProgressiveJPEG(800, 600, 10)
	bigProgressive := mediatest.ProgressiveJPEG(1600, 1200, 10)

	// 4:2:0 planes are 1.5 bytes a pixel; 4:4:4 coefficients 12 more.
	if c := cost(baseline); c < 800*600*3/2 || c > 800*600*3/2+24<<20 {
		t.Errorf("baseline 4:2:0 800x600: %d bytes", c)
	}
	if c := cost(progressive); c < 800*600*15 {
		t.Errorf("progressive 4:4:4 800x600: %d bytes, want at least %d", c, 800*600*15)
	}
	if small, big := cost(progressive), cost(bigProgressive); big < 3*small {
		t.Errorf("4 times the pixels cost %d, %d for a quarter", big, small)
	}
	// A 12 MP phone photo leaves room for several at once in the default budget.
	phone := withJPEGSize(t, encodeJPEG(t, photoLike(64, 48), 80), 4000, 3000)
	if c := imageCost(photo, formatJPEG, phone, image.Config{Width: 4000, Height: 3000}); c > DefaultImageMemory/4 {
		t.Errorf("a 12 MP photo costs %d MB", c>>20)
	}
	// A 40 MP progressive 4:4:4 JPEG, 600 KB on disk, can never fit.
	if c := cost(mediatest.ProgressiveJPEG(7300, 5400, 10)); c <= DefaultImageMemory {
		t.Errorf("a 39 MP progressive 4:4:4 JPEG costs %d MB, less than the whole budget", c>>20)
	}
}

// withJPEGSize rewrites the dimensions in a baseline JPEG's frame header:
// the header of a big photo without its pixels.
func withJPEGSize(t *testing.T, jpg []byte, w, h int) []byte {
	t.Helper()
	out := bytes.Clone(jpg)
	sof := bytes.Index(out, []byte{0xFF, 0xC0})
	if sof < 0 {
		t.Fatal("no SOF0")
	}
	binary.BigEndian.PutUint16(out[sof+5:], uint16(h))
	binary.BigEndian.PutUint16(out[sof+7:], uint16(w))
	return out
}

func TestBudgetRefusesWhatCanNeverFit(t *testing.T) {
	budget := NewBudget(8<<20, time.Second)
	data := mediatest.ProgressiveJPEG(1000, 1000, 10) // about 15 MB to decode
	start := time.Now()
	_, err := processWithin(t.Context(), bytes.NewReader(data), DefaultLimits, budget)
	checkError(t, err, story.CodeTooLarge, "error.photo_too_complex")
	if time.Since(start) > 500*time.Millisecond {
		t.Error("refusing took as long as waiting")
	}
	_, err = processLogoWithin(t.Context(), bytes.NewReader(data), budget)
	checkError(t, err, story.CodeTooLarge, "error.logo_too_complex")

	// The same file within a budget large enough is processed.
	out, err := processWithin(t.Context(), bytes.NewReader(data), DefaultLimits, NewBudget(64<<20, time.Second))
	if err != nil {
		t.Fatal(err)
	}
	checkRenditions(t, out)
}

func TestBudgetWaitsThenAnswersBusy(t *testing.T) {
	budget := NewBudget(100, 200*time.Millisecond)
	release, err := budget.acquire(t.Context(), photo, 60)
	if err != nil {
		t.Fatal(err)
	}
	// A second reservation that fits beside the first goes through.
	second, err := budget.acquire(t.Context(), photo, 40)
	if err != nil {
		t.Fatalf("40 beside 60 of 100: %v", err)
	}
	second()

	// One that does not waits for the bounded time, then is busy.
	start := time.Now()
	_, err = budget.acquire(t.Context(), photo, 50)
	waited := time.Since(start)
	checkError(t, err, story.CodeUnavailable, "error.busy")
	if ra, ok := errors.AsType[interface {
		error
		RetryAfter() time.Duration
	}](err); !ok || ra.RetryAfter() <= 0 {
		t.Errorf("busy error %v does not say when to retry", err)
	}
	if waited < 150*time.Millisecond || waited > 2*time.Second {
		t.Errorf("waited %v, want about 200ms", waited)
	}

	// It goes through as soon as the first one is released.
	got := make(chan error, 1)
	go func() {
		r, err := budget.acquire(context.Background(), photo, 50)
		if err == nil {
			r()
		}
		got <- err
	}()
	time.Sleep(20 * time.Millisecond)
	release()
	release() // twice is harmless
	if err := <-got; err != nil {
		t.Fatalf("after release: %v", err)
	}
	if budget.inUse != 0 {
		t.Errorf("%d bytes still in use", budget.inUse)
	}
}

func TestBudgetWaitEndsWithTheRequest(t *testing.T) {
	budget := NewBudget(100, time.Minute)
	release, err := budget.acquire(t.Context(), photo, 100)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	ctx, cancel := context.WithCancel(t.Context())
	got := make(chan error, 1)
	go func() {
		_, err := budget.acquire(ctx, photo, 10)
		got <- err
	}()
	time.Sleep(20 * time.Millisecond)
	cancel() // the client went away
	select {
	case err := <-got:
		checkError(t, err, story.CodeUnavailable, "error.unavailable")
	case <-time.After(5 * time.Second):
		t.Fatal("a cancelled request kept waiting")
	}
	// Its place was given up: a reservation that fits goes through at once
	// when the budget is released.
	release()
	r, err := budget.acquire(t.Context(), photo, 100)
	if err != nil {
		t.Fatalf("after a cancelled wait: %v", err)
	}
	r()
}

func TestBudgetReturnsMemoryWhenIdleAfterHeavyWork(t *testing.T) {
	budget := NewBudget(1<<30, time.Second)
	budget.idleDelay, budget.freeInterval = 20*time.Millisecond, 200*time.Millisecond
	var frees atomic.Int32
	budget.freeOSMemory = func() { frees.Add(1) }

	// Light work returns nothing.
	r, _ := budget.acquire(t.Context(), photo, 1<<20)
	r()
	time.Sleep(100 * time.Millisecond)
	if n := frees.Load(); n != 0 {
		t.Fatalf("%d returns after light work", n)
	}
	// Heavy work, then idle: one return.
	a, _ := budget.acquire(t.Context(), photo, 100<<20)
	b, _ := budget.acquire(t.Context(), photo, 100<<20)
	a()
	time.Sleep(60 * time.Millisecond)
	if n := frees.Load(); n != 0 {
		t.Fatalf("memory returned while work was in progress (%d)", n)
	}
	b()
	waitFor(t, func() bool { return frees.Load() == 1 })
	// Another burst right after: returned once the interval has passed, not before.
	c, _ := budget.acquire(t.Context(), photo, 100<<20)
	c()
	time.Sleep(60 * time.Millisecond)
	if n := frees.Load(); n != 1 {
		t.Fatalf("%d returns within the interval, want 1", n)
	}
	waitFor(t, func() bool { return frees.Load() == 2 })
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestScanCap(t *testing.T) {
	for _, scans := range []int{2, 10, maxJPEGScans} {
		if _, err := processWithin(t.Context(), bytes.NewReader(mediatest.ProgressiveJPEG(64, 48, scans)), DefaultLimits, NewBudget(64<<20, time.Second)); err != nil {
			t.Errorf("%d scans: %v", scans, err)
		}
	}
	for _, scans := range []int{maxJPEGScans + 1, 97} {
		_, err := processWithin(t.Context(), bytes.NewReader(mediatest.ProgressiveJPEG(64, 48, scans)), DefaultLimits, NewBudget(64<<20, time.Second))
		checkError(t, err, story.CodeInvalid, KeyCorrupt)
	}
}

func TestLogoAppliesOrientation(t *testing.T) {
	for _, tt := range []struct {
		orientation               int
		topLeft, topRight, bottom color.NRGBA
	}{
		// quadrants: red top-left, green top-right, blue bottom-left.
		{1, red, green, blue},
		{6, blue, red, yellow},  // turned 90° clockwise
		{8, green, yellow, red}, // turned 90° counter-clockwise
	} {
		in := insertSegments(encodeJPEG(t, quadrants(160, 80), 95), exifSegment(orientationTIFF(tt.orientation)))
		out, err := processLogoWithin(t.Context(), bytes.NewReader(in), NewBudget(64<<20, time.Second))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		b := img.Bounds()
		wantW, wantH := 160, 80
		if tt.orientation >= 5 {
			wantW, wantH = 80, 160
		}
		if b.Dx() != wantW || b.Dy() != wantH {
			t.Fatalf("orientation %d: %v, want %dx%d", tt.orientation, b, wantW, wantH)
		}
		if !near(img.At(b.Dx()/4, b.Dy()/4), tt.topLeft, 40) || !near(img.At(3*b.Dx()/4, b.Dy()/4), tt.topRight, 40) ||
			!near(img.At(b.Dx()/4, 3*b.Dy()/4), tt.bottom, 40) {
			t.Errorf("orientation %d: corners %v %v %v, want %v %v %v", tt.orientation,
				img.At(b.Dx()/4, b.Dy()/4), img.At(3*b.Dx()/4, b.Dy()/4), img.At(b.Dx()/4, 3*b.Dy()/4), tt.topLeft, tt.topRight, tt.bottom)
		}
	}
}

// TestExtraneousBytesDoNotMakeAPhotoTooComplex: bytes before a marker,
// which some encoders leave and image/jpeg (like libjpeg) skips, do not
// turn the estimate into the worst a frame allows: the photo costs what
// the same photo without them costs, and is processed.
func TestExtraneousBytesDoNotMakeAPhotoTooComplex(t *testing.T) {
	clean := encodeJPEG(t, quadrants(1200, 900), 80)
	end := 4 + int(binary.BigEndian.Uint16(clean[4:])) // of the segment after SOI
	junk := append(append(bytes.Clone(clean[:end]), 0x00, 0x42, 0xFF, 0x00, 0x17), clean[end:]...)
	cfg, _, err := image.DecodeConfig(bytes.NewReader(junk))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := image.Decode(bytes.NewReader(junk)); err != nil {
		t.Fatalf("image/jpeg does not read the file: %v", err)
	}
	want, _ := parseJPEGFrame(clean)
	if got, ok := parseJPEGFrame(junk); !ok || !reflect.DeepEqual(got, want) {
		t.Fatalf("frame %+v %v, want %+v", got, ok, want)
	}
	if got, want := imageCost(photo, formatJPEG, junk, cfg), imageCost(photo, formatJPEG, clean, cfg); got != want {
		t.Errorf("cost %d, without the extraneous bytes %d", got, want)
	}
	if _, err := processWithin(t.Context(), bytes.NewReader(junk), DefaultLimits, NewBudget(64<<20, time.Second)); err != nil {
		t.Errorf("within a 64 MB budget: %v", err)
	}
}
