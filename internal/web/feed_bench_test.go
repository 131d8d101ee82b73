//go:build unix

package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"chorus/internal/app"
	"chorus/internal/auth"
	"chorus/internal/demo"
	"chorus/internal/i18n"
	"chorus/internal/media"
	"chorus/internal/storage/sqlite"
)

// BenchmarkFeedAtScale renders the newest 50 stories' feed, never from the
// cache, over CHORUS_BENCH_STORIES synthetic stories (seeded once per run):
//
//	CHORUS_BENCH_STORIES=100000 go test -run '^$' -bench FeedAtScale -benchtime 50x ./internal/web/
func BenchmarkFeedAtScale(b *testing.B) {
	count, _ := strconv.Atoi(os.Getenv("CHORUS_BENCH_STORIES"))
	if count <= 0 {
		b.Skip("set CHORUS_BENCH_STORIES (e.g. 100000) to seed that many stories")
	}
	ctx := context.Background()
	dir := b.TempDir()
	store, err := sqlite.Open(ctx, filepath.Join(dir, "chorus.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	keys, err := auth.LoadOrCreateKeys(filepath.Join(dir, "secret.key"))
	if err != nil {
		b.Fatal(err)
	}
	blobs, err := media.NewDiskStore(filepath.Join(dir, "media"))
	if err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := app.New(app.Deps{Store: store, Blobs: blobs, Keys: keys, Log: log, Campaign: app.DefaultCampaign()})
	if err != nil {
		b.Fatal(err)
	}
	if err := demo.Synthetic(ctx, store, a.Campaign, count, 1, io.Discard); err != nil {
		b.Fatal(err)
	}
	catalog, err := i18n.Load(i18n.Known, log)
	if err != nil {
		b.Fatal(err)
	}
	s, err := New(a, catalog, Config{BaseURL: "http://127.0.0.1:8080"}, log)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct{ name, url string }{
		{"atom", "/en/feed.atom"},
		{"json-theme", "/fr/feed.json?theme=work"},
	} {
		b.Run(c.name, func(b *testing.B) {
			r := httptest.NewRequest(http.MethodGet, c.url, nil)
			b.SetBytes(int64(serveOnce(b, s, r, http.StatusOK)))
			b.ReportAllocs()
			// CPU time per feed, beside the wall time: on a shared machine
			// the wall time counts the waits for a core too.
			before := cpuTime()
			for b.Loop() {
				s.cache.invalidate()
				serveOnce(b, s, r.Clone(r.Context()), http.StatusOK)
			}
			b.ReportMetric(float64((cpuTime()-before).Nanoseconds())/float64(b.N), "cpu-ns/op")
		})
	}
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
