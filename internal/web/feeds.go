package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"chorus/internal/feeds"
	"chorus/internal/paths"
	"chorus/internal/story"
)

// feedSize is how many stories a feed carries: the newest.
const feedSize = 50

// feedFormat is one of the three feed formats.
type feedFormat struct {
	ext, contentType, linkType string
	write                      func(*feeds.Feed) []byte
}

var feedFormats = []feedFormat{
	{"atom", feeds.AtomType, "application/atom+xml", feeds.Atom},
	{"rss", feeds.RSSType, "application/rss+xml", feeds.RSS},
	{"json", feeds.JSONType, "application/feed+json", feeds.JSON},
}

// feedLink is a feed a page advertises.
type feedLink struct{ Type, Title, URL string }

// storyFilter reads the filters of a public listing (the story list, its
// feeds and embeds): language, country and theme. Feeds and embeds take no
// search.
func storyFilter(q url.Values, limit int) story.Filter {
	return story.Filter{Language: q.Get("language"), Country: strings.ToUpper(q.Get("country")), Theme: q.Get("theme"), Limit: limit}
}

// filterQuery is the query string of a filter's language, country and theme.
func filterQuery(f story.Filter) string {
	q := url.Values{}
	for k, v := range map[string]string{"language": f.Language, "country": f.Country, "theme": f.Theme} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

// advertiseFeeds lists the page's feeds (of the stories f selects) for its
// <link rel="alternate"> tags.
func (p *Page) advertiseFeeds(f story.Filter) {
	title := p.feedTitle(f)
	for _, ff := range feedFormats {
		p.Feeds = append(p.Feeds, feedLink{Type: ff.linkType, Title: title + " (" + strings.ToUpper(ff.ext) + ")",
			URL: p.BaseURL + paths.FeedPath(p.L.Code, ff.ext) + filterQuery(f)})
	}
}

// feedTitle names a feed of the stories f selects.
func (p *Page) feedTitle(f story.Filter) string {
	title := p.L.T("campaign.name") + " · " + p.L.T("list.title")
	if f.Theme != "" {
		title += " · " + themeLabel(p, f.Theme)
	}
	if f.Country != "" {
		title += " · " + countryName(p.L, f.Country)
	}
	if f.Language != "" {
		title += " · " + p.L.T("language."+f.Language)
	}
	return title
}

func themeLabel(p *Page, theme string) string {
	if p.L.Has("theme." + theme) {
		return p.L.T("theme." + theme)
	}
	return theme
}

// serveFeed answers one format of the story list's feed: the newest
// published stories the filters select, cached like a page until the next
// change.
func (s *Server) serveFeed(format string) pageHandler {
	ff := feedFormatOf(format)
	return func(w http.ResponseWriter, r *http.Request, p *Page) error {
		f := storyFilter(r.URL.Query(), feedSize)
		page, err := s.app.Stories(r.Context(), f)
		if err != nil {
			return err
		}
		self := s.cfg.BaseURL + r.URL.RequestURI()
		list := s.cfg.BaseURL + p.Link("/stories") + filterQuery(f)
		feed := s.StoryFeed(p, p.feedTitle(f), self, list, page.Stories)
		p.cacheable = true
		return s.send(p, ff.contentType, ff.write(feed))
	}
}

// feedFormatOf is the format of a feed's file extension.
func feedFormatOf(ext string) feedFormat {
	for _, f := range feedFormats {
		if f.ext == ext {
			return f
		}
	}
	panic("web: no feed format " + ext)
}

// StoryFeed makes a feed of stories, in their order, for the page's
// language: any ordered list of stories (a listing, a collection) can be
// written in the three formats with it.
func (s *Server) StoryFeed(p *Page, title, selfURL, pageURL string, stories []*story.Story) *feeds.Feed {
	feed := &feeds.Feed{Title: title, Description: p.L.T("feed.description"), Lang: p.L.Code, SelfURL: selfURL, PageURL: pageURL,
		Author: p.L.T("campaign.name"), Hashtag: s.app.Campaign.Hashtag}
	for _, st := range stories {
		feed.Items = append(feed.Items, s.feedItem(p, st))
	}
	return feed
}

func (s *Server) feedItem(p *Page, st *story.Story) feeds.Item {
	link := s.cfg.BaseURL + paths.StoryPath(p.L.Code, st.ID)
	it := feeds.Item{ID: link, URL: link, Title: st.Title, Author: st.DisplayName,
		Lang: st.Language, Published: st.PublishedAt, Updated: st.PublishedAt}
	if st.UpdatedAt.After(it.Updated) {
		it.Updated = st.UpdatedAt
	}
	if st.Anonymous || it.Author == "" {
		it.Author = p.L.T("story.anonymous")
	}
	for _, t := range st.Themes {
		it.Categories = append(it.Categories, themeLabel(p, t))
	}
	var html strings.Builder
	if ps := photoSize(st, "page"); ps != nil {
		it.Image = &feeds.Image{URL: s.cfg.BaseURL + paths.PhotoPath(st.ID, ps.File), Alt: st.Photo.Alt, Type: "image/jpeg", Width: ps.Width, Height: ps.Height}
		html.WriteString(`<figure><img src="` + htmlAttr(it.Image.URL) + `" alt="` + htmlAttr(st.Photo.Alt) + `"></figure>` + "\n")
	}
	html.WriteString(string(RenderText(st.Body)))
	it.HTML = html.String()
	return it
}

func htmlAttr(s string) string { return template.HTMLEscapeString(s) }
