package web

import "net/http"

// frameable lets partners' sites and event screens frame a page: its
// Content-Security-Policy allows any ancestor and X-Frame-Options is
// dropped, on the routes wrapped with it only.
func (s *Server) frameable(h pageHandler) pageHandler {
	return func(w http.ResponseWriter, r *http.Request, p *Page) error {
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors *")
		w.Header().Del("X-Frame-Options")
		return h(w, r, p)
	}
}
