package web

import (
	"io"
	"net/http"
	"strings"
	"time"

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
// the handler refuses it. A refusal asks the client to wait as long as the
// limit that refused takes to grant one more edit.
func (s *Server) allowEdit(r *http.Request, id, token string) error {
	if !s.editsByAddress.allow(s.clientAddress(r)) {
		return s.editsByAddress.refusal()
	}
	if s.app.CheckToken(r.Context(), id, token) != nil {
		return nil
	}
	if !s.editsBySubmission.allow(id) {
		return s.editsBySubmission.refusal()
	}
	return nil
}

// limitAPIEdits guards PUT /api/v1/submissions/{id}.
func (s *Server) limitAPIEdits(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := s.allowEdit(r, r.PathValue("id"), api.Bearer(r)); err != nil {
			api.WriteError(w, r, s.log, err)
			return
		}
		next(w, r)
	}
}

// limitEditPage guards the edit form of the private page.
func (s *Server) limitEditPage(h pageHandler) pageHandler {
	return func(w http.ResponseWriter, r *http.Request, p *Page) error {
		if err := s.allowEdit(r, r.PathValue("id"), r.PathValue("token")); err != nil {
			return err
		}
		return h(w, r, p)
	}
}

// Defaults of the time a request body may take to arrive: a form is a few
// kilobytes, a photo a few megabytes over a slow phone link.
const (
	DefaultFormReadTimeout   = 30 * time.Second
	DefaultUploadReadTimeout = 2 * time.Minute
)

// limitBodyTime gives a request body FormReadTimeout to arrive, or
// UploadReadTimeout for a multipart body, which may carry a photo; a
// client that sends it slower is cut off.
func (s *Server) limitBodyTime(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Body != http.NoBody {
			timeout := s.cfg.FormReadTimeout
			if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
				timeout = s.cfg.UploadReadTimeout
			}
			rc := http.NewResponseController(w)
			if rc.SetReadDeadline(time.Now().Add(timeout)) == nil {
				r.Body = &deadlineBody{ReadCloser: r.Body, rc: rc}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// deadlineBody lifts the read deadline once the whole body has arrived:
// the server goes on reading the connection in the background to notice a
// client leaving, and a deadline passing there would cancel a handler
// that is still working.
type deadlineBody struct {
	io.ReadCloser
	rc   *http.ResponseController
	done bool
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF && !b.done {
		b.done = true
		b.rc.SetReadDeadline(time.Time{})
	}
	return n, err
}
