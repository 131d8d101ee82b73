package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"chorus/internal/app"
	"chorus/internal/demo"
	"chorus/internal/federation"
	"chorus/internal/ingest"
	"chorus/internal/media"
	"chorus/internal/staff"
	"chorus/internal/storage"
	"chorus/internal/web"
)

// demoAdmin is the account the first start prints a sign-in link for.
const demoAdmin = "admin@example.org"

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags("serve", args, getenv, stderr, nil)
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
	if store.Created() {
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
	if link, err := adminLink(ctx, a, store, cfg); err != nil {
		log.Warn("no admin sign-in link", "err", err)
	} else if link != "" {
		fmt.Fprintf(stdout, "Admin sign-in link (one use, 24 hours): %s\n", link)
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

// adminLink prints a sign-in link while no admin has set a password.
func adminLink(ctx context.Context, a *app.App, store storage.Store, cfg *config) (string, error) {
	u, err := store.UserByEmail(ctx, demoAdmin)
	if err == nil && u.PasswordHash != "" {
		return "", nil
	}
	token, err := a.AddUser(ctx, demoAdmin, staff.RoleAdmin)
	if err != nil {
		return "", err
	}
	return cfg.baseURL() + "/en/staff/welcome/" + token, nil
}
