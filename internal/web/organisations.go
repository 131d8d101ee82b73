package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"chorus/internal/app"
	"chorus/internal/i18n"
	"chorus/internal/media"
	"chorus/internal/org"
	"chorus/internal/paths"
	"chorus/internal/qr"
	"chorus/internal/staff"
	"chorus/internal/story"
)

// Public pages: the partners by kind, one partner, one collection.

type partnerGroup struct {
	Kind          org.Kind
	Organisations []*org.Organisation
}

type partnersView struct {
	*Page
	Groups []partnerGroup
}

func (s *Server) showPartners(w http.ResponseWriter, r *http.Request, p *Page) error {
	list, err := s.app.Organisations(r.Context())
	if err != nil {
		return err
	}
	v := partnersView{Page: p}
	for _, o := range list {
		if n := len(v.Groups); n == 0 || v.Groups[n-1].Kind != o.Kind {
			v.Groups = append(v.Groups, partnerGroup{Kind: o.Kind})
		}
		g := &v.Groups[len(v.Groups)-1]
		g.Organisations = append(g.Organisations, o)
	}
	p.Title = p.L.T("partners.title")
	p.cacheable = true
	return s.render(p, "partners", v)
}

type partnerPageView struct {
	*Page
	app.PartnerPage
	Text org.Text
}

func (s *Server) showPartnerPage(w http.ResponseWriter, r *http.Request, p *Page) error {
	pp, err := s.app.PartnerPage(r.Context(), r.PathValue("slug"), p.L.Code)
	if err != nil {
		return err
	}
	v := partnerPageView{Page: p, PartnerPage: pp, Text: pp.Organisation.In(p.L.Code, "en")}
	p.Title = v.Text.Name
	p.cacheable = true
	return s.render(p, "partner_page", v)
}

// servePublicPartnerLogo serves an organisation's logo to everyone: it is part
// of its public page.
func (s *Server) servePublicPartnerLogo(w http.ResponseWriter, r *http.Request) {
	logo, err := s.app.PartnerLogo(r.Context(), r.PathValue("slug"))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write(logo)
}

type collectionView struct {
	*Page
	Collection   *org.Collection
	Stories      []*story.Story
	Organisation *org.Organisation
	EmbedSnippet string
}

func (s *Server) showCollection(w http.ResponseWriter, r *http.Request, p *Page) error {
	c, stories, err := s.app.PublicCollection(r.Context(), p.L.Code, r.PathValue("slug"))
	if err != nil {
		return err
	}
	v := collectionView{Page: p, Collection: c, Stories: stories}
	if c.OrganisationID != "" {
		list, err := s.app.Organisations(r.Context())
		if err != nil {
			return err
		}
		for _, o := range list {
			if o.ID == c.OrganisationID {
				v.Organisation = o
			}
		}
	}
	p.Title = c.Title
	p.advertiseCollectionFeeds(c.Slug, p.L.T("campaign.name")+" · "+c.Title)
	v.EmbedSnippet = embedSnippet(s.cfg.BaseURL+paths.CollectionEmbedPath(c.Language, c.Slug), c.Title, listFrameWidth, listFrameHeight)
	// A collection is in one language: its only version.
	p.alternates = []alternate{{Code: c.Language, URL: paths.CollectionPath(c.Language, c.Slug)}}
	p.xDefault = paths.CollectionPath(c.Language, c.Slug)
	p.cacheable = true
	return s.render(p, "collection", v)
}

// Staff pages of an organisation: its told stories and their consent
// records, its members, its profile.

type toldForm struct {
	Submission  story.Submission
	Consenter   string
	Method      string
	ConsentedOn string
	ExplainedIn string
	Scope       []string
}

type organisationView struct {
	*Page
	Organisation  *org.Organisation
	Profile       org.Organisation // the profile form: as saved, or as typed when it comes back with an error
	Texts         []orgTextField
	Member        *org.Member
	Organisations []*org.Organisation // for admins choosing one
	Records       []app.ToldStoryRecord
	Members       []app.MemberAccount
	Told          toldForm
	Errors        map[string]string
	Notice        string
	InviteLink    string
	Kinds         []org.Kind
	Methods       []org.ConsentMethod
	Scopes        []org.Scope
	StoryLangs    []string
	Themes        []string
	Identities    []story.Identity
	Reasons       []string
}

type orgTextField struct {
	Code, NativeName, Name, Description string
}

// organisationFor is the organisation a staff page is about: the one named
// by the request (admins may name any), else the signed-in member's own.
// memberForm checks a posted form of at most limit bytes and returns the
// sender's organisation; staff who belong to none are refused.
func (s *Server) memberForm(w http.ResponseWriter, r *http.Request, p *Page, limit int64) (*org.Organisation, error) {
	if err := s.checkForm(w, r, limit); err != nil {
		return nil, err
	}
	o, _, err := s.organisationFor(r, p)
	if err != nil {
		return nil, err
	}
	if o == nil {
		return nil, app.ErrForbidden
	}
	return o, nil
}

func (s *Server) organisationFor(r *http.Request, p *Page) (*org.Organisation, *org.Member, error) {
	own, m, err := s.app.Membership(r.Context(), p.User)
	if err != nil {
		return nil, nil, err
	}
	id := r.FormValue("organisation")
	if id == "" || (own != nil && own.ID == id) {
		return own, m, nil
	}
	list, err := s.app.Organisations(r.Context())
	if err != nil {
		return nil, nil, err
	}
	for _, o := range list {
		if o.ID == id {
			return o, m, nil
		}
	}
	return nil, nil, story.ErrNotFound
}

func (s *Server) organisationView(r *http.Request, p *Page, o *org.Organisation, m *org.Member) (organisationView, error) {
	v := organisationView{Page: p, Organisation: o, Member: m, Errors: map[string]string{},
		Kinds: org.Kinds, Methods: org.ConsentMethods, Scopes: org.Scopes, StoryLangs: s.app.Campaign.Languages,
		Themes: s.app.Campaign.Themes, Identities: story.Identities, Reasons: story.WithdrawReasons,
		Told: toldForm{Submission: story.Submission{Language: p.L.Code}, ExplainedIn: p.L.Code, Scope: []string{string(org.ScopeSite)},
			ConsentedOn: time.Now().UTC().Format("2006-01-02")}}
	ctx := r.Context()
	if p.User.Role == staff.RoleAdmin {
		list, err := s.app.Organisations(ctx)
		if err != nil {
			return v, err
		}
		v.Organisations = list
	}
	for _, l := range s.catalog.Languages() {
		f := orgTextField{Code: l.Code, NativeName: l.NativeName}
		if o != nil {
			f.Name, f.Description = o.Texts[l.Code].Name, o.Texts[l.Code].Description
		}
		v.Texts = append(v.Texts, f)
	}
	if o == nil {
		return v, nil
	}
	v.Profile = *o
	if app.AllowedOn(p.User, m, app.ActionSeeConsentRecords, o.ID) {
		records, err := s.app.ConsentRecords(ctx, p.User, o.ID)
		if err != nil {
			return v, err
		}
		v.Records = records
	}
	if app.AllowedOn(p.User, m, app.ActionManageMembers, o.ID) {
		members, err := s.app.Members(ctx, p.User, o.ID)
		if err != nil {
			return v, err
		}
		v.Members = members
	}
	return v, nil
}

// CanOn tells whether the signed-in staff member may carry out an
// organisation action on the page's organisation.
func (v organisationView) CanOn(action string) bool {
	if v.Organisation == nil {
		return false
	}
	return app.AllowedOn(v.User, v.Member, app.Action(action), v.Organisation.ID)
}

func (s *Server) showOrganisation(w http.ResponseWriter, r *http.Request, p *Page) error {
	o, m, err := s.organisationFor(r, p)
	if err != nil {
		return err
	}
	v, err := s.organisationView(r, p, o, m)
	if err != nil {
		return err
	}
	if done := r.URL.Query().Get("done"); done != "" && p.L.Has("organisation.done_"+done) {
		v.Notice = p.L.T("organisation.done_" + done)
	}
	p.Title = p.L.T("organisation.title")
	return s.render(p, "organisation", v)
}

// showOrganisationAgain shows the page again with the errors of a form.
func (s *Server) showOrganisationAgain(w http.ResponseWriter, r *http.Request, p *Page, err error, fill func(*organisationView)) error {
	fields, ok := fieldErrors(p, err)
	if !ok {
		return err
	}
	o, m, oerr := s.organisationFor(r, p)
	if oerr != nil {
		return oerr
	}
	v, verr := s.organisationView(r, p, o, m)
	if verr != nil {
		return verr
	}
	v.Errors = fields
	if fill != nil {
		fill(&v)
	}
	p.Title = p.L.T("organisation.title")
	p.status = uploadErrorStatus(w, err)
	return s.render(p, "organisation", v)
}

func (s *Server) organisationLink(p *Page, id, done string) string {
	q := "?done=" + done
	if id != "" {
		q += "&organisation=" + id
	}
	return p.Link("/staff/organisation" + q)
}

// maxOrganisationForm bounds the profile form: a logo and the texts in
// every language.
const maxOrganisationForm = media.MaxLogoBytes + 512<<10

func (s *Server) saveOrganisation(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := s.checkForm(w, r, maxOrganisationForm); err != nil {
		return err
	}
	o := org.Organisation{ID: r.PostFormValue("organisation"), Slug: r.PostFormValue("slug"), Kind: org.Kind(r.PostFormValue("kind")),
		Website: r.PostFormValue("website"), Country: r.PostFormValue("country"), Texts: map[string]org.Text{}}
	for _, l := range s.catalog.Languages() {
		o.Texts[l.Code] = org.Text{Name: r.PostFormValue("name_" + l.Code), Description: r.PostFormValue("description_" + l.Code)}
	}
	u := app.OrganisationUpdate{Organisation: o, RemoveLogo: r.PostFormValue("remove_logo") == "yes"}
	if file, header, err := r.FormFile("logo"); err == nil {
		defer file.Close()
		if header.Size > 0 {
			u.Logo = file
		}
	}
	id, err := s.app.SaveOrganisation(r.Context(), p.User, u)
	if err != nil {
		return s.showOrganisationAgain(w, r, p, err, func(v *organisationView) {
			v.Profile = o
			for i, f := range v.Texts {
				v.Texts[i].Name, v.Texts[i].Description = o.Texts[f.Code].Name, o.Texts[f.Code].Description
			}
		})
	}
	http.Redirect(w, r, s.organisationLink(p, id, "saved"), http.StatusSeeOther)
	return nil
}

// maxToldForm bounds a told story's form: the scan and the text fields.
const maxToldForm = maxShareForm

type slipView struct {
	*Page
	Organisation *org.Organisation
	PrivateLink  string
	QR           template.HTML
	StoryTitle   string
}

// submitToldStory stores a story a partner collected and shows the slip
// to hand over: the storyteller's private link, once, with its QR code.
func (s *Server) submitToldStory(w http.ResponseWriter, r *http.Request, p *Page) error {
	o, err := s.memberForm(w, r, p, maxToldForm)
	if err != nil {
		return err
	}
	sub := submissionFromForm(r)
	sub.ContactEmail = ""
	form := toldForm{Submission: sub, Consenter: r.PostFormValue("consenter"), Method: r.PostFormValue("method"),
		ConsentedOn: r.PostFormValue("consented_on"), ExplainedIn: r.PostFormValue("explained_in"), Scope: r.PostForm["scope"]}
	told := app.ToldStory{OrganisationID: o.ID, Submission: sub, Consent: org.ConsentRecord{
		Consenter: form.Consenter, Method: org.ConsentMethod(form.Method), ExplainedIn: form.ExplainedIn}}
	if day, err := time.Parse("2006-01-02", strings.TrimSpace(form.ConsentedOn)); err == nil {
		told.Consent.ConsentedAt = day.Add(12 * time.Hour)
	}
	for _, sc := range form.Scope {
		told.Consent.Scope = append(told.Consent.Scope, org.Scope(sc))
	}
	if file, header, ferr := r.FormFile("scan"); ferr == nil {
		defer file.Close()
		if header.Size > 0 {
			told.Scan = file
		}
	}
	receipt, err := s.app.SubmitForStoryteller(r.Context(), p.User, told)
	if err != nil {
		return s.showOrganisationAgain(w, r, p, err, func(v *organisationView) { v.Told = form })
	}
	s.metrics.submissions.Inc()
	// The private page opens in the language consent was explained in,
	// when the site speaks it.
	linkLang := p.L.Code
	for _, l := range s.catalog.Languages() {
		if l.Code == form.ExplainedIn {
			linkLang = l.Code
		}
	}
	link := p.BaseURL + paths.PrivatePath(linkLang, receipt.ID, receipt.Token)
	svg, err := qr.SVG(link, p.L.T("slip.qr_label"), 220)
	if err != nil {
		return err
	}
	p.Title = p.L.T("slip.title")
	p.NoIndex = true
	return s.render(p, "slip", slipView{Page: p, Organisation: o, PrivateLink: link, QR: template.HTML(svg), StoryTitle: sub.Title})
}

func (s *Server) withdrawToldStory(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := s.checkForm(w, r, 64<<10); err != nil {
		return err
	}
	// Who may withdraw this story is checked before the form is.
	if _, err := s.app.ConsentRecord(r.Context(), p.User, r.PathValue("id")); err != nil {
		return err
	}
	if r.PostFormValue("confirm") != "yes" {
		return story.FieldError("confirm", "error.confirm_withdraw", "Tick the box to confirm the storyteller asked for this.")
	}
	if err := s.app.WithdrawForStoryteller(r.Context(), p.User, r.PathValue("id"), r.PostFormValue("reason")); err != nil {
		return err
	}
	http.Redirect(w, r, s.organisationLink(p, r.PostFormValue("organisation"), "withdrawn"), http.StatusSeeOther)
	return nil
}

// serveConsentScan shows the scan of a signed consent form to the
// partner's members and admins, never cached.
func (s *Server) serveConsentScan(w http.ResponseWriter, r *http.Request, p *Page) error {
	data, err := s.app.ConsentScan(r.Context(), p.User, r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = w.Write(data)
	return err
}

func (s *Server) inviteMember(w http.ResponseWriter, r *http.Request, p *Page) error {
	o, err := s.memberForm(w, r, p, 64<<10)
	if err != nil {
		return err
	}
	inv, err := s.app.InviteMember(r.Context(), p.User, o.ID, r.PostFormValue("email"), r.PostFormValue("owner") == "yes")
	if err != nil {
		return s.showOrganisationAgain(w, r, p, err, nil)
	}
	o2, m, err := s.organisationFor(r, p)
	if err != nil {
		return err
	}
	v, err := s.organisationView(r, p, o2, m)
	if err != nil {
		return err
	}
	// The sign-in link is shown once, to hand to the new member.
	v.InviteLink = p.BaseURL + p.Link("/staff/welcome/"+inv.Token)
	v.Notice = p.L.T("organisation.done_invited")
	p.Title = p.L.T("organisation.title")
	return s.render(p, "organisation", v)
}

func (s *Server) removeMember(w http.ResponseWriter, r *http.Request, p *Page) error {
	o, err := s.memberForm(w, r, p, 64<<10)
	if err != nil {
		return err
	}
	userID, err := strconv.ParseInt(r.PathValue("user"), 10, 64)
	if err != nil {
		return story.ErrNotFound
	}
	if err := s.app.RemoveMember(r.Context(), p.User, o.ID, userID); err != nil {
		return err
	}
	http.Redirect(w, r, s.organisationLink(p, r.PostFormValue("organisation"), "removed"), http.StatusSeeOther)
	return nil
}

// Collections, curated by partners and admins.

type collectionsView struct {
	*Page
	Collections   []*org.Collection
	Organisations []*org.Organisation // admins choose the curator
	Own           *org.Organisation
	Form          org.Collection
	StoryIDs      string
	Errors        map[string]string
	Notice        string
	Languages     []*i18n.Lang
}

// LangName is a site language's own name.
func (v collectionsView) LangName(code string) string { return i18n.NativeName(code) }

func (s *Server) collectionsView(r *http.Request, p *Page) (collectionsView, error) {
	ctx := r.Context()
	v := collectionsView{Page: p, Errors: map[string]string{}, Form: org.Collection{Language: p.L.Code}}
	v.Languages = s.catalog.Languages()
	list, err := s.app.CuratedCollections(ctx, p.User)
	if err != nil {
		return v, err
	}
	v.Collections = list
	own, _, err := s.app.Membership(ctx, p.User)
	if err != nil {
		return v, err
	}
	v.Own = own
	if own != nil {
		v.Form.OrganisationID = own.ID
	}
	if p.User.Role == staff.RoleAdmin {
		if v.Organisations, err = s.app.Organisations(ctx); err != nil {
			return v, err
		}
	}
	if id := r.URL.Query().Get("edit"); id != "" {
		for _, c := range list {
			if c.ID == id {
				v.Form = *c
				v.StoryIDs = strings.Join(c.StoryIDs, "\n")
			}
		}
	}
	return v, nil
}

func (s *Server) showCollections(w http.ResponseWriter, r *http.Request, p *Page) error {
	v, err := s.collectionsView(r, p)
	if err != nil {
		return err
	}
	if done := r.URL.Query().Get("done"); done != "" && p.L.Has("collections.done_"+done) {
		v.Notice = p.L.T("collections.done_" + done)
	}
	p.Title = p.L.T("collections.title")
	return s.render(p, "collections", v)
}

// storyIDsFrom reads the stories of a collection, one a line: an id, or a
// link to the story's page.
func storyIDsFrom(text string) []string {
	var ids []string
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if i := strings.Index(line, "/stories/"); i >= 0 {
			line = line[i+len("/stories/"):]
			line, _, _ = strings.Cut(line, "/")
			line, _, _ = strings.Cut(line, "?")
		}
		if line != "" {
			ids = append(ids, line)
		}
	}
	return ids
}

func (s *Server) saveCollection(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := s.checkForm(w, r, 256<<10); err != nil {
		return err
	}
	c := org.Collection{ID: r.PostFormValue("id"), Slug: r.PostFormValue("slug"), Language: r.PostFormValue("language"),
		Title: r.PostFormValue("title"), Description: r.PostFormValue("description"), OrganisationID: r.PostFormValue("organisation"),
		StoryIDs: storyIDsFrom(r.PostFormValue("stories"))}
	if _, err := s.app.SaveCollection(r.Context(), p.User, c); err != nil {
		fields, ok := fieldErrors(p, err)
		if !ok {
			return err
		}
		v, verr := s.collectionsView(r, p)
		if verr != nil {
			return verr
		}
		v.Form, v.StoryIDs, v.Errors = c, r.PostFormValue("stories"), fields
		p.Title = p.L.T("collections.title")
		p.status = uploadErrorStatus(w, err)
		return s.render(p, "collections", v)
	}
	http.Redirect(w, r, p.Link("/staff/collections?done=saved"), http.StatusSeeOther)
	return nil
}

func (s *Server) deleteCollection(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := s.checkForm(w, r, 64<<10); err != nil {
		return err
	}
	if err := s.app.DeleteCollection(r.Context(), p.User, r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, p.Link("/staff/collections?done=deleted"), http.StatusSeeOther)
	return nil
}
