package web

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"

	"chorus/internal/app"
	"chorus/internal/i18n"
	"chorus/internal/toolkit"
)

// savedTranslations holds, in memory, the translations saved in the
// browser that pages are served with; the interface's are applied to the
// catalog itself. Requests read them without touching the database.
type savedTranslations struct {
	reloading sync.Mutex // one reload at a time: the last one to end read the latest
	toolkit   atomic.Pointer[[]toolkit.Saved]
}

func (t *savedTranslations) toolkitTexts() []toolkit.Saved {
	if saved := t.toolkit.Load(); saved != nil {
		return *saved
	}
	return nil
}

// ReloadTranslations reads the saved translations, applies them and drops
// the pages and toolkit packages built with the former ones. It runs at
// start-up, after a translation is saved on this node, and when another
// node says it saved one.
func (s *Server) ReloadTranslations(ctx context.Context) error {
	s.saved.reloading.Lock()
	defer s.saved.reloading.Unlock()
	list, err := s.app.AllSavedTranslations(ctx)
	if err != nil {
		return err
	}
	if err := s.catalog.Apply(app.InterfaceOverrides(list)); err != nil {
		return err
	}
	kit := app.ToolkitSaved(list)
	s.saved.toolkit.Store(&kit)
	s.cards.forget(toolkitPackagePrefix)
	s.cache.invalidate()
	return nil
}

type coverageRow struct {
	i18n.Coverage
	Language    i18n.Language
	Published   bool
	Held        bool // the storyteller's path is translated, yet the language is kept off the site
	Path, Rest  i18n.AreaCoverage
	ToolkitDone int
	ToolkitAll  int
}

type translationsView struct {
	*Page
	Rows []coverageRow
}

// showTranslations shows translators and admins how far each language is,
// saved translations counted, with links to translate each.
func (s *Server) showTranslations(w http.ResponseWriter, r *http.Request, p *Page) error {
	list, err := s.app.SavedTranslations(r.Context(), p.User)
	if err != nil {
		return err
	}
	langs := app.TranslationLanguages()
	report, err := i18n.MeasureCoverage(i18n.Locales(), langs, app.InterfaceOverrides(list))
	if err != nil {
		return err
	}
	kitSaved := app.ToolkitSaved(list)
	v := translationsView{Page: p}
	for _, c := range report {
		row := coverageRow{Coverage: c}
		row.Language, _ = app.TranslationLanguage(c.Code)
		row.Published = s.catalog.Lang(c.Code) != nil
		row.Held = !row.Published && c.PathComplete()
		row.Path, row.Rest = c.Areas[i18n.AreaStoryteller], c.Rest()
		entries, err := toolkit.Entries(c.Code, kitSaved)
		if err != nil {
			return err
		}
		for _, e := range entries {
			row.ToolkitAll++
			if e.State == i18n.StateDone {
				row.ToolkitDone++
			}
		}
		v.Rows = append(v.Rows, row)
	}
	p.Title = p.L.T("translations.title")
	return s.render(p, "translations", v)
}
