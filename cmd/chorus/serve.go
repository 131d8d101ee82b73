package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"chorus/internal/app"
	"chorus/internal/demo"
	"chorus/internal/federation"
	"chorus/internal/ingest"
	"chorus/internal/media"
	"chorus/internal/staff"
	"chorus/internal/storage"
	"chorus/internal/story"
	"chorus/internal/web"
)

// demoAdmin is the account the first start prints a sign-in link for.
const demoAdmin = "admin@example.org"

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	noDemo := demoOff(getenv("CHORUS_DEMO"))
	cfg, err := parseFlags("serve", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.BoolVar(&noDemo, "no-demo", noDemo, "start a new site empty: no demo stories and no demo admin (also CHORUS_DEMO=off)")
	})
	if err != nil {
		return err
	}
	if cfg.MaxConns < 1 || cfg.MaxConnsPerClient < 0 {
		return errors.New("--max-connections must be at least 1, --max-connections-per-address 0 (off) or more")
	}
	log := newLogger(stderr, cfg.LogLevel)
	a, store, err := openApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer store.Close()
	firstStart := store.Created()
	if firstStart && !noDemo {
		n, err := demo.Seed(ctx, a)
		if err != nil {
			return fmt.Errorf("seed demo content: %w", err)
		}
		log.Info("demo content added", "stories", n)
	}
	if disk, ok := a.Blobs.(*media.DiskStore); ok {
		if n, err := disk.RemoveStaleTemporaries(time.Minute); err != nil {
			log.Warn("cannot clear interrupted photo writes", "err", err)
		} else if n > 0 {
			log.Info("cleared interrupted photo writes", "files", n)
		}
	}
	catalog, err := loadCatalog(cfg, log)
	if err != nil {
		return err
	}
	site, err := web.New(a, catalog, web.Config{BaseURL: cfg.baseURL(), SubmissionsPerHour: cfg.SubmitRate,
		SignInsPerMinute: cfg.SignInRate, SignInsPerMinuteTotal: cfg.SignInTotal, TrustForwardedFor: cfg.TrustProxy,
		EditsPerHour: cfg.EditRate, EditsPerHourPerAddress: cfg.EditRatePerClient,
		FormReadTimeout: cfg.FormReadTimeout, UploadReadTimeout: cfg.UploadReadTimeout}, log)
	if err != nil {
		return err
	}
	if err := federation.Register(a, site); err != nil {
		return err
	}
	stopConnectors, err := ingest.Register(ctx, a, site)
	if err != nil {
		return err
	}
	defer stopConnectors()
	if shared, ok := store.(changeBroadcaster); ok {
		// Several nodes on one database: tell the others what changed, and
		// listen for their changes.
		defer relayChanges(ctx, a.Events, shared, log)()
	}
	listener, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	perAddress := cfg.MaxConnsPerClient
	if cfg.TrustProxy {
		// Every connection comes from the proxy: it limits each client.
		perAddress = 0
	}
	limited := web.LimitConnections(listener, cfg.MaxConns, perAddress)
	site.WatchConnections(limited)
	listener = limited
	var metricsListener net.Listener
	if cfg.MetricsAddr != "" {
		if metricsListener, err = net.Listen("tcp", cfg.MetricsAddr); err != nil {
			listener.Close()
			return fmt.Errorf("metrics address: %w", err)
		}
	}
	srv := &http.Server{
		Handler:           site,
		ReadHeaderTimeout: 10 * time.Second,
		// No ReadTimeout: the site gives each request body its own time,
		// longer for a photo upload than for a form.
		WriteTimeout: 5 * time.Minute,
		IdleTimeout:  2 * time.Minute,
		ErrorLog:     nil,
	}
	srv.RegisterOnShutdown(site.CloseStreams)
	fmt.Fprintf(stdout, "Chorus is serving %s\n", cfg.baseURL())
	if err := announceAdmin(ctx, stdout, a, store, cfg, firstStart, noDemo); err != nil {
		log.Warn("no admin sign-in link", "err", err)
	}

	stopJobs, err := store.StartJobs(context.WithoutCancel(ctx), a.Jobs())
	if err != nil {
		return err
	}
	// Jobs drain after the last request: a request may still enqueue one.
	defer func() {
		drainCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := stopJobs(drainCtx); err != nil {
			log.Warn("jobs still running at shutdown will be retried", "err", err)
		}
	}()

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(listener) }()
	if metricsListener != nil {
		metricsSrv := &http.Server{Handler: site.MetricsHandler(), ReadHeaderTimeout: 10 * time.Second, WriteTimeout: time.Minute}
		defer metricsSrv.Close()
		go func() {
			if err := metricsSrv.Serve(metricsListener); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error("metrics stopped", "err", err)
			}
		}()
		log.Info("metrics served apart from the site", "addr", metricsListener.Addr().String())
	}
	select {
	case err := <-serveErr:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdownCtx)
	if err := <-serveErr; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return err
}

// demoOff reads CHORUS_DEMO: off, false, no or 0 start a new site empty.
func demoOff(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "off", "false", "no", "0":
		return true
	}
	return false
}

// announceAdmin tells the operator how to sign in. The first start of a
// demo site prints the demo admin's e-mail and a one-time link; later
// starts do not print a new link while that one may still be unused
// (each new link would silently replace the last), but say how to get one.
func announceAdmin(ctx context.Context, stdout io.Writer, a *app.App, store storage.Store, cfg *config, firstStart, noDemo bool) error {
	u, err := store.UserByEmail(ctx, demoAdmin)
	switch {
	case err == nil && u.PasswordHash != "":
		return nil
	case err == nil:
		fmt.Fprintf(stdout, "Admin %s has not signed in yet: use the link printed at the first start (valid 24 hours), or print a new one with: chorus user add --email %s --role admin\n", demoAdmin, demoAdmin)
		return nil
	case !errors.Is(err, story.ErrNotFound):
		return err
	case noDemo || !firstStart:
		fmt.Fprintln(stdout, "No demo admin on this site. Add a staff account with: chorus user add --email E --role admin")
		return nil
	}
	token, err := a.AddUser(ctx, demoAdmin, staff.RoleAdmin)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Admin sign-in link for %s (one use, 24 hours): %s/en/staff/welcome/%s\n", demoAdmin, cfg.baseURL(), token)
	return nil
}
