package web

import (
	"errors"
	"net/http"

	"chorus/internal/story"
	"chorus/internal/toolkit"
)

// embedListSize is how many stories a list embed shows.
const embedListSize = 12

// embedExcerptRunes is how much of a story its embed shows before the
// link to the whole of it, which keeps the embed light whatever the length.
const embedExcerptRunes = 600

type embedView struct {
	*Page
	Story   *story.Story
	Excerpt string
	Gone    bool
	Stories []*story.Story
	// ListURL is the full list the embed shows the start of.
	ListURL string
}

// embedStory is the page partners frame to show one story: no script, no
// cookie, links opening the story on this site in a new tab. A withdrawn
// story shows the withdrawal notice inside the frame.
func (s *Server) embedStory(w http.ResponseWriter, r *http.Request, p *Page) error {
	p.cacheable = true
	p.NoIndex = true
	st, err := s.app.PublicStory(r.Context(), r.PathValue("id"))
	if errors.Is(err, story.ErrGone) {
		p.status = http.StatusGone
		p.Title = p.L.T("embed.withdrawn")
		return s.render(p, "embed_story", embedView{Page: p, Gone: true})
	}
	if err != nil {
		return err
	}
	p.Title = st.Title
	return s.render(p, "embed_story", embedView{Page: p, Story: st, Excerpt: toolkit.Excerpt(st.Body, embedExcerptRunes)})
}

// embedStories is the page partners frame to show the newest stories of a
// theme, country or language.
func (s *Server) embedStories(w http.ResponseWriter, r *http.Request, p *Page) error {
	f := storyFilter(r.URL.Query(), embedListSize)
	page, err := s.app.Stories(r.Context(), f)
	if err != nil {
		return err
	}
	p.cacheable = true
	p.NoIndex = true
	p.Title = p.feedTitle(f)
	return s.render(p, "embed_list", embedView{Page: p, Stories: page.Stories, ListURL: p.BaseURL + p.Link("/stories") + filterQuery(f)})
}
