package web

import (
	"encoding/json"
	"errors"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"chorus/internal/i18n"
	"chorus/internal/paths"
	"chorus/internal/story"
)

// Default sizes of the embeds' frames, in CSS pixels.
const (
	storyFrameWidth, storyFrameHeight = 560, 480
	listFrameWidth, listFrameHeight   = 560, 720
)

// oembedResponse is an oEmbed 1.0 answer of type rich.
type oembedResponse struct {
	Version         string `json:"version"`
	Type            string `json:"type"`
	ProviderName    string `json:"provider_name"`
	ProviderURL     string `json:"provider_url"`
	Title           string `json:"title"`
	AuthorName      string `json:"author_name,omitempty"`
	HTML            string `json:"html"`
	Width           int    `json:"width"`
	Height          int    `json:"height"`
	CacheAge        int    `json:"cache_age"`
	ThumbnailURL    string `json:"thumbnail_url,omitempty"`
	ThumbnailWidth  int    `json:"thumbnail_width,omitempty"`
	ThumbnailHeight int    `json:"thumbnail_height,omitempty"`
}

// oembedDiscovery is the oEmbed URL of one of our pages.
func (s *Server) oembedDiscovery(pageURL string) string {
	return s.cfg.BaseURL + paths.OEmbedPath() + "?format=json&url=" + url.QueryEscape(pageURL)
}

// embedSnippet is the <iframe> a partner pastes into their page.
func embedSnippet(src, title string, width, height int) string {
	return `<iframe src="` + html.EscapeString(src) + `" title="` + html.EscapeString(title) + `" width="` + strconv.Itoa(width) +
		`" height="` + strconv.Itoa(height) + `" loading="lazy"></iframe>`
}

// oembed answers the oEmbed provider's requests for a story page or a
// story list of this site: 404 for any other URL, 410 for a withdrawn
// story, 501 for a format other than JSON.
func (s *Server) oembed(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	q := r.URL.Query()
	if f := q.Get("format"); f != "" && f != "json" {
		http.Error(w, "Only the json format is offered.", http.StatusNotImplemented)
		return
	}
	maxWidth, okW := sizeLimit(q.Get("maxwidth"))
	maxHeight, okH := sizeLimit(q.Get("maxheight"))
	if !okW || !okH {
		http.Error(w, "maxwidth and maxheight must be positive whole numbers.", http.StatusBadRequest)
		return
	}
	lang, id, filter, ok := s.ourPage(q.Get("url"))
	if !ok {
		http.Error(w, "Not a story or a story list of this site.", http.StatusNotFound)
		return
	}
	p := &Page{L: lang, BaseURL: s.cfg.BaseURL, server: s}
	res := oembedResponse{Version: "1.0", Type: "rich", ProviderName: lang.T("campaign.name"), ProviderURL: s.cfg.BaseURL + "/", CacheAge: 3600}
	var src string
	if id != "" {
		st, err := s.app.PublicStory(r.Context(), id)
		switch {
		case errors.Is(err, story.ErrGone):
			http.Error(w, "This story was withdrawn by its author.", http.StatusGone)
			return
		case errors.Is(err, story.ErrNotFound):
			http.Error(w, "No such story.", http.StatusNotFound)
			return
		case err != nil:
			s.log.Error("oembed", "err", err)
			http.Error(w, "Internal error", http.StatusInternalServerError)
			return
		}
		src = s.cfg.BaseURL + paths.StoryEmbedPath(lang.Code, st.ID)
		res.Title, res.AuthorName = st.Title, st.DisplayName
		if st.Anonymous || st.DisplayName == "" {
			res.AuthorName = lang.T("story.anonymous")
		}
		res.Width, res.Height = storyFrameWidth, storyFrameHeight
		if s.hasCard(st, p) {
			res.ThumbnailURL = s.cfg.BaseURL + paths.StoryCardPath(lang.Code, st.ID, "og")
			res.ThumbnailWidth, res.ThumbnailHeight = 1200, 630
		}
	} else {
		src = s.cfg.BaseURL + paths.StoriesEmbedPath(lang.Code) + filterQuery(filter)
		res.Title, res.AuthorName = p.feedTitle(filter), lang.T("campaign.name")
		res.Width, res.Height = listFrameWidth, listFrameHeight
	}
	if maxWidth > 0 {
		res.Width = min(res.Width, maxWidth)
	}
	if maxHeight > 0 {
		res.Height = min(res.Height, maxHeight)
	}
	if res.ThumbnailURL != "" && ((maxWidth > 0 && res.ThumbnailWidth > maxWidth) || (maxHeight > 0 && res.ThumbnailHeight > maxHeight)) {
		// oEmbed forbids a thumbnail larger than the limits; the card has
		// one size, so it is left out.
		res.ThumbnailURL, res.ThumbnailWidth, res.ThumbnailHeight = "", 0, 0
	}
	res.HTML = embedSnippet(src, res.Title, res.Width, res.Height)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	json.NewEncoder(w).Encode(res)
}

// sizeLimit reads maxwidth or maxheight: 0 when absent.
func sizeLimit(v string) (int, bool) {
	if v == "" {
		return 0, true
	}
	n, err := strconv.Atoi(v)
	return n, err == nil && n > 0 && n <= 100000
}

// ourPage reads the URL of one of this site's story pages (its id) or story
// lists (its filters), in a site language.
func (s *Server) ourPage(raw string) (lang *i18n.Lang, id string, filter story.Filter, ok bool) {
	if raw == "" || len(raw) > 2048 {
		return nil, "", filter, false
	}
	u, err := url.Parse(raw)
	base, _ := url.Parse(s.cfg.BaseURL)
	if err != nil || u.Host != base.Host || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, "", filter, false
	}
	rest, found := strings.CutPrefix(u.Path, base.Path+"/")
	if !found {
		return nil, "", filter, false
	}
	parts := strings.Split(strings.TrimSuffix(rest, "/"), "/")
	if len(parts) < 2 || parts[1] != "stories" {
		return nil, "", filter, false
	}
	if lang = s.catalog.Lang(parts[0]); lang == nil {
		return nil, "", filter, false
	}
	switch {
	case len(parts) == 2:
		return lang, "", storyFilter(u.Query(), embedListSize), true
	case len(parts) == 3 || (len(parts) == 4 && parts[3] == "original"):
		return lang, parts[2], filter, parts[2] != ""
	}
	return nil, "", filter, false
}

// readableAnywhere lets pages of any site read the public API's answers:
// published stories, with no credentials.
func readableAnywhere(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Access-Control-Expose-Headers", "ETag, Retry-After")
		next(w, r)
	}
}

// preflight answers a browser asking whether another site's page may read
// the public API: with GET only, and no credentials.
func preflight(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Access-Control-Allow-Methods", "GET")
	h.Set("Access-Control-Allow-Headers", "Accept, Accept-Language, If-None-Match")
	h.Set("Access-Control-Max-Age", "86400")
	w.WriteHeader(http.StatusNoContent)
}
