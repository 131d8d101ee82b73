// Package federation makes the campaign a fediverse citizen: an
// ActivityPub actor that servers such as Mastodon discover with WebFinger
// and follow; a signed inbox; the published stories delivered to the
// followers as Create, Update and Delete, by durable jobs. Files are named
// by direction: webfinger.go and actor.go answer other servers' reads,
// inbox.go takes their activities, outbox.go turns stories into
// activities, deliver.go sends them, keys.go fetches the senders' keys.
package federation

import (
	"context"
	"crypto/rsa"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"chorus/internal/app"
	"chorus/internal/i18n"
	"chorus/internal/paths"
	"chorus/internal/web"
)

// Username is the actor's: acct:stories@HOST.
const Username = paths.ActorUsername

// Queue is the job queue deliveries go to, worked apart from the site's
// own jobs so that slow servers never hold those up.
const Queue = "federation"

// queueWorkers is how many deliveries run at once on one node: a server
// that is down ties up a worker for at most the request timeout.
const queueWorkers = 16

// Federation is the campaign actor of one site.
type Federation struct {
	app     *app.App
	base    string // the site's public URL, no trailing slash
	host    string // its host, with the port if any
	catalog *i18n.Catalog
	log     *slog.Logger
	keys    *keyCache

	keyMu sync.Mutex
	key   *rsa.PrivateKey
}

// Register mounts the federation routes on the site, registers the
// delivery jobs and the hook that queues them with every decision.
func Register(a *app.App, site *web.Server) error {
	f, err := newFederation(a, site.BaseURL(), site.Catalog())
	if err != nil {
		return err
	}
	for pattern, h := range f.routes() {
		if err := site.Mount(pattern, h); err != nil {
			return err
		}
	}
	if err := f.registerJobs(); err != nil {
		return err
	}
	return a.OnStoryChange(f.storyChanged)
}

func newFederation(a *app.App, base string, catalog *i18n.Catalog) (*Federation, error) {
	base = strings.TrimRight(base, "/")
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return nil, errors.New("federation: the site needs a base URL")
	}
	return &Federation{app: a, base: base, host: u.Host, catalog: catalog, log: a.Log, keys: newKeyCache(10000)}, nil
}

// routes are the federation's handlers by pattern.
func (f *Federation) routes() map[string]http.Handler {
	return map[string]http.Handler{
		"GET /.well-known/webfinger":      http.HandlerFunc(f.webfinger),
		"GET /.well-known/host-meta":      http.HandlerFunc(f.hostMeta),
		"GET /.well-known/nodeinfo":       http.HandlerFunc(f.nodeinfoLinks),
		"GET /nodeinfo/2.1":               http.HandlerFunc(f.nodeinfo),
		"GET " + actorPath:                http.HandlerFunc(f.actor),
		"GET " + actorPath + "/icon.png":  http.HandlerFunc(f.icon),
		"POST " + actorPath + "/inbox":    http.HandlerFunc(f.inbox),
		"POST " + sharedInboxPath:         http.HandlerFunc(f.inbox),
		"GET " + actorPath + "/outbox":    http.HandlerFunc(f.outbox),
		"GET " + actorPath + "/followers": http.HandlerFunc(f.followers),
		"GET " + actorPath + "/following": http.HandlerFunc(f.following),
		"GET " + objectPrefix + "{id}":    http.HandlerFunc(f.object),
	}
}

// The federation's own paths.
const (
	actorPath       = paths.ActorPath
	sharedInboxPath = "/ap/inbox"
	objectPrefix    = "/ap/stories/"
)

func (f *Federation) actorURL() string           { return f.base + actorPath }
func (f *Federation) keyID() string              { return f.actorURL() + "#main-key" }
func (f *Federation) objectURL(id string) string { return f.base + objectPrefix + url.PathEscape(id) }

// storyIDOf reads a story id from our object URL, or from a story page's
// URL (/{lang}/stories/{id}); "" when it is neither.
func (f *Federation) storyIDOf(rawURL string) string {
	rest, ok := strings.CutPrefix(rawURL, f.base+"/")
	if !ok {
		return ""
	}
	rest, _, _ = strings.Cut(rest, "#")
	parts := strings.Split(rest, "/")
	switch {
	case len(parts) == 3 && parts[0] == "ap" && parts[1] == "stories":
		return parts[2]
	case len(parts) == 3 && parts[1] == "stories":
		return parts[2]
	}
	return ""
}

// actorKey is our key pair, read (or made) once.
func (f *Federation) actorKey(ctx context.Context) (*rsa.PrivateKey, error) {
	f.keyMu.Lock()
	defer f.keyMu.Unlock()
	if f.key == nil {
		key, err := f.app.ActorKey(ctx)
		if err != nil {
			return nil, err
		}
		f.key = key
	}
	return f.key, nil
}

func (f *Federation) now() time.Time { return f.app.Now().UTC() }
