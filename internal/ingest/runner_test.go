package ingest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"chorus/internal/app"
	"chorus/internal/story"
)

// TestOnlyTheLeaseHolderPolls runs two runners on one database, as two
// nodes would: only one polls; when it stops, the other takes over once
// the lease expires, and a removed source stops being polled.
func TestOnlyTheLeaseHolderPolls(t *testing.T) {
	rig, _, _ := newRig(t, time.Now().UTC())
	rig.App.Now = func() time.Time { return time.Now().UTC() } // the lease expires in real time
	var polls [2]atomic.Int32
	var current atomic.Int32
	feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		polls[current.Load()].Add(1)
		w.Header().Set("Content-Type", "application/feed+json")
		w.Write([]byte(`{"version":"https://jsonfeed.org/version/1.1","title":"t","items":[]}`))
	}))
	defer feed.Close()
	src := addSource(t, rig, app.SourceInput{Kind: story.SourceFeed, URL: feed.URL, Every: 10 * time.Second})
	opts := Options{Tick: 50 * time.Millisecond, LeaseTTL: 500 * time.Millisecond}
	a, b := opts, opts
	a.Holder, b.Holder = "node-a", "node-b"
	runA, runB := New(rig.App, a), New(rig.App, b)
	stopA := runA.Start(context.Background())
	waitFor(t, "node a to poll", func() bool { return polls[0].Load() == 1 })
	stopB := runB.Start(context.Background())
	defer stopB()
	time.Sleep(300 * time.Millisecond)
	runB.mu.Lock()
	bRuns := len(runB.running)
	runB.mu.Unlock()
	if bRuns != 0 {
		t.Fatalf("node b runs %d sources while node a holds the lease", bRuns)
	}
	current.Store(1)
	stopA()
	waitFor(t, "node b to take over", func() bool { return polls[1].Load() == 1 })
	if err := rig.App.RemoveSource(context.Background(), app.CommandLine, src.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the removed source to stop", func() bool {
		runB.mu.Lock()
		defer runB.mu.Unlock()
		return len(runB.running) == 0
	})
}
