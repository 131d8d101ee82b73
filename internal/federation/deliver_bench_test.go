package federation

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"chorus/internal/fediverse"
	"chorus/internal/loadtest"
	"chorus/internal/storage"
)

// BenchmarkFanOut publishes one story to 10,000 followers on 2,000
// servers simulated on loopback (one listener each, five followers per
// server sharing its inbox), every delivery's signature and digest
// checked, and reports deliveries per second, the time until the last
// arrived and the peak heap. Run it once, with a bounded time:
//
//	go test ./internal/federation/ -run XXX -bench FanOut -benchtime 1x
func BenchmarkFanOut(b *testing.B) {
	const servers, perServer = 2000, 5
	s := newBenchSite(b)
	key := s.mustKeyB(b)

	var arrived atomic.Int64
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		sig, err := parseSignature(r.Header.Get("Signature"))
		if err == nil {
			err = checkSignedRequest(r, sig, body, time.Now())
		}
		if err == nil {
			err = verifySignature(r, sig, &key.PublicKey)
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		arrived.Add(1)
		w.WriteHeader(http.StatusAccepted)
	})
	srv := &http.Server{Handler: handler}
	var listeners []net.Listener
	for range servers {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		listeners = append(listeners, l)
		go srv.Serve(l)
	}
	b.Cleanup(func() { srv.Close() })

	ctx := context.Background()
	err := s.Store.WithTx(ctx, func(tx storage.Tx) error {
		for i, l := range listeners {
			base := "http://" + l.Addr().String()
			for j := range perServer {
				actor := fmt.Sprintf("%s/users/%d-%d", base, i, j)
				if err := tx.PutFollower(ctx, fediverse.Follower{ActorID: actor, Inbox: actor + "/inbox", SharedInbox: base + "/inbox", FollowedAt: time.Now()}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}

	b.ResetTimer()
	for n := range b.N {
		arrived.Store(0)
		var peakHeap atomic.Uint64
		done := make(chan struct{})
		go func() {
			var ms runtime.MemStats
			for {
				runtime.ReadMemStats(&ms)
				if ms.HeapInuse > peakHeap.Load() {
					peakHeap.Store(ms.HeapInuse)
				}
				select {
				case <-done:
					return
				case <-time.After(50 * time.Millisecond):
				}
			}
		}()
		start := time.Now()
		s.publishB(b, fmt.Sprintf("FanOut%d", n))
		queued := time.Since(start)
		for arrived.Load() < servers {
			if time.Since(start) > 5*time.Minute {
				b.Fatalf("only %d of %d deliveries arrived in 5 minutes", arrived.Load(), servers)
			}
			time.Sleep(20 * time.Millisecond)
		}
		total := time.Since(start)
		close(done)
		b.ReportMetric(float64(servers)/total.Seconds(), "deliveries/s")
		b.ReportMetric(total.Seconds(), "s-total")
		b.ReportMetric(queued.Seconds(), "s-decision")
		b.ReportMetric(float64(peakHeap.Load())/(1<<20), "MiB-peak-heap")
	}
	if _, hwm, err := loadtest.ProcessMemory(os.Getpid()); err == nil {
		b.ReportMetric(float64(hwm)/1024, "MiB-peak-RSS")
	}
}
