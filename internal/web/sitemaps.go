package web

import (
	"net/http"
	"strings"

	"chorus/internal/feeds"
	"chorus/internal/i18n"
	"chorus/internal/paths"
	"chorus/internal/story"
)

const sitemapType = "application/xml; charset=utf-8"

// sitemapIndex lists the sitemap of every site language.
func (s *Server) sitemapIndex(w http.ResponseWriter, r *http.Request) {
	s.cachedXML(w, r, func() ([]byte, error) {
		var locs []string
		for _, l := range s.catalog.Languages() {
			locs = append(locs, s.cfg.BaseURL+paths.LangSitemapPath(l.Code))
		}
		return feeds.SitemapIndex(locs), nil
	})
}

// sitemap lists one language's public pages: the site's own pages and
// every version of a published story whose page is in that language, with
// the story's other versions as alternates. Withdrawn stories are not
// published, so they leave with the next change.
func (s *Server) sitemap(lang *i18n.Lang) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.cachedXML(w, r, func() ([]byte, error) {
			var urls []feeds.SitemapURL
			for _, rest := range []string{"/", "/stories", "/share", "/toolkit", "/wall", "/about", "/privacy"} {
				var alts []feeds.Alternate
				for _, l := range s.catalog.Languages() {
					alts = append(alts, feeds.Alternate{Lang: l.Code, URL: s.cfg.BaseURL + "/" + l.Code + rest})
				}
				urls = append(urls, feeds.SitemapURL{Loc: s.cfg.BaseURL + "/" + lang.Code + rest, Alternates: alts})
			}
			f := story.Filter{Limit: 500}
			for len(urls) < feeds.SitemapLimit {
				page, err := s.app.Stories(r.Context(), f)
				if err != nil {
					return nil, err
				}
				translated, err := s.app.PublishedTranslations(r.Context(), page.Stories...)
				if err != nil {
					return nil, err
				}
				for _, st := range page.Stories {
					urls = append(urls, s.storyVersions(lang, st, translated[st.ID])...)
				}
				if page.NextCursor == "" {
					break
				}
				f.Cursor = page.NextCursor
			}
			return feeds.Sitemap(urls), nil
		})
	})
}

// storyVersions are the sitemap entries of a story's versions whose page
// is in lang: its original text and its published translations, each with
// all the others as alternates (as the story page's hreflang links).
func (s *Server) storyVersions(lang *i18n.Lang, st *story.Story, translations []*story.Translation) []feeds.SitemapURL {
	byLang := map[string]*story.Translation{}
	for _, t := range translations {
		byLang[t.Language] = t
	}
	alts := []feeds.Alternate{{Lang: st.Language, URL: s.cfg.BaseURL + s.originalPath(st, byLang)}}
	for _, t := range translations {
		alts = append(alts, feeds.Alternate{Lang: t.Language, URL: s.cfg.BaseURL + paths.StoryPath(t.Language, st.ID)})
	}
	var out []feeds.SitemapURL
	prefix := s.cfg.BaseURL + "/" + lang.Code + "/"
	for _, a := range alts {
		if strings.HasPrefix(a.URL, prefix) {
			out = append(out, feeds.SitemapURL{Loc: a.URL, LastMod: st.UpdatedAt, Alternates: alts})
		}
	}
	return out
}

// cachedXML answers from the page cache, building the document on a miss.
func (s *Server) cachedXML(w http.ResponseWriter, r *http.Request, build func() ([]byte, error)) {
	key := cacheKey(r)
	if entry, ok := s.cache.get(key); ok {
		writeCached(w, r, entry)
		return
	}
	gen := s.cache.current()
	body, err := build()
	if err != nil {
		s.log.Error("sitemap", "err", err)
		http.Error(w, "Internal error", http.StatusInternalServerError)
		return
	}
	writeCached(w, r, s.cache.put(key, gen, cachedPage{status: http.StatusOK, body: body, contentType: sitemapType}))
}
