// Package translate asks a LibreTranslate-compatible service for machine
// translations of story text. It is off unless a site configures a
// service; what it returns only ever fills a draft marked as machine
// translation, which a translator checks and a moderator reviews before
// anyone reads it.
//
// The wire format is LibreTranslate's: POST {URL}/translate with the JSON
// body {"q", "source", "target", "format": "text", "api_key"} answers
// {"translatedText": "..."}, or an error status with {"error": "..."}.
package translate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"chorus/internal/outbound"
)

// Options configure a Client.
type Options struct {
	// URL is the service's base URL, e.g. http://127.0.0.1:5000.
	URL string
	// APIKey is sent as api_key when set.
	APIKey string
	// Timeout bounds one Translate call, every request included; default 30s.
	Timeout time.Duration
	// MaxChunk is the most characters sent in one request: longer text is
	// sent paragraph by paragraph (services often refuse long requests).
	// Default 2000.
	MaxChunk int
	// MaxConcurrent bounds the calls in flight, so a busy day does not
	// overwhelm the service; default 2.
	MaxConcurrent int
	// Client sends the requests; default a guarded client that reaches
	// public addresses only.
	Client *outbound.Client
}

// Limits on what is sent and read.
const (
	// MaxText is the most characters one Translate call accepts per text.
	MaxText = 40000
	// maxServiceMessage bounds the service's error text kept for people.
	maxServiceMessage = 300
)

// Client talks to one service. It is safe for concurrent use.
type Client struct {
	endpoint string
	opts     Options
	slots    chan struct{}
}

// New checks the options and returns a client.
func New(opts Options) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(opts.URL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.User != nil {
		return nil, errors.New("translate: the service URL must be http:// or https://HOST[:PORT][/PATH], without a query or credentials")
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	if opts.MaxChunk <= 0 {
		opts.MaxChunk = 2000
	}
	if opts.MaxConcurrent <= 0 {
		opts.MaxConcurrent = 2
	}
	if opts.Client == nil {
		opts.Client = outbound.New(outbound.Options{})
	}
	return &Client{endpoint: u.String() + "/translate", opts: opts, slots: make(chan struct{}, opts.MaxConcurrent)}, nil
}

// Kind says what went wrong, so people can be told in their language.
type Kind string

const (
	KindTimeout     Kind = "timeout"     // no answer in time
	KindUnreachable Kind = "unreachable" // no connection
	KindRefused     Kind = "refused"     // the service refused the request (4xx): language, key, size, rate
	KindFailed      Kind = "failed"      // the service failed (5xx)
	KindBadAnswer   Kind = "bad_answer"  // an answer that is not LibreTranslate's
	KindTooLong     Kind = "too_long"    // the text is over MaxText
)

// Error is a failed translation. Its message never holds the text sent.
type Error struct {
	Kind   Kind
	Status int    // HTTP status, 0 when there was no answer
	Detail string // the service's own message, cleaned and shortened
	Err    error
}

func (e *Error) Error() string {
	msg := "machine translation " + string(e.Kind)
	if e.Status != 0 {
		msg += fmt.Sprintf(" (HTTP %d)", e.Status)
	}
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// ServiceMessage is what the service said, for the person who asked.
func (e *Error) ServiceMessage() string { return e.Detail }

// MachineKind names the failure for the catalogs.
func (e *Error) MachineKind() string { return string(e.Kind) }

// Translate translates each text from source to target (BCP 47 codes; the
// service is given their language subtag) and returns the translations in
// order. Empty texts stay empty and are not sent.
func (c *Client) Translate(ctx context.Context, source, target string, texts ...string) ([]string, error) {
	for _, t := range texts {
		if utf8.RuneCountInString(t) > MaxText {
			return nil, &Error{Kind: KindTooLong}
		}
	}
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	select {
	case c.slots <- struct{}{}:
		defer func() { <-c.slots }()
	case <-ctx.Done():
		return nil, &Error{Kind: KindTimeout, Err: ctx.Err()}
	}
	source, target = serviceLanguage(source), serviceLanguage(target)
	out := make([]string, len(texts))
	for i, text := range texts {
		var b strings.Builder
		for _, piece := range Split(text, c.opts.MaxChunk) {
			translated := piece.Text
			if strings.TrimSpace(piece.Text) != "" {
				var err error
				if translated, err = c.request(ctx, piece.Text, source, target); err != nil {
					return nil, err
				}
			}
			b.WriteString(translated)
			b.WriteString(piece.After)
		}
		out[i] = b.String()
	}
	return out, nil
}

// serviceLanguage is the language subtag LibreTranslate names languages by:
// "fa-AF" → "fa".
func serviceLanguage(code string) string {
	code, _, _ = strings.Cut(strings.ToLower(code), "-")
	return code
}

type request struct {
	Q      string `json:"q"`
	Source string `json:"source"`
	Target string `json:"target"`
	Format string `json:"format"`
	APIKey string `json:"api_key,omitempty"`
}

func (c *Client) request(ctx context.Context, text, source, target string) (string, error) {
	res, err := c.opts.Client.PostJSON(ctx, c.endpoint, request{Q: text, Source: source, Target: target, Format: "text", APIKey: c.opts.APIKey})
	switch {
	case err == nil:
	case ctx.Err() != nil:
		return "", &Error{Kind: KindTimeout, Status: res.Status, Err: ctx.Err()}
	case isTimeout(err):
		return "", &Error{Kind: KindTimeout, Status: res.Status, Err: err}
	case res.Status == 0:
		// No answer. The error names the URL, never the body: safe to keep.
		return "", &Error{Kind: KindUnreachable, Err: err}
	default:
		return "", &Error{Kind: KindBadAnswer, Status: res.Status, Err: err}
	}
	translated, err := ParseResponse(res.Status, res.Body)
	if err != nil {
		return "", err
	}
	// A machine answer many times longer than its question is not a
	// translation of it.
	if n := utf8.RuneCountInString(translated); n > 4*utf8.RuneCountInString(text)+200 {
		return "", &Error{Kind: KindBadAnswer, Status: res.Status, Err: fmt.Errorf("an answer of %d characters for %d", n, utf8.RuneCountInString(text))}
	}
	return translated, nil
}

// isTimeout reports whether err is a bound of the HTTP client's running out.
func isTimeout(err error) bool {
	var netErr net.Error
	return errors.As(err, &netErr) && netErr.Timeout()
}

// ParseResponse reads one answer of the service: the translated text of a
// 200, or an *Error carrying the service's {"error": "..."} message.
func ParseResponse(status int, data []byte) (string, error) {
	var answer struct {
		TranslatedText *string `json:"translatedText"`
		Error          string  `json:"error"`
	}
	jsonErr := json.Unmarshal(data, &answer)
	detail := cleanMessage(answer.Error)
	switch {
	case status >= 500:
		return "", &Error{Kind: KindFailed, Status: status, Detail: detail}
	case status >= 400:
		return "", &Error{Kind: KindRefused, Status: status, Detail: detail}
	case status != http.StatusOK:
		return "", &Error{Kind: KindBadAnswer, Status: status, Err: fmt.Errorf("unexpected status %d", status)}
	case jsonErr != nil:
		return "", &Error{Kind: KindBadAnswer, Status: status, Err: errors.New("the answer is not the expected JSON")}
	case detail != "":
		return "", &Error{Kind: KindRefused, Status: status, Detail: detail}
	case answer.TranslatedText == nil:
		return "", &Error{Kind: KindBadAnswer, Status: status, Err: errors.New("the answer has no translatedText")}
	}
	return *answer.TranslatedText, nil
}

// cleanMessage keeps a service message fit to show: one line of printable
// text, shortened.
func cleanMessage(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > maxServiceMessage {
		s = string([]rune(s)[:maxServiceMessage]) + "…"
	}
	return s
}
