package outbound

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// allowServer allows the loopback address and port of a test server.
func allowServer(t *testing.T, srv *httptest.Server) AllowList {
	t.Helper()
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	list, err := ParseAllowList(u.Host)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func echoServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"agent":"` + r.UserAgent() + `","method":"` + r.Method + `"}`))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestLoopbackRefusedUnlessAllowed(t *testing.T) {
	srv := echoServer(t)
	ctx := t.Context()

	_, err := New(Options{}).GetJSON(ctx, srv.URL)
	if !IsCode(err, CodeRefusedAddress) {
		t.Fatalf("loopback server without allow-list: err = %v, want %s", err, CodeRefusedAddress)
	}

	c := New(Options{AllowPrivate: allowServer(t, srv), UserAgent: UserAgent("https://chorus.example")})
	res, err := c.PostJSON(ctx, srv.URL, map[string]string{"q": "x"})
	if err != nil {
		t.Fatalf("allowed loopback server: %v", err)
	}
	var got struct{ Agent, Method string }
	if err := res.Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got.Method != http.MethodPost || !strings.HasPrefix(got.Agent, "Chorus/") || !strings.HasSuffix(got.Agent, " (+https://chorus.example)") {
		t.Errorf("server saw %+v", got)
	}
}

func TestAllowListPortMatters(t *testing.T) {
	srv := echoServer(t)
	list, err := ParseAllowList("127.0.0.1:1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(Options{AllowPrivate: list}).GetJSON(t.Context(), srv.URL); !IsCode(err, CodeRefusedAddress) {
		t.Errorf("allowed on another port: err = %v, want %s", err, CodeRefusedAddress)
	}
	list, _ = ParseAllowList("127.0.0.0/8")
	if _, err := New(Options{AllowPrivate: list}).GetJSON(t.Context(), srv.URL); err != nil {
		t.Errorf("allowed range: %v", err)
	}
}

func TestHostnameResolvingToLoopbackRefused(t *testing.T) {
	srv := echoServer(t)
	u, _ := url.Parse(srv.URL)
	byName := "http://localhost:" + u.Port() + "/"

	_, err := New(Options{}).GetJSON(t.Context(), byName)
	if !IsCode(err, CodeRefusedAddress) {
		t.Fatalf("localhost without allow-list: err = %v, want %s", err, CodeRefusedAddress)
	}
	list, _ := ParseAllowList("localhost")
	if _, err := New(Options{AllowPrivate: list}).GetJSON(t.Context(), byName); err != nil {
		t.Errorf("localhost allowed by name: %v", err)
	}
}

// TestOtherFormsOfLoopbackRefused: the unspecified address (which Linux
// connects to the local host) and IPv4-mapped IPv6 are judged as what they
// reach.
func TestOtherFormsOfLoopbackRefused(t *testing.T) {
	srv := echoServer(t)
	u, _ := url.Parse(srv.URL)
	for _, host := range []string{"0.0.0.0", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[::]"} {
		_, err := New(Options{}).GetJSON(t.Context(), "http://"+host+":"+u.Port()+"/")
		if !IsCode(err, CodeRefusedAddress) {
			t.Errorf("%s: err = %v, want %s", host, err, CodeRefusedAddress)
		}
	}
	list, _ := ParseAllowList("127.0.0.1")
	if _, err := New(Options{AllowPrivate: list}).GetJSON(t.Context(), "http://[::ffff:127.0.0.1]:"+u.Port()+"/"); err != nil {
		t.Errorf("IPv4-mapped form of an allowed address: %v", err)
	}
}

func TestRedirectToPrivateAddressRefused(t *testing.T) {
	private := echoServer(t)
	// The redirecting server is allowed; where it sends the client is not.
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, private.URL+"/secret", http.StatusFound)
	}))
	defer redirector.Close()
	_, err := New(Options{AllowPrivate: allowServer(t, redirector)}).GetJSON(t.Context(), redirector.URL)
	if !IsCode(err, CodeRefusedAddress) {
		t.Fatalf("redirect to a private address: err = %v, want %s", err, CodeRefusedAddress)
	}
}

func TestBodyNotResentToAnotherHost(t *testing.T) {
	var reached atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
	}))
	defer other.Close()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/away":
			http.Redirect(w, r, other.URL+"/", http.StatusTemporaryRedirect)
		case "/here":
			http.Redirect(w, r, srv.URL+"/done", http.StatusPermanentRedirect)
		default:
			w.Write([]byte(`{}`))
		}
	}))
	defer srv.Close()
	list, err := ParseAllowList("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	c := New(Options{AllowPrivate: list})
	body := map[string]string{"api_key": "secret"}
	if _, err := c.PostJSON(t.Context(), srv.URL+"/away", body); !IsCode(err, CodeBodyRedirect) {
		t.Errorf("307 to another host: err = %v, want %s", err, CodeBodyRedirect)
	}
	if n := reached.Load(); n != 0 {
		t.Errorf("the other host was reached %d times", n)
	}
	if res, err := c.PostJSON(t.Context(), srv.URL+"/here", body); err != nil || res.Status != http.StatusOK {
		t.Errorf("308 to the same host: %+v, %v; want it followed", res, err)
	}
}

func TestRedirectsBounded(t *testing.T) {
	var loop *httptest.Server
	loop = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, loop.URL+"/again", http.StatusFound)
	}))
	defer loop.Close()
	_, err := New(Options{AllowPrivate: allowServer(t, loop), MaxRedirects: 3}).GetJSON(t.Context(), loop.URL)
	if !IsCode(err, CodeTooManyHops) {
		t.Fatalf("redirect loop: err = %v, want %s", err, CodeTooManyHops)
	}
}

func TestRedirectToOtherSchemeRefused(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "ftp://example.org/file", http.StatusFound)
	}))
	defer srv.Close()
	_, err := New(Options{AllowPrivate: allowServer(t, srv)}).GetJSON(t.Context(), srv.URL)
	if !IsCode(err, CodeBadURL) {
		t.Fatalf("redirect to ftp: err = %v, want %s", err, CodeBadURL)
	}
	if _, err := New(Options{}).GetJSON(t.Context(), "file:///etc/passwd"); !IsCode(err, CodeBadURL) {
		t.Fatalf("file URL: err = %v, want %s", err, CodeBadURL)
	}
}

func TestOversizeBodyRefused(t *testing.T) {
	const limit = 1000
	for _, declared := range []bool{true, false} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !declared {
				// Chunked: the size is only known while reading.
				w.Write([]byte(strings.Repeat("x", 600)))
				w.(http.Flusher).Flush()
				w.Write([]byte(strings.Repeat("x", 600)))
				return
			}
			w.Write([]byte(strings.Repeat("x", limit+1)))
		}))
		c := New(Options{AllowPrivate: allowServer(t, srv), MaxResponseBytes: limit})
		res, err := c.GetJSON(t.Context(), srv.URL)
		if !errors.Is(err, ErrTooLarge) || res.Status != http.StatusOK {
			t.Errorf("declared size %v: status %d, err = %v, want %v", declared, res.Status, err, ErrTooLarge)
		}
		srv.Close()
	}

	exact := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(strings.Repeat("x", limit)))
	}))
	defer exact.Close()
	res, err := New(Options{AllowPrivate: allowServer(t, exact), MaxResponseBytes: limit}).GetJSON(t.Context(), exact.URL)
	if err != nil || len(res.Body) != limit {
		t.Errorf("a body of exactly the limit: %d bytes, %v", len(res.Body), err)
	}
}

func TestSlowServerTimedOut(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)

	for name, opts := range map[string]Options{
		"header": {ResponseHeaderTimeout: 100 * time.Millisecond},
		"whole":  {Timeout: 100 * time.Millisecond},
	} {
		opts.AllowPrivate = allowServer(t, srv)
		start := time.Now()
		_, err := New(opts).GetJSON(t.Context(), srv.URL)
		var netErr net.Error
		if !errors.As(err, &netErr) || !netErr.Timeout() {
			t.Errorf("%s timeout: err = %v, want a timeout", name, err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s timeout took %v", name, d)
		}
	}

	// A slow body is bounded by the whole-request timeout.
	slowBody := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("{"))
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer slowBody.Close()
	_, err := New(Options{AllowPrivate: allowServer(t, slowBody), Timeout: 150 * time.Millisecond}).GetJSON(context.Background(), slowBody.URL)
	var netErr net.Error
	if !errors.As(err, &netErr) || !netErr.Timeout() {
		t.Errorf("slow body: err = %v, want a timeout", err)
	}
}

func TestIsPublic(t *testing.T) {
	for _, c := range []struct {
		ip     string
		public bool
	}{
		{"93.184.215.14", true},
		{"2606:4700::1111", true},
		{"127.0.0.1", false},
		{"10.1.2.3", false},
		{"172.16.0.1", false},
		{"192.168.1.1", false},
		{"169.254.169.254", false}, // cloud metadata
		{"100.64.0.1", false},
		{"0.0.0.0", false},
		{"255.255.255.255", false},
		{"224.0.0.1", false},
		{"198.18.0.1", false},
		{"::1", false},
		{"::", false},
		{"fe80::1", false},
		{"fd00::1", false},
		{"ff02::1", false},
		{"::ffff:127.0.0.1", false},
		{"::ffff:10.0.0.1", false},
		{"::ffff:93.184.215.14", true},
		{"64:ff9b::a00:1", false},    // NAT64 of 10.0.0.1
		{"64:ff9b::5db8:d70e", true}, // NAT64 of 93.184.215.14
		{"2002:7f00:1::", false},     // 6to4 of 127.0.0.1
		{"2001:db8::1", false},
	} {
		if got := IsPublic(netip.MustParseAddr(c.ip)); got != c.public {
			t.Errorf("IsPublic(%s) = %v, want %v", c.ip, got, c.public)
		}
	}
}

func TestParseAllowList(t *testing.T) {
	list, err := ParseAllowList(" libretranslate:5000, 10.0.0.0/8,[fd00::1]:443 ,Classifier.Internal., ::ffff:192.168.0.0/112,,127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	want := "libretranslate:5000,10.0.0.0/8,[fd00::1]:443,classifier.internal,192.168.0.0/16,127.0.0.1"
	if got := list.String(); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	for _, c := range []struct {
		host string
		ip   string
		port uint16
		want bool
	}{
		{"libretranslate", "172.18.0.5", 5000, true},
		{"libretranslate", "172.18.0.5", 5001, false},
		{"LibreTranslate.", "172.18.0.5", 5000, true},
		{"x", "10.9.8.7", 80, true},
		{"x", "::ffff:10.9.8.7", 80, true},
		{"x", "11.0.0.1", 80, false},
		{"fd00::1", "fd00::1", 443, true},
		{"fd00::1", "fd00::1", 80, false},
		{"classifier.internal", "192.0.2.1", 8080, true},
		{"x", "192.168.3.4", 1, true},
		{"x", "127.0.0.1", 9, true},
		{"x", "127.0.0.2", 9, false},
	} {
		if got := list.allows(c.host, netip.MustParseAddr(c.ip), c.port); got != c.want {
			t.Errorf("allows(%s, %s, %d) = %v, want %v", c.host, c.ip, c.port, got, c.want)
		}
	}
	for _, bad := range []string{"http://x", "10.0.0.0/33", "host:0", "host:99999", "host:", "a..b", "fe80::1%eth0", "bad host", strings.Repeat("a,", maxAllowListEntries+1)} {
		if _, err := ParseAllowList(bad); err == nil {
			t.Errorf("ParseAllowList(%q) accepted", bad)
		}
	}
	if list, err := ParseAllowList(""); err != nil || !list.Empty() {
		t.Errorf("empty list: %v, %v", list, err)
	}
}

// TestPrivateAndMetadataAddressesRefused: a private network address, the
// cloud metadata service and IPv6 loopback are refused before any
// connection, unless the allow-list names them.
func TestPrivateAndMetadataAddressesRefused(t *testing.T) {
	for _, host := range []string{"10.0.0.1", "169.254.169.254", "[::1]"} {
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
		_, err := New(Options{}).GetJSON(ctx, "http://"+host+":8080/latest/meta-data/")
		cancel()
		if !IsCode(err, CodeRefusedAddress) {
			t.Errorf("%s: err = %v, want %s", host, err, CodeRefusedAddress)
		}
		list, err := ParseAllowList(strings.Trim(host, "[]"))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel = context.WithTimeout(t.Context(), 200*time.Millisecond)
		_, err = New(Options{AllowPrivate: list}).GetJSON(ctx, "http://"+host+":8080/")
		cancel()
		if IsCode(err, CodeRefusedAddress) {
			t.Errorf("%s allowed by the list: still refused (%v)", host, err)
		}
	}
}

// TestDefaultRedirectsAreThree: the fourth redirect is refused.
func TestDefaultRedirectsAreThree(t *testing.T) {
	var hops atomic.Int32
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hops.Add(1) <= 3 {
			http.Redirect(w, r, srv.URL+"/next", http.StatusFound)
			return
		}
		w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	if _, err := New(Options{AllowPrivate: allowServer(t, srv)}).GetJSON(t.Context(), srv.URL); err != nil {
		t.Fatalf("three redirects: %v", err)
	}
	hops.Store(-1)
	if _, err := New(Options{AllowPrivate: allowServer(t, srv)}).GetJSON(t.Context(), srv.URL); !IsCode(err, CodeTooManyHops) {
		t.Fatalf("four redirects: err = %v, want %s", err, CodeTooManyHops)
	}
}
