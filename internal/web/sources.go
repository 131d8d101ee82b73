package web

import (
	"net/http"
	"strings"
	"time"

	"chorus/internal/app"
	"chorus/internal/story"
)

type sourcesView struct {
	*Page
	Sources []*story.Source
	Kinds   []story.SourceKind
	Form    sourceForm
	Errors  map[string]string
	Notice  string
}

type sourceForm struct {
	Kind, URL, Tags, Every string
}

// showSources lists the hashtag sources with their state and last error,
// and the form to add one (admins).
func (s *Server) showSources(w http.ResponseWriter, r *http.Request, p *Page) error {
	v := sourcesView{Page: p, Form: sourceForm{Kind: string(story.SourceMastodon), Every: "60"}}
	switch r.URL.Query().Get("done") {
	case "add":
		v.Notice = p.L.T("sources.added")
	case "remove":
		v.Notice = p.L.T("sources.removed")
	}
	return s.renderSources(r, p, v)
}

func (s *Server) renderSources(r *http.Request, p *Page, v sourcesView) error {
	sources, err := s.app.Sources(r.Context(), p.User)
	if err != nil {
		return err
	}
	v.Sources, v.Kinds = sources, story.SourceKinds
	p.Title = p.L.T("sources.title")
	p.NoIndex = true
	return s.render(p, "sources", v)
}

func (s *Server) addSource(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := s.checkForm(w, r, 16<<10); err != nil {
		return err
	}
	form := sourceForm{Kind: r.PostFormValue("kind"), URL: r.PostFormValue("url"), Tags: r.PostFormValue("tags"), Every: r.PostFormValue("every")}
	in := app.SourceInput{Kind: story.SourceKind(form.Kind), URL: form.URL, Tags: strings.FieldsFunc(form.Tags, func(r rune) bool {
		return r == ',' || r == ' ' || r == '\n' || r == '\t'
	}), Token: r.PostFormValue("token")}
	if secs, err := time.ParseDuration(strings.TrimSpace(form.Every) + "s"); err == nil {
		in.Every = secs
	} else {
		in.Every = -1 // refused by the check, with its message
	}
	if _, err := s.app.AddSource(r.Context(), p.User, in); err != nil {
		fields, ok := fieldErrors(p, err)
		if !ok {
			return err
		}
		p.status = http.StatusUnprocessableEntity
		return s.renderSources(r, p, sourcesView{Page: p, Form: form, Errors: fields})
	}
	http.Redirect(w, r, p.Link("/staff/sources?done=add"), http.StatusSeeOther)
	return nil
}

func (s *Server) removeSource(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := s.checkForm(w, r, 4<<10); err != nil {
		return err
	}
	if err := s.app.RemoveSource(r.Context(), p.User, r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, p.Link("/staff/sources?done=remove"), http.StatusSeeOther)
	return nil
}
