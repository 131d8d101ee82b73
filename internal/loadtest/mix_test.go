package loadtest

import (
	"sync"
	"testing"
	"time"
)

func TestClassify(t *testing.T) {
	ok, exp := []int{200}, []int{409, 410}
	for _, c := range []struct {
		status int
		want   Outcome
	}{{200, OK}, {409, Expected}, {410, Expected}, {404, Error}, {500, Error}, {503, Error}, {0, Error}} {
		if got := Classify(c.status, ok, exp); got != c.want {
			t.Errorf("Classify(%d) = %v, want %v", c.status, got, c.want)
		}
	}
	// A 5xx is an error even when listed.
	if Classify(503, []int{503}, nil) != Error {
		t.Error("5xx listed as OK must still be an error")
	}
}

func TestHistPercentiles(t *testing.T) {
	var h Hist
	for i := 1; i <= 1000; i++ {
		h.Record(time.Duration(i) * time.Microsecond)
	}
	if h.Count() != 1000 || h.Max() != time.Millisecond {
		t.Fatalf("count %d max %v", h.Count(), h.Max())
	}
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{{50, 500 * time.Microsecond}, {90, 900 * time.Microsecond}, {99, 990 * time.Microsecond}, {100, time.Millisecond}} {
		got := h.Percentile(c.p)
		if got < c.want || float64(got) > float64(c.want)*1.0101 {
			t.Errorf("p%v = %v, want %v within 1%%", c.p, got, c.want)
		}
	}
	var empty Hist
	if empty.Percentile(50) != 0 {
		t.Error("empty histogram should give 0")
	}
	var m Hist
	m.Merge(&h)
	m.Merge(&h)
	if m.Count() != 2000 || m.Percentile(50) != h.Percentile(50) {
		t.Errorf("merge: %d samples, p50 %v", m.Count(), m.Percentile(50))
	}
}

func TestRecorder(t *testing.T) {
	r := NewRecorder("a", "b")
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				r.Record("a", OK, 200, time.Millisecond, "")
				r.Record("b", Expected, 409, time.Millisecond, "")
				r.Record("c", Error, 0, 0, "refused")
			}
		}()
	}
	wg.Wait()
	snap := r.Snapshot()
	if len(snap) != 3 || snap[0].Name != "a" || snap[2].Name != "c" {
		t.Fatalf("order: %+v", snap)
	}
	if snap[0].OK != 400 || snap[1].Expected != 400 || snap[1].ExpectedStatuses[409] != 400 || snap[2].Errors != 400 {
		t.Fatalf("counts: %+v", snap)
	}
	if snap[2].FirstError != "refused" || snap[2].Latency.Count() != 0 || snap[0].Latency.Count() != 400 {
		t.Fatalf("errors and latency: %+v", snap[2])
	}
	if req, errs := r.Totals(); req != 1200 || errs != 400 {
		t.Fatalf("totals %d %d", req, errs)
	}
}

func TestAverageRSSAndGrowth(t *testing.T) {
	var s []MemSample
	for i := 0; i < 10; i++ {
		s = append(s, MemSample{At: time.Duration(i) * time.Second, RSSKB: int64(100 + i)})
	}
	if avg, n := AverageRSS(s, 2*time.Second, 5*time.Second); avg != 103 || n != 3 {
		t.Fatalf("average %d over %d", avg, n)
	}
	if _, n := AverageRSS(s, time.Minute, 2*time.Minute); n != 0 {
		t.Fatal("no samples in window should give n = 0")
	}
	const mb = 1024
	for _, c := range []struct {
		base, last int64
		ok         bool
	}{
		{40 * mb, 45 * mb, true},   // +12 %, +5 MB
		{40 * mb, 58 * mb, true},   // +45 % but only +18 MB
		{40 * mb, 62 * mb, false},  // +55 % and +22 MB
		{200 * mb, 230 * mb, true}, // +30 MB but only +15 %
		{200 * mb, 260 * mb, false},
		{0, 100 * mb, true}, // no baseline: nothing to judge
	} {
		if got := RSSGrowthOK(c.base, c.last, 25, 20*mb); got != c.ok {
			t.Errorf("RSSGrowthOK(%d, %d) = %v, want %v", c.base, c.last, got, c.ok)
		}
	}
}
