package web

import (
	"net/http"
	"strings"
)

// framingPolicy is the site's policy with one change: any site may frame
// the page. Nothing else is loosened: still no script, nothing from
// another host.
var framingPolicy = strings.Replace(contentSecurityPolicy, "frame-ancestors 'none'", "frame-ancestors *", 1)

// frameable lets any site frame the pages of h (the embeds partners put on
// their sites); every other route keeps forbidding it. The choice travels
// with the page into the page cache, so a cached copy is answered with the
// same headers.
func (s *Server) frameable(h pageHandler) pageHandler {
	return func(w http.ResponseWriter, r *http.Request, p *Page) error {
		p.frameable = true
		p.csp = framingPolicy
		allowFraming(w.Header())
		return h(w, r, p)
	}
}

// allowFraming sets the headers of a page any site may frame.
func allowFraming(h http.Header) {
	h.Set("Content-Security-Policy", framingPolicy)
	h.Del("X-Frame-Options")
}
