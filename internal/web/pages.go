package web

import (
	"context"
	"errors"
	"html/template"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"chorus/internal/api"
	"chorus/internal/i18n"
	"chorus/internal/paths"
	"chorus/internal/story"
)

// pageHandler serves one page; an error it returns is rendered as an
// error page in the visitor's language.
type pageHandler func(w http.ResponseWriter, r *http.Request, p *Page) error

// page resolves the language root, answers cached pages, and renders errors.
func (s *Server) page(lang *i18n.Lang, h pageHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			if entry, ok := s.cache.get(cacheKey(r)); ok {
				writeCached(w, r, entry)
				return
			}
		}
		p := &Page{
			L: lang, Langs: s.catalog.Languages(), BaseURL: s.cfg.BaseURL, Campaign: s.app.Campaign,
			Path: strings.TrimPrefix(r.URL.Path, "/"+lang.Code), Query: r.URL.RawQuery,
			StyleURL: s.views.style, ScriptURL: s.views.script, request: r, writer: w, server: s, generation: s.cache.current(),
		}
		if err := h(w, r, p); err != nil {
			s.renderError(p, err)
		}
	})
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if _, err := s.app.PendingCount(ctx); err != nil {
		s.log.Error("health check failed", "err", err)
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

func (s *Server) robots(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("User-agent: *\nDisallow: /*/my/\nDisallow: /*/staff/\nDisallow: /staff/\nDisallow: /api/\n" +
		"Sitemap: " + s.cfg.BaseURL + paths.SitemapPath() + "\n"))
}

func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) {
	f, ok := s.views.static[r.PathValue("file")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", f.contentType)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(f.data)
}

func (s *Server) redirectToLanguage(w http.ResponseWriter, r *http.Request) {
	lang := s.catalog.Negotiate(r.Header.Get("Accept-Language"))
	w.Header().Set("Vary", "Accept-Language")
	http.Redirect(w, r, "/"+lang.Code+"/", http.StatusSeeOther)
}

type homeView struct {
	*Page
	// Lead is the voice the home page opens with: the first featured
	// story (scheduled ones first), else the newest one.
	Lead     *story.Story
	Featured []*story.Story
	// Recent never repeats the lead or a featured story.
	Recent []*story.Story
	Count  int
	// Theme is this month's theme; Closed shows the archive's notice.
	Theme  string
	Closed bool
}

func (s *Server) showHome(w http.ResponseWriter, r *http.Request, p *Page) error {
	featured, err := s.app.Stories(r.Context(), story.Filter{Featured: true, Limit: 4})
	if err != nil {
		return err
	}
	scheduled, err := s.app.ScheduledFeatured(r.Context())
	if err != nil {
		return err
	}
	featured.Stories = mergeFeatured(scheduled, featured.Stories, 4)
	timeline, err := s.app.Timeline(r.Context())
	if err != nil {
		return err
	}
	// Enough recent stories to show six once the featured ones are left out.
	const recentShown = 6
	limit := recentShown + len(featured.Stories) + 1
	recent, err := s.app.Stories(r.Context(), story.Filter{Language: p.L.Code, Limit: limit})
	if err != nil {
		return err
	}
	if len(recent.Stories) == 0 {
		recent, err = s.app.Stories(r.Context(), story.Filter{Limit: limit})
		if err != nil {
			return err
		}
	}
	now := s.app.Now()
	v := homeView{Page: p, Featured: featured.Stories, Theme: timeline.ThemeOn(now), Closed: timeline.Closed(now)}
	switch {
	case len(v.Featured) > 0:
		v.Lead, v.Featured = v.Featured[0], v.Featured[1:]
	case len(recent.Stories) > 0:
		v.Lead = recent.Stories[0]
	}
	shown := map[string]bool{}
	if v.Lead != nil {
		shown[v.Lead.ID] = true
	}
	for _, st := range v.Featured {
		shown[st.ID] = true
	}
	for _, st := range recent.Stories {
		if !shown[st.ID] && len(v.Recent) < recentShown {
			v.Recent = append(v.Recent, st)
		}
	}
	p.Title = p.L.T("home.title")
	p.advertiseFeeds(story.Filter{})
	p.cacheable = true
	return s.render(p, "home", v)
}

// mergeFeatured puts the stories scheduled for today first, then those
// featured by hand, once each, up to limit.
func mergeFeatured(scheduled, featured []*story.Story, limit int) []*story.Story {
	out := scheduled
	for _, s := range featured {
		if !slices.ContainsFunc(out, func(o *story.Story) bool { return o.ID == s.ID }) {
			out = append(out, s)
		}
	}
	return out[:min(len(out), max(limit, len(scheduled)))]
}

type listView struct {
	*Page
	Stories    []*story.Story
	Filter     story.Filter
	Countries  []string
	Themes     []string
	StoryLangs []*i18n.Lang
	NextURL    string
}

func (s *Server) listStories(w http.ResponseWriter, r *http.Request, p *Page) error {
	q := r.URL.Query()
	f := story.Filter{
		Language: q.Get("language"), Country: strings.ToUpper(q.Get("country")), Theme: q.Get("theme"),
		Query: strings.TrimSpace(q.Get("q")), Cursor: q.Get("cursor"), Limit: 20,
	}
	if len(f.Query) > 200 {
		f.Query = f.Query[:200]
	}
	ctx := r.Context()
	if f.Query != "" {
		// A search that cannot answer in time gives way, rather than hold
		// a database connection others are waiting for.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, api.SearchTimeout)
		defer cancel()
	}
	page, err := s.app.Stories(ctx, f)
	if err != nil {
		return err
	}
	countries, err := s.app.Countries(r.Context())
	if err != nil {
		return err
	}
	v := listView{Page: p, Stories: page.Stories, Filter: f, Countries: countries, Themes: s.app.Campaign.Themes, StoryLangs: s.catalog.Languages()}
	if page.NextCursor != "" {
		next := r.URL.Query()
		next.Set("cursor", page.NextCursor)
		v.NextURL = p.Link("/stories?" + next.Encode())
	}
	p.Title = p.L.T("list.title")
	p.advertiseFeeds(f)
	p.OEmbed = s.oembedDiscovery(p.BaseURL + p.Link("/stories") + filterQuery(f))
	// Searches are cached like every listing, until the next change.
	p.cacheable = true
	if f.Cursor != "" || f.Query != "" {
		p.NoIndex = true
	}
	return s.render(p, "list", v)
}

type storyView struct {
	*Page
	Story *story.Story
	// Translation is shown in place of the original when the story has a
	// published one in the page's language.
	Translation *story.Translation
	// Translations are every published translation, for links.
	Translations []*story.Translation
	// OriginalLink shows the original text in the page's language.
	OriginalLink string
	// Canonical is the page search engines should index for this text.
	Canonical string
	ShareURL  string
	Share     *shareBox
	HasCard   bool
	// EmbedSnippet is the <iframe> partners paste to show the story.
	EmbedSnippet string
	// JSONLD describes the story for search engines (schema.org).
	JSONLD template.JS
}

// showStory shows a published story: its translation into the page's
// language when a reviewed one exists, else the original.
func (s *Server) showStory(w http.ResponseWriter, r *http.Request, p *Page) error {
	return s.renderStory(w, r, p, false)
}

// showOriginalStory shows a story's original text whatever the page's
// language, for readers of a translation.
func (s *Server) showOriginalStory(w http.ResponseWriter, r *http.Request, p *Page) error {
	return s.renderStory(w, r, p, true)
}

func (s *Server) renderStory(w http.ResponseWriter, r *http.Request, p *Page, original bool) error {
	st, err := s.app.PublicStory(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	all, err := s.app.PublishedTranslations(r.Context(), st)
	if err != nil {
		return err
	}
	v := storyView{Page: p, Story: st, Translations: all[st.ID]}
	byLang := map[string]*story.Translation{}
	for _, t := range v.Translations {
		byLang[t.Language] = t
	}
	if !original {
		v.Translation = byLang[p.L.Code]
	}
	originalPage := s.originalPath(st, byLang)
	v.OriginalLink = paths.OriginalStoryPath(p.L.Code, st.ID)
	title := st.Title
	if v.Translation != nil {
		title = v.Translation.Title
	}
	// Versions of this story, for search engines: the original, and each
	// reviewed translation on its language's page. A page in another
	// language shows the original text, so it is no version of its own.
	p.alternates = []alternate{{Code: st.Language, URL: originalPage}}
	for _, t := range v.Translations {
		p.alternates = append(p.alternates, alternate{Code: t.Language, URL: paths.StoryPath(t.Language, st.ID)})
	}
	p.xDefault = originalPage
	p.Title = title
	p.cacheable = true
	v.ShareURL = s.cfg.BaseURL + paths.StoryPath(p.L.Code, st.ID)
	v.Canonical = v.ShareURL
	if original {
		v.Canonical = s.cfg.BaseURL + originalPage
	}
	if st.Consent.Social {
		// An author who refused social sharing gets no share links: the
		// template shows none, and no script is allowed to run.
		v.Share = storyShare(p, st.ID, v.ShareURL, title, s.app.Campaign.Hashtag)
		// Each link passes through the site once, to count the click.
		for i := range v.Share.Links {
			v.Share.Links[i].URL = paths.StorySharePath(p.L.Code, st.ID, shareSlug(v.Share.Links[i].Name))
		}
		p.csp = scriptPolicy
	}
	v.HasCard = s.hasCard(st, p)
	v.EmbedSnippet = embedSnippet(s.cfg.BaseURL+paths.StoryEmbedPath(p.L.Code, st.ID), title, storyFrameWidth, storyFrameHeight)
	v.JSONLD = s.storyJSONLD(p, st, title, v.Canonical, v.Translation)
	p.OEmbed = s.oembedDiscovery(v.ShareURL)
	return s.render(p, "story", v)
}

// originalPath is the page showing a story's original text: the page in
// its language, or, when that is not a site language, the first page with
// no translation in the way, or else the original view.
func (s *Server) originalPath(st *story.Story, translated map[string]*story.Translation) string {
	if s.catalog.Lang(st.Language) != nil {
		return paths.StoryPath(st.Language, st.ID)
	}
	for _, l := range s.catalog.Languages() {
		if translated[l.Code] == nil {
			return paths.StoryPath(l.Code, st.ID)
		}
	}
	return paths.OriginalStoryPath(s.catalog.Languages()[0].Code, st.ID)
}

func (s *Server) showAbout(w http.ResponseWriter, r *http.Request, p *Page) error {
	p.Title = p.L.T("about.title")
	p.cacheable = true
	host := strings.TrimPrefix(strings.TrimPrefix(s.cfg.BaseURL, "https://"), "http://")
	return s.render(p, "about", struct {
		*Page
		Fediverse, ActorURL string
	}{p, "@" + paths.ActorUsername + "@" + host, s.cfg.BaseURL + paths.ActorPath})
}

func (s *Server) showPrivacy(w http.ResponseWriter, r *http.Request, p *Page) error {
	p.Title = p.L.T("privacy.title")
	p.cacheable = true
	return s.render(p, "privacy", struct{ *Page }{p})
}

// servePublicPhoto serves a published story's photo.
func (s *Server) servePublicPhoto(w http.ResponseWriter, r *http.Request) {
	st, err := s.app.PublicStory(r.Context(), r.PathValue("id"))
	if err != nil {
		if errors.Is(err, story.ErrGone) {
			http.Error(w, "Gone", http.StatusGone)
			return
		}
		http.NotFound(w, r)
		return
	}
	// Revalidated on every view, so a withdrawn photo stops showing at once
	// (the check is a cheap 304 while the story stands).
	s.servePhoto(w, r, st, "no-cache")
}

func (s *Server) servePhoto(w http.ResponseWriter, r *http.Request, st *story.Story, cacheControl string) {
	if st.Photo == nil {
		http.NotFound(w, r)
		return
	}
	file := r.PathValue("file")
	for _, size := range st.Photo.Sizes {
		if paths.PhotoFile(size.Key) != file {
			continue
		}
		blob, err := s.app.Blobs.Open(r.Context(), size.Key)
		if err != nil {
			s.log.Error("photo missing", "story", st.ID, "err", err)
			http.NotFound(w, r)
			return
		}
		defer blob.Close()
		w.Header().Set("Content-Type", "image/jpeg")
		w.Header().Set("Cache-Control", cacheControl)
		w.Header().Set("ETag", `"`+file+`"`)
		if r.Header.Get("If-None-Match") == `"`+file+`"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		io.Copy(w, blob)
		return
	}
	http.NotFound(w, r)
}
