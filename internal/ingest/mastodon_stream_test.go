package ingest

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"chorus/internal/app"
	"chorus/internal/story"
)

// fakeMastodonStream answers the recorded tag timeline and, on the
// streaming API, replays a recorded hashtag stream once release is
// closed, then keeps the connection open.
type fakeMastodonStream struct {
	page    []byte
	stream  []byte
	release chan struct{}

	mu      sync.Mutex
	streams []string // the Authorization and query of each stream opened
}

func (f *fakeMastodonStream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/api/v1/timelines/tag/ItTakesaCommunity":
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Write(f.page)
	case "/api/v1/streaming/hashtag":
		f.mu.Lock()
		f.streams = append(f.streams, r.Header.Get("Authorization")+" "+r.URL.RawQuery)
		f.mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer stream-token" {
			http.Error(w, `{"error":"Missing access token"}`, http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		w.Write([]byte(":)\n\n"))
		w.(http.Flusher).Flush()
		select {
		case <-f.release:
		case <-r.Context().Done():
			return
		}
		w.Write(f.stream)
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	default:
		http.NotFound(w, r)
	}
}

func (f *fakeMastodonStream) opened() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.streams...)
}

// TestMastodonStreamDeletesAtOnce takes a status in by polling, then
// removes it from the database when the streaming API announces its
// deletion, long before the next poll (an hour away).
func TestMastodonStreamDeletesAtOnce(t *testing.T) {
	rig, r, _ := newRig(t, fixtureTime)
	f := &fakeMastodonStream{page: readTestdata(t, "mastodon/mastodon_tag.json"), stream: readTestdata(t, "mastodon/streaming_hashtag.txt"), release: make(chan struct{})}
	srv := httptest.NewServer(f)
	defer srv.Close()
	addSource(t, rig, app.SourceInput{Kind: story.SourceMastodon, URL: srv.URL, Tags: []string{"ItTakesaCommunity"}, Every: time.Hour, Token: "stream-token"})
	stop := r.Start(context.Background())
	defer stop()
	const uri = "https://social.example/users/amina/statuses/113546207593012345"
	waitFor(t, "the polled status", func() bool { return postBySource(t, rig, "fediverse", uri) != nil })
	close(f.release)
	waitFor(t, "the deletion from the stream", func() bool { return postBySource(t, rig, "fediverse", uri) == nil })
	stop()

	if got := f.opened(); len(got) != 1 || got[0] != "Bearer stream-token tag=ItTakesaCommunity" {
		t.Fatalf("streams opened: %q", got)
	}
	// The update in the stream is left to the poller; the deletion of a
	// status never taken in removes nothing.
	if postBySource(t, rig, "fediverse", "https://social.example/users/amina/statuses/113546209990000001") != nil {
		t.Error("a status from the stream was taken in")
	}
	if got := testutil.ToFloat64(r.metrics.deleted.WithLabelValues("fediverse")); got != 1 {
		t.Errorf("deleted %v, want 1", got)
	}
}

// TestMastodonWithoutTokenOpensNoStream polls a source with no token:
// the post is taken in, no stream is opened.
func TestMastodonWithoutTokenOpensNoStream(t *testing.T) {
	rig, r, _ := newRig(t, fixtureTime)
	f := &fakeMastodonStream{page: readTestdata(t, "mastodon/mastodon_tag.json"), release: make(chan struct{})}
	srv := httptest.NewServer(f)
	defer srv.Close()
	src := addSource(t, rig, app.SourceInput{Kind: story.SourceMastodon, URL: srv.URL, Tags: []string{"ItTakesaCommunity"}, Every: time.Hour})
	stop := r.Start(context.Background())
	waitFor(t, "the first poll", func() bool { return !sourceNow(t, rig, src.ID).LastRunAt.IsZero() })
	stop()
	if postBySource(t, rig, "fediverse", "https://social.example/users/amina/statuses/113546207593012345") == nil {
		t.Fatal("the status was not taken in")
	}
	if got := f.opened(); len(got) != 0 {
		t.Fatalf("streams opened without a token: %q", got)
	}
}

// TestServerSentEventsRecorded reads the recorded stream's events in
// order, skipping heartbeats, and refuses an event over the size limit.
func TestServerSentEventsRecorded(t *testing.T) {
	var got []string
	err := readServerSentEvents(strings.NewReader(string(readTestdata(t, "mastodon/streaming_hashtag.txt"))), func(event, data string) error {
		if event == "delete" {
			event += " " + data
		}
		got = append(got, event)
		return nil
	})
	if err != nil || strings.Join(got, ",") != "update,status.update,delete 113546209990000001,delete 113546207593012345" {
		t.Fatalf("events %q, %v", got, err)
	}
	huge := "event: update\ndata: " + strings.Repeat("x", streamLineSize) + "\n\n"
	if err := readServerSentEvents(strings.NewReader(huge), func(string, string) error { return nil }); err == nil {
		t.Fatal("an oversize event was read")
	}
	stopped := errors.New("stop")
	if err := readServerSentEvents(strings.NewReader("event: delete\ndata: 1\n\nevent: delete\ndata: 2\n\n"), func(string, string) error { return stopped }); err != stopped {
		t.Fatalf("a handler's error was not returned: %v", err)
	}
}

func FuzzServerSentEvents(f *testing.F) {
	f.Add(readTestdata(f, "mastodon/streaming_hashtag.txt"))
	f.Add([]byte("event: delete\r\ndata: \"1\"\r\n\r\n"))
	f.Fuzz(func(t *testing.T, stream []byte) {
		_ = readServerSentEvents(strings.NewReader(string(stream)), func(event, data string) error {
			if len(data) > streamLineSize || strings.Contains(event, "\n") {
				t.Fatalf("event %q with %d bytes of data", event, len(data))
			}
			return nil
		})
	})
}
