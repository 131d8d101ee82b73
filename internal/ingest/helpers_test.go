package ingest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"chorus/internal/app"
	"chorus/internal/outbound"
	"chorus/internal/story"
	"chorus/internal/testrig"
)

// newRig starts a site whose outbound client may reach the loopback
// servers that replay recorded traffic, and a runner for it. The clock
// reads as fixed, moved by the returned function.
func newRig(t testing.TB, start time.Time) (*testrig.Rig, *Runner, func(time.Duration)) {
	t.Helper()
	allow, err := outbound.ParseAllowList("127.0.0.0/8")
	if err != nil {
		t.Fatal(err)
	}
	client := outbound.New(outbound.Options{AllowPrivate: allow, Timeout: 3 * time.Second, ResponseHeaderTimeout: 2 * time.Second, DialTimeout: time.Second})
	rig := testrig.New(t, testrig.WithOutbound(client))
	var mu sync.Mutex
	now := start
	rig.App.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	r := New(rig.App, Options{Tick: 50 * time.Millisecond, LeaseTTL: 2 * time.Second, Holder: "test-node"})
	return rig, r, advance
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// postBySource returns a post or nil when there is none.
func postBySource(t *testing.T, rig *testrig.Rig, network, id string) *story.Post {
	t.Helper()
	p, err := rig.Store.PostBySource(context.Background(), network, id)
	if errors.Is(err, story.ErrNotFound) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func addSource(t *testing.T, rig *testrig.Rig, in app.SourceInput) *story.Source {
	t.Helper()
	src, err := rig.App.AddSource(context.Background(), app.CommandLine, in)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// waitFor polls cond until it holds or the time is up.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func sourceNow(t *testing.T, rig *testrig.Rig, id string) *story.Source {
	t.Helper()
	src, err := rig.Store.Source(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return src
}
