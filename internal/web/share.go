package web

import (
	"errors"
	"net/http"

	"chorus/internal/api"
	"chorus/internal/app"
	"chorus/internal/story"
)

// maxShareForm bounds a share form: the photo's limit plus the text fields.
const maxShareForm = api.MaxPhotoRequestBytes + 256<<10

type shareView struct {
	*Page
	Form       story.Submission
	Alt        string
	Errors     map[string]string // field → message
	Themes     []string
	Identities []story.Identity
	StoryLangs []string
	Action     string
	Editing    bool
	// Closed shows the archive's notice in place of the form.
	Closed bool
}

func (s *Server) shareView(p *Page, sub story.Submission) shareView {
	return shareView{Page: p, Form: sub, Errors: map[string]string{}, Themes: s.app.Campaign.Themes,
		Identities: story.Identities, StoryLangs: s.app.Campaign.Languages, Action: p.Link("/share")}
}

func (s *Server) showShareForm(w http.ResponseWriter, r *http.Request, p *Page) error {
	closed, err := s.app.CampaignClosed(r.Context())
	if err != nil {
		return err
	}
	p.Title = p.L.T("share.title")
	v := s.shareView(p, story.Submission{Language: p.L.Code, Consent: story.Consent{Publish: false}})
	v.Closed = closed
	return s.render(p, "share", v)
}

func submissionFromForm(r *http.Request) story.Submission {
	return story.Submission{
		Title:        r.PostFormValue("title"),
		Body:         r.PostFormValue("body"),
		Language:     r.PostFormValue("language"),
		Country:      r.PostFormValue("country"),
		City:         r.PostFormValue("city"),
		Themes:       r.PostForm["themes"],
		Identity:     story.Identity(r.PostFormValue("identity")),
		DisplayName:  r.PostFormValue("display_name"),
		Anonymous:    r.PostFormValue("anonymous") == "yes",
		ContactEmail: r.PostFormValue("contact_email"),
		Consent: story.Consent{
			Publish:   r.PostFormValue("consent_publish") == "yes",
			Social:    r.PostFormValue("consent_social") == "yes",
			Toolkit:   r.PostFormValue("consent_toolkit") == "yes",
			Translate: r.PostFormValue("consent_translate") == "yes",
		},
	}
}

// fieldErrors turns validation errors into messages per field, in the
// page's language; false when err is not about fields.
func fieldErrors(p *Page, err error) (map[string]string, bool) {
	out := map[string]string{}
	var verrs story.ValidationErrors
	var de *story.Error
	switch {
	case errors.As(err, &verrs):
		for _, e := range verrs {
			if _, seen := out[e.Field]; !seen {
				out[e.Field] = p.L.T(e.Key, e.Args...)
			}
		}
	case errors.As(err, &de) && de.Field != "":
		out[de.Field] = p.L.T(de.Key, de.Args...)
	default:
		return nil, false
	}
	return out, true
}

// uploadErrorStatus is the status of a form shown again with an error: 422,
// but 413 for an image too large or costly to process and 503 (with
// Retry-After when known) while the image memory budget is busy or when the
// screen could not check a text.
func uploadErrorStatus(w http.ResponseWriter, err error) int {
	if de, ok := errors.AsType[*story.Error](err); ok && (de.Code == story.CodeTooLarge || de.Code == story.CodeUnavailable) {
		api.SetRetryAfter(w, err)
		return api.StatusFor(de.Code)
	}
	return http.StatusUnprocessableEntity
}

// checkUpload admits a form that may carry a photo: within the client's
// submission rate, from this site, within the size limit. The photo is read
// into memory (see checkForm), so nothing is left to clean up afterwards.
func (s *Server) checkUpload(w http.ResponseWriter, r *http.Request) error {
	if !s.submits.allow(s.clientAddress(r)) {
		return errRateLimited
	}
	return s.checkForm(w, r, maxShareForm)
}

func (s *Server) submitStory(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := s.checkUpload(w, r); err != nil {
		return err
	}
	sub := submissionFromForm(r)
	var receipt app.Receipt
	var err error
	file, _, ferr := r.FormFile("photo")
	if ferr == nil {
		defer file.Close()
		receipt, err = s.app.SubmitWithPhoto(r.Context(), sub, app.PhotoUpload{File: file, Alt: r.PostFormValue("alt")})
	} else {
		receipt, err = s.app.Submit(r.Context(), sub)
	}
	if err != nil && receipt.ID == "" {
		if fields, ok := fieldErrors(p, err); ok {
			v := s.shareView(p, sub)
			v.Alt, v.Errors = r.PostFormValue("alt"), fields
			p.Title = p.L.T("share.title")
			p.status = uploadErrorStatus(w, err)
			return s.render(p, "share", v)
		}
		return err
	}
	s.metrics.submissions.Inc()
	target := p.Link("/my/" + receipt.ID + "/" + receipt.Token + "?new=1")
	if err != nil {
		s.log.Warn("story saved without its photo", "story", receipt.ID, "err", err)
		target += "&photo=failed"
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

type submissionView struct {
	*Page
	Story      *story.Story
	PrivateURL string
	New        bool
	PhotoError string
	Edit       shareView
	Base       string // the private page's path
	PhotoBase  string
	Notice     string
	// Translations are the published translations of the story.
	Translations []*story.Translation
	// WithdrawReasons are offered on the withdrawal form.
	WithdrawReasons []string
	// Ways to keep the private link: a file, a printable slip, an e-mail
	// to oneself, and the copy button's script.
	SaveURL, PrintURL, MailtoURL, CopyScript string
	// CanMail offers to send the link to the contact address the
	// storyteller gave (never shown back).
	CanMail bool
}

func (s *Server) submissionPage(r *http.Request, p *Page, st *story.Story) submissionView {
	id, token := r.PathValue("id"), r.PathValue("token")
	base := p.Link("/my/" + id + "/" + token)
	v := submissionView{Page: p, Story: st, PrivateURL: s.cfg.BaseURL + base, New: r.URL.Query().Get("new") == "1",
		Base: base, PhotoBase: base + "/photo/", WithdrawReasons: story.WithdrawReasons,
		SaveURL: base + "/link.html", PrintURL: base + "/print", MailtoURL: mailtoPrivateLink(p.L, s.cfg.BaseURL+base), CopyScript: s.views.private}
	v.CanMail = s.app.MailOn() && len(st.ContactSealed) > 0
	allowPrivateScript(p.writer)
	if r.URL.Query().Get("photo") == "failed" {
		v.PhotoError = p.L.T("error.photo_not_saved")
	}
	switch r.URL.Query().Get("done") {
	case "link_sent":
		v.Notice = p.L.T("my.link_sent")
	case "edited":
		v.Notice = p.L.T("my.edited")
	case "photo":
		v.Notice = p.L.T("my.photo_added")
	case "translation":
		v.Notice = p.L.T("my.translation_saved")
	case "consent":
		v.Notice = p.L.T("my.consent_saved")
	}
	sub := story.Submission{Title: st.Title, Body: st.Body, Language: st.Language, Country: st.Country, City: st.City,
		Themes: st.Themes, Identity: st.Identity, DisplayName: st.DisplayName, Anonymous: st.Anonymous, Consent: st.Consent}
	v.Edit = s.shareView(p, sub)
	v.Edit.Action, v.Edit.Editing = base+"/edit", true
	p.Title = p.L.T("my.title")
	p.NoIndex = true
	return v
}

func (s *Server) showSubmission(w http.ResponseWriter, r *http.Request, p *Page) error {
	st, err := s.app.Submission(r.Context(), r.PathValue("id"), r.PathValue("token"))
	if err != nil {
		return err
	}
	v := s.submissionPage(r, p, st)
	if st.Status == story.StatusPublished {
		all, err := s.app.PublishedTranslations(r.Context(), st)
		if err != nil {
			return err
		}
		v.Translations = all[st.ID]
	}
	return s.render(p, "submission", v)
}

// setTranslationConsent records the storyteller's choice about translation.
func (s *Server) setTranslationConsent(w http.ResponseWriter, r *http.Request, p *Page) error {
	return s.changeConsent(w, r, p, "translation", "translate")
}

// setConsent records the storyteller's choice about sharing on social
// networks or the toolkit, one consent per form.
func (s *Server) setConsent(w http.ResponseWriter, r *http.Request, p *Page) error {
	return s.changeConsent(w, r, p, "consent", "social", "toolkit")
}

// changeConsent records the storyteller's yes or no to each of the named
// consents the form carries (at least one), then shows the private page
// again with the notice done.
func (s *Server) changeConsent(w http.ResponseWriter, r *http.Request, p *Page, done string, names ...string) error {
	if err := s.checkForm(w, r, 4<<10); err != nil {
		return err
	}
	id, token := r.PathValue("id"), r.PathValue("token")
	var change app.ConsentChange
	fields := map[string]**bool{"social": &change.Social, "toolkit": &change.Toolkit, "translate": &change.Translate}
	for _, name := range names {
		switch r.PostFormValue(name) {
		case "yes":
			*fields[name] = new(true)
		case "no":
			*fields[name] = new(false)
		case "":
		default:
			return story.Errorf(story.CodeBadRequest, "error.bad_form", "The form could not be read.")
		}
	}
	if change.Empty() {
		return story.Errorf(story.CodeBadRequest, "error.bad_form", "The form could not be read.")
	}
	if err := s.app.SetConsent(r.Context(), id, token, change); err != nil {
		return err
	}
	http.Redirect(w, r, p.Link("/my/"+id+"/"+token+"?done="+done), http.StatusSeeOther)
	return nil
}

func (s *Server) editSubmission(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := s.checkForm(w, r, api.MaxSubmissionBytes); err != nil {
		return err
	}
	id, token := r.PathValue("id"), r.PathValue("token")
	sub := submissionFromForm(r)
	if err := s.app.EditSubmission(r.Context(), id, token, sub); err != nil {
		fields, ok := fieldErrors(p, err)
		if !ok {
			return err
		}
		return s.submissionAgain(r, p, id, token, http.StatusUnprocessableEntity, func(v *submissionView) {
			v.Edit.Form, v.Edit.Errors = sub, fields
		})
	}
	http.Redirect(w, r, p.Link("/my/"+id+"/"+token+"?done=edited"), http.StatusSeeOther)
	return nil
}

// submissionAgain draws the storyteller's private page again, with status,
// after a change it refused; show adds what they sent and why it was refused.
func (s *Server) submissionAgain(r *http.Request, p *Page, id, token string, status int, show func(*submissionView)) error {
	st, err := s.app.Submission(r.Context(), id, token)
	if err != nil {
		return err
	}
	v := s.submissionPage(r, p, st)
	show(&v)
	p.status = status
	return s.render(p, "submission", v)
}

func (s *Server) uploadPhoto(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := s.checkUpload(w, r); err != nil {
		return err
	}
	id, token := r.PathValue("id"), r.PathValue("token")
	file, _, ferr := r.FormFile("photo")
	var err error
	if ferr != nil {
		err = story.FieldError("photo", "error.photo_required", "Please choose a photo.")
	} else {
		defer file.Close()
		err = s.app.AttachPhoto(r.Context(), id, token, file, r.PostFormValue("alt"))
	}
	if err != nil {
		fields, ok := fieldErrors(p, err)
		if !ok {
			return err
		}
		return s.submissionAgain(r, p, id, token, uploadErrorStatus(w, err), func(v *submissionView) {
			v.PhotoError = fields["photo"] + fields["alt"]
		})
	}
	http.Redirect(w, r, p.Link("/my/"+id+"/"+token+"?done=photo"), http.StatusSeeOther)
	return nil
}

func (s *Server) withdrawSubmission(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := s.checkForm(w, r, 64<<10); err != nil {
		return err
	}
	id, token := r.PathValue("id"), r.PathValue("token")
	if r.PostFormValue("confirm") != "yes" {
		st, err := s.app.Submission(r.Context(), id, token)
		if err != nil {
			return err
		}
		v := s.submissionPage(r, p, st)
		v.Notice = p.L.T("my.withdraw_confirm_needed")
		p.status = http.StatusUnprocessableEntity
		return s.render(p, "submission", v)
	}
	if err := s.app.Withdraw(r.Context(), id, token, r.PostFormValue("reason")); err != nil {
		return err
	}
	http.Redirect(w, r, p.Link("/my/"+id+"/"+token), http.StatusSeeOther)
	return nil
}

// serveOwnPhoto shows a storyteller their photo before it is public.
func (s *Server) serveOwnPhoto(w http.ResponseWriter, r *http.Request, p *Page) error {
	st, err := s.app.Submission(r.Context(), r.PathValue("id"), r.PathValue("token"))
	if err != nil {
		return err
	}
	s.servePhoto(w, r, st, "private, no-store")
	return nil
}
