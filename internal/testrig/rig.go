// Package testrig starts a whole Chorus site on a real SQLite file and a
// real media folder, for tests that read like the scenario they check.
package testrig

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"chorus/internal/app"
	"chorus/internal/auth"
	"chorus/internal/i18n"
	"chorus/internal/media"
	"chorus/internal/moderation"
	"chorus/internal/outbound"
	"chorus/internal/staff"
	"chorus/internal/storage"
	"chorus/internal/storage/postgres"
	"chorus/internal/storage/postgres/pgtest"
	"chorus/internal/storage/sqlite"
	"chorus/internal/story"
	"chorus/internal/web"
)

// Campaign is the campaign every rig runs.
var Campaign = app.Campaign{
	Name:      "It Takes a Community",
	Hashtag:   "#ItTakesaCommunity",
	Languages: []string{"en", "fr", "ar", "es", "uk"},
	Themes:    []string{"arrival", "belonging", "work", "family", "education", "community", "culture", "resilience"},
}

// Rig is a running site.
type Rig struct {
	T        testing.TB
	DataDir  string
	MediaDir string
	Store    storage.Store
	App      *app.App
	Site     *web.Server
	Server   *httptest.Server
	URL      string
	Clock    *Clock
	// DatabaseURL is the PostgreSQL schema's URL when the rig runs on it.
	DatabaseURL string
}

// Clock is a controllable clock.
type Clock struct{ now time.Time }

// Now returns the clock's time.
func (c *Clock) Now() time.Time { return c.now }

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) { c.now = c.now.Add(d) }

// Option changes the parts of the site a rig starts.
type Option func(*app.Deps)

// WithTranslator gives the site a machine translation service.
func WithTranslator(mt app.MachineTranslator) Option {
	return func(d *app.Deps) { d.Translator = mt }
}

// WithOutbound gives the site an outbound client, such as one allowed to
// reach the loopback servers that replay recorded traffic.
func WithOutbound(c *outbound.Client) Option {
	return func(d *app.Deps) { d.Outbound = c }
}

// WithMailer lets the site e-mail storytellers their private link.
func WithMailer(m app.Mailer) Option {
	return func(d *app.Deps) { d.Mailer = m }
}

// WithScreener replaces the built-in screen.
func WithScreener(s moderation.Screener) Option {
	return func(d *app.Deps) { d.Screener = s }
}

// WithLog sends the site's log to log.
func WithLog(log *slog.Logger) Option {
	return func(d *app.Deps) { d.Log = log }
}

// New starts a site in a fresh temporary folder.
func New(t testing.TB, opts ...Option) *Rig {
	t.Helper()
	return NewIn(t, t.TempDir(), opts...)
}

// NewIn starts a site whose data lives in dir.
func NewIn(t testing.TB, dir string, opts ...Option) *Rig {
	t.Helper()
	store, databaseURL, err := openStore(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := auth.LoadOrCreateKeys(filepath.Join(dir, "secret.key"))
	if err != nil {
		t.Fatal(err)
	}
	mediaDir := filepath.Join(dir, "media")
	blobs, err := media.NewDiskStore(mediaDir)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	clock := &Clock{now: time.Now().UTC()}
	deps := app.Deps{Store: store, Blobs: blobs, Keys: keys, Campaign: Campaign, Log: log, Now: clock.Now}
	for _, opt := range opts {
		opt(&deps)
	}
	a, err := app.New(deps)
	if err != nil {
		t.Fatal(err)
	}
	catalog, err := i18n.Load(i18n.Known, log)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	site, err := web.New(a, catalog, web.Config{BaseURL: base, SubmissionsPerHour: 100000, SignInsPerMinute: 100000, SignInsPerMinuteTotal: 100000}, log)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = site
	srv.Start()
	r := &Rig{T: t, DataDir: dir, MediaDir: mediaDir, Store: store, App: a, Site: site, Server: srv, URL: base, Clock: clock, DatabaseURL: databaseURL}
	t.Cleanup(func() {
		srv.Close()
		store.Close()
	})
	return r
}

// DatabaseEnv chooses the backend of every rig: unset or "sqlite" for a
// SQLite file in the rig's folder, "postgres" for a fresh schema on the
// server named by CHORUS_TEST_POSTGRES_URL.
const DatabaseEnv = "CHORUS_TEST_DATABASE"

// Postgres tells whether rigs run on PostgreSQL.
func Postgres() bool { return os.Getenv(DatabaseEnv) == "postgres" }

func openStore(t testing.TB, dir string) (storage.Store, string, error) {
	if Postgres() {
		url := pgtest.URL(t)
		store, err := postgres.Open(context.Background(), url)
		return store, url, err
	}
	store, err := sqlite.Open(context.Background(), filepath.Join(dir, "chorus.db"))
	return store, "", err
}

// Submission returns a valid submission, marked with a unique word.
func Submission(marker string) story.Submission {
	return story.Submission{
		Title:        "Our first winter " + marker,
		Body:         "We arrived in January and our neighbours helped us. " + marker + "\n\nNow we help others.",
		Language:     "en",
		Country:      "CA",
		City:         "Winnipeg",
		Themes:       []string{"arrival", "community"},
		Identity:     story.IdentityRefugee,
		DisplayName:  "Amal " + marker,
		ContactEmail: "amal." + strings.ToLower(marker) + "@example.org",
		Consent:      story.Consent{Publish: true, Social: true},
	}
}

// Response is a finished HTTP exchange.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test on error.
func (r Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %q: %v", r.Body, err)
	}
}

// Do sends a request; body may be nil, []byte, string or any JSON value.
func (r *Rig) Do(method, path string, body any, header map[string]string) Response {
	r.T.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			r.T.Fatal(err)
		}
		rd = bytes.NewReader(data)
		if header == nil {
			header = map[string]string{}
		}
		if header["Content-Type"] == "" {
			header["Content-Type"] = "application/json"
		}
	}
	req, err := http.NewRequest(method, r.URL+path, rd)
	if err != nil {
		r.T.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return r.send(http.DefaultClient, req)
}

func (r *Rig) send(client *http.Client, req *http.Request) Response {
	r.T.Helper()
	c := *client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := c.Do(req)
	if err != nil {
		r.T.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		r.T.Fatal(err)
	}
	return Response{Status: res.StatusCode, Header: res.Header, Body: data}
}

// Submit posts a submission through the API and returns its id and token.
func (r *Rig) Submit(sub story.Submission) (id, token string) {
	r.T.Helper()
	res := r.Do("POST", "/api/v1/stories", sub, nil)
	if res.Status != http.StatusAccepted {
		r.T.Fatalf("submit: %d %s", res.Status, res.Body)
	}
	var receipt struct{ ID, Status, Token string }
	res.JSON(r.T, &receipt)
	if receipt.Status != "pending" || receipt.ID == "" || receipt.Token == "" {
		r.T.Fatalf("bad receipt %s", res.Body)
	}
	return receipt.ID, receipt.Token
}

// Staff creates an enrolled staff member and returns an API token.
func (r *Rig) Staff(email string, role staff.Role) (user *staff.User, apiToken string) {
	r.T.Helper()
	ctx := context.Background()
	if _, err := r.App.AddUser(ctx, email, role); err != nil {
		r.T.Fatal(err)
	}
	token, err := r.App.AddAPIToken(ctx, email)
	if err != nil {
		r.T.Fatal(err)
	}
	u, err := r.Store.UserByEmail(ctx, email)
	if err != nil {
		r.T.Fatal(err)
	}
	return u, token
}

// UploadPhoto sends a photo through the API with the private token.
func (r *Rig) UploadPhoto(id, token, filename string, data []byte, alt string) Response {
	r.T.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("photo", filename)
	if err != nil {
		r.T.Fatal(err)
	}
	fw.Write(data)
	mw.WriteField("alt", alt)
	mw.Close()
	return r.Do("POST", "/api/v1/submissions/"+id+"/photo", buf.Bytes(), map[string]string{
		"Content-Type": mw.FormDataContentType(), "Authorization": "Bearer " + token})
}

// Browser is a cookie-keeping client that fills forms like a person would.
type Browser struct {
	rig    *Rig
	client *http.Client
}

// Browser returns a new client with its own cookies.
func (r *Rig) Browser() *Browser {
	jar, _ := cookiejar.New(nil)
	return &Browser{rig: r, client: &http.Client{Jar: jar}}
}

// Get fetches a page.
func (b *Browser) Get(path string) Response {
	b.rig.T.Helper()
	req, _ := http.NewRequest("GET", b.rig.URL+path, nil)
	return b.rig.send(b.client, req)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// CSRF returns the form token found in a page.
func CSRF(t testing.TB, page Response) string {
	t.Helper()
	m := csrfField.FindSubmatch(page.Body)
	if m == nil {
		t.Fatalf("no CSRF token in page: %.300s", page.Body)
	}
	return string(m[1])
}

// PostForm submits a form from the same origin, as a browser does.
func (b *Browser) PostForm(path string, form url.Values) Response {
	b.rig.T.Helper()
	req, _ := http.NewRequest("POST", b.rig.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.rig.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return b.rig.send(b.client, req)
}

// PostMultipart submits a multipart form with one file.
func (b *Browser) PostMultipart(path string, form url.Values, fileField, fileName string, file []byte) Response {
	b.rig.T.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if fileField != "" {
		fw, _ := mw.CreateFormFile(fileField, fileName)
		fw.Write(file)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", b.rig.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", b.rig.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return b.rig.send(b.client, req)
}

// FilesContaining lists the files under dir whose bytes contain needle.
func FilesContaining(t testing.TB, dir string, needle []byte) []string {
	t.Helper()
	var found []string
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		data, err := os.ReadFile(path)
		if err == nil && bytes.Contains(data, needle) {
			found = append(found, path)
		}
		return nil
	})
	return found
}

// SignedIn returns a browser signed in as a new staff member of the role,
// enrolled with a password and, where the role needs it, a second factor.
func (r *Rig) SignedIn(email string, role staff.Role) *Browser {
	r.T.Helper()
	ctx := context.Background()
	link, err := r.App.AddUser(ctx, email, role)
	if err != nil {
		r.T.Fatal(err)
	}
	secret := auth.NewTOTPSecret()
	code, _ := auth.TOTPCode(secret, r.Clock.Now())
	session, err := r.App.Enrol(ctx, link, app.Enrolment{Password: "a long enough passphrase", TOTPSecret: secret, TOTPCode: code})
	if err != nil {
		r.T.Fatal(err)
	}
	b := r.Browser()
	u, _ := url.Parse(r.URL)
	b.client.Jar.SetCookies(u, []*http.Cookie{{Name: "chorus_session", Value: session, Path: "/"}})
	return b
}

// Stream opens a long-lived GET, such as an event stream, with the
// browser's cookies; the caller reads and closes the body.
func (b *Browser) Stream(ctx context.Context, path string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", b.rig.URL+path, nil)
	if err != nil {
		return nil, err
	}
	return b.client.Do(req)
}
