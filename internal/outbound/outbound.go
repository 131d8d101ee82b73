// Package outbound is the one HTTP client for every request the server
// makes to the outside: the external classifier, machine translation, and
// later federation and connectors. It refuses private, loopback,
// link-local, multicast and other special-purpose addresses after DNS
// resolution (so a name that resolves, or later re-resolves, to one is
// refused too) unless the allow-list names them, re-checks every redirect
// and bounds their number, never resends a request body to another host, bounds the size of every answer and the time of
// every step, speaks only http and https, and names the site in its
// User-Agent.
package outbound

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"runtime/debug"
	"strconv"
	"time"
)

// Options configure a Client. The zero value is a safe client.
type Options struct {
	// AllowPrivate names the private hosts that may be reached.
	AllowPrivate AllowList
	// UserAgent is sent with every request; default "Chorus/<version>".
	// Sites use UserAgent(baseURL).
	UserAgent string
	// Timeout bounds a whole request, reading the answer included;
	// default 30s. A request's context may bound it further.
	Timeout time.Duration
	// DialTimeout bounds connecting; default 5s.
	DialTimeout time.Duration
	// TLSHandshakeTimeout bounds the TLS handshake; default 5s.
	TLSHandshakeTimeout time.Duration
	// ResponseHeaderTimeout bounds the wait for the answer's headers once
	// the request is sent; default 15s.
	ResponseHeaderTimeout time.Duration
	// MaxResponseBytes bounds one answer's body; default 1 MiB.
	MaxResponseBytes int64
	// MaxRedirects bounds the redirects followed; default 3.
	MaxRedirects int
}

// Error codes, for logs and for callers that tell people what went wrong.
const (
	CodeRefusedAddress = "refused_address" // a private or special-purpose address not allowed
	CodeBadURL         = "bad_url"         // not an http or https URL
	CodeTooManyHops    = "too_many_redirects"
	CodeBodyRedirect   = "body_redirect" // a redirect would send the body to another host
	CodeTooLarge       = "response_too_large"
	CodeBadJSON        = "bad_json"
)

// Error is a request the client refused or an answer it would not take.
// Its message is safe to log: it never holds a request body.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return "outbound: " + e.Message }

// ErrTooLarge is returned while reading an answer over MaxResponseBytes.
var ErrTooLarge = &Error{Code: CodeTooLarge, Message: "the answer is larger than allowed"}

// IsCode reports whether err is an *Error with this code.
func IsCode(err error, code string) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}

// Client sends requests to the outside. It is safe for concurrent use.
type Client struct {
	http *http.Client
	opts Options
}

// Version is the program's version as the build recorded it.
func Version() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}

// UserAgent names the site to the servers it calls:
// "Chorus/<version> (+<base URL>)".
func UserAgent(baseURL string) string {
	if baseURL == "" {
		return "Chorus/" + Version()
	}
	return "Chorus/" + Version() + " (+" + baseURL + ")"
}

// New returns a client with these options.
func New(opts Options) *Client {
	if opts.UserAgent == "" {
		opts.UserAgent = UserAgent("")
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	if opts.DialTimeout <= 0 {
		opts.DialTimeout = 5 * time.Second
	}
	if opts.TLSHandshakeTimeout <= 0 {
		opts.TLSHandshakeTimeout = 5 * time.Second
	}
	if opts.ResponseHeaderTimeout <= 0 {
		opts.ResponseHeaderTimeout = 15 * time.Second
	}
	if opts.MaxResponseBytes <= 0 {
		opts.MaxResponseBytes = 1 << 20
	}
	if opts.MaxRedirects <= 0 {
		opts.MaxRedirects = 3
	}
	d := &dialer{allow: opts.AllowPrivate, net: net.Dialer{Timeout: opts.DialTimeout}}
	transport := &http.Transport{
		Proxy:                  nil, // a proxy would be the one address checked
		DialContext:            d.dialContext,
		TLSHandshakeTimeout:    opts.TLSHandshakeTimeout,
		ResponseHeaderTimeout:  opts.ResponseHeaderTimeout,
		ExpectContinueTimeout:  time.Second,
		MaxIdleConns:           32,
		MaxIdleConnsPerHost:    4,
		IdleConnTimeout:        90 * time.Second,
		MaxResponseHeaderBytes: 64 << 10,
		ForceAttemptHTTP2:      true,
	}
	c := &Client{opts: opts}
	c.http = &http.Client{
		Transport: transport,
		Timeout:   opts.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > opts.MaxRedirects {
				return &Error{Code: CodeTooManyHops, Message: fmt.Sprintf("more than %d redirects", opts.MaxRedirects)}
			}
			// A 307 or 308 sends the body again (net/http keeps GetBody only
			// then); to another host it would hand over what was meant for
			// the first, such as an API key in a JSON body.
			if req.GetBody != nil && req.URL.Host != via[0].URL.Host {
				return &Error{Code: CodeBodyRedirect, Message: "a redirect would send the request body to another host"}
			}
			return checkURL(req.URL)
		},
	}
	return c
}

func checkURL(u *url.URL) error {
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &Error{Code: CodeBadURL, Message: "only http and https URLs are fetched"}
	}
	return nil
}

// Do sends req. The answer's body, which the caller closes, fails with
// ErrTooLarge past MaxResponseBytes rather than end early (at once when
// the answer declares a larger size).
func (c *Client) Do(req *http.Request) (*http.Response, error) {
	if err := checkURL(req.URL); err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", c.opts.UserAgent)
	res, err := c.http.Do(req)
	if err != nil {
		// A refusal of ours is the cause that matters, not the URL error
		// that wraps it.
		var own *Error
		if errors.As(err, &own) {
			return nil, own
		}
		return nil, err
	}
	body := &limitedBody{body: res.Body, left: c.opts.MaxResponseBytes}
	if res.ContentLength > c.opts.MaxResponseBytes {
		body.left = -1 // declared too large: the first read fails
	}
	res.Body = body
	return res, nil
}

// limitedBody reads at most left bytes and fails, rather than ends, when
// the body holds more.
type limitedBody struct {
	body io.ReadCloser
	left int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, ErrTooLarge
	}
	// Ask for one byte more than allowed, to tell a body of exactly the
	// limit from a longer one.
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.body.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		return n + int(b.left), ErrTooLarge
	}
	return n, err
}

func (b *limitedBody) Close() error { return b.body.Close() }

// Response is an answer read whole.
type Response struct {
	Status int
	Body   []byte
}

// Decode reads the body as JSON into v.
func (r Response) Decode(v any) error {
	if err := json.Unmarshal(r.Body, v); err != nil {
		return &Error{Code: CodeBadJSON, Message: "the answer is not the expected JSON"}
	}
	return nil
}

// PostJSON sends body as JSON to rawURL and reads the whole answer, whatever
// its status: services explain their refusals in the body.
func (c *Client) PostJSON(ctx context.Context, rawURL string, body any) (Response, error) {
	data, err := json.Marshal(body)
	if err != nil {
		return Response{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rawURL, bytes.NewReader(data))
	if err != nil {
		return Response{}, &Error{Code: CodeBadURL, Message: "the URL cannot be read"}
	}
	req.Header.Set("Content-Type", "application/json")
	return c.readJSON(req)
}

// GetJSON fetches rawURL asking for JSON and reads the whole answer.
func (c *Client) GetJSON(ctx context.Context, rawURL string) (Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return Response{}, &Error{Code: CodeBadURL, Message: "the URL cannot be read"}
	}
	return c.readJSON(req)
}

func (c *Client) readJSON(req *http.Request) (Response, error) {
	req.Header.Set("Accept", "application/json")
	res, err := c.Do(req)
	if err != nil {
		return Response{}, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return Response{Status: res.StatusCode}, err
	}
	return Response{Status: res.StatusCode, Body: data}, nil
}

// dialer resolves names itself and connects only to the addresses it has
// checked, so that no second lookup can slip a private address past it.
type dialer struct {
	allow AllowList
	net   net.Dialer
}

func (d *dialer) dialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	port, err := strconv.ParseUint(portText, 10, 16)
	if err != nil {
		return nil, &Error{Code: CodeBadURL, Message: "the port is not a number"}
	}
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		ips = []netip.Addr{ip}
	} else {
		if ips, err = net.DefaultResolver.LookupNetIP(ctx, "ip", host); err != nil {
			return nil, err
		}
	}
	var firstErr error
	refused := 0
	for _, ip := range ips {
		if ip.Zone() != "" || (!IsPublic(ip) && !d.allow.allows(host, ip, uint16(port))) {
			refused++
			continue
		}
		conn, err := d.net.DialContext(ctx, network, netip.AddrPortFrom(ip.Unmap(), uint16(port)).String())
		if err == nil {
			return conn, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	if firstErr != nil {
		return nil, firstErr
	}
	if refused > 0 {
		return nil, &Error{Code: CodeRefusedAddress, Message: fmt.Sprintf("%s is a private or special-purpose address; CHORUS_ALLOW_PRIVATE_HOSTS can allow it", host)}
	}
	return nil, &Error{Code: CodeRefusedAddress, Message: fmt.Sprintf("%s has no address", host)}
}
