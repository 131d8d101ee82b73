package web

import (
	"errors"
	"html/template"
	"net/http"
	"strings"
	"time"

	"chorus/internal/app"
	"chorus/internal/auth"
	"chorus/internal/moderation"
	"chorus/internal/qr"
	"chorus/internal/staff"
	"chorus/internal/story"
)

func (s *Server) sessionCookieName() string {
	if s.secure {
		return "__Host-chorus_session"
	}
	return "chorus_session"
}

func (s *Server) setSession(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: s.sessionCookieName(), Value: token, Path: "/", HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(app.SessionLifetime / time.Second)})
}

func (s *Server) sessionUser(r *http.Request) *staff.User {
	c, err := r.Cookie(s.sessionCookieName())
	if err != nil || len(c.Value) > 128 {
		return nil
	}
	u, err := s.app.SessionUser(r.Context(), c.Value)
	if err != nil {
		return nil
	}
	return u
}

// staff lets only signed-in staff through; others go to the sign-in page.
func (s *Server) staff(h pageHandler) pageHandler {
	return func(w http.ResponseWriter, r *http.Request, p *Page) error {
		u := s.sessionUser(r)
		if u == nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, p.Link("/staff/signin"), http.StatusSeeOther)
				return nil
			}
			return story.Errorf(story.CodeUnauthorized, "error.signin_required", "Please sign in.")
		}
		p.User = u
		p.NoIndex = true
		return h(w, r, p)
	}
}

type signInView struct {
	*Page
	Email string
	Error string
}

func (s *Server) showSignIn(w http.ResponseWriter, r *http.Request, p *Page) error {
	p.Title, p.NoIndex = p.L.T("signin.title"), true
	return s.render(p, "signin", signInView{Page: p})
}

// allowSignIn applies the per-address limit, then the site-wide ceiling,
// to an attempt that will hash a password.
func (s *Server) allowSignIn(r *http.Request) bool {
	return s.signins.allow(s.clientAddress(r)) && s.signinsTotal.Allow()
}

func (s *Server) signIn(w http.ResponseWriter, r *http.Request, p *Page) error {
	if !s.allowSignIn(r) {
		return errRateLimited
	}
	if err := s.checkForm(w, r, 16<<10); err != nil {
		return err
	}
	session, err := s.app.SignIn(r.Context(), r.PostFormValue("email"), r.PostFormValue("password"), r.PostFormValue("code"))
	if err != nil {
		var de *story.Error
		if errors.As(err, &de) && de.Code == story.CodeUnauthorized {
			p.Title, p.NoIndex, p.status = p.L.T("signin.title"), true, http.StatusUnauthorized
			return s.render(p, "signin", signInView{Page: p, Email: r.PostFormValue("email"), Error: p.L.T(de.Key)})
		}
		return err
	}
	s.setSession(w, session)
	role := staff.Role("")
	if u, err := s.app.SessionUser(r.Context(), session); err == nil {
		role = u.Role
	}
	http.Redirect(w, r, p.Link(staffHome(role)), http.StatusSeeOther)
	return nil
}

// staffHome is the page a staff member starts from: moderators at the
// queue, translators at the interface translations, partners at the
// stories to translate.
func staffHome(role staff.Role) string {
	switch {
	case app.Moderators.Has(role):
		return "/staff/queue"
	case app.Translators.Has(role):
		return "/staff/translations"
	}
	return "/staff/story-translations"
}

type enrolView struct {
	*Page
	Email      string
	Role       staff.Role
	NeedsTOTP  bool
	TOTPSecret string
	TOTPURI    string
	// TOTPQR is the set-up address as a QR code drawn here, and
	// TOTPGroups the key in groups of four, easier to type.
	TOTPQR     template.HTML
	TOTPGroups string
	Errors     map[string]string
}

func (s *Server) enrolView(p *Page, u *staff.User, secret string) enrolView {
	if secret == "" {
		secret = auth.NewTOTPSecret()
	}
	p.Title, p.NoIndex = p.L.T("enrol.title"), true
	v := enrolView{Page: p, Email: u.Email, Role: u.Role, NeedsTOTP: app.RequiresTOTP(u.Role), TOTPSecret: secret,
		TOTPURI: auth.TOTPURI(s.app.Campaign.Name, u.Email, secret), TOTPGroups: inFours(secret), Errors: map[string]string{}}
	if v.NeedsTOTP {
		// The SVG holds only fixed markup, numbers and its escaped label (package qr).
		if svg, err := qr.SVG(v.TOTPURI, p.L.T("enrol.totp_qr_alt"), 224); err == nil {
			v.TOTPQR = template.HTML(svg)
		} else {
			s.log.Warn("no QR code for the authenticator set-up", "err", err)
		}
	}
	return v
}

// inFours splits a key into groups of four characters, as authenticator
// apps show and accept them.
func inFours(key string) string {
	var b strings.Builder
	for i, r := range key {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (s *Server) showEnrol(w http.ResponseWriter, r *http.Request, p *Page) error {
	u, err := s.app.SignInLinkUser(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	return s.render(p, "enrol", s.enrolView(p, u, ""))
}

func (s *Server) enrol(w http.ResponseWriter, r *http.Request, p *Page) error {
	if !s.allowSignIn(r) {
		return errRateLimited
	}
	if err := s.checkForm(w, r, 16<<10); err != nil {
		return err
	}
	token := r.PathValue("token")
	u, err := s.app.SignInLinkUser(r.Context(), token)
	if err != nil {
		return err
	}
	secret := r.PostFormValue("totp_secret")
	if len(secret) != 32 {
		secret = ""
	}
	session, err := s.app.Enrol(r.Context(), token, app.Enrolment{Password: r.PostFormValue("password"), TOTPSecret: secret, TOTPCode: r.PostFormValue("code")})
	if err != nil {
		fields, ok := fieldErrors(p, err)
		if !ok {
			return err
		}
		v := s.enrolView(p, u, secret)
		v.Errors = fields
		p.status = http.StatusUnprocessableEntity
		return s.render(p, "enrol", v)
	}
	s.setSession(w, session)
	http.Redirect(w, r, p.Link(staffHome(u.Role)), http.StatusSeeOther)
	return nil
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := s.checkForm(w, r, 4<<10); err != nil {
		return err
	}
	if c, err := r.Cookie(s.sessionCookieName()); err == nil {
		if err := s.app.SignOut(r.Context(), c.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: s.sessionCookieName(), Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, p.Link("/"), http.StatusSeeOther)
	return nil
}

type queueView struct {
	*Page
	Items        []*story.Story
	Replies      map[string]*moderation.Reply // story id → a counter-speech reply
	PostsWaiting int
	Reasons      []string
	Notice       string
	Errors       map[string]string // story id → message
	ByRisk       bool
}

func (s *Server) showQueue(w http.ResponseWriter, r *http.Request, p *Page) error {
	byRisk := r.URL.Query().Get("order") == "risk"
	items, err := s.app.Queue(r.Context(), p.User, 100, byRisk)
	if err != nil {
		return err
	}
	p.Title = p.L.T("queue.title")
	allowQueueScript(w)
	v := queueView{Page: p, Items: items, Replies: s.suggestReplies(r, items), Reasons: story.RejectReasons, Errors: map[string]string{}, ByRisk: byRisk}
	if v.PostsWaiting, err = s.app.QueuedPosts(r.Context(), p.User); err != nil {
		return err
	}
	switch r.URL.Query().Get("done") {
	case "approve":
		v.Notice = p.L.T("queue.approved")
	case "reject":
		v.Notice = p.L.T("queue.rejected")
	case "redact":
		v.Notice = p.L.T("queue.redacted")
	case "redact_span":
		v.Notice = p.L.T("queue.span_removed")
	}
	return s.render(p, "queue", v)
}

// allowQueueScript lets the queue page, and only it, run its own script
// and open its event stream.
func allowQueueScript(w http.ResponseWriter) {
	w.Header().Set("Content-Security-Policy", contentSecurityPolicy+"; script-src 'self'; connect-src 'self'")
}

func (s *Server) queueWithError(w http.ResponseWriter, r *http.Request, p *Page, id string, err error) error {
	fields, ok := fieldErrors(p, err)
	if !ok {
		return err
	}
	items, qerr := s.app.Queue(r.Context(), p.User, 100, false)
	if qerr != nil {
		return qerr
	}
	msg := ""
	for _, m := range fields {
		msg = m
	}
	p.Title = p.L.T("queue.title")
	p.status = http.StatusUnprocessableEntity
	allowQueueScript(w)
	return s.render(p, "queue", queueView{Page: p, Items: items, Replies: s.suggestReplies(r, items), Reasons: story.RejectReasons, Errors: map[string]string{id: msg}})
}

// suggestReplies picks a counter-speech reply for each hateful story.
func (s *Server) suggestReplies(r *http.Request, items []*story.Story) map[string]*moderation.Reply {
	out := map[string]*moderation.Reply{}
	library := s.app.ActiveReplies(r.Context())
	for _, st := range items {
		if reply, ok := moderation.SuggestFrom(library, st.Language, st.Signals); ok {
			out[st.ID] = &reply
		}
	}
	return out
}

func (s *Server) decideStory(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := s.checkForm(w, r, 64<<10); err != nil {
		return err
	}
	id := r.PathValue("id")
	d := app.Decision{Approve: r.PostFormValue("decision") == "approve", Reason: r.PostFormValue("reason"), Note: r.PostFormValue("note")}
	if !d.Approve && r.PostFormValue("decision") != "reject" {
		return story.Errorf(story.CodeBadRequest, "error.bad_form", "The form could not be read.")
	}
	if !d.Approve {
		if ok, err := s.confirmed(r, p, p.L.T("confirm.reject"), p.L.T("queue.reject"), p.Link("/staff/queue")); !ok {
			return err
		}
	}
	if _, err := s.app.Decide(r.Context(), p.User, id, d); err != nil {
		return s.queueWithError(w, r, p, id, err)
	}
	done := "reject"
	if d.Approve {
		done = "approve"
	}
	http.Redirect(w, r, p.Link("/staff/queue?done="+done), http.StatusSeeOther)
	return nil
}

func (s *Server) redactStory(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := s.checkForm(w, r, 256<<10); err != nil {
		return err
	}
	id := r.PathValue("id")
	err := s.app.Redact(r.Context(), p.User, id, app.Redaction{Title: r.PostFormValue("title"), Body: r.PostFormValue("body"), Note: r.PostFormValue("note")})
	if err != nil {
		return s.queueWithError(w, r, p, id, err)
	}
	http.Redirect(w, r, p.Link("/staff/queue?done=redact"), http.StatusSeeOther)
	return nil
}

func (s *Server) featureStory(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := s.checkForm(w, r, 4<<10); err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := s.app.SetFeatured(r.Context(), p.User, id, r.PostFormValue("featured") == "yes"); err != nil {
		return err
	}
	http.Redirect(w, r, p.Link("/staff/published"), http.StatusSeeOther)
	return nil
}

type publishedView struct {
	*Page
	Stories []*story.Story
	NextURL string
}

// showPublished lists published stories for staff, with the featuring
// switch for admins.
func (s *Server) showPublished(w http.ResponseWriter, r *http.Request, p *Page) error {
	page, err := s.app.Stories(r.Context(), story.Filter{Cursor: r.URL.Query().Get("cursor"), Limit: 50})
	if err != nil {
		return err
	}
	p.Title = p.L.T("published.title")
	v := publishedView{Page: p, Stories: page.Stories}
	if page.NextCursor != "" {
		v.NextURL = p.Link("/staff/published?cursor=" + page.NextCursor)
	}
	return s.render(p, "published", v)
}

// serveStaffPhoto shows moderators a pending story's photo.
func (s *Server) serveStaffPhoto(w http.ResponseWriter, r *http.Request) {
	u := s.sessionUser(r)
	st, err := s.app.StaffStory(r.Context(), u, r.PathValue("id"))
	if story.ErrorCode(err) == story.CodeForbidden {
		http.Error(w, "Forbidden", http.StatusForbidden)
		return
	}
	if err != nil {
		http.NotFound(w, r)
		return
	}
	s.servePhoto(w, r, st, "private, no-store")
}
