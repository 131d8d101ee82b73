package loadtest

import (
	"math"
	"slices"
	"sync"
	"time"
)

// This file holds the bookkeeping of a mixed workload (the soak run of
// cmd/chorus-load): many kinds of requests at once, each answered with a
// success, an expected conflict (a race the workload provokes on purpose,
// e.g. two moderators deciding the same story) or an error, and a series of
// memory samples of the server.

// Outcome classifies one answered (or failed) request.
type Outcome int

const (
	// OK is the status a successful request of this kind answers.
	OK Outcome = iota
	// Expected is a status the workload provokes on purpose and the server
	// is right to answer (409 on a story another moderator just decided,
	// 410 on a story just withdrawn, ...).
	Expected
	// Error is anything else: a transport error, a timeout, any 5xx, an
	// unexpected 4xx.
	Error
)

// Classify returns the outcome of status given the kind's success and
// expected statuses. A 5xx is always an error.
func Classify(status int, ok []int, expected []int) Outcome {
	switch {
	case status >= 500:
		return Error
	case slices.Contains(ok, status):
		return OK
	case slices.Contains(expected, status):
		return Expected
	default:
		return Error
	}
}

// Hist is a latency histogram with buckets 1 % wide, so it holds any
// number of samples in a few kilobytes; percentiles are the upper bound of
// their bucket (at most 1 % above the true value). Not safe for concurrent
// use.
type Hist struct {
	counts []int64
	n      int64
	max    time.Duration
}

const histGrowth = 1.01

var logHistGrowth = math.Log(histGrowth)

func histBucket(d time.Duration) int {
	if d <= 1 {
		return 0
	}
	return int(math.Ceil(math.Log(float64(d)) / logHistGrowth))
}

// Record adds one latency.
func (h *Hist) Record(d time.Duration) {
	i := histBucket(d)
	if i >= len(h.counts) {
		h.counts = append(h.counts, make([]int64, i+1-len(h.counts))...)
	}
	h.counts[i]++
	h.n++
	h.max = max(h.max, d)
}

// Count is the number of recorded latencies.
func (h *Hist) Count() int64 { return h.n }

// Max is the largest recorded latency (exact).
func (h *Hist) Max() time.Duration { return h.max }

// Percentile returns the p-th percentile (nearest rank), 0 when empty.
func (h *Hist) Percentile(p float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := int64(p/100*float64(h.n) + 0.5)
	rank = min(max(rank, 1), h.n)
	var seen int64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			v := time.Duration(math.Pow(histGrowth, float64(i)))
			return min(v, h.max)
		}
	}
	return h.max
}

// Merge adds o's samples to h.
func (h *Hist) Merge(o *Hist) {
	if len(o.counts) > len(h.counts) {
		h.counts = append(h.counts, make([]int64, len(o.counts)-len(h.counts))...)
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.max = max(h.max, o.max)
}

// KindStats is the summary of one kind of request.
type KindStats struct {
	Name       string
	OK         int64
	Expected   int64
	Errors     int64
	FirstError string
	// ExpectedStatuses counts the expected conflicts by status.
	ExpectedStatuses map[int]int64
	// Latency covers every request that got an answer (OK, expected or an
	// unexpected status); transport errors have none.
	Latency Hist
}

// Total is every request of this kind.
func (k *KindStats) Total() int64 { return k.OK + k.Expected + k.Errors }

// Recorder collects KindStats from many goroutines.
type Recorder struct {
	mu    sync.Mutex
	kinds map[string]*KindStats
	order []string
}

// NewRecorder returns a recorder listing kinds (in this order first, then
// any other kind in the order it is first seen).
func NewRecorder(kinds ...string) *Recorder {
	r := &Recorder{kinds: map[string]*KindStats{}}
	for _, k := range kinds {
		r.kind(k)
	}
	return r
}

func (r *Recorder) kind(name string) *KindStats {
	k := r.kinds[name]
	if k == nil {
		k = &KindStats{Name: name, ExpectedStatuses: map[int]int64{}}
		r.kinds[name] = k
		r.order = append(r.order, name)
	}
	return k
}

// Record adds one request: its outcome, its HTTP status (0 when there was
// no answer), its latency (ignored without an answer) and, for errors, a
// description.
func (r *Recorder) Record(kind string, o Outcome, status int, d time.Duration, errText string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := r.kind(kind)
	switch o {
	case OK:
		k.OK++
	case Expected:
		k.Expected++
		k.ExpectedStatuses[status]++
	default:
		k.Errors++
		if k.FirstError == "" {
			k.FirstError = errText
		}
	}
	if status != 0 {
		k.Latency.Record(d)
	}
}

// Totals returns the number of requests and of errors so far.
func (r *Recorder) Totals() (requests, errors int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, k := range r.kinds {
		requests += k.Total()
		errors += k.Errors
	}
	return requests, errors
}

// Snapshot returns a copy of every kind's stats, in order.
func (r *Recorder) Snapshot() []KindStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]KindStats, 0, len(r.order))
	for _, name := range r.order {
		k := *r.kinds[name]
		k.ExpectedStatuses = make(map[int]int64, len(r.kinds[name].ExpectedStatuses))
		for s, n := range r.kinds[name].ExpectedStatuses {
			k.ExpectedStatuses[s] = n
		}
		k.Latency = Hist{}
		k.Latency.Merge(&r.kinds[name].Latency)
		out = append(out, k)
	}
	return out
}

// MemSample is one reading of the server's memory during a run.
type MemSample struct {
	At       time.Duration // since the start of the run
	RSSKB    int64         // VmRSS
	HWMKB    int64         // VmHWM, the kernel's high-water mark
	Requests int64         // requests answered or failed so far
	Errors   int64         // errors so far
}

// AverageRSS is the mean VmRSS (kB) of the samples taken in [from, to),
// and how many there were.
func AverageRSS(samples []MemSample, from, to time.Duration) (avgKB int64, n int) {
	var sum int64
	for _, s := range samples {
		if s.At >= from && s.At < to && s.RSSKB > 0 {
			sum += s.RSSKB
			n++
		}
	}
	if n == 0 {
		return 0, 0
	}
	return sum / int64(n), n
}

// RSSGrowthOK reports whether the memory at the end of a run (lastKB) is
// within tolerance of a baseline: growth fails only when it is both more
// than pct percent of the baseline and more than slackKB, so neither the
// noise of a small process nor a fixed allowance on a large one decides
// alone.
func RSSGrowthOK(baseKB, lastKB int64, pct float64, slackKB int64) bool {
	if baseKB <= 0 || lastKB <= 0 {
		return true
	}
	growth := lastKB - baseKB
	return !(float64(growth) > pct/100*float64(baseKB) && growth > slackKB)
}
