package web

import (
	"net/http"
	"strings"
)

// friendlyMisses answers the addresses no route serves, and the methods a
// route does not accept, with the site's own page in the visitor's
// language instead of the router's plain-text English: the language of
// the path when it is one the site serves, else the browser's. Everything
// a route serves passes straight through.
func (s *Server) friendlyMisses(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		// The router's own answer: 404, 405 with Allow, or a redirect to a
		// cleaned path; only the first two become pages.
		probe := &missProbe{header: http.Header{}}
		h.ServeHTTP(probe, r)
		if probe.status != http.StatusNotFound && probe.status != http.StatusMethodNotAllowed {
			mux.ServeHTTP(w, r)
			return
		}
		if allow := probe.header.Get("Allow"); allow != "" {
			w.Header().Set("Allow", allow)
		}
		first, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		lang := s.catalog.Lang(first)
		chooser := lang == nil
		if chooser {
			lang = s.catalog.Negotiate(r.Header.Get("Accept-Language"))
		}
		p := &Page{
			L: lang, Langs: s.catalog.Languages(), BaseURL: s.cfg.BaseURL, Campaign: s.app.Campaign, Path: "/",
			StyleURL: s.views.style, ScriptURL: s.views.script, request: r, writer: w, server: s,
			status: probe.status, NoIndex: true,
		}
		key := "error.not_found"
		if probe.status == http.StatusMethodNotAllowed {
			key = "error.method_not_allowed"
		}
		p.Title = p.L.T(key)
		v := errorView{Page: p, Status: probe.status, Message: p.L.T(key), Missing: true, ChooseLanguage: chooser}
		if err := s.render(p, "error", v); err != nil {
			s.log.Error("cannot render the not-found page", "err", err)
			http.Error(w, http.StatusText(probe.status), probe.status)
		}
	})
}

// missProbe records the router's answer to an address no route serves.
type missProbe struct {
	header http.Header
	status int
}

func (m *missProbe) Header() http.Header { return m.header }
func (m *missProbe) WriteHeader(status int) {
	if m.status == 0 {
		m.status = status
	}
}
func (m *missProbe) Write(b []byte) (int, error) {
	if m.status == 0 {
		m.status = http.StatusOK
	}
	return len(b), nil
}
