package ingest

import (
	"bytes"
	"context"
	"encoding/json"
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

// fakeAppView answers app.bsky.actor.getProfile as Bluesky's public
// AppView does: the authors in optedOut carry the !no-unauthenticated
// self-label, those in broken get a server error, the others none.
type fakeAppView struct {
	optedOut map[string]bool
	broken   map[string]bool

	mu    sync.Mutex
	asked []string
}

func (f *fakeAppView) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	did := r.URL.Query().Get("actor")
	f.mu.Lock()
	f.asked = append(f.asked, r.URL.Path+" "+did)
	f.mu.Unlock()
	if r.URL.Path != "/xrpc/app.bsky.actor.getProfile" || f.broken[did] {
		http.Error(w, `{"error":"InternalServerError"}`, http.StatusInternalServerError)
		return
	}
	labels := []map[string]any{}
	if f.optedOut[did] {
		labels = append(labels, map[string]any{"src": did, "uri": "at://" + did + "/app.bsky.actor.profile/self", "cid": "bafyreif", "val": "!no-unauthenticated", "cts": "2024-11-02T10:00:00.000Z"})
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	json.NewEncoder(w).Encode(map[string]any{"did": did, "handle": "someone.bsky.social", "displayName": "Someone", "labels": labels,
		"followersCount": 12, "followsCount": 30, "postsCount": 140, "indexedAt": "2024-11-02T10:00:00.000Z"})
}

func (f *fakeAppView) askedFor() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.asked...)
}

// TestJetstreamSkipsAuthorsWhoOptOut follows the recorded Jetstream with
// an AppView that labels one author !no-unauthenticated, fails for
// another and knows a third as ordinary: only the ordinary author's post
// is taken, the failed lookup shows on the source, and each author is
// asked for once.
func TestJetstreamSkipsAuthorsWhoOptOut(t *testing.T) {
	rig, r, advance := newRig(t, fixtureTime)
	const (
		optedOut = "did:plc:z72i7hdynmk6r22z27h6tvur"
		broken   = "did:plc:eygmaihciaxprqvxpfvl6flk"
		ordinary = "did:plc:u5cwb2mwiv2bfq53cjufe6yn"
	)
	appView := &fakeAppView{optedOut: map[string]bool{optedOut: true}, broken: map[string]bool{broken: true}}
	av := httptest.NewServer(appView)
	defer av.Close()
	f := &fakeJetstream{events: bytes.Split(bytes.TrimSpace(readTestdata(t, "jetstream.jsonl")), []byte("\n")), dropAfter: -1}
	srv := httptest.NewServer(f)
	defer srv.Close()
	src := addSource(t, rig, app.SourceInput{Kind: story.SourceBluesky, URL: "ws" + strings.TrimPrefix(srv.URL, "http") + "/subscribe",
		Tags: []string{"ItTakesaCommunity"}, AppView: av.URL + "/xrpc/"})
	stop := r.Start(context.Background())
	waitFor(t, "every event", func() bool { return testutil.ToFloat64(r.metrics.events) == 10 })
	waitFor(t, "the ordinary author's post", func() bool {
		return postBySource(t, rig, "bluesky", "at://"+ordinary+"/app.bsky.feed.post/3lbx2cwuk002c") != nil
	})
	stop()

	if postBySource(t, rig, "bluesky", "at://"+optedOut+"/app.bsky.feed.post/3lbx2cwabcd2c") != nil {
		t.Error("the post of an author labelled !no-unauthenticated was taken in")
	}
	if postBySource(t, rig, "bluesky", "at://"+broken+"/app.bsky.feed.post/3lbx2cvbvns2c") != nil {
		t.Error("a post was taken in although its author's profile could not be read")
	}
	if got := testutil.ToFloat64(r.metrics.skipped.WithLabelValues("bluesky")); got != 1 {
		t.Errorf("skipped %v, want 1", got)
	}
	if e := sourceNow(t, rig, src.ID).LastError; !strings.Contains(e, "cannot read the profile of "+broken) {
		t.Errorf("the source's error %q does not name the failed lookup", e)
	}
	want := []string{"/xrpc/app.bsky.actor.getProfile " + broken, "/xrpc/app.bsky.actor.getProfile " + optedOut, "/xrpc/app.bsky.actor.getProfile " + ordinary}
	if got := appView.askedFor(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("profiles asked: %q, want %q", got, want)
	}

	// Answers are kept: asked again, the known authors cost no request,
	// the failed one is tried again; past the expiry all are asked again.
	for did, want := range map[string]bool{optedOut: true, ordinary: false} {
		if got, err := r.blueskyOptedOut(context.Background(), av.URL+"/xrpc", did); err != nil || got != want {
			t.Errorf("%s: %v, %v", did, got, err)
		}
	}
	if _, err := r.blueskyOptedOut(context.Background(), av.URL+"/xrpc", broken); err == nil {
		t.Error("a failed lookup was remembered as an answer")
	}
	if n := len(appView.askedFor()); n != 4 {
		t.Fatalf("%d requests, want 4 (the failed lookup tried again)", n)
	}
	advance(profileTTL + time.Minute)
	if got, err := r.blueskyOptedOut(context.Background(), av.URL+"/xrpc", optedOut); err != nil || !got || len(appView.askedFor()) != 5 {
		t.Fatalf("after the expiry: %v, %v, %d requests", got, err, len(appView.askedFor()))
	}
}

func TestProfileCacheBounded(t *testing.T) {
	c := &profileCache{entries: map[string]profileEntry{}}
	for i := range maxProfiles + 50 {
		c.put("did:plc:"+strings.Repeat("a", i%7)+string(rune('a'+i%26))+time.Duration(i).String(), i%2 == 0, fixtureTime)
	}
	if len(c.entries) > maxProfiles {
		t.Fatalf("%d entries kept, limit %d", len(c.entries), maxProfiles)
	}
}
