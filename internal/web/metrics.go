package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"chorus/internal/app"
	"chorus/internal/auth"
)

type metrics struct {
	registry    *prometheus.Registry
	requests    *prometheus.CounterVec
	durations   *prometheus.HistogramVec
	submissions prometheus.Counter
}

func newMetrics(a *app.App) *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "chorus_http_requests_total", Help: "HTTP requests by route pattern and status.",
		}, []string{"route", "status"}),
		durations: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "chorus_http_request_duration_seconds", Help: "Time to answer, by route pattern.",
			Buckets: []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5},
		}, []string{"route"}),
		submissions: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "chorus_submissions_total", Help: "Stories submitted since start.",
		}),
	}
	queue := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "chorus_moderation_queue_size", Help: "Stories waiting for a moderator.",
	}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		n, err := a.PendingCount(ctx)
		if err != nil {
			return -1
		}
		return float64(n)
	})
	hashes := prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "chorus_password_hashes_total", Help: "Password hashes run (sign-ins, enrolments).",
	}, func() float64 { run, _ := auth.PasswordHashes(); return float64(run) })
	hashesRefused := prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "chorus_password_checks_refused_total", Help: "Password checks refused because too many were waiting.",
	}, func() float64 { _, refused := auth.PasswordHashes(); return float64(refused) })
	screenFailures := prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "chorus_screener_failures_total", Help: "Texts the screen failed on, marked not screened for a moderator.",
	}, func() float64 { return float64(a.ScreenerFailures()) })
	m.registry.MustRegister(m.requests, m.durations, m.submissions, queue, hashes, hashesRefused, screenFailures,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) observe(route string, status int, elapsed time.Duration) {
	if status == 0 {
		status = http.StatusOK
	}
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	m.durations.WithLabelValues(route).Observe(elapsed.Seconds())
}

// MetricsHandler serves the Prometheus metrics. They tell the queue size
// and the requests to private pages, so they are served on their own
// address, never on the public site.
func (s *Server) MetricsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{}))
	return mux
}

// WatchConnections adds the connections a limiter refused to the metrics.
func (s *Server) WatchConnections(l *ConnLimiter) {
	s.metrics.registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "chorus_connections_refused_total", Help: "Connections closed for being over a connection cap.",
	}, func() float64 { return float64(l.Refused()) }))
}
