// Package web serves the pages of Chorus and wires every route.
package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"chorus/internal/api"
	"chorus/internal/app"
	"chorus/internal/i18n"
	"chorus/internal/toolkit/card"
)

// Config holds what the web layer needs to know about its deployment.
type Config struct {
	// BaseURL is the public URL, without a trailing slash.
	BaseURL string
	// SubmissionsPerHour and SignInsPerMinute limit each client; zero
	// means the defaults.
	SubmissionsPerHour int
	SignInsPerMinute   int
	// SignInsPerMinuteTotal limits sign-in attempts from all clients
	// together: each one costs a password hash.
	SignInsPerMinuteTotal int
	// EditsPerHour limits the edits of one submission, and
	// EditsPerHourPerAddress those from one client address.
	EditsPerHour           int
	EditsPerHourPerAddress int
	// FormReadTimeout and UploadReadTimeout bound the time a request body
	// (a multipart one for uploads) may take to arrive.
	FormReadTimeout   time.Duration
	UploadReadTimeout time.Duration
	// TrustForwardedFor takes the client address from X-Forwarded-For, for
	// a server behind a reverse proxy.
	TrustForwardedFor bool
}

// DefaultSignInsPerMinuteTotal is the site-wide ceiling on sign-in
// attempts: a staff of dozens signs in far less often, and two a second
// keep the password hashing to a fraction of one core.
const DefaultSignInsPerMinuteTotal = 120

// Server is the HTTP face of Chorus.
type Server struct {
	app      *app.App
	api      *api.API
	catalog  *i18n.Catalog
	views    *views
	cfg      Config
	log      *slog.Logger
	metrics  *metrics
	cache    *pageCache
	csrfKey  []byte
	secure   bool
	submits  *limiter
	signins  *limiter
	handler  http.Handler
	queueHub *hub
	wallHub  *hub
	renderer *card.Renderer
	cards    *cardCache
	saved    savedTranslations

	// signinsTotal is the site-wide ceiling on sign-in attempts.
	signinsTotal      *rate.Limiter
	editsBySubmission *limiter
	editsByAddress    *limiter
	mux               *http.ServeMux
}

// New builds the server and its routes; templates are parsed here so a
// broken template stops the start, not a request.
func New(a *app.App, catalog *i18n.Catalog, cfg Config, log *slog.Logger) (*Server, error) {
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, &url.Error{Op: "parse base URL", URL: cfg.BaseURL, Err: err}
	}
	if cfg.SubmissionsPerHour <= 0 {
		cfg.SubmissionsPerHour = 60
	}
	if cfg.SignInsPerMinute <= 0 {
		cfg.SignInsPerMinute = 10
	}
	if cfg.SignInsPerMinuteTotal <= 0 {
		cfg.SignInsPerMinuteTotal = DefaultSignInsPerMinuteTotal
	}
	if cfg.FormReadTimeout <= 0 {
		cfg.FormReadTimeout = DefaultFormReadTimeout
	}
	if cfg.UploadReadTimeout <= 0 {
		cfg.UploadReadTimeout = DefaultUploadReadTimeout
	}
	if cfg.EditsPerHour <= 0 {
		cfg.EditsPerHour = DefaultEditsPerHour
	}
	if cfg.EditsPerHourPerAddress <= 0 {
		cfg.EditsPerHourPerAddress = DefaultEditsPerHourPerAddress
	}
	var langs []string
	for _, l := range catalog.Languages() {
		langs = append(langs, l.Code)
	}
	s := &Server{
		app:      a,
		catalog:  catalog,
		cfg:      cfg,
		log:      log,
		cache:    newPageCache(2000),
		csrfKey:  a.Keys.Derive("csrf"),
		secure:   u.Scheme == "https",
		submits:  newLimiter(float64(cfg.SubmissionsPerHour)/3600, cfg.SubmissionsPerHour/4+1),
		signins:  newLimiter(float64(cfg.SignInsPerMinute)/60, cfg.SignInsPerMinute),
		queueHub: newHub(),
		wallHub:  newHub(),
	}
	s.signinsTotal = rate.NewLimiter(rate.Limit(float64(cfg.SignInsPerMinuteTotal)/60), max(cfg.SignInsPerMinuteTotal/4, 1))
	s.editsBySubmission = newLimiter(float64(cfg.EditsPerHour)/3600, max(cfg.EditsPerHour/3, 1))
	s.editsByAddress = newLimiter(float64(cfg.EditsPerHourPerAddress)/3600, max(cfg.EditsPerHourPerAddress/3, 1))
	s.metrics = newMetrics(a)
	if s.renderer, err = card.NewRenderer(); err != nil {
		return nil, err
	}
	s.cards = newCardCache(500)
	s.api = &api.API{App: a, BaseURL: cfg.BaseURL, PageLanguages: langs, Log: log, Submitted: s.metrics.submissions.Inc}
	s.views, err = parseViews(catalog)
	if err != nil {
		return nil, err
	}
	if err := s.ReloadTranslations(context.Background()); err != nil {
		return nil, err
	}
	a.Events.Subscribe(s.changed)
	s.handler = s.routes()
	return s, nil
}

// changed keeps what this node holds in memory in step with a committed
// change, made here or on another node.
func (s *Server) changed(ev app.Event) {
	switch ev := ev.(type) {
	case app.QueueChanged:
		s.queueHub.publish()
	case app.TranslationsChanged:
		s.reloadTranslations()
	case app.StoryChanged:
		// A withdrawn story's words must not stay in memory in its cards.
		s.cards.forget(storyCardPrefix(ev.ID))
		s.publicChanged()
	case app.EverythingChanged:
		s.cards.forget(storyCardsPrefix)
		s.reloadTranslations()
		s.queueHub.publish()
		s.publicChanged()
		s.wallHub.publish()
	case app.WallChanged:
		s.cache.invalidate()
		s.wallHub.publish()
	default:
		s.publicChanged()
	}
}

// publicChanged drops every cached page and toolkit package (whose voices
// follow the published stories).
func (s *Server) publicChanged() {
	s.cards.forget(toolkitPackagePrefix)
	s.cache.invalidate()
}

// reloadTranslations reloads the saved translations for a change event,
// logging a failure; the cached pages are dropped either way
// (ReloadTranslations drops them after a reload).
func (s *Server) reloadTranslations() {
	if err := s.ReloadTranslations(context.Background()); err != nil {
		s.log.Error("a saved translation shows once the next one is saved or the server restarts", "err", err)
		s.cache.invalidate()
	}
}

// Mount adds the handler of another package (a feature bringing its own
// routes) to the site, with the site's headers and metrics, before the
// server starts. A pattern that is malformed or clashes with a route of the
// site is an error.
func (s *Server) Mount(pattern string, h http.Handler) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("web: mount %q: %v", pattern, r)
		}
	}()
	s.mux.Handle(pattern, h)
	return nil
}

// Catalog is the site's interface catalog, for feature packages that
// speak to other servers in the site's languages.
func (s *Server) Catalog() *i18n.Catalog { return s.catalog }

// BaseURL is the site's public URL, without a trailing slash.
func (s *Server) BaseURL() string { return s.cfg.BaseURL }

// ServeHTTP makes Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }
