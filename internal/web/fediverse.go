package web

import (
	"net/http"
	"strings"

	"chorus/internal/fediverse"
	"chorus/internal/paths"
	"chorus/internal/story"
)

type fediverseView struct {
	*Page
	Handle    string
	Followers int
	Blocks    []fediverse.Block
	Notice    string
}

// showFediverse shows admins the campaign's fediverse account, its
// follower count and the blocked servers and accounts.
func (s *Server) showFediverse(w http.ResponseWriter, r *http.Request, p *Page) error {
	blocks, err := s.app.FederationBlocks(r.Context(), p.User)
	if err != nil {
		return err
	}
	followers, err := s.app.CountFollowers(r.Context())
	if err != nil {
		return err
	}
	host := strings.TrimPrefix(strings.TrimPrefix(s.cfg.BaseURL, "https://"), "http://")
	v := fediverseView{Page: p, Handle: "@" + paths.ActorUsername + "@" + host, Followers: followers, Blocks: blocks}
	switch r.URL.Query().Get("done") {
	case "block":
		v.Notice = p.L.T("fediverse.done_block")
	case "unblock":
		v.Notice = p.L.T("fediverse.done_unblock")
	}
	p.Title = p.L.T("fediverse.title")
	return s.render(p, "fediverse", v)
}

// blockFediverse blocks a server or an account, or lifts a block.
func (s *Server) blockFediverse(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := s.checkForm(w, r, 4<<10); err != nil {
		return err
	}
	action := r.PathValue("action")
	var err error
	switch action {
	case "block":
		err = s.app.BlockFediverse(r.Context(), p.User, r.PostFormValue("target"))
	case "unblock":
		err = s.app.UnblockFediverse(r.Context(), p.User, r.PostFormValue("target"))
	default:
		return story.ErrNotFound
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, p.Link("/staff/fediverse?done="+action), http.StatusSeeOther)
	return nil
}
