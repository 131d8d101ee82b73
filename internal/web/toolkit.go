package web

import (
	"bytes"
	"chorus/internal/analytics"
	"context"
	"encoding/json"
	"hash/fnv"
	"image"
	"net/http"
	"strconv"

	"chorus/internal/toolkit"
	"chorus/internal/toolkit/card"
)

type toolkitView struct {
	*Page
	Kit      toolkit.Content
	Fallback bool // the toolkit is not in the page's language yet
	Sizes    []card.Size
	// Shares are the share boxes of the kit's ready-made posts, in order.
	Shares []*shareBox
}

// toolkitFor returns the toolkit in the page's language, or in English
// while that language's is incomplete, with the texts saved in the
// browser.
func (s *Server) toolkitFor(p *Page) (toolkit.Content, bool, error) {
	saved := s.saved.toolkitTexts()
	kit, ok, err := toolkit.LoadWith(p.L.Code, s.cfg.BaseURL, saved)
	if err != nil || ok {
		return kit, false, err
	}
	kit, _, err = toolkit.LoadWith("en", s.cfg.BaseURL, saved)
	return kit, true, err
}

// toolkitWithVoices is toolkitFor with the voices of the page's language:
// the storytellers who agreed to the toolkit, as they are right now.
func (s *Server) toolkitWithVoices(ctx context.Context, p *Page) (toolkit.Content, bool, error) {
	kit, fallback, err := s.toolkitFor(p)
	if err != nil {
		return kit, fallback, err
	}
	kit.Voices, kit.VoicesTitle, err = s.voices(ctx, p)
	return kit, fallback, err
}

func (s *Server) voices(ctx context.Context, p *Page) ([]toolkit.Voice, string, error) {
	list, err := s.app.ToolkitVoices(ctx, p.L.Code)
	if err != nil {
		return nil, "", err
	}
	voices := make([]toolkit.Voice, 0, len(list))
	for _, v := range list {
		voices = append(voices, toolkit.NewVoice(p.L, v.Story, v.Translation, s.cfg.BaseURL))
	}
	return voices, p.L.T("toolkit.voices_title"), nil
}

// toolkitPackagePrefix starts the cache keys of toolkit packages, which
// also hold a fingerprint of the kit's texts.
const toolkitPackagePrefix = "zip/"

// kitFingerprint identifies a kit's texts and voices: it names the
// package built from them, and is its ETag.
func kitFingerprint(kit toolkit.Content) string {
	data, _ := json.Marshal(struct {
		Kit         toolkit.Content
		Voices      []toolkit.Voice
		VoicesTitle string
	}{kit, kit.Voices, kit.VoicesTitle})
	h := fnv.New64a()
	h.Write(data)
	return kit.Lang + "-" + strconv.FormatUint(h.Sum64(), 36)
}

func (s *Server) showToolkit(w http.ResponseWriter, r *http.Request, p *Page) error {
	kit, fallback, err := s.toolkitWithVoices(r.Context(), p)
	if err != nil {
		return err
	}
	p.Title = kit.Title
	p.cacheable = true
	p.csp = scriptPolicy
	v := toolkitView{Page: p, Kit: kit, Fallback: fallback, Sizes: card.Sizes}
	for i, post := range kit.Posts {
		v.Shares = append(v.Shares, toolkitShare(p, i+1, post.Text, s.app.Campaign.Hashtag))
	}
	return s.render(p, "toolkit", v)
}

// downloadToolkit sends the whole kit for the page's language as a ZIP.
func (s *Server) downloadToolkit(w http.ResponseWriter, r *http.Request, p *Page) error {
	kit, _, err := s.toolkitWithVoices(r.Context(), p)
	if err != nil {
		return err
	}
	// One ZIP per language and version of its texts, built once.
	fingerprint := kitFingerprint(kit)
	etag := `"` + fingerprint + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "no-cache")
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	zipped, err := s.cards.get(toolkitPackagePrefix+fingerprint, func() ([]byte, error) {
		return s.toolkitPackage(kit, nil)
	})
	if err != nil {
		return err
	}
	s.app.CountToolkitDownload(analytics.VisitOf(r, s.clientAddress(r)), kit.Lang)
	return writeZip(w, "ittakesacommunity-toolkit-"+kit.Lang+".zip", zipped)
}

// toolkitPackage builds the ZIP of a kit, its cards carrying logo unless
// it is nil.
func (s *Server) toolkitPackage(kit toolkit.Content, logo image.Image) ([]byte, error) {
	cards, err := toolkit.Cards(s.renderer, kit, s.app.Campaign.Hashtag, logo)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	err = toolkit.WritePackage(&buf, kit, cards)
	return buf.Bytes(), err
}

func writeZip(w http.ResponseWriter, filename string, zipped []byte) error {
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	_, err := w.Write(zipped)
	return err
}
