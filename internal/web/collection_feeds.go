package web

import (
	"net/http"
	"strings"

	"chorus/internal/paths"
)

// A collection travels like the story list: a feed in each format and a
// frameable embed, both in the collection's order and both losing a
// withdrawn story at once (they are cached like pages, and the cache is
// dropped on every story change).

// serveCollectionFeed answers one format of a collection's feed.
func (s *Server) serveCollectionFeed(format string) pageHandler {
	ff := feedFormatOf(format)
	return func(w http.ResponseWriter, r *http.Request, p *Page) error {
		c, stories, err := s.app.PublicCollection(r.Context(), p.L.Code, r.PathValue("slug"))
		if err != nil {
			return err
		}
		if len(stories) > feedSize {
			stories = stories[:feedSize]
		}
		title := p.L.T("campaign.name") + " · " + c.Title
		feed := s.StoryFeed(p, title, s.cfg.BaseURL+r.URL.RequestURI(), s.cfg.BaseURL+paths.CollectionPath(c.Language, c.Slug), stories)
		p.cacheable = true
		return s.send(p, ff.contentType, ff.write(feed))
	}
}

// embedCollection is the frameable page of a collection, for partners'
// sites: the list embed with the collection's title and order.
func (s *Server) embedCollection(w http.ResponseWriter, r *http.Request, p *Page) error {
	c, stories, err := s.app.PublicCollection(r.Context(), p.L.Code, r.PathValue("slug"))
	if err != nil {
		return err
	}
	if len(stories) > embedListSize {
		stories = stories[:embedListSize]
	}
	p.cacheable = true
	p.NoIndex = true
	p.Title = c.Title
	return s.render(p, "embed_list", embedView{Page: p, Stories: stories, ListURL: p.BaseURL + paths.CollectionPath(c.Language, c.Slug)})
}

// advertiseCollectionFeeds links a collection's page to its feeds.
func (p *Page) advertiseCollectionFeeds(slug, title string) {
	for _, ff := range feedFormats {
		p.Feeds = append(p.Feeds, feedLink{Type: ff.linkType, Title: title + " (" + strings.ToUpper(ff.ext) + ")",
			URL: p.BaseURL + paths.CollectionFeedPath(p.L.Code, slug, ff.ext)})
	}
}
