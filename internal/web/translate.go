package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"chorus/internal/api"
	"chorus/internal/app"
	"chorus/internal/i18n"
	"chorus/internal/staff"
	"chorus/internal/story"
	"chorus/internal/toolkit"
	"chorus/internal/toolkit/card"
)

// maxTranslationForm bounds a translation's form: six plural forms of
// 2,000 characters, percent-encoded.
const maxTranslationForm = 256 << 10

// editorView is a translation editor: the English texts beside their
// translations into one language, each saved by a form of its own.
type editorView struct {
	*Page
	Target    i18n.Language
	TargetDir string
	Toolkit   bool // the toolkit's texts, not the interface's messages
	IsSource  bool // the toolkit's English itself
	Action    string
	Areas     []areaLink // the interface's areas, each a page of the editor
	Show      string     // "todo" (missing or stale) or "all"
	TodoURL   string
	AllURL    string
	ReviewURL string // the texts waiting for review; empty where reviews are not tracked
	Groups    []editorGroup
	Missing   int
	Stale     int
	Done      int
	Notice    string
	Error     string // a refused save that concerns no text shown
	OtherURL  string // the other editor of the same language
}

type areaLink struct {
	Name    string
	URL     string
	Todo    int
	Total   int
	Current bool
}

type editorGroup struct {
	ID    string
	Title string
	Items []editorItem
}

// editorItem is one text: the English beside the form translating it.
type editorItem struct {
	Key     string
	Anchor  string
	Source  []formText
	Fields  []formField
	State   i18n.State
	SavedBy string // who saved it in the browser; empty for a shipped text
	SavedAt time.Time
	// Review is where the translation stands with native speakers (the
	// interface's texts only), and who reviewed it when it was in the browser.
	Review     i18n.Review
	ReviewedBy string
	ReviewedAt time.Time
	MadeFrom   string   // the hash of the English shown, sent back with the form
	Keep       []string // placeholders and tokens the translation must keep as they are
	Hints      []string // how long a post is, as its network counts
	Error      string
}

// DescribedBy lists the ids of what describes the item's text boxes.
func (it editorItem) DescribedBy() string {
	var ids []string
	if len(it.Source) > 0 {
		ids = append(ids, it.Anchor+"-src")
	}
	if len(it.Keep) > 0 || len(it.Hints) > 0 {
		ids = append(ids, it.Anchor+"-hints")
	}
	if it.Error != "" {
		ids = append(ids, it.Anchor+"-err")
	}
	return strings.Join(ids, " ")
}

type formText struct{ Form, Text string }

type formField struct {
	Name      string // "other", or a plural form
	ID        string
	Label     string
	Value     string
	Rows      int
	MaxLength int // 0: the server's check alone (posts, counted as each network counts)
	Invalid   bool
}

// translationDraft is a refused save, shown again with its text and why.
type translationDraft struct {
	key   string
	forms map[string]string
	err   *story.Error
}

func (d *translationDraft) value(key, form, current string) string {
	if d != nil && d.key == key {
		return d.forms[form]
	}
	return current
}

// translationTarget resolves the language an editor translates into: any
// language translators work on, English only for the toolkit and admins.
func (s *Server) translationTarget(r *http.Request, p *Page, toolkitTexts bool) (i18n.Language, error) {
	return app.TranslationTarget(p.User, r.PathValue("code"), toolkitTexts)
}

func (s *Server) newEditor(r *http.Request, p *Page, lang i18n.Language, toolkitTexts bool) editorView {
	v := editorView{Page: p, Target: lang, TargetDir: "ltr", Toolkit: toolkitTexts, IsSource: lang.Code == i18n.Source, Show: "todo"}
	if lang.RTL {
		v.TargetDir = "rtl"
	}
	if r.FormValue("show") == "all" || v.IsSource {
		v.Show = "all"
	}
	if r.FormValue("show") == "review" && !toolkitTexts && !v.IsSource {
		v.Show = "review"
	}
	base := "/staff/translations/" + lang.Code
	v.Action, v.OtherURL = p.Link(base), p.Link(base+"/toolkit")
	if toolkitTexts {
		v.Action, v.OtherURL = p.Link(base+"/toolkit"), p.Link(base)
	}
	switch r.URL.Query().Get("done") {
	case "saved":
		v.Notice = p.L.T("translate.saved")
	case "removed":
		v.Notice = p.L.T("translate.removed")
	case "reviewed":
		v.Notice = p.L.T("translate.reviewed_notice")
	}
	return v
}

func (v *editorView) count(state i18n.State) {
	switch state {
	case i18n.StateMissing:
		v.Missing++
	case i18n.StateStale:
		v.Stale++
	default:
		v.Done++
	}
}

// savedByWhom names who saved each translation, reading each person once.
func (s *Server) savedByWhom(r *http.Request, user *staff.User) func(id int64) string {
	names := map[int64]string{}
	return func(id int64) string {
		if name, ok := names[id]; ok {
			return name
		}
		name := "#" + strconv.FormatInt(id, 10)
		if email, err := s.app.TranslatorEmail(r.Context(), user, id); err == nil {
			name = email
		}
		names[id] = name
		return name
	}
}

func savedMeta(list []staff.Translation, catalog, lang string) map[string]staff.Translation {
	out := map[string]staff.Translation{}
	for _, t := range list {
		if t.Catalog == catalog && t.Lang == lang {
			out[t.Key] = t
		}
	}
	return out
}

// textRows sizes a text box for the longer of a translation and its source.
func textRows(texts ...string) int {
	text := slices.MaxFunc(texts, func(a, b string) int { return len(a) - len(b) })
	return min(12, max(2, len([]rune(text))/45+strings.Count(text, "\n")+1))
}

func showItem(show string, state i18n.State, key string, draft *translationDraft) bool {
	return show == "all" || (show == "todo" && state != i18n.StateDone) || (draft != nil && draft.key == key)
}

// showForReview is showItem for the interface, where "review" shows the
// translations waiting for a native speaker's review.
func showForReview(show string, e i18n.Entry, draft *translationDraft) bool {
	if show == "review" {
		return (e.State != i18n.StateMissing && e.Translation.Review == i18n.ReviewNeeded) || (draft != nil && draft.key == e.Source.Key)
	}
	return showItem(show, e.State, e.Source.Key, draft)
}

// applyDraft puts a refused save back into its item, with the reason.
func applyDraft(p *Page, item *editorItem, draft *translationDraft) {
	if draft == nil || draft.key != item.Key {
		return
	}
	item.Error = p.L.T(draft.err.Key, draft.err.Args...)
	for i := range item.Fields {
		f := &item.Fields[i]
		f.Invalid = draft.err.Field == "form-"+f.Name || (i == 0 && !strings.HasPrefix(draft.err.Field, "form-"))
	}
}

// interfaceEditor lists one area of the interface's messages, the English
// beside the translation into lang.
func (s *Server) interfaceEditor(r *http.Request, p *Page, lang i18n.Language, draft *translationDraft) (editorView, error) {
	v := s.newEditor(r, p, lang, false)
	list, err := s.app.SavedTranslations(r.Context(), p.User)
	if err != nil {
		return v, err
	}
	entries, err := i18n.Entries(lang.Code, app.InterfaceOverrides(list))
	if err != nil {
		return v, err
	}
	meta := savedMeta(list, staff.CatalogInterface, lang.Code)
	whom := s.savedByWhom(r, p.User)

	area := r.FormValue("area")
	if draft != nil {
		area = i18n.Area(draft.key)
	}
	for _, e := range entries {
		v.count(e.State)
		name := i18n.Area(e.Source.Key)
		if len(v.Areas) == 0 || v.Areas[len(v.Areas)-1].Name != name {
			v.Areas = append(v.Areas, areaLink{Name: name})
		}
		a := &v.Areas[len(v.Areas)-1]
		a.Total++
		if e.State != i18n.StateDone {
			a.Todo++
		}
	}
	if !slices.ContainsFunc(v.Areas, func(a areaLink) bool { return a.Name == area }) {
		area = ""
		for _, a := range v.Areas {
			if area == "" && (a.Todo > 0 || v.Show == "all") {
				area = a.Name
			}
		}
	}
	query := func(area, show string) string {
		return v.Action + "?" + url.Values{"area": {area}, "show": {show}}.Encode()
	}
	for i := range v.Areas {
		a := &v.Areas[i]
		a.URL, a.Current = query(a.Name, v.Show), a.Name == area
	}
	v.TodoURL, v.AllURL, v.ReviewURL = query(area, "todo"), query(area, "all"), query(area, "review")

	forms := i18n.PluralForms(lang.Code)
	group := editorGroup{ID: "area-" + area, Title: area}
	for _, e := range entries {
		if i18n.Area(e.Source.Key) != area || !showForReview(v.Show, e, draft) {
			continue
		}
		item := editorItem{Key: e.Source.Key, Anchor: "m-" + e.Source.Key, State: e.State, MadeFrom: e.Source.SourceHash()}
		for _, c := range i18n.PluralCategories {
			if text, ok := e.Source.Forms[c]; ok {
				item.Source = append(item.Source, formText{Form: c, Text: text})
			}
		}
		if !e.Source.Plural() {
			item.Source[0].Form = ""
			value := draft.value(item.Key, "other", e.Translation.Text())
			item.Fields = []formField{{Name: "other", ID: "t-" + item.Key, Label: p.L.T("translate.translation", "Language", lang.NativeName),
				Value: value, Rows: textRows(value, e.Source.Text()), MaxLength: i18n.MaxTranslation}}
		} else {
			for _, f := range forms {
				value := draft.value(item.Key, f.Name, e.Translation.Forms[f.Name])
				item.Fields = append(item.Fields, formField{Name: f.Name, ID: "t-" + item.Key + "-" + f.Name,
					Label: p.L.T("translate.form", "Form", f.Name, "Examples", examples(f)), Value: value, Rows: textRows(value, e.Source.Forms["other"]), MaxLength: i18n.MaxTranslation})
			}
		}
		for _, f := range item.Source {
			for _, ph := range i18n.Placeholders(f.Text) {
				if !slices.Contains(item.Keep, ph) {
					item.Keep = append(item.Keep, ph)
				}
			}
		}
		if t, ok := meta[item.Key]; ok && e.Saved {
			item.SavedBy, item.SavedAt = whom(t.UpdatedBy), t.UpdatedAt
			if t.ReviewedBy != 0 {
				item.ReviewedBy, item.ReviewedAt = whom(t.ReviewedBy), t.ReviewedAt
			}
		}
		if e.State != i18n.StateMissing && !v.IsSource {
			item.Review = e.Translation.Review
		}
		applyDraft(p, &item, draft)
		group.Items = append(group.Items, item)
	}
	if area != "" {
		v.Groups = []editorGroup{group}
	}
	if draft != nil && !slices.ContainsFunc(group.Items, func(it editorItem) bool { return it.Key == draft.key }) {
		v.Error = p.L.T(draft.err.Key, draft.err.Args...)
	}
	p.Title = p.L.T("translate.title", "Language", lang.NativeName)
	return v, nil
}

func examples(f i18n.PluralForm) string {
	parts := make([]string, len(f.Examples))
	for i, n := range f.Examples {
		parts[i] = strconv.Itoa(n)
	}
	if !f.Single {
		parts = append(parts, "…")
	}
	return strings.Join(parts, ", ")
}

// toolkitEditor lists the toolkit's texts, the English beside the
// translation into lang (or, for English, the texts themselves).
func (s *Server) toolkitEditor(r *http.Request, p *Page, lang i18n.Language, draft *translationDraft) (editorView, error) {
	v := s.newEditor(r, p, lang, true)
	list, err := s.app.SavedTranslations(r.Context(), p.User)
	if err != nil {
		return v, err
	}
	entries, err := toolkit.Entries(lang.Code, app.ToolkitSaved(list))
	if err != nil {
		return v, err
	}
	meta := savedMeta(list, staff.CatalogToolkit, lang.Code)
	whom := s.savedByWhom(r, p.User)
	v.TodoURL, v.AllURL = v.Action+"?show=todo", v.Action+"?show=all"
	for _, e := range entries {
		v.count(e.State)
		if !showItem(v.Show, e.State, e.Source.ID, draft) {
			continue
		}
		area := e.Source.Area()
		if len(v.Groups) == 0 || v.Groups[len(v.Groups)-1].ID != "area-"+area {
			v.Groups = append(v.Groups, editorGroup{ID: "area-" + area, Title: p.L.T("translate.toolkit_area." + area)})
		}
		item := editorItem{Key: e.Source.ID, Anchor: "m-" + e.Source.ID, State: e.State, MadeFrom: i18n.SourceHash(e.Source.Text)}
		if !v.IsSource {
			item.Source = []formText{{Text: e.Source.Text}}
		}
		label := p.L.T("translate.translation", "Language", lang.NativeName)
		if v.IsSource {
			label = p.L.T("translate.source_text")
		}
		value := draft.value(item.Key, "other", e.Text)
		item.Fields = []formField{{Name: "other", ID: "t-" + item.Key, Label: label, Value: value, Rows: textRows(value, e.Source.Text)}}
		if e.Source.Network == "" {
			item.Fields[0].MaxLength = card.MaxTextRunes
		}
		for _, token := range []string{"{url}", s.app.Campaign.Hashtag} {
			if token != "" && strings.Contains(e.Source.Text, token) {
				item.Keep = append(item.Keep, token)
			}
		}
		if network := e.Source.Network; network != "" {
			length := toolkit.Count(network, strings.ReplaceAll(value, "{url}", toolkit.PostURL(s.cfg.BaseURL, lang.Code)))
			item.Hints = append(item.Hints, p.L.T("translate.length", "Length", length, "Limit", toolkit.Limits[network], "Network", toolkit.NetworkName(network)))
		}
		if t, ok := meta[item.Key]; ok && e.Saved {
			item.SavedBy, item.SavedAt = whom(t.UpdatedBy), t.UpdatedAt
		}
		applyDraft(p, &item, draft)
		g := &v.Groups[len(v.Groups)-1]
		g.Items = append(g.Items, item)
	}
	if draft != nil && !slices.ContainsFunc(v.Groups, func(g editorGroup) bool {
		return slices.ContainsFunc(g.Items, func(it editorItem) bool { return it.Key == draft.key })
	}) {
		v.Error = p.L.T(draft.err.Key, draft.err.Args...)
	}
	p.Title = p.L.T("translate.toolkit_title", "Language", lang.NativeName)
	return v, nil
}

func (s *Server) showInterfaceEditor(w http.ResponseWriter, r *http.Request, p *Page) error {
	lang, err := s.translationTarget(r, p, false)
	if err != nil {
		return err
	}
	v, err := s.interfaceEditor(r, p, lang, nil)
	if err != nil {
		return err
	}
	return s.render(p, "translate", v)
}

func (s *Server) showToolkitEditor(w http.ResponseWriter, r *http.Request, p *Page) error {
	lang, err := s.translationTarget(r, p, true)
	if err != nil {
		return err
	}
	v, err := s.toolkitEditor(r, p, lang, nil)
	if err != nil {
		return err
	}
	return s.render(p, "translate", v)
}

func (s *Server) saveInterfaceTranslation(w http.ResponseWriter, r *http.Request, p *Page) error {
	return s.saveTranslation(w, r, p, false)
}

func (s *Server) saveToolkitTranslation(w http.ResponseWriter, r *http.Request, p *Page) error {
	return s.saveTranslation(w, r, p, true)
}

// saveTranslation saves one text from an editor's form and goes back to
// the editor where it was; a refused text comes back with the reason.
func (s *Server) saveTranslation(w http.ResponseWriter, r *http.Request, p *Page, toolkitTexts bool) error {
	lang, err := s.translationTarget(r, p, toolkitTexts)
	if err != nil {
		return err
	}
	if err := s.checkForm(w, r, maxTranslationForm); err != nil {
		return err
	}
	edit := app.TranslationEdit{Catalog: staff.CatalogInterface, Lang: lang.Code, Key: r.PostFormValue("key"),
		Forms: map[string]string{}, SiteURL: s.cfg.BaseURL, MadeFrom: r.PostFormValue("made_from")}
	if toolkitTexts {
		edit.Catalog = staff.CatalogToolkit
	}
	for _, c := range i18n.PluralCategories {
		if values, ok := r.PostForm["form-"+c]; ok {
			edit.Forms[c] = values[0]
		}
	}
	done := "saved"
	switch {
	case r.PostFormValue("action") == "remove":
		done = "removed"
		err = s.app.RemoveTranslation(r.Context(), p.User, edit.Catalog, edit.Lang, edit.Key)
	case r.PostFormValue("action") == "review" && !toolkitTexts:
		done = "reviewed"
		err = s.app.ReviewTranslation(r.Context(), p.User, edit.Lang, edit.Key)
	default:
		err = s.app.SaveTranslation(r.Context(), p.User, edit)
	}
	var de *story.Error
	if err != nil && errors.As(err, &de) && (de.Field != "" || de.Code == story.CodeConflict) {
		draft := &translationDraft{key: edit.Key, forms: edit.Forms, err: de}
		var v editorView
		if toolkitTexts {
			v, err = s.toolkitEditor(r, p, lang, draft)
		} else {
			v, err = s.interfaceEditor(r, p, lang, draft)
		}
		if err != nil {
			return err
		}
		p.status = api.StatusFor(de.Code)
		return s.render(p, "translate", v)
	}
	if err != nil {
		return err
	}
	back := url.Values{"done": {done}}
	if r.PostFormValue("show") == "all" {
		back.Set("show", "all")
	}
	if !toolkitTexts {
		back.Set("area", i18n.Area(edit.Key))
	}
	target := "/staff/translations/" + lang.Code
	if toolkitTexts {
		target += "/toolkit"
	}
	http.Redirect(w, r, p.Link(target+"?"+back.Encode()+"#m-"+url.PathEscape(edit.Key)), http.StatusSeeOther)
	return nil
}
