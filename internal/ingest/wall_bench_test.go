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
// matching event's arrival to every one of CHORUS_BENCH_VIEWERS (default
// 1,000) connected viewers being told of the wall's change after the post
// was stored: decoded, screened, stored, pushed over SSE. The stream keeps
// its pace: nothing waits for the viewers. Wall events are coalesced, so a
// viewer has heard of a post at its first event after the post's commit
// (its reload then shows the post). Each iteration is one second of that
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
	// heard[v] are the times viewer v was told of a change, in order.
	heard := make([][]time.Time, viewers)
	locks := make([]sync.Mutex, viewers)
	var ready, done sync.WaitGroup
	for v := range viewers {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
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
					locks[v].Lock()
					heard[v] = append(heard[v], time.Now())
					locks[v].Unlock()
				}
			}
		}()
	}
	ready.Wait()
	filter := newJetstreamFilter([]string{"ItTakesaCommunity"})
	type shown struct{ arrived, stored time.Time }
	var posts []shown
	n, events := 0, 0
	began := time.Now()
	for b.Loop() {
		second := time.Now()
		for i := range 2000 {
			n++
			events++
			msg := appendEvent(nil, n)
			arrived := time.Now()
			act, err := filter.decode(msg)
			if err != nil {
				b.Fatal(err)
			}
			if act.Post != nil {
				if err := r.handleJetstream(ctx, act); err != nil {
					b.Fatal(err)
				}
				stored := time.Now()
				if p, err := rig.Store.PostBySource(ctx, "bluesky", act.Post.SourceID); err == nil && p.Status == story.PostVisible {
					posts = append(posts, shown{arrived, stored})
				}
			}
			// Keep to 2,000 events a second.
			if wait := time.Until(second.Add(time.Duration(i+1) * time.Second / 2000)); wait > 0 {
				time.Sleep(wait)
			}
		}
	}
	elapsed := time.Since(began)
	time.Sleep(2 * time.Second) // the last posts' events are on their way
	cancel()
	done.Wait()
	var latencies []time.Duration
	missed := 0
	for _, p := range posts {
		worst := time.Duration(-1)
		for v := range viewers {
			i, _ := slices.BinarySearchFunc(heard[v], p.stored, func(t, target time.Time) int { return t.Compare(target) })
			if i == len(heard[v]) {
				// No event after the handler returned: the post's own event
				// reached the viewer while the call was returning (only the
				// stream's last post can be told of no later change).
				i, _ = slices.BinarySearchFunc(heard[v], p.arrived, func(t, target time.Time) int { return t.Compare(target) })
			}
			if i == len(heard[v]) {
				worst = -1
				break
			}
			worst = max(worst, heard[v][i].Sub(p.arrived))
		}
		if worst < 0 {
			missed++
			continue
		}
		latencies = append(latencies, worst)
	}
	slices.Sort(latencies)
	b.ReportMetric(float64(events)/elapsed.Seconds(), "events/s")
	b.ReportMetric(float64(missed), "posts-not-heard")
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
