package web

// Benchmarks of Server.ServeHTTP on the demo content, without a network:
// what one request costs in the server itself. Profile one with
//
//	go test -run '^$' -bench 'ServeHTTP/story$' -cpuprofile cpu.out ./internal/web/
//	go tool pprof -top cpu.out

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"chorus/internal/app"
	"chorus/internal/auth"
	"chorus/internal/demo"
	"chorus/internal/i18n"
	"chorus/internal/media"
	"chorus/internal/storage/sqlite"
)

// benchServer builds a Server over a fresh database holding the demo stories.
func benchServer(b testing.TB) *Server {
	b.Helper()
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
	if _, err := demo.Seed(ctx, a); err != nil {
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
	return s
}

// discard is a ResponseWriter that keeps only the status and the size, so
// the benchmark measures the handler rather than a recorder's buffer.
type discard struct {
	h      http.Header
	status int
	n      int
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) WriteHeader(code int)        { d.status = code }
func (d *discard) Write(p []byte) (int, error) { d.n += len(p); return len(p), nil }

func serveOnce(b *testing.B, h http.Handler, r *http.Request, want int) int {
	w := &discard{h: http.Header{}}
	h.ServeHTTP(w, r)
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if w.status != want {
		b.Fatalf("%s: status %d, want %d", r.URL, w.status, want)
	}
	return w.n
}

func BenchmarkServeHTTP(b *testing.B) {
	s := benchServer(b)
	cases := []struct {
		name, url string
		uncached  bool // drop the page cache before every request
		agent     string
	}{
		{"story", "/en/stories/demo01", false, ""},
		// A reader's browser: the view is counted (no user agent counts
		// as a robot's, as above).
		{"story-counted", "/en/stories/demo01", false, "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"},
		{"story-uncached", "/en/stories/demo01", true, ""},
		{"home", "/en/", false, ""},
		{"home-uncached", "/en/", true, ""},
		{"list-filtered", "/en/stories?language=fr&theme=work", false, ""},
		{"list-uncached", "/en/stories", true, ""},
		{"search", "/en/stories?q=community", false, ""}, // never cached
		{"feed", "/en/feed.atom", false, ""},
		{"feed-uncached", "/en/feed.json", true, ""},
		{"embed", "/en/embed/stories/demo01", false, ""},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			r := httptest.NewRequest(http.MethodGet, c.url, nil)
			if c.agent != "" {
				r.Header.Set("User-Agent", c.agent)
			}
			n := serveOnce(b, s, r, http.StatusOK)
			b.SetBytes(int64(n))
			b.ReportAllocs()
			b.ResetTimer()
			if c.uncached {
				for i := 0; i < b.N; i++ {
					s.cache.invalidate()
					serveOnce(b, s, r.Clone(r.Context()), http.StatusOK)
				}
				return
			}
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					serveOnce(b, s, r.Clone(r.Context()), http.StatusOK)
				}
			})
		})
	}
}

// BenchmarkBareHandler writes the story page's bytes from the plainest
// handler: the floor BenchmarkServeHTTP/story is compared with.
func BenchmarkBareHandler(b *testing.B) {
	s := benchServer(b)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/en/stories/demo01", nil))
	page := rec.Body.Bytes()
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	})
	r := httptest.NewRequest(http.MethodGet, "/en/stories/demo01", nil)
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			serveOnce(b, bare, r.Clone(r.Context()), http.StatusOK)
		}
	})
}
