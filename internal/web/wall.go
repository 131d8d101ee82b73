package web

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"chorus/internal/paths"
	"chorus/internal/story"
	"chorus/internal/toolkit"
)

type wallView struct {
	*Page
	Posts     []*story.Post
	Networks  []string
	Languages []string
	Network   string
	Language  string
	// Embed is the frameable version; Screen its large type for screens.
	Embed     bool
	Screen    bool
	WallJS    string
	EventsURL string
}

var wallLanguage = regexp.MustCompile(`^[a-z]{2,3}(-[a-z0-9]{2,8})?$`)

// wallNetworks are the networks the wall filters by.
var wallNetworks = []string{"fediverse", "bluesky", "feed", "mastodon"}

// wallNetworkName names a network for people.
func wallNetworkName(id string) string {
	if id == "fediverse" {
		return "Fediverse"
	}
	return toolkit.NetworkName(id)
}

// wallFor reads the wall's filters and lists its posts.
func (s *Server) wallFor(r *http.Request, p *Page) (wallView, error) {
	q := r.URL.Query()
	v := wallView{Page: p, Networks: wallNetworks, WallJS: s.views.wall, EventsURL: p.Link("/wall/events")}
	if n := q.Get("network"); slices.Contains(wallNetworks, n) {
		v.Network = n
	}
	if l := strings.ToLower(q.Get("language")); wallLanguage.MatchString(l) {
		v.Language = l
	}
	for _, l := range s.catalog.Languages() {
		v.Languages = append(v.Languages, l.Code)
	}
	posts, err := s.app.WallPosts(r.Context(), v.Network, v.Language, 60)
	v.Posts = posts
	return v, err
}

// showWall shows the posts carrying the campaign's hashtags that passed
// the screen or a moderator, pinned ones first, with their images as kept
// on our origin: no request leaves the site. A small script, where it runs,
// follows the wall's events and refreshes the list.
func (s *Server) showWall(w http.ResponseWriter, r *http.Request, p *Page) error {
	v, err := s.wallFor(r, p)
	if err != nil {
		return err
	}
	p.Title = p.L.T("wall.title")
	p.cacheable = true
	return s.render(p, "wall", v)
}

// allowWallScript lets the wall run its own script and open its stream,
// for cached answers too.
func allowWallScript(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", contentSecurityPolicy+"; script-src 'self'; connect-src 'self'")
		next.ServeHTTP(w, r)
	})
}

// showEmbedWall is the wall for partners' sites and event screens: no
// site navigation, framed anywhere, large type with ?screen=1.
func (s *Server) showEmbedWall(w http.ResponseWriter, r *http.Request, p *Page) error {
	v, err := s.wallFor(r, p)
	if err != nil {
		return err
	}
	v.Embed, v.Screen = true, r.URL.Query().Get("screen") == "1"
	p.Title = p.L.T("wall.title")
	h := w.Header()
	h.Set("Content-Security-Policy", h.Get("Content-Security-Policy")+"; script-src 'self'; connect-src 'self'")
	var buf bytes.Buffer
	if err := s.views.pages["wall"].ExecuteTemplate(&buf, "embed", v); err != nil {
		return fmt.Errorf("web: render the embedded wall: %w", err)
	}
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", p.L.Code)
	h.Set("Cache-Control", "no-cache")
	_, err = w.Write(buf.Bytes())
	return err
}

// streamWallEvents sends an event each time the wall changes (a post
// shown, removed, pinned), on this node or another.
func (s *Server) streamWallEvents(w http.ResponseWriter, r *http.Request, p *Page) error {
	return streamEvents(w, r, s.wallHub, "wall")
}

// servePostImage serves a shown post's image from our media store.
func (s *Server) servePostImage(w http.ResponseWriter, r *http.Request) {
	key, err := s.app.WallImage(r.Context(), r.PathValue("id"), r.PathValue("file"))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	blob, err := s.app.Blobs.Open(r.Context(), key)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer blob.Close()
	etag := `"` + key + `"`
	w.Header().Set("Content-Type", "image/jpeg")
	// Revalidated each time: a post removed at the source stops showing.
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	io.Copy(w, blob)
}

// ShareURL is the share form's public URL, for invitations to tell a full
// story.
func (p *Page) ShareURL() string { return p.BaseURL + paths.SharePath(p.L.Code) }

// pinPost pins a shown post to the head of the wall, or unpins it.
func (s *Server) pinPost(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := s.checkForm(w, r, 4<<10); err != nil {
		return err
	}
	if _, err := s.app.PinPost(r.Context(), p.User, r.PathValue("id"), r.PostFormValue("pinned") == "1"); err != nil {
		return err
	}
	http.Redirect(w, r, p.Link("/staff/posts?status=visible"), http.StatusSeeOther)
	return nil
}

// blockPostSource blocks a post's author or its whole server from the
// wall (admins, from the posts page).
func (s *Server) blockPostSource(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := s.checkForm(w, r, 4<<10); err != nil {
		return err
	}
	if err := s.app.BlockPostSource(r.Context(), p.User, r.PostFormValue("kind"), r.PostFormValue("value")); err != nil {
		return err
	}
	http.Redirect(w, r, p.Link("/staff/posts?status=hidden&done=block"), http.StatusSeeOther)
	return nil
}
