package storage

import (
	"math"
	"testing"
	"time"
)

// TestWaitBucketKeepsTwoSignificantFigures: every wait from six minutes to
// a year lands in a bucket within 2.3 % of it, the buckets never go
// backwards, and a day of waits between nothing and three days spreads
// over at most 160 of them.
func TestWaitBucketKeepsTwoSignificantFigures(t *testing.T) {
	if b := WaitBucket(5 * time.Minute); b != 0 {
		t.Errorf("five minutes: %v, want 0", b)
	}
	if b := WaitBucket(-time.Hour); b != 0 {
		t.Errorf("a negative wait: %v, want 0", b)
	}
	seen := map[time.Duration]bool{}
	var last time.Duration
	for d := 6 * time.Minute; d < 365*24*time.Hour; d += d/200 + time.Second {
		b := WaitBucket(d)
		if off := math.Abs(float64(b-d)) / float64(d); off > 0.023 {
			t.Fatalf("%v lands in %v, %.1f %% away", d, b, 100*off)
		}
		if b < last {
			t.Fatalf("%v lands in %v, before the previous %v", d, b, last)
		}
		last = b
		if d <= 72*time.Hour {
			seen[b] = true
		}
	}
	if len(seen) > 160 {
		t.Errorf("%d buckets up to three days, want at most 160", len(seen))
	}
}
