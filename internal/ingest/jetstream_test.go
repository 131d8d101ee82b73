package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"chorus/internal/app"
	"chorus/internal/story"
)

// fakeJetstream replays a JSONL recording over a WebSocket: from the
// cursor a client asks for, dropping the first connection after dropAfter
// events.
type fakeJetstream struct {
	events    [][]byte
	dropAfter int

	mu      sync.Mutex
	cursors []string
	wanted  []string
}

func (f *fakeJetstream) connections() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.cursors)
}

func (f *fakeJetstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.cursors = append(f.cursors, r.URL.Query().Get("cursor"))
	f.wanted = append(f.wanted, r.URL.Query().Get("wantedCollections"))
	first := len(f.cursors) == 1
	f.mu.Unlock()
	conn, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	defer conn.CloseNow()
	cursor, _ := strconv.ParseInt(r.URL.Query().Get("cursor"), 10, 64)
	sent := 0
	for _, ev := range f.events {
		if timeUS(ev) < cursor { // Jetstream replays from the cursor, inclusive
			continue
		}
		if first && sent == f.dropAfter {
			return // the connection drops without a close frame
		}
		if err := conn.Write(r.Context(), websocket.MessageText, ev); err != nil {
			return
		}
		sent++
	}
	<-r.Context().Done()
}

// TestJetstreamReplayWithDropAndResume follows a recorded Jetstream:
// tagged posts taken in (tag facets and tags, any case), others and
// opted-out ones skipped, a deletion removing its post, a dropped
// connection resumed from the cursor, and a restart resuming from the
// saved cursor with no event taken twice.
func TestJetstreamReplayWithDropAndResume(t *testing.T) {
	rig, r, _ := newRig(t, fixtureTime)
	f := &fakeJetstream{events: bytes.Split(bytes.TrimSpace(readTestdata(t, "jetstream.jsonl")), []byte("\n")), dropAfter: 6}
	srv := httptest.NewServer(f)
	defer srv.Close()
	av := httptest.NewServer(&fakeAppView{})
	defer av.Close()
	src := addSource(t, rig, app.SourceInput{Kind: story.SourceBluesky, URL: "ws" + strings.TrimPrefix(srv.URL, "http") + "/subscribe", Tags: []string{"ItTakesaCommunity"}, AppView: av.URL + "/xrpc"})
	stop := r.Start(context.Background())
	uk := "at://did:plc:u5cwb2mwiv2bfq53cjufe6yn/app.bsky.feed.post/3lbx2cwuk002c"
	waitFor(t, "the post after the drop", func() bool { return postBySource(t, rig, "bluesky", uk) != nil })
	deleted := "at://did:plc:eygmaihciaxprqvxpfvl6flk/app.bsky.feed.post/3lbx2cvbvns2c"
	waitFor(t, "the deletion", func() bool { return postBySource(t, rig, "bluesky", deleted) == nil })
	// Six events before the drop, then five from the cursor (inclusive).
	waitFor(t, "every event", func() bool { return testutil.ToFloat64(r.metrics.events) == 11 })
	stop()

	if got := testutil.ToFloat64(r.metrics.deleted.WithLabelValues("bluesky")); got != 1 {
		t.Errorf("posts deleted at the source: %v, want 1 (the tagged one taken before)", got)
	}
	fr := postBySource(t, rig, "bluesky", "at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/3lbx2cwabcd2c")
	if fr == nil {
		t.Fatal("a post tagged in its tags list was not taken in")
	}
	if fr.Language != "fr" || fr.SourceURL != "https://bsky.app/profile/did:plc:z72i7hdynmk6r22z27h6tvur/post/3lbx2cwabcd2c" ||
		len(fr.Media) != 1 || fr.Media[0].Alt != "Des cartons dans un escalier" || !strings.HasPrefix(fr.Media[0].Remote, "https://cdn.bsky.app/img/") {
		t.Errorf("post: %+v", fr)
	}
	for _, id := range []string{
		"at://did:plc:ragtjsm2j2vknwkz3zp4oxrd/app.bsky.feed.post/3lbx2cw0aaa2c", // no tag
		"at://did:plc:hidden5nkwh2sbyv6j7ipx4c/app.bsky.feed.post/3lbx2cwhidn2c", // !no-unauthenticated
	} {
		if postBySource(t, rig, "bluesky", id) != nil {
			t.Errorf("%s was taken in", id)
		}
	}
	f.mu.Lock()
	cursors, wanted := append([]string(nil), f.cursors...), f.wanted[0]
	f.mu.Unlock()
	if wanted != "app.bsky.feed.post" {
		t.Errorf("wantedCollections=%q", wanted)
	}
	if len(cursors) != 2 || cursors[0] != "" || cursors[1] != "1764507600000500" {
		t.Fatalf("cursors asked: %q, want none then the last event read before the drop", cursors)
	}
	var st jetstreamState
	if err := json.Unmarshal(sourceNow(t, rig, src.ID).State, &st); err != nil || st.Cursor != 1764507600000900 {
		t.Fatalf("saved cursor %d, %v", st.Cursor, err)
	}

	// A restart (another runner, as after a new start of the server).
	before := testutil.ToFloat64(r.metrics.taken.WithLabelValues("bluesky", "uk", string(postBySource(t, rig, "bluesky", uk).Status)))
	r2 := New(rig.App, Options{Tick: r.opts.Tick, LeaseTTL: r.opts.LeaseTTL, Holder: r.opts.Holder})
	stop2 := r2.Start(context.Background())
	waitFor(t, "the reconnection after the restart", func() bool { return f.connections() == 3 })
	stop2()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.cursors[2] != "1764507600000900" {
		t.Fatalf("after a restart, cursor %q", f.cursors[2])
	}
	if n := testutil.ToFloat64(r2.metrics.taken.WithLabelValues("bluesky", "uk", "visible")) + testutil.ToFloat64(r2.metrics.taken.WithLabelValues("bluesky", "uk", "queued")); n != 0 || before != 1 {
		t.Fatalf("taken again after the restart: %v (first run %v)", n, before)
	}
}

func TestJetstreamFilterMatchesTagsWithoutCase(t *testing.T) {
	f := newJetstreamFilter([]string{"ItTakesaCommunity"})
	lines := bytes.Split(bytes.TrimSpace(readTestdata(t, "jetstream.jsonl")), []byte("\n"))
	var posts, deletes int
	for _, l := range lines {
		act, err := f.decode(l)
		if err != nil {
			t.Fatal(err)
		}
		if act.TimeUS == 0 {
			t.Errorf("no time_us read from %s", l)
		}
		if act.Post != nil {
			posts++
		}
		if act.Delete != "" {
			deletes++
		}
	}
	if posts != 3 || deletes != 2 {
		t.Fatalf("posts %d, deletes %d; want 3 and 2", posts, deletes)
	}
	if _, err := f.decode([]byte(`{"kind":"commit","commit":{"operation":"delete",`)); err == nil {
		t.Fatal("a truncated event was read")
	}
}

func FuzzJetstreamDecode(f *testing.F) {
	for _, l := range bytes.Split(readTestdata(f, "jetstream.jsonl"), []byte("\n")) {
		f.Add(l)
	}
	filter := newJetstreamFilter([]string{"ItTakesaCommunity"})
	f.Fuzz(func(t *testing.T, msg []byte) {
		act, err := filter.decode(msg)
		if err != nil || act.Post == nil {
			return
		}
		in := *act.Post
		in.Normalize()
		if act.Post.Network != "bluesky" || !strings.HasPrefix(act.Post.SourceID, "at://") {
			t.Fatalf("post %+v", act.Post)
		}
		if len([]rune(in.Text)) > story.MaxPostText {
			t.Fatalf("text of %d runes", len([]rune(in.Text)))
		}
	})
}

func TestFoldNeedleFindsAnyCase(t *testing.T) {
	n := newFoldNeedle("ItTakesaCommunity")
	for text, want := range map[string]bool{
		`"tag":"ittakesacommunity"`:  true,
		`"tag":"ITTAKESACOMMUNITY"`:  true,
		`#ItTakesaCommunity`:         true,
		`ItTakesaCommunit`:           false,
		`kkkkkkkkkkkkkkkkkkkkkkk`:    false,
		`It Takes a Community`:       false,
		`xItTakesaCommunityx` + "\n": true,
	} {
		if got := n.in([]byte(text)); got != want {
			t.Errorf("%q: %v, want %v", text, got, want)
		}
	}
	if !newFoldNeedle("_x").in([]byte("a_X")) || newFoldNeedle("k").in([]byte("")) {
		t.Error("short words")
	}
}
