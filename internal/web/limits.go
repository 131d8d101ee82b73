package web

import (
	"net/http"

	"chorus/internal/api"
)

// Defaults of the edit limits: a storyteller fixing a story makes a few
// edits in a row; a refugee centre behind one address has many
// storytellers.
const (
	DefaultEditsPerHour           = 30
	DefaultEditsPerHourPerAddress = 120
)

// allowEdit applies the per-address limit, then, once the private token is
// known to be right, the per-submission one: a stranger's wrong guesses
// never use up a storyteller's own edits. A wrong token passes here, and
// the handler refuses it.
func (s *Server) allowEdit(r *http.Request, id, token string) bool {
	if !s.editsByAddress.allow(s.clientAddress(r)) {
		return false
	}
	if s.app.CheckToken(r.Context(), id, token) != nil {
		return true
	}
	return s.editsBySubmission.allow(id)
}

// limitAPIEdits guards PUT /api/v1/submissions/{id}.
func (s *Server) limitAPIEdits(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.allowEdit(r, r.PathValue("id"), api.Bearer(r)) {
			w.Header().Set("Retry-After", "120")
			api.WriteError(w, r, s.log, errRateLimited)
			return
		}
		next(w, r)
	}
}

// limitEditPage guards the edit form of the private page.
func (s *Server) limitEditPage(h pageHandler) pageHandler {
	return func(w http.ResponseWriter, r *http.Request, p *Page) error {
		if !s.allowEdit(r, r.PathValue("id"), r.PathValue("token")) {
			w.Header().Set("Retry-After", "120")
			return errRateLimited
		}
		return h(w, r, p)
	}
}
