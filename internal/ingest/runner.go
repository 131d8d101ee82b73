// Package ingest gathers the campaign's hashtag posts: it polls
// Mastodon-compatible servers' tag timelines and feeds, follows Bluesky's
// Jetstream, and hands each post to the intake (app.IngestPost), which
// screens it and puts it on the wall, in the queue or out of sight. The
// connectors run on one node at a time, the holder of a lease in the
// database.
package ingest

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"chorus/internal/app"
	"chorus/internal/story"
	"chorus/internal/web"
)

// leaseName is the one lease the connectors share.
const leaseName = "connectors"

// Options tune a Runner; the zero value is right for a site.
type Options struct {
	// LeaseTTL is how long a node holds the lease without renewing it;
	// Tick is how often it renews it and looks for new or removed sources.
	LeaseTTL time.Duration
	Tick     time.Duration
	// Holder names this node; default a random name.
	Holder string
}

// Runner runs the connectors of every source while its node holds the
// lease.
type Runner struct {
	app     *app.App
	log     *slog.Logger
	opts    Options
	metrics *metrics

	mu      sync.Mutex
	running map[string]*running

	idsMu     sync.Mutex
	statusIDs map[string]*statusIDs // by Mastodon source
	profiles  *profileCache
}

type running struct {
	src    *story.Source
	cancel context.CancelFunc
	done   chan struct{}
}

type metrics struct {
	taken   *prometheus.CounterVec
	skipped *prometheus.CounterVec
	deleted *prometheus.CounterVec
	errors  *prometheus.CounterVec
	toWall  *prometheus.HistogramVec
	events  prometheus.Counter
}

func newMetrics() *metrics {
	return &metrics{
		taken: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "chorus_ingest_posts_total", Help: "Posts taken in by the connectors, by network, language and status.",
		}, []string{"network", "language", "status"}),
		skipped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "chorus_ingest_skipped_total", Help: "Posts skipped because their author opted out of indexing.",
		}, []string{"network"}),
		deleted: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "chorus_ingest_deleted_total", Help: "Posts removed because they were deleted at the source.",
		}, []string{"network"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "chorus_ingest_errors_total", Help: "Connector runs that failed, by kind of source.",
		}, []string{"kind"}),
		toWall: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "chorus_ingest_source_to_wall_seconds", Help: "Time from a post's publication to its taking in, for posts shown at once.",
			Buckets: []float64{0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600},
		}, []string{"network"}),
		events: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "chorus_ingest_jetstream_events_total", Help: "Jetstream events read.",
		}),
	}
}

func (m *metrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{m.taken, m.skipped, m.deleted, m.errors, m.toWall, m.events}
}

// New returns a runner for the app's sources.
func New(a *app.App, opts Options) *Runner {
	if opts.LeaseTTL <= 0 {
		opts.LeaseTTL = 30 * time.Second
	}
	if opts.Tick <= 0 {
		opts.Tick = 5 * time.Second
	}
	if opts.Holder == "" {
		b := make([]byte, 8)
		crand.Read(b)
		opts.Holder = "node-" + hex.EncodeToString(b)
	}
	return &Runner{app: a, log: a.Log.With("part", "ingest"), opts: opts, metrics: newMetrics(), running: map[string]*running{}}
}

// Register starts the connectors of a site's node, with their figures in
// the site's /metrics; stop ends them and waits.
func Register(ctx context.Context, a *app.App, site *web.Server) (stop func(), err error) {
	r := New(a, Options{})
	if err := site.RegisterMetrics(r.metrics.collectors()...); err != nil {
		return nil, err
	}
	return r.Start(ctx), nil
}

// Start runs the runner until stop is called or ctx ends.
func (r *Runner) Start(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.loop(ctx)
	}()
	return func() {
		cancel()
		<-done
	}
}

func (r *Runner) now() time.Time { return r.app.Now().UTC() }

// loop holds or waits for the lease and keeps one connector running per
// source while it holds it.
func (r *Runner) loop(ctx context.Context) {
	defer r.stopAll()
	tick := time.NewTicker(r.opts.Tick)
	defer tick.Stop()
	for {
		r.round(ctx)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// round renews the lease, then starts connectors for new sources and stops
// those of removed ones. Without the lease, every connector stops.
func (r *Runner) round(ctx context.Context) {
	held, err := r.app.TakeLease(ctx, leaseName, r.opts.Holder, r.opts.LeaseTTL)
	if err != nil || !held {
		if err != nil && ctx.Err() == nil {
			r.log.Warn("cannot take the connectors' lease", "err", err)
		}
		r.stopAll()
		return
	}
	sources, err := r.app.ConnectorSources(ctx)
	if err != nil {
		r.log.Warn("cannot list sources", "err", err)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for id, run := range r.running {
		if !slices.ContainsFunc(sources, func(s *story.Source) bool { return s.ID == id }) {
			run.cancel()
			<-run.done
			delete(r.running, id)
		}
	}
	for _, src := range sources {
		if _, ok := r.running[src.ID]; ok {
			continue
		}
		runCtx, cancel := context.WithCancel(ctx)
		run := &running{src: src, cancel: cancel, done: make(chan struct{})}
		r.running[src.ID] = run
		go func() {
			defer close(run.done)
			r.runSource(runCtx, src)
		}()
	}
}

func (r *Runner) stopAll() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for id, run := range r.running {
		run.cancel()
		<-run.done
		delete(r.running, id)
	}
}

// runSource works one source until ctx ends: a stream follows it, a poller
// polls it at its interval (or as the server asked), recording each run.
func (r *Runner) runSource(ctx context.Context, src *story.Source) {
	if src.Kind == story.SourceBluesky {
		r.followJetstream(ctx, src)
		return
	}
	if src.Kind == story.SourceMastodon && src.TokenSealed != "" {
		token, err := r.app.SourceToken(src)
		if err != nil {
			r.log.Warn("cannot open a source's token", "source", src.ID, "err", err)
		} else if token != "" {
			streams := make(chan struct{})
			go func() {
				defer close(streams)
				r.followMastodonStreams(ctx, src, token)
			}()
			defer func() { <-streams }()
		}
	}
	state := src.State
	failures := 0
	for {
		var added int
		var wait time.Duration
		var err error
		switch src.Kind {
		case story.SourceMastodon:
			state, added, wait, err = r.pollMastodon(ctx, &story.Source{ID: src.ID, Kind: src.Kind, URL: src.URL, Tags: src.Tags, State: state})
		case story.SourceFeed:
			state, added, err = r.pollFeed(ctx, &story.Source{ID: src.ID, Kind: src.Kind, URL: src.URL, Tags: src.Tags, State: state})
		}
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			failures++
			r.metrics.errors.WithLabelValues(string(src.Kind)).Inc()
			r.log.Info("source run failed", "source", src.ID, "err", err)
		} else {
			failures = 0
		}
		if recErr := r.app.RecordSourceRun(context.WithoutCancel(ctx), src.ID, state, err, added); recErr != nil && !errors.Is(recErr, story.ErrNotFound) {
			r.log.Warn("cannot record a source's run", "source", src.ID, "err", recErr)
		}
		next := src.Every
		if failures > 0 {
			next = backoff(failures, src.Every, time.Hour)
		}
		if wait > next {
			next = wait
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(next):
		}
	}
}

// backoff doubles base with each failure up to limit, with jitter.
func backoff(failures int, base, limit time.Duration) time.Duration {
	d := base
	for i := 1; i < failures && d < limit; i++ {
		d *= 2
	}
	d = min(d, limit)
	return d/2 + rand.N(d/2+1)
}

// take hands one post to the intake and counts it.
func (r *Runner) take(ctx context.Context, in story.IncomingPost) (bool, error) {
	post, created, err := r.app.IngestPost(ctx, in)
	var se *story.Error
	if errors.As(err, &se) && se.Code == story.CodeInvalid {
		// One malformed post must not stop the source.
		r.log.Info("post refused by the intake", "network", in.Network, "err", err)
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if created {
		r.metrics.taken.WithLabelValues(post.Network, post.Language, string(post.Status)).Inc()
		if post.Status == story.PostVisible {
			r.metrics.toWall.WithLabelValues(post.Network).Observe(max(r.now().Sub(post.PostedAt), 0).Seconds())
		}
	}
	return created, nil
}

// sortBy orders indexes by a time, oldest first.
func sortBy(idx []int, at func(int) time.Time) {
	slices.SortStableFunc(idx, func(a, b int) int { return at(a).Compare(at(b)) })
}
