package web

import (
	"net/http"

	"chorus/internal/app"
)

// The wrappers below name, in routes.go, who each staff page is for. They
// refuse early, from the same table the use-cases check again.

func (s *Server) moderators(h pageHandler) pageHandler  { return s.staffIn(app.Moderators, h) }
func (s *Server) admins(h pageHandler) pageHandler      { return s.staffIn(app.Admins, h) }
func (s *Server) translators(h pageHandler) pageHandler { return s.staffIn(app.Translators, h) }
func (s *Server) storyTranslators(h pageHandler) pageHandler {
	return s.staffIn(app.StoryTranslators, h)
}
func (s *Server) partners(h pageHandler) pageHandler { return s.staffIn(app.Partners, h) }

// staffIn lets through the signed-in staff of one audience.
func (s *Server) staffIn(audience app.Audience, h pageHandler) pageHandler {
	return s.staff(func(w http.ResponseWriter, r *http.Request, p *Page) error {
		if !audience.Includes(p.User) {
			return app.ErrForbidden
		}
		return h(w, r, p)
	})
}
