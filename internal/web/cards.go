package web

import (
	"errors"
	"fmt"
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sync/singleflight"

	"chorus/internal/story"
	"chorus/internal/toolkit"
	"chorus/internal/toolkit/card"
)

// cardCache keeps rendered share cards; a key carries what the card shows
// (a story's last change, a toolkit message's text), so a stale card is
// never served.
type cardCache struct {
	mu      sync.Mutex
	entries map[string][]byte
	max     int
	// renders runs one render per key at a time: after a change clears
	// the toolkit packages, the readers asking for one wait for the same
	// build rather than each starting their own.
	renders singleflight.Group
}

func newCardCache(max int) *cardCache { return &cardCache{entries: map[string][]byte{}, max: max} }

func (c *cardCache) get(key string, render func() ([]byte, error)) ([]byte, error) {
	c.mu.Lock()
	png, ok := c.entries[key]
	c.mu.Unlock()
	if ok {
		return png, nil
	}
	v, err, _ := c.renders.Do(key, func() (any, error) {
		png, err := render()
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		if len(c.entries) >= c.max {
			evictOne(c.entries)
		}
		c.entries[key] = png
		c.mu.Unlock()
		return png, nil
	})
	if err != nil {
		return nil, err
	}
	return v.([]byte), nil
}

// storyCardsPrefix starts the keys of every card quoting a story (its share
// cards and its toolkit voice cards), storyCardPrefix those of one story.
const storyCardsPrefix = "story/"

func storyCardPrefix(id string) string { return storyCardsPrefix + id + "/" }

// forget drops the entries whose key starts with prefix.
func (c *cardCache) forget(prefix string) {
	c.mu.Lock()
	for key := range c.entries {
		if strings.HasPrefix(key, prefix) {
			delete(c.entries, key)
		}
	}
	c.mu.Unlock()
}

// hasCard tells whether a story gets a share card: its author agreed to
// sharing on social networks, and the card fonts cover its script (a story
// with a rarer letter, such as a hanzi beyond the common ones, gets none).
func (s *Server) hasCard(st *story.Story, p *Page) bool {
	if !st.Consent.Social {
		return false
	}
	spec := s.storyCardSpec(st, p)
	return s.renderer.Covers(spec.Text + " " + spec.Attribution)
}

func cardSize(name string) (card.Size, bool) {
	for _, s := range card.Sizes {
		if s.Name == name {
			return s, true
		}
	}
	return card.Size{}, false
}

// storyCardSpec quotes the opening of a story, signed as the storyteller
// chose to appear.
func (s *Server) storyCardSpec(st *story.Story, p *Page) card.Spec {
	return card.Spec{Text: toolkit.Excerpt(st.Body, toolkit.VoiceQuoteRunes), Attribution: toolkit.Attribution(p.L, st), Lang: st.Language, Hashtag: s.app.Campaign.Hashtag}
}

// serveStoryCard sends a published story's share card, only if its author
// agreed to sharing on social networks.
func (s *Server) serveStoryCard(w http.ResponseWriter, r *http.Request, p *Page) error {
	size, ok := cardSize(strings.TrimSuffix(r.PathValue("size"), ".png"))
	if !ok {
		return story.ErrNotFound
	}
	st, err := s.app.PublicStory(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if !s.hasCard(st, p) {
		return story.ErrNotFound
	}
	key := fmt.Sprintf("%s%s/%s/%d", storyCardPrefix(st.ID), p.L.Code, size.Name, st.UpdatedAt.UnixMicro())
	png, err := s.cards.get(key, func() ([]byte, error) { return s.renderer.Render(s.storyCardSpec(st, p), size) })
	if card.NoCard(err) {
		return story.ErrNotFound // no font for this script yet: no card
	}
	if err != nil {
		return err
	}
	writePNG(w, r, png, key, "no-cache")
	return nil
}

// serveToolkitCard sends the card of one of the toolkit's key messages.
func (s *Server) serveToolkitCard(w http.ResponseWriter, r *http.Request, p *Page) error {
	name := strings.TrimSuffix(r.PathValue("card"), ".png")
	num, sizeName, ok := strings.Cut(name, "-")
	size, sizeOK := cardSize(sizeName)
	n, err := strconv.Atoi(num)
	kit, _, kerr := s.toolkitFor(p)
	if kerr != nil {
		return kerr
	}
	if !ok || !sizeOK || err != nil || n < 1 || n > len(kit.KeyMessages) {
		return story.ErrNotFound
	}
	png, err := s.toolkitCard(kit, n-1, size)
	if errors.Is(err, card.ErrUnsupportedScript) {
		return story.ErrNotFound
	}
	if err != nil {
		return err
	}
	// Revalidated, since a translator may change the message.
	writePNG(w, r, png, fmt.Sprintf("kit/%s/%d/%s/%s", kit.Lang, n, size.Name, kit.KeyMessages[n-1]), "no-cache")
	return nil
}

func (s *Server) toolkitCard(kit toolkit.Content, i int, size card.Size) ([]byte, error) {
	text := kit.KeyMessages[i]
	return s.cards.get("kit/"+kit.Lang+"/"+size.Name+"/"+text, func() ([]byte, error) {
		return s.renderer.Render(card.Spec{Text: text, Lang: kit.Lang, Hashtag: s.app.Campaign.Hashtag}, size)
	})
}

func writePNG(w http.ResponseWriter, r *http.Request, png []byte, key, cacheControl string) {
	h64 := fnv.New64a()
	h64.Write([]byte(key))
	etag := `"` + strconv.FormatUint(uint64(len(png)), 36) + "-" + strconv.FormatUint(h64.Sum64(), 36) + `"`
	h := w.Header()
	h.Set("Content-Type", "image/png")
	h.Set("Cache-Control", cacheControl)
	h.Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Write(png)
}

// serveVoiceCard sends the card of a voice of the toolkit: a story, or its
// translation into the page's language, only while its author agrees to
// the toolkit.
func (s *Server) serveVoiceCard(w http.ResponseWriter, r *http.Request, p *Page) error {
	id, sizeName, _ := strings.Cut(strings.TrimSuffix(r.PathValue("card"), ".png"), "-")
	size, ok := cardSize(sizeName)
	if !ok {
		return story.ErrNotFound
	}
	st, err := s.app.PublicStory(r.Context(), id)
	if err != nil {
		return err
	}
	if !st.Consent.Toolkit {
		return story.ErrNotFound
	}
	var translation *story.Translation
	version := st.UpdatedAt
	if st.Language != p.L.Code {
		all, err := s.app.PublishedTranslations(r.Context(), st)
		if err != nil {
			return err
		}
		for _, t := range all[st.ID] {
			if t.Language == p.L.Code {
				translation = t
			}
		}
		if translation == nil {
			return story.ErrNotFound
		}
		version = translation.UpdatedAt
	}
	voice := toolkit.NewVoice(p.L, st, translation, s.cfg.BaseURL)
	key := fmt.Sprintf("%svoice/%s/%s/%d/%d", storyCardPrefix(st.ID), p.L.Code, size.Name, st.UpdatedAt.UnixMicro(), version.UnixMicro())
	png, err := s.cards.get(key, func() ([]byte, error) {
		return s.renderer.Render(card.Spec{Text: voice.Quote, Attribution: voice.Attribution, Lang: voice.Lang, Hashtag: s.app.Campaign.Hashtag}, size)
	})
	if card.NoCard(err) {
		return story.ErrNotFound
	}
	if err != nil {
		return err
	}
	writePNG(w, r, png, key, "no-cache")
	return nil
}
