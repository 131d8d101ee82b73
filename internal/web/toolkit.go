package web

import (
	"bytes"
	"net/http"

	"chorus/internal/toolkit"
	"chorus/internal/toolkit/card"
)

type toolkitView struct {
	*Page
	Kit      toolkit.Content
	Fallback bool // the toolkit is not in the page's language yet
	Sizes    []card.Size
}

// toolkitFor returns the toolkit in the page's language, or in English.
func (s *Server) toolkitFor(p *Page) (toolkit.Content, bool, error) {
	kit, ok, err := toolkit.Load(p.L.Code, s.cfg.BaseURL)
	if err != nil || ok {
		return kit, false, err
	}
	kit, _, err = toolkit.Load("en", s.cfg.BaseURL)
	return kit, true, err
}

func (s *Server) showToolkit(w http.ResponseWriter, r *http.Request, p *Page) error {
	kit, fallback, err := s.toolkitFor(p)
	if err != nil {
		return err
	}
	p.Title = kit.Title
	p.cacheable = true
	return s.render(p, "toolkit", toolkitView{Page: p, Kit: kit, Fallback: fallback, Sizes: card.Sizes})
}

// downloadToolkit sends the whole kit for the page's language as a ZIP.
func (s *Server) downloadToolkit(w http.ResponseWriter, r *http.Request, p *Page) error {
	kit, _, err := s.toolkitFor(p)
	if err != nil {
		return err
	}
	// The kit is embedded in the binary: one ZIP per language, built once.
	zipped, err := s.cards.get("zip/"+kit.Lang, func() ([]byte, error) {
		cards, err := toolkit.Cards(s.renderer, kit, s.app.Campaign.Hashtag, nil)
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		err = toolkit.WritePackage(&buf, kit, cards)
		return buf.Bytes(), err
	})
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="ittakesacommunity-toolkit-`+kit.Lang+`.zip"`)
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, err = w.Write(zipped)
	return err
}
