package web

import (
	"bytes"
	"image/png"
	"net/http"

	"chorus/internal/app"
	"chorus/internal/media"
	"chorus/internal/story"
)

type partnerView struct {
	*Page
	Profile      app.PartnerProfile
	Organisation string
	Errors       map[string]string
	Notice       string
}

// showPartner lets a partner name its organisation and upload its logo,
// then download the toolkit with the logo on every card.
func (s *Server) showPartner(w http.ResponseWriter, r *http.Request, p *Page) error {
	profile, err := s.app.Partner(r.Context(), p.User)
	if err != nil {
		return err
	}
	v := partnerView{Page: p, Profile: profile, Organisation: profile.Organisation}
	if r.URL.Query().Get("done") == "saved" {
		v.Notice = p.L.T("partner.saved")
	}
	p.Title = p.L.T("partner.title")
	return s.render(p, "partner", v)
}

// maxPartnerForm bounds the profile form: the logo and a little text.
const maxPartnerForm = media.MaxLogoBytes + 64<<10

func (s *Server) savePartner(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := s.checkForm(w, r, maxPartnerForm); err != nil {
		return err
	}
	u := app.PartnerUpdate{Organisation: r.PostFormValue("organisation"), RemoveLogo: r.PostFormValue("remove_logo") == "yes"}
	if file, header, err := r.FormFile("logo"); err == nil {
		defer file.Close()
		if header.Size > 0 {
			u.Logo = file
		}
	}
	if err := s.app.SavePartner(r.Context(), p.User, u); err != nil {
		fields, ok := fieldErrors(p, err)
		if !ok {
			return err
		}
		profile, perr := s.app.Partner(r.Context(), p.User)
		if perr != nil {
			return perr
		}
		p.Title = p.L.T("partner.title")
		p.status = uploadErrorStatus(w, err)
		return s.render(p, "partner", partnerView{Page: p, Profile: profile, Organisation: u.Organisation, Errors: fields})
	}
	http.Redirect(w, r, p.Link("/staff/partner?done=saved"), http.StatusSeeOther)
	return nil
}

// partnerLogo returns the signed-in partner's logo, a PNG; not found
// while it has none.
func (s *Server) partnerLogo(r *http.Request, p *Page) ([]byte, error) {
	profile, err := s.app.Partner(r.Context(), p.User)
	if err != nil {
		return nil, err
	}
	if profile.Logo == nil {
		return nil, story.ErrNotFound
	}
	return profile.Logo, nil
}

// servePartnerLogo shows the signed-in partner its own logo.
func (s *Server) servePartnerLogo(w http.ResponseWriter, r *http.Request, p *Page) error {
	data, err := s.partnerLogo(r, p)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = w.Write(data)
	return err
}

// downloadPartnerToolkit builds the toolkit in the page's language with the
// partner's logo on every card. It is built on demand: partners download
// it now and then, and each has a kit of its own.
func (s *Server) downloadPartnerToolkit(w http.ResponseWriter, r *http.Request, p *Page) error {
	data, err := s.partnerLogo(r, p)
	if err != nil {
		return err
	}
	logo, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return err
	}
	kit, _, err := s.toolkitWithVoices(r.Context(), p)
	if err != nil {
		return err
	}
	zipped, err := s.toolkitPackage(kit, logo)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "private, no-store")
	return writeZip(w, "ittakesacommunity-toolkit-"+kit.Lang+"-cobranded.zip", zipped)
}
