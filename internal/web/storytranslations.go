package web

import (
	"errors"
	"net/http"
	"net/url"

	"chorus/internal/api"
	"chorus/internal/app"
	"chorus/internal/i18n"
	"chorus/internal/story"
)

// maxStoryTranslationForm bounds a translation form: 30,000 characters of any
// script, percent-encoded, with room to spare.
const maxStoryTranslationForm = 1 << 20

// translationState names where a translation stands, for the catalogs'
// storytr.state_* keys.
func translationState(t *story.Translation) string {
	switch {
	case t == nil:
		return "none"
	case t.Status == story.TranslationPublished:
		return "published"
	case !t.ReadyForReview():
		return "unchecked"
	}
	return "draft"
}

func (p *Page) translationDesk(id, lang string) string {
	return p.Link("/staff/story-translations/" + url.PathEscape(id) + "/" + url.PathEscape(lang))
}

type translationCell struct {
	Lang    *i18n.Lang
	State   string
	Machine bool
	URL     string
}

type translationRow struct {
	Story *story.Story
	Cells []translationCell
}

type draftRow struct {
	Story   *story.Story
	Lang    *i18n.Lang
	State   string
	Machine bool
	URL     string
}

type storyTranslationsView struct {
	*Page
	Drafts  []draftRow
	Rows    []translationRow
	NextURL string
	Notice  string
}

// showStoryTranslations lists the drafts waiting for review and the
// stories open for translation, with where each language stands.
func (s *Server) showStoryTranslations(w http.ResponseWriter, r *http.Request, p *Page) error {
	o, err := s.app.TranslationOverview(r.Context(), p.User, r.URL.Query().Get("cursor"))
	if err != nil {
		return err
	}
	v := storyTranslationsView{Page: p}
	for _, d := range o.Drafts {
		if l := s.catalog.Lang(d.Language); l != nil {
			v.Drafts = append(v.Drafts, draftRow{Story: o.DraftOf[d.StoryID], Lang: l, State: translationState(d),
				Machine: d.Origin == story.OriginMachine, URL: p.translationDesk(d.StoryID, d.Language)})
		}
	}
	for _, st := range o.Stories {
		row := translationRow{Story: st}
		have := map[string]*story.Translation{}
		for _, t := range o.Existing[st.ID] {
			have[t.Language] = t
		}
		for _, l := range s.catalog.Languages() {
			if l.Code == st.Language {
				continue
			}
			t := have[l.Code]
			row.Cells = append(row.Cells, translationCell{Lang: l, State: translationState(t),
				Machine: t != nil && t.Origin == story.OriginMachine, URL: p.translationDesk(st.ID, l.Code)})
		}
		v.Rows = append(v.Rows, row)
	}
	if o.NextCursor != "" {
		v.NextURL = p.Link("/staff/story-translations?cursor=" + url.QueryEscape(o.NextCursor))
	}
	if r.URL.Query().Get("done") == "deleted" {
		v.Notice = p.L.T("storytr.deleted")
	}
	p.Title = p.L.T("storytr.title")
	return s.render(p, "story_translations", v)
}

type translationEditorView struct {
	*Page
	Story       *story.Story
	Translation *story.Translation
	Target      *i18n.Lang
	State       string
	Form        story.TranslationText
	Checked     bool
	Machine     bool // the text is, or started as, machine output
	Errors      map[string]string
	Notice      string
	Problem     string
	ServiceSaid string
	Base        string
	CanWrite    bool
	CanMachine  bool
	CanPublish  bool
	CanDelete   bool
}

// storyTranslationEditor opens the desk of the story and language in the path.
func (s *Server) storyTranslationEditor(r *http.Request, p *Page) (translationEditorView, error) {
	target := s.catalog.Lang(r.PathValue("target"))
	if target == nil {
		return translationEditorView{}, story.ErrNotFound
	}
	desk, err := s.app.TranslationDesk(r.Context(), p.User, r.PathValue("id"), target.Code)
	if err != nil {
		return translationEditorView{}, err
	}
	t, u := desk.Translation, p.User
	v := translationEditorView{Page: p, Story: desk.Story, Translation: t, Target: target, State: translationState(t),
		Errors: map[string]string{}, Base: p.translationDesk(desk.Story.ID, target.Code)}
	v.CanWrite = app.Allowed(u, app.ActionTranslateStories)
	v.CanMachine = v.CanWrite && t == nil && s.app.MachineTranslationOn()
	v.CanDelete = t != nil
	v.CanPublish = t != nil && app.Allowed(u, app.ActionPublishStoryTranslation) && t.Status == story.TranslationDraft && t.ReadyForReview() &&
		t.TranslatorID != u.ID && t.CheckedBy != u.ID
	if t != nil {
		v.Form = story.TranslationText{Title: t.Title, Body: t.Body, Credit: t.Credit}
		v.Machine = t.Origin == story.OriginMachine
	}
	switch r.URL.Query().Get("done") {
	case "saved":
		v.Notice = p.L.T("storytr.saved")
	case "published":
		v.Notice = p.L.T("storytr.published")
	case "machine":
		v.Notice = p.L.T("storytr.machine_done")
	}
	p.Title = p.L.T("storytr.edit_title", "Language", p.L.T("language."+target.Code))
	return v, nil
}

func (s *Server) showStoryTranslationEditor(w http.ResponseWriter, r *http.Request, p *Page) error {
	v, err := s.storyTranslationEditor(r, p)
	if err != nil {
		return err
	}
	return s.render(p, "translation_editor", v)
}

// storyEditorWithProblem shows the editor again with what went wrong, keeping
// what the translator typed; errors the editor cannot show become the
// error page.
func (s *Server) storyEditorWithProblem(r *http.Request, p *Page, problem error, typed *app.StoryTranslationEdit) error {
	fields, isField := fieldErrors(p, problem)
	var de *story.Error
	if !isField && !errors.As(problem, &de) {
		return problem
	}
	if !isField && de.Code != story.CodeConflict && de.Code != story.CodeForbidden && de.Code != story.CodeUnavailable {
		return problem
	}
	v, err := s.storyTranslationEditor(r, p)
	if err != nil {
		return problem
	}
	v.Notice = ""
	if typed != nil {
		v.Form, v.Checked = typed.Text, typed.Checked
	}
	if isField {
		v.Errors, p.status = fields, http.StatusUnprocessableEntity
	} else {
		v.Problem, p.status = p.L.T(de.Key), api.StatusFor(de.Code)
		var said interface{ ServiceMessage() string }
		if errors.As(problem, &said) {
			v.ServiceSaid = said.ServiceMessage()
		}
	}
	return s.render(p, "translation_editor", v)
}

func (s *Server) saveStoryTranslation(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := s.checkForm(w, r, maxStoryTranslationForm); err != nil {
		return err
	}
	edit := app.StoryTranslationEdit{
		Text:    story.TranslationText{Title: r.PostFormValue("title"), Body: r.PostFormValue("body"), Credit: r.PostFormValue("credit")},
		Checked: r.PostFormValue("checked") == "yes",
	}
	id, lang := r.PathValue("id"), r.PathValue("target")
	if _, err := s.app.SaveStoryTranslation(r.Context(), p.User, id, lang, edit); err != nil {
		return s.storyEditorWithProblem(r, p, err, &edit)
	}
	http.Redirect(w, r, p.translationDesk(id, lang)+"?done=saved", http.StatusSeeOther)
	return nil
}

func (s *Server) machineTranslateStory(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := s.checkForm(w, r, 4<<10); err != nil {
		return err
	}
	id, lang := r.PathValue("id"), r.PathValue("target")
	if _, err := s.app.MachineTranslate(r.Context(), p.User, id, lang); err != nil {
		return s.storyEditorWithProblem(r, p, err, nil)
	}
	http.Redirect(w, r, p.translationDesk(id, lang)+"?done=machine", http.StatusSeeOther)
	return nil
}

func (s *Server) publishStoryTranslation(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := s.checkForm(w, r, 4<<10); err != nil {
		return err
	}
	id, lang := r.PathValue("id"), r.PathValue("target")
	if err := s.app.PublishTranslation(r.Context(), p.User, id, lang); err != nil {
		return s.storyEditorWithProblem(r, p, err, nil)
	}
	http.Redirect(w, r, p.translationDesk(id, lang)+"?done=published", http.StatusSeeOther)
	return nil
}

func (s *Server) deleteStoryTranslation(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := s.checkForm(w, r, 4<<10); err != nil {
		return err
	}
	if ok, err := s.confirmed(r, p, p.L.T("confirm.delete_translation"), p.L.T("storytr.delete"), p.Link("/staff/story-translations")); !ok {
		return err
	}
	if err := s.app.DeleteStoryTranslation(r.Context(), p.User, r.PathValue("id"), r.PathValue("target")); err != nil {
		return err
	}
	http.Redirect(w, r, p.Link("/staff/story-translations?done=deleted"), http.StatusSeeOther)
	return nil
}
