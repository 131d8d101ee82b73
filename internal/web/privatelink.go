package web

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
	"net/url"
	"time"

	"chorus/internal/i18n"
	"chorus/internal/qr"
)

// The private link is a storyteller's only way to see, change or withdraw
// their story: the private page offers to copy it, save it as a file,
// print it with a QR code, or e-mail it to themselves.

//go:embed templates/standalone/private_link.html
var privateLinkFS embed.FS

var privateLinkFile = template.Must(template.ParseFS(privateLinkFS, "templates/standalone/private_link.html"))

// privateLinkBase is the private page's path and full URL.
func (s *Server) privateLinkBase(r *http.Request, p *Page) (path, full string) {
	path = p.Link("/my/" + r.PathValue("id") + "/" + r.PathValue("token"))
	return path, s.cfg.BaseURL + path
}

// downloadPrivateLink hands the storyteller a small HTML file, in their
// language, holding the link and what it is for.
func (s *Server) downloadPrivateLink(w http.ResponseWriter, r *http.Request, p *Page) error {
	st, err := s.app.Submission(r.Context(), r.PathValue("id"), r.PathValue("token"))
	if err != nil {
		return err
	}
	_, full := s.privateLinkBase(r, p)
	var buf bytes.Buffer
	err = privateLinkFile.Execute(&buf, struct {
		L                        *i18n.Lang
		PrivateURL, Title, Saved string
	}{p.L, full, st.Title, p.L.Date(time.Now())})
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+privateLinkFileName+`"`)
	h.Set("Cache-Control", "no-store")
	_, err = w.Write(buf.Bytes())
	return err
}

// privateLinkFileName names the saved file the same in every language:
// storytellers may look for it in a download folder later.
const privateLinkFileName = "ittakesacommunity-private-link.html"

type printView struct {
	*Page
	PrivateURL, Back      string
	StoryTitle, StoryLang string
	QR                    template.HTML
}

// printPrivateLink is a printable slip: the link, and a QR code of it
// drawn here (no outside service ever sees the link).
func (s *Server) printPrivateLink(w http.ResponseWriter, r *http.Request, p *Page) error {
	st, err := s.app.Submission(r.Context(), r.PathValue("id"), r.PathValue("token"))
	if err != nil {
		return err
	}
	back, full := s.privateLinkBase(r, p)
	svg, err := qr.SVG(full, p.L.T("my.qr_alt"), 224)
	if err != nil {
		return err
	}
	p.Title = p.L.T("my.link")
	p.NoIndex = true
	// Package qr draws the SVG from the link alone (only numbers and fixed
	// markup) and escapes its label.
	return s.render(p, "print", printView{Page: p, PrivateURL: full, Back: back, StoryTitle: st.Title, StoryLang: st.Language, QR: template.HTML(svg)})
}

// mailtoPrivateLink opens the storyteller's own e-mail app with the link
// in a message they can send to themselves.
func mailtoPrivateLink(l *i18n.Lang, link string) string {
	esc := func(v string) string { return url.PathEscape(v) }
	return "mailto:?subject=" + esc(l.T("my.link")+" · "+l.T("campaign.name")) + "&body=" + esc(l.T("my.keep")+"\n\n"+link)
}

// allowPrivateScript lets the private page run its copy button.
func allowPrivateScript(w http.ResponseWriter) {
	w.Header().Set("Content-Security-Policy", contentSecurityPolicy+"; script-src 'self'")
}

// sendPrivateLink e-mails the storyteller their link at the address they
// gave, in their language.
func (s *Server) sendPrivateLink(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := s.checkForm(w, r, 4<<10); err != nil {
		return err
	}
	base, full := s.privateLinkBase(r, p)
	subject := p.L.T("my.link") + " · " + p.L.T("campaign.name")
	body := p.L.T("my.keep") + "\n\n" + full + "\n"
	if err := s.app.SendPrivateLink(r.Context(), r.PathValue("id"), r.PathValue("token"), subject, body); err != nil {
		return err
	}
	http.Redirect(w, r, base+"?done=link_sent", http.StatusSeeOther)
	return nil
}
