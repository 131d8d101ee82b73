package ingest

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"chorus/internal/moderation"
	"chorus/internal/staff"
	"chorus/internal/story"
)

// BenchmarkEventToWall measures, at the Bluesky peak (2,000 events a
// second, 1% carrying the tag: 20 posts a second), the time from a
// matching event's arrival to the wall's event reaching every one of
// CHORUS_BENCH_VIEWERS (default 1,000) connected viewers: decoded,
// screened, stored, pushed over SSE. Each iteration is one second of that
// stream. Run it bounded: -benchtime 10x.
func BenchmarkEventToWall(b *testing.B) {
	viewers := 1000
	fmt.Sscan(getenvDefault("CHORUS_BENCH_VIEWERS", "1000"), &viewers)
	rig, r, _ := newRig(b, time.Now().UTC())
	// A lenient policy shows every post at once, as a wall at its busiest.
	admin, _ := rig.Staff("admin@example.org", staff.RoleAdmin)
	if err := rig.App.SetPolicy(context.Background(), admin, moderation.Policy{HideAbove: 0.99, ApproveBelow: 0.98}); err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	transport := &http.Transport{MaxConnsPerHost: viewers + 10, MaxIdleConnsPerHost: viewers + 10}
	client := &http.Client{Transport: transport}
	var mu sync.Mutex
	seen := make([]time.Time, 0, viewers)
	var ready sync.WaitGroup
	for range viewers {
		ready.Add(1)
		go func() {
			req, _ := http.NewRequestWithContext(ctx, "GET", rig.URL+"/en/wall/events", nil)
			res, err := client.Do(req)
			if err != nil {
				ready.Done()
				return
			}
			defer res.Body.Close()
			lines := bufio.NewScanner(res.Body)
			lines.Scan()
			ready.Done()
			for lines.Scan() {
				if lines.Text() == "event: wall" {
					mu.Lock()
					seen = append(seen, time.Now())
					mu.Unlock()
				}
			}
		}()
	}
	ready.Wait()
	filter := newJetstreamFilter([]string{"ItTakesaCommunity"})
	var latencies []time.Duration
	n := 0
	for b.Loop() {
		second := time.Now()
		for i := range 2000 {
			n++
			msg := appendEvent(nil, n)
			start := time.Now()
			act, err := filter.decode(msg)
			if err != nil {
				b.Fatal(err)
			}
			if act.Post != nil {
				mu.Lock()
				seen = seen[:0]
				mu.Unlock()
				if err := r.handleJetstream(ctx, act); err != nil {
					b.Fatal(err)
				}
				if p, err := rig.Store.PostBySource(ctx, "bluesky", act.Post.SourceID); err != nil || p.Status != story.PostVisible {
					continue // queued or hidden by the screen
				}
				deadline := time.Now().Add(5 * time.Second)
				for {
					mu.Lock()
					got := len(seen)
					last := time.Time{}
					if got > 0 {
						last = seen[got-1]
					}
					mu.Unlock()
					if got >= viewers {
						latencies = append(latencies, last.Sub(start))
						break
					}
					if time.Now().After(deadline) {
						b.Fatalf("only %d of %d viewers heard of the post", got, viewers)
					}
					time.Sleep(time.Millisecond)
				}
			}
			// Keep to 2,000 events a second.
			if wait := time.Until(second.Add(time.Duration(i+1) * time.Second / 2000)); wait > 0 {
				time.Sleep(wait)
			}
		}
	}
	cancel()
	slices.Sort(latencies)
	if len(latencies) > 0 {
		b.ReportMetric(float64(latencies[len(latencies)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(latencies[len(latencies)*99/100].Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(len(latencies)), "posts")
	}
}

func getenvDefault(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
