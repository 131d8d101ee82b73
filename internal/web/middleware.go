package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"chorus/internal/api"
	"chorus/internal/story"
)

// contentSecurityPolicy allows nothing from elsewhere and no script at all:
// the pages work without JavaScript.
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; " +
	"base-uri 'none'; frame-ancestors 'none'"

func (s *Server) secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		// Private links carry a secret in their path: never send it on.
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		if s.secure {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// statusRecorder remembers the status and size a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// instrument logs each request by its route pattern (never its path, which
// may hold a private token), counts it, and turns a panic into a 500.
func (s *Server) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.Error("panic while serving", "route", r.Pattern, "panic", p)
				if rec.status == 0 {
					http.Error(rec, "Internal error", http.StatusInternalServerError)
				}
			}
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			elapsed := time.Since(start)
			s.metrics.observe(route, rec.status, elapsed)
			if rec.status >= 500 {
				s.log.Error("request", "route", route, "status", rec.status, "duration", elapsed)
			} else {
				s.log.Debug("request", "route", route, "status", rec.status, "duration", elapsed, "bytes", rec.bytes)
			}
		}()
		next.ServeHTTP(rec, r)
	})
}

// limiter keeps a token bucket per client address.
type limiter struct {
	mu      sync.Mutex
	every   rate.Limit
	burst   int
	clients map[string]*clientLimit
	sweep   time.Time
}

type clientLimit struct {
	bucket *rate.Limiter
	seen   time.Time
}

func newLimiter(perSecond float64, burst int) *limiter {
	return &limiter{every: rate.Limit(perSecond), burst: burst, clients: map[string]*clientLimit{}}
}

func (l *limiter) allow(client string) bool {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.sweep) > time.Minute {
		for k, c := range l.clients {
			if now.Sub(c.seen) > time.Hour {
				delete(l.clients, k)
			}
		}
		l.sweep = now
	}
	c := l.clients[client]
	if c == nil {
		c = &clientLimit{bucket: rate.NewLimiter(l.every, l.burst)}
		l.clients[client] = c
	}
	c.seen = now
	return c.bucket.AllowN(now, 1)
}

// clientAddress identifies a client for rate limits. It is kept in memory
// only, never stored.
func (s *Server) clientAddress(r *http.Request) string {
	if s.cfg.TrustForwardedFor {
		if fwd := r.Header.Get("X-Forwarded-For"); fwd != "" {
			parts := strings.Split(fwd, ",")
			return strings.TrimSpace(parts[len(parts)-1])
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// errRateLimited refuses an attempt beyond a limit; api.SetRetryAfter
// asks the client to wait a minute.
var errRateLimited = &story.Error{Code: story.CodeRateLimited, Key: "error.rate_limited", Message: "Too many attempts. Please wait a little and try again."}

// refusal is errRateLimited asking the client to wait as long as the
// bucket takes to grant one more attempt.
func (l *limiter) refusal() error {
	e := *errRateLimited
	e.Err = retryIn(time.Duration(float64(time.Second) / float64(l.every)))
	return &e
}

// retryIn is the wait a refusal asks for, read by api.SetRetryAfter.
type retryIn time.Duration

func (d retryIn) Error() string { return "retry in " + time.Duration(d).String() }

// RetryAfter is how long the client should wait before trying again.
func (d retryIn) RetryAfter() time.Duration { return time.Duration(d) }

func (s *Server) limitSubmissions(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.submits.allow(s.clientAddress(r)) {
			api.WriteError(w, r, s.log, errRateLimited)
			return
		}
		next(w, r)
	}
}

// CSRF protection is two-fold: the browser's own Sec-Fetch-Site/Origin
// check refuses cross-origin form posts, and every form carries a token
// bound to a random cookie with the server's key.
const csrfCookie = "chorus_csrf"

var crossOrigin = http.NewCrossOriginProtection()

var errCSRF = &story.Error{Code: story.CodeForbidden, Key: "error.csrf", Message: "This form has expired. Please go back, reload the page and try again."}

func (s *Server) csrfToken(w http.ResponseWriter, r *http.Request) string {
	seed := ""
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 32 && len(c.Value) <= 64 {
		seed = c.Value
	} else {
		b := make([]byte, 32)
		rand.Read(b)
		seed = base64.RawURLEncoding.EncodeToString(b)
		http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: seed, Path: "/", HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
		// Later code in this request sees the new cookie too.
		r.AddCookie(&http.Cookie{Name: csrfCookie, Value: seed})
	}
	mac := hmac.New(sha256.New, s.csrfKey)
	mac.Write([]byte(seed))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// checkForm parses a form post within maxBytes and verifies its origin and
// CSRF token.
func (s *Server) checkForm(w http.ResponseWriter, r *http.Request, maxBytes int64) error {
	if err := crossOrigin.Check(r); err != nil {
		return errCSRF
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBytes)
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		// Uploads are kept in memory (bounded by maxBytes): an original photo,
		// metadata and all, must never land in a temporary file.
		err = r.ParseMultipartForm(maxBytes)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return &story.Error{Code: story.CodeTooLarge, Key: "error.too_large", Message: "What you sent is too large."}
		}
		return &story.Error{Code: story.CodeBadRequest, Key: "error.bad_form", Message: "The form could not be read.", Err: err}
	}
	c, err := r.Cookie(csrfCookie)
	if err != nil {
		return errCSRF
	}
	mac := hmac.New(sha256.New, s.csrfKey)
	mac.Write([]byte(c.Value))
	want := base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(want), []byte(r.PostFormValue("csrf"))) {
		return errCSRF
	}
	return nil
}
