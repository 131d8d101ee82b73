package ingest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"chorus/internal/story"
	"chorus/internal/testrig"
)

// TestPostImagesAreFetchedOnceAndKeptWithoutMetadata takes in a post with
// an image: the media job fetches it once through the guarded client,
// re-encodes it without its GPS position, and the wall serves it from our
// origin; when the post is deleted at the source the file goes too.
func TestPostImagesAreFetchedOnceAndKeptWithoutMetadata(t *testing.T) {
	rig, _, _ := newRig(t, time.Now().UTC())
	photo := testrig.PhotoWithGPS(800, 600)
	var fetched atomic.Int32
	images := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetched.Add(1)
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write(photo)
	}))
	defer images.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	stop, err := rig.Store.StartJobs(ctx, rig.App.Jobs())
	if err != nil {
		t.Fatal(err)
	}
	defer stop(context.Background())

	in := story.IncomingPost{Network: "fediverse", SourceID: "https://social.example/users/amina/statuses/1", SourceURL: "https://social.example/@amina/1",
		Author: "@amina@social.example", Text: "Our kitchen tonight #ItTakesaCommunity", Language: "en", PostedAt: time.Now().Add(-time.Minute),
		Media: []story.IncomingMedia{{URL: images.URL + "/small/kitchen.jpg", Alt: "Volunteers serving soup"}}}
	p, _, err := rig.App.IngestPost(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != story.PostVisible {
		t.Fatalf("status %s", p.Status)
	}
	var kept *story.Post
	waitFor(t, "the image to be kept", func() bool {
		kept = postBySource(t, rig, "fediverse", in.SourceID)
		return len(kept.Media) == 1 && kept.Media[0].Key != ""
	})
	if kept.Media[0].Remote != "" || kept.Media[0].Alt != "Volunteers serving soup" {
		t.Fatalf("media %+v", kept.Media)
	}
	// Taken in again (the next poll): nothing is fetched twice.
	if _, created, err := rig.App.IngestPost(ctx, in); err != nil || created {
		t.Fatalf("again: %v, %v", created, err)
	}
	wall := string(rig.Do("GET", "/en/wall", nil, nil).Body)
	src := "/media/" + kept.Media[0].Key
	if !strings.Contains(wall, `src="`+src+`"`) || !strings.Contains(wall, `alt="Volunteers serving soup"`) || strings.Contains(wall, images.URL) {
		t.Fatalf("the wall does not show the kept image from our origin")
	}
	res := rig.Do("GET", src, nil, nil)
	if res.Status != http.StatusOK || res.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("image: %d", res.Status)
	}
	if bytes.Contains(res.Body, testrig.GPSBytes()) || bytes.Contains(res.Body, []byte("Exif")) {
		t.Fatal("the kept image still carries its metadata")
	}
	if n := fetched.Load(); n != 1 {
		t.Fatalf("the image was fetched %d times", n)
	}

	if err := rig.App.RemovePostAtSource(ctx, "fediverse", in.SourceID); err != nil {
		t.Fatal(err)
	}
	if got := rig.Do("GET", src, nil, nil); got.Status != http.StatusNotFound {
		t.Fatalf("image of a deleted post: %d", got.Status)
	}
	file := filepath.Join(rig.MediaDir, filepath.FromSlash(kept.Media[0].Key))
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Fatalf("the image of a deleted post is still on disk: %v", err)
	}
}

// TestRegisterExposesTheFigures starts the connectors the way serve does
// and finds their figures in /metrics; a second runner on the same site is
// refused.
func TestRegisterExposesTheFigures(t *testing.T) {
	rig, _, _ := newRig(t, time.Now().UTC())
	stop, err := Register(context.Background(), rig.App, rig.Site)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	srv := httptest.NewServer(rig.Site.MetricsHandler())
	defer srv.Close()
	res, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	// Counters by label show once counted; this one has no label.
	for _, name := range []string{"chorus_ingest_jetstream_events_total"} {
		if !strings.Contains(string(body), name) {
			t.Errorf("/metrics lacks %s", name)
		}
	}
	if _, err := Register(context.Background(), rig.App, rig.Site); err == nil {
		t.Error("registering twice did not fail")
	}
}
