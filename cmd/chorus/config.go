package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"chorus/internal/app"
	"chorus/internal/auth"
	"chorus/internal/i18n"
	"chorus/internal/mail"
	"chorus/internal/media"
	"chorus/internal/moderation"
	"chorus/internal/outbound"
	"chorus/internal/storage"
	"chorus/internal/storage/postgres"
	"chorus/internal/storage/sqlite"
	"chorus/internal/translate"
	"chorus/internal/web"
)

// defaultAddr is where the server listens unless told otherwise.
const defaultAddr = "127.0.0.1:8080"

// config is every setting, from the environment then the flags.
type config struct {
	Addr        string
	Data        string
	DatabaseURL string
	MediaURL    string
	S3Access    string // from the environment only: flags show in process lists
	S3Secret    string
	BaseURL     string
	LogLevel    string
	SubmitRate  int
	SignInRate  int
	TrustProxy  bool
	// SignInTotal is the site-wide ceiling on sign-in attempts a minute.
	SignInTotal int
	// Edits of a pending story, per submission and per client address.
	EditRate          int
	EditRatePerClient int
	// Slow clients: the time a request body may take, and the open
	// connections allowed in all and per client address.
	FormReadTimeout   time.Duration
	UploadReadTimeout time.Duration
	MaxConns          int
	MaxConnsPerClient int
	// MetricsAddr serves /metrics apart from the public site; empty: off.
	MetricsAddr string
	// Machine translation: off while TranslateURL is empty.
	TranslateURL     string
	TranslateKey     string // from the environment only, like the S3 keys
	TranslateTimeout time.Duration
	// A Perspective-compatible classifier asked before the built-in one:
	// off while ClassifierURL is empty.
	ClassifierURL     string
	ClassifierTimeout time.Duration
	// Sending storytellers their private link: off while SMTPURL is empty.
	SMTPURL  string
	MailFrom string
	// ImageMemory bounds the memory all image decoding takes at once.
	ImageMemory int64
	// Private hosts the outbound client may reach (comma-separated hosts,
	// host:port or CIDR ranges); every other private address is refused.
	AllowPrivateHosts string
	// Campaign is checked by finish; its lists are read there from the
	// comma-separated flags.
	Campaign          app.Campaign
	campaignLanguages string
	campaignThemes    string
	// Interface languages held back from the site, and the language each
	// partial one falls back to (i18n.SiteLanguages).
	heldLanguages    string
	languageFallback string
	Languages        []i18n.Language

	envErr error // a setting from the environment that cannot be read
}

func (c *config) register(fs *flag.FlagSet, getenv func(string) string) {
	env := func(name, fallback string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return fallback
	}
	fs.StringVar(&c.Addr, "addr", env("CHORUS_ADDR", defaultAddr), "listen address")
	fs.StringVar(&c.Data, "data", env("CHORUS_DATA", "./data"), "data folder")
	fs.StringVar(&c.DatabaseURL, "database", env("CHORUS_DATABASE_URL", ""), "database URL (empty: SQLite in the data folder)")
	fs.StringVar(&c.MediaURL, "media", env("CHORUS_MEDIA_URL", ""), "photo store URL: s3://BUCKET?endpoint=HOST:PORT (empty: the media folder in the data folder)")
	c.S3Access, c.S3Secret = getenv("CHORUS_S3_ACCESS_KEY"), getenv("CHORUS_S3_SECRET_KEY")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", env("CHORUS_METRICS_ADDR", ""), "address serving /metrics for Prometheus, apart from the site (empty: no metrics)")
	fs.StringVar(&c.BaseURL, "base-url", env("CHORUS_BASE_URL", ""), "public URL (default http://ADDR)")
	fs.StringVar(&c.LogLevel, "log-level", env("CHORUS_LOG_LEVEL", "info"), "debug, info, warn or error")
	fs.IntVar(&c.SubmitRate, "submissions-per-hour", 60, "submissions allowed per client address and hour")
	fs.IntVar(&c.SignInRate, "signins-per-minute", 10, "sign-in attempts allowed per client address and minute")
	fs.IntVar(&c.SignInTotal, "signins-per-minute-total", web.DefaultSignInsPerMinuteTotal, "sign-in attempts allowed per minute from all clients together")
	fs.IntVar(&c.EditRate, "edits-per-hour", web.DefaultEditsPerHour, "edits allowed per submission and hour")
	fs.IntVar(&c.EditRatePerClient, "edits-per-hour-per-address", web.DefaultEditsPerHourPerAddress, "edits allowed per client address and hour")
	fs.DurationVar(&c.FormReadTimeout, "form-read-timeout", web.DefaultFormReadTimeout, "longest time a request body may take to arrive")
	fs.DurationVar(&c.UploadReadTimeout, "upload-read-timeout", web.DefaultUploadReadTimeout, "longest time an upload (a multipart body, which may carry a photo) may take to arrive")
	fs.IntVar(&c.MaxConns, "max-connections", web.DefaultMaxConnections, "open connections allowed in all")
	fs.IntVar(&c.MaxConnsPerClient, "max-connections-per-address", web.DefaultMaxConnectionsPerAddress, "open connections allowed from one address (off with --trust-forwarded-for: the proxy is the only address seen)")
	fs.BoolVar(&c.TrustProxy, "trust-forwarded-for", false, "take the client address from X-Forwarded-For (behind a proxy)")
	fs.StringVar(&c.TranslateURL, "translate-url", env("CHORUS_TRANSLATE_URL", ""), "LibreTranslate-compatible service for machine-translation drafts (empty: off)")
	c.TranslateKey = getenv("CHORUS_TRANSLATE_API_KEY")
	c.TranslateTimeout = 30 * time.Second
	if d, err := time.ParseDuration(getenv("CHORUS_TRANSLATE_TIMEOUT")); err == nil && d > 0 {
		c.TranslateTimeout = d
	}
	fs.DurationVar(&c.TranslateTimeout, "translate-timeout", c.TranslateTimeout, "longest wait for one machine translation")
	// The URL may carry the service's key: from the environment only, so
	// that it never shows in process lists.
	c.ClassifierURL = getenv("CHORUS_CLASSIFIER_URL")
	c.SMTPURL = getenv("CHORUS_SMTP_URL") // environment only: it may hold a password
	fs.StringVar(&c.MailFrom, "mail-from", env("CHORUS_MAIL_FROM", ""), "From address of the e-mails sent to storytellers (with CHORUS_SMTP_URL)")
	c.ClassifierTimeout = 2 * time.Second
	if d, err := time.ParseDuration(getenv("CHORUS_CLASSIFIER_TIMEOUT")); err == nil && d > 0 {
		c.ClassifierTimeout = d
	}
	fs.DurationVar(&c.ClassifierTimeout, "classifier-timeout", c.ClassifierTimeout, "longest wait for the external classifier before the built-in screen decides alone")
	c.ImageMemory = media.DefaultImageMemory
	if v := getenv("CHORUS_IMAGE_MEMORY"); v != "" {
		if err := (byteSize{&c.ImageMemory}).Set(v); err != nil {
			c.envErr = fmt.Errorf("CHORUS_IMAGE_MEMORY: %w", err)
		}
	}
	fs.Var(byteSize{&c.ImageMemory}, "image-memory", "memory all photo and logo decoding may take at once (e.g. 512MiB, 1GiB)")
	fs.StringVar(&c.AllowPrivateHosts, "allow-private-hosts", env("CHORUS_ALLOW_PRIVATE_HOSTS", ""), "private hosts the server may call out to: comma-separated hosts, host:port or CIDR ranges (default: public addresses only)")
	campaign := app.DefaultCampaign()
	fs.StringVar(&c.Campaign.Name, "campaign-name", env("CHORUS_CAMPAIGN_NAME", campaign.Name), "the campaign's name, shown on pages and in authenticator apps")
	fs.StringVar(&c.Campaign.Hashtag, "campaign-hashtag", env("CHORUS_CAMPAIGN_HASHTAG", campaign.Hashtag), "the campaign's hashtag, on share links and cards")
	fs.StringVar(&c.campaignLanguages, "campaign-languages", env("CHORUS_CAMPAIGN_LANGUAGES", strings.Join(campaign.Languages, ",")), "comma-separated codes of the languages stories may be told in")
	fs.StringVar(&c.heldLanguages, "hold-languages", env("CHORUS_HOLD_LANGUAGES", ""), "comma-separated codes of interface languages kept off the site although their storyteller's path is translated")
	fs.StringVar(&c.languageFallback, "language-fallback", env("CHORUS_LANGUAGE_FALLBACK", ""), "the complete language whose text stands in for a missing translation: a code for every language (e.g. fr), or code=fallback pairs (e.g. so=fr,ti=en); default en")
	fs.StringVar(&c.campaignThemes, "campaign-themes", env("CHORUS_CAMPAIGN_THEMES", strings.Join(campaign.Themes, ",")), "comma-separated themes a story may be filed under")
}

// finish reads the settings that need more than one flag's parsing.
func (c *config) finish() error {
	c.Campaign.Languages = commaList(c.campaignLanguages)
	c.Campaign.Themes = commaList(c.campaignThemes)
	langs, err := i18n.SiteLanguages(commaList(c.heldLanguages), c.languageFallback)
	if err != nil {
		return err
	}
	c.Languages = langs
	return c.Campaign.Validate()
}

func commaList(s string) []string {
	var list []string
	for v := range strings.SplitSeq(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			list = append(list, v)
		}
	}
	return list
}

// baseURLGuess says, for a command printing links, which address they
// assume when neither CHORUS_BASE_URL nor an address was given; empty when
// the settings name it.
func (c *config) baseURLGuess(getenv func(string) string) string {
	if c.BaseURL != "" || getenv("CHORUS_ADDR") != "" || c.Addr != defaultAddr {
		return ""
	}
	return "Note: CHORUS_BASE_URL and CHORUS_ADDR are not set, so this link assumes the server answers at " + c.baseURL() +
		". If it runs elsewhere, run this again with the server's CHORUS_BASE_URL (or CHORUS_ADDR)."
}

func (c *config) baseURL() string {
	if c.BaseURL != "" {
		return strings.TrimRight(c.BaseURL, "/")
	}
	return "http://" + c.Addr
}

func parseFlags(name string, args []string, getenv func(string) string, stderr io.Writer, extra func(*flag.FlagSet)) (*config, error) {
	fs := flag.NewFlagSet("chorus "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := &config{}
	cfg.register(fs, getenv)
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if cfg.envErr != nil {
		return nil, cfg.envErr
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	return cfg, cfg.finish()
}

// parseOneArg parses a command's settings followed by one argument, such
// as the file or folder it works on.
func parseOneArg(name, argName string, args []string, getenv func(string) string, stderr io.Writer) (*config, string, error) {
	fs := flag.NewFlagSet("chorus "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := &config{}
	cfg.register(fs, getenv)
	if err := fs.Parse(args); err != nil {
		return nil, "", err
	}
	if cfg.envErr != nil {
		return nil, "", cfg.envErr
	}
	if fs.NArg() != 1 {
		return nil, "", fmt.Errorf("usage: chorus %s [flags] %s", name, argName)
	}
	return cfg, fs.Arg(0), cfg.finish()
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

// database is a store that knows whether this start created it.
type database interface {
	storage.Store
	Created() bool
}

// openDatabase opens SQLite in the data folder (the default), another
// SQLite file (sqlite:PATH) or PostgreSQL (postgres://...).
func openDatabase(ctx context.Context, cfg *config) (database, string, error) {
	switch u := cfg.DatabaseURL; {
	case u == "":
		path := filepath.Join(cfg.Data, "chorus.db")
		st, err := sqlite.Open(ctx, path)
		return st, path, err
	case strings.HasPrefix(u, "sqlite:"):
		path := strings.TrimPrefix(strings.TrimPrefix(u, "sqlite:"), "//")
		st, err := sqlite.Open(ctx, path)
		return st, path, err
	case strings.HasPrefix(u, "postgres://"), strings.HasPrefix(u, "postgresql://"):
		st, err := postgres.Open(ctx, u)
		return st, outbound.RedactURL(u), err
	default:
		return nil, "", fmt.Errorf("database %q: use postgres://..., sqlite:PATH, or nothing for SQLite in the data folder", outbound.RedactURL(u))
	}
}

// openApp opens the data folder: database, keys and media. On an error the
// database it opened is closed again.
func openApp(ctx context.Context, cfg *config, log *slog.Logger) (_ *app.App, _ database, err error) {
	if err := os.MkdirAll(cfg.Data, 0o750); err != nil {
		return nil, nil, fmt.Errorf("data folder: %w", err)
	}
	store, _, err := openDatabase(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	defer func() {
		if err != nil {
			store.Close()
		}
	}()
	keys, err := auth.LoadOrCreateKeys(filepath.Join(cfg.Data, "secret.key"))
	if err != nil {
		return nil, nil, err
	}
	blobs, err := media.OpenStore(ctx, cfg.MediaURL, filepath.Join(cfg.Data, "media"),
		media.OpenOptions{AccessKey: cfg.S3Access, SecretKey: cfg.S3Secret})
	if err != nil {
		return nil, nil, err
	}
	allowPrivate, err := outbound.ParseAllowList(cfg.AllowPrivateHosts)
	if err != nil {
		return nil, nil, fmt.Errorf("CHORUS_ALLOW_PRIVATE_HOSTS: %w", err)
	}
	// Each service's own timeout bounds its calls; the client's must not cut them shorter.
	longest := max(cfg.TranslateTimeout, cfg.ClassifierTimeout)
	client := outbound.New(outbound.Options{AllowPrivate: allowPrivate, UserAgent: outbound.UserAgent(cfg.baseURL()),
		Timeout: longest, ResponseHeaderTimeout: longest})
	if cfg.ClassifierURL != "" {
		if u, err := url.Parse(cfg.ClassifierURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, nil, errors.New("CHORUS_CLASSIFIER_URL must be an http or https URL")
		}
	}
	var mailer app.Mailer
	if cfg.SMTPURL != "" {
		sender, err := mail.Parse(cfg.SMTPURL, cfg.MailFrom)
		if err != nil {
			return nil, nil, fmt.Errorf("CHORUS_SMTP_URL, CHORUS_MAIL_FROM: %w", err)
		}
		mailer = sender
	}
	media.SetImageMemory(cfg.ImageMemory)
	deps := app.Deps{
		Mailer:   mailer,
		Store:    store,
		Blobs:    blobs,
		Screener: moderation.NewScreen(moderation.Options{ExternalURL: cfg.ClassifierURL, ExternalTimeout: cfg.ClassifierTimeout, Client: client}),
		Keys:     keys,
		Campaign: cfg.Campaign,
		Log:      log,
		Outbound: client,
	}
	// Stories are translated into the languages on the site.
	for _, l := range cfg.Languages {
		if !l.Held {
			deps.TranslationLanguages = append(deps.TranslationLanguages, l.Code)
		}
	}
	if cfg.TranslateURL != "" {
		mt, err := translate.New(translate.Options{URL: cfg.TranslateURL, APIKey: cfg.TranslateKey, Timeout: cfg.TranslateTimeout, Client: client})
		if err != nil {
			return nil, nil, err
		}
		deps.Translator = mt
	}
	a, err := app.New(deps)
	if err != nil {
		return nil, nil, err
	}
	if n, err := a.SealTOTPSecrets(ctx); err != nil {
		return nil, nil, fmt.Errorf("seal second-factor secrets: %w", err)
	} else if n > 0 {
		log.Info("second-factor secrets sealed", "count", n)
	}
	return a, store, nil
}

func loadCatalog(cfg *config, log *slog.Logger) (*i18n.Catalog, error) {
	return i18n.Load(cfg.Languages, log)
}
