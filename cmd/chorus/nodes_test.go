package main

import (
	"context"
	"io"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"chorus/internal/app"
	"chorus/internal/storage/postgres"
	"chorus/internal/storage/postgres/pgtest"
)

// TestRelayCarriesTypedEventsBetweenNodes runs the relay on a real
// PostgreSQL store. Another node is played by a connection that sends and
// hears raw notifications, in the format the nodes use.
func TestRelayCarriesTypedEventsBetweenNodes(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	store, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	other, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close(ctx)
	if _, err := other.Exec(ctx, "LISTEN chorus_changed"); err != nil {
		t.Fatal(err)
	}
	// Unique ids: other tests on the same server use the same channel.
	mark := strings.ReplaceAll(t.Name(), "/", "") + time.Now().Format("150405.000000")
	local, remote := "local"+mark, "remote"+mark

	baseline := runtime.NumGoroutine()
	var events app.Events
	var mu sync.Mutex
	var heard []app.Event
	events.Subscribe(func(ev app.Event) { mu.Lock(); heard = append(heard, ev); mu.Unlock() })
	stop := relayChanges(ctx, &events, store, newLogger(io.Discard, "error"))
	defer stop() // stop may be called twice; a failure must not leave the pool waiting

	events.Publish(app.StoryChanged{ID: local})
	waitCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for {
		n, err := other.WaitForNotification(waitCtx)
		if err != nil {
			t.Fatalf("the other node never heard the local change: %v", err)
		}
		if strings.HasSuffix(n.Payload, ":story:"+local) {
			break
		}
	}

	// Wait until the relay listens, then play the other node.
	deadline := time.Now().Add(10 * time.Second)
	for !slicesContainsRemote(&mu, &heard, remote) {
		if time.Now().After(deadline) {
			t.Fatal("a change from the other node was not published here")
		}
		if _, err := other.Exec(ctx, "SELECT pg_notify('chorus_changed', $1)", "othernode:story:"+remote); err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// It must not be relayed back: only the other node's own sends carry it.
	echoCtx, cancelEcho := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancelEcho()
	for {
		n, err := other.WaitForNotification(echoCtx)
		if err != nil {
			break
		}
		if strings.HasSuffix(n.Payload, ":story:"+remote) && !strings.HasPrefix(n.Payload, "othernode:") {
			t.Fatalf("a change from another node was relayed back: %q", n.Payload)
		}
	}

	stop()
	deadline = time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > baseline {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines after stopping the relay, %d before:\n%s", runtime.NumGoroutine(), baseline, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func slicesContainsRemote(mu *sync.Mutex, heard *[]app.Event, id string) bool {
	mu.Lock()
	defer mu.Unlock()
	for _, ev := range *heard {
		if ev == (app.StoryChanged{ID: id}) {
			return true
		}
	}
	return false
}
