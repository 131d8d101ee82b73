// Package loadtest drives bounded HTTP load at one target at a time and
// summarises it: requests per second, latency percentiles, errors. It is
// the engine of cmd/chorus-load; it needs nothing outside the standard
// library.
package loadtest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Target is one kind of request to measure.
type Target struct {
	Name   string
	Method string // GET when empty
	// URL is the address to request; URLFor, when set, gives the address
	// of the i-th request instead (to walk over many pages).
	URL         string
	URLFor      func(i int64) string
	Body        []byte
	ContentType string
	// Header is sent with every request, when set.
	Header http.Header
	// WantStatus is the status of a successful answer; 200 when zero.
	WantStatus int
}

func (t Target) url(i int64) string {
	if t.URLFor != nil {
		return t.URLFor(i)
	}
	return t.URL
}

// Options bound a run.
type Options struct {
	Conns       int           // concurrent connections (workers)
	Duration    time.Duration // measured time
	Warmup      time.Duration // unmeasured time before, to open connections and fill caches
	MaxRequests int64         // at most this many measured requests (0: no bound but Duration)
	Timeout     time.Duration // per request
}

// Result summarises one target's run.
type Result struct {
	Name       string
	Requests   int64 // successful answers
	Errors     int64 // transport errors and unexpected statuses
	FirstError string
	Elapsed    time.Duration
	Bytes      int64 // body bytes of successful answers
	P50, P90   time.Duration
	P99, Max   time.Duration
}

// RPS is successful requests per second.
func (r Result) RPS() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// NewClient returns a client keeping conns connections to one host alive.
func NewClient(conns int, timeout time.Duration) *http.Client {
	tr := &http.Transport{
		MaxIdleConns:        conns * 2,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		IdleConnTimeout:     time.Minute,
		DisableCompression:  true,
		ForceAttemptHTTP2:   false,
	}
	return &http.Client{Transport: tr, Timeout: timeout, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
}

// Run measures t with client under opts. Requests started before the
// deadline are allowed to finish and are counted.
func Run(ctx context.Context, client *http.Client, t Target, opts Options) Result {
	if opts.Conns <= 0 {
		opts.Conns = 1
	}
	if opts.Warmup > 0 {
		run(ctx, client, t, opts.Conns, opts.Warmup, 0, nil)
	}
	res := Result{Name: t.Name}
	lat := run(ctx, client, t, opts.Conns, opts.Duration, opts.MaxRequests, &res)
	slices.Sort(lat)
	res.P50 = Percentile(lat, 50)
	res.P90 = Percentile(lat, 90)
	res.P99 = Percentile(lat, 99)
	if len(lat) > 0 {
		res.Max = lat[len(lat)-1]
	}
	return res
}

// run keeps conns workers busy for d (or max requests) and returns the
// latencies of the successful requests; res, when not nil, gets the counts.
func run(ctx context.Context, client *http.Client, t Target, conns int, d time.Duration, max int64, res *Result) []time.Duration {
	method := t.Method
	if method == "" {
		method = http.MethodGet
	}
	want := t.WantStatus
	if want == 0 {
		want = http.StatusOK
	}
	var (
		issued   atomic.Int64
		errs     atomic.Int64
		nbytes   atomic.Int64
		firstErr sync.Once
		errText  string
		wg       sync.WaitGroup
		mu       sync.Mutex
		all      []time.Duration
	)
	start := time.Now()
	deadline := start.Add(d)
	for w := 0; w < conns; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := make([]time.Duration, 0, 4096)
			buf := make([]byte, 32<<10)
			for ctx.Err() == nil && time.Now().Before(deadline) {
				i := issued.Add(1)
				if max > 0 && i > max {
					break
				}
				var body io.Reader
				if t.Body != nil {
					body = bytes.NewReader(t.Body)
				}
				req, err := http.NewRequestWithContext(ctx, method, t.url(i), body)
				if err != nil {
					errs.Add(1)
					firstErr.Do(func() { errText = err.Error() })
					continue
				}
				if t.ContentType != "" {
					req.Header.Set("Content-Type", t.ContentType)
				}
				for k, v := range t.Header {
					req.Header[k] = v
				}
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					errs.Add(1)
					firstErr.Do(func() { errText = err.Error() })
					continue
				}
				n, rerr := io.CopyBuffer(io.Discard, resp.Body, buf)
				resp.Body.Close()
				el := time.Since(t0)
				switch {
				case rerr != nil:
					errs.Add(1)
					firstErr.Do(func() { errText = rerr.Error() })
				case resp.StatusCode != want:
					errs.Add(1)
					firstErr.Do(func() {
						errText = fmt.Sprintf("%s %s: status %d, want %d", method, req.URL.Path, resp.StatusCode, want)
					})
				default:
					nbytes.Add(n)
					local = append(local, el)
				}
			}
			mu.Lock()
			all = append(all, local...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if res != nil {
		res.Elapsed = time.Since(start)
		res.Requests = int64(len(all))
		res.Errors = errs.Load()
		res.FirstError = errText
		res.Bytes = nbytes.Load()
	}
	return all
}

// Percentile returns the p-th percentile (nearest rank) of sorted values.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(p/100*float64(len(sorted))+0.5) - 1
	rank = min(max(rank, 0), len(sorted)-1)
	return sorted[rank]
}
