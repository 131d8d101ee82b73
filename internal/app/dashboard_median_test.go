package app

import (
	"testing"
	"time"

	"chorus/internal/storage"
)

// TestMedianWait: the median of counted waits is the middle one, or the
// mean of the two middle ones; the dashboard shows it to two significant
// figures.
func TestMedianWait(t *testing.T) {
	for _, c := range []struct {
		waits []storage.WaitCount
		n     int
		want  time.Duration
		shown float64
	}{
		{nil, 0, 0, 0},
		{[]storage.WaitCount{{Wait: 3 * time.Hour, Count: 1}}, 1, 3 * time.Hour, 3},
		{[]storage.WaitCount{{Wait: 40 * time.Hour, Count: 2}, {Wait: time.Hour, Count: 1}}, 3, 40 * time.Hour, 40},
		{[]storage.WaitCount{{Wait: 2 * time.Hour, Count: 1}, {Wait: 4 * time.Hour, Count: 1}, {Wait: 300 * time.Hour, Count: 2}}, 4, 152 * time.Hour, 150},
		{[]storage.WaitCount{{Wait: 12*time.Hour + 20*time.Minute, Count: 5}, {Wait: time.Hour, Count: 4}}, 9, 12*time.Hour + 20*time.Minute, 12},
	} {
		n, median := medianWait(c.waits)
		d := &Dashboard{MedianDecision: median}
		if n != c.n || median != c.want || d.MedianHours() != c.shown {
			t.Errorf("%v: %d decisions, median %v shown %v; want %d, %v, %v", c.waits, n, median, d.MedianHours(), c.n, c.want, c.shown)
		}
	}
}
