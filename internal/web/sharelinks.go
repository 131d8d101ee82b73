package web

import (
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"chorus/internal/paths"
	"chorus/internal/story"
)

// scriptPolicy is the site's policy with our own scripts allowed: the
// share links' script, which only enhances links that work without it.
const scriptPolicy = contentSecurityPolicy + "; script-src 'self'"

// shareBox is what a page offers to pass a text on: a plain link to each
// network's own sharing page (nothing of theirs loads on our pages), the
// Mastodon form, and the text and address the copy and Web Share buttons
// use where scripts run.
type shareBox struct {
	ID    string // tells the boxes of one page apart
	Links []shareLink
	// Text is the pre-filled text, URL the address shared.
	Text, URL string
	// Mastodon is the query of the Mastodon form's hidden fields.
	Mastodon url.Values
}

type shareLink struct{ Name, URL string }

// esc escapes a query value with %20 for spaces, which every network's
// sharing page reads (some show a "+" literally).
func esc(v string) string { return strings.ReplaceAll(url.QueryEscape(v), "+", "%20") }

// shareLinks pre-fill each network with text (already holding the
// hashtag) and pageURL; subject is an e-mail's subject.
func shareLinks(p *Page, pageURL, text, subject string) []shareLink {
	withURL := text + " " + pageURL
	return []shareLink{
		{"Bluesky", "https://bsky.app/intent/compose?text=" + esc(withURL)},
		{"Threads", "https://www.threads.net/intent/post?text=" + esc(withURL)},
		{"X", "https://x.com/intent/post?text=" + esc(text) + "&url=" + esc(pageURL)},
		{"Facebook", "https://www.facebook.com/sharer/sharer.php?u=" + esc(pageURL)},
		{"LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?url=" + esc(pageURL)},
		{"Reddit", "https://www.reddit.com/submit?url=" + esc(pageURL) + "&title=" + esc(subject)},
		{"WhatsApp", "https://wa.me/?text=" + esc(withURL)},
		{"Telegram", "https://t.me/share/url?url=" + esc(pageURL) + "&text=" + esc(text)},
		{p.L.T("share.email"), "mailto:?subject=" + esc(subject) + "&body=" + esc(text+"\n"+pageURL)},
	}
}

// storyShare is the share box of a story page, in the reader's language.
func storyShare(p *Page, id, pageURL, title, hashtag string) *shareBox {
	text := p.L.T("share.text", "Title", title, "Hashtag", hashtag)
	return &shareBox{ID: "story", Links: shareLinks(p, pageURL, text, title), Text: text, URL: pageURL, Mastodon: url.Values{"story": {id}}}
}

// toolkitShare is the share box of one of the toolkit's ready-made posts
// (number n, from 1), pointing at the toolkit.
func toolkitShare(p *Page, n int, text, hashtag string) *shareBox {
	if hashtag != "" && !strings.Contains(strings.ToLower(text), strings.ToLower(hashtag)) {
		text += " " + hashtag
	}
	pageURL := p.BaseURL + p.Link("/toolkit")
	return &shareBox{ID: "post-" + strconv.Itoa(n), Links: shareLinks(p, pageURL, text, p.L.T("campaign.name")), Text: text, URL: pageURL,
		Mastodon: url.Values{"post": {strconv.Itoa(n)}}}
}

// mastodonServer reads the server a reader typed (mastodon.social,
// https://mastodon.social/, @me@mastodon.social): its host name, or ""
// when it is not one.
func mastodonServer(typed string) string {
	v := strings.ToLower(strings.TrimSpace(typed))
	if rest, ok := strings.CutPrefix(v, "https://"); ok {
		v, _, _ = strings.Cut(rest, "/")
	} else if rest, ok := strings.CutPrefix(v, "http://"); ok {
		v, _, _ = strings.Cut(rest, "/")
	} else if i := strings.LastIndexByte(v, '@'); i >= 0 { // @name@server
		v = v[i+1:]
	}
	if len(v) > 253 || !hostName.MatchString(v) {
		return ""
	}
	return v
}

var hostName = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$`)

// mastodonShareURL is a Mastodon server's own sharing page, pre-filled.
func mastodonShareURL(server, text string) string {
	return "https://" + server + "/share?text=" + esc(text)
}

type mastodonView struct {
	*Page
	Server, ShareURL, Error string
	Box                     *shareBox
}

// shareToMastodon is where the Mastodon form goes without scripts: the
// reader's server is only known to them, so the page checks it and links
// to its sharing page (a redirect would be refused by the form's policy).
// Only a story whose author agreed to social sharing, or a toolkit post,
// can be shared this way.
func (s *Server) shareToMastodon(w http.ResponseWriter, r *http.Request, p *Page) error {
	q := r.URL.Query()
	var box *shareBox
	switch {
	case q.Get("story") != "":
		st, err := s.app.PublicStory(r.Context(), q.Get("story"))
		if err != nil {
			return err
		}
		if !st.Consent.Social {
			return story.ErrNotFound
		}
		box = storyShare(p, st.ID, s.cfg.BaseURL+p.Link("/stories/"+st.ID), st.Title, s.app.Campaign.Hashtag)
	case q.Get("post") != "":
		kit, _, err := s.toolkitFor(p)
		if err != nil {
			return err
		}
		n, err := strconv.Atoi(q.Get("post"))
		if err != nil || n < 1 || n > len(kit.Posts) {
			return story.ErrNotFound
		}
		box = toolkitShare(p, n, kit.Posts[n-1].Text, s.app.Campaign.Hashtag)
	default:
		return story.ErrNotFound
	}
	v := mastodonView{Page: p, Box: box, Server: q.Get("server")}
	p.Title = p.L.T("share.mastodon_title")
	p.NoIndex = true
	if server := mastodonServer(v.Server); server != "" {
		v.Server, v.ShareURL = server, mastodonShareURL(server, box.Text+" "+box.URL)
	} else {
		v.Error = p.L.T("share.mastodon_bad_server")
		p.status = http.StatusUnprocessableEntity
	}
	return s.render(p, "mastodon", v)
}

// storyJSONLD describes a story page for search engines: a schema.org
// Article, part of the campaign. It is data, never run.
func (s *Server) storyJSONLD(p *Page, st *story.Story, title, canonical string, tr *story.Translation) template.JS {
	lang := st.Language
	if tr != nil {
		lang = tr.Language
	}
	author := st.DisplayName
	if st.Anonymous || author == "" {
		author = p.L.T("story.anonymous")
	}
	doc := map[string]any{
		"@context":      "https://schema.org",
		"@type":         "Article",
		"headline":      title,
		"inLanguage":    lang,
		"url":           canonical,
		"datePublished": st.PublishedAt.UTC().Format(time.RFC3339),
		"dateModified":  st.UpdatedAt.UTC().Format(time.RFC3339),
		"author":        map[string]any{"@type": "Person", "name": author},
		"isPartOf": map[string]any{"@type": "CreativeWorkSeries", "name": p.L.T("campaign.name"),
			"url": s.cfg.BaseURL + p.Link("/"), "keywords": s.app.Campaign.Hashtag},
		"keywords": st.Themes,
	}
	if tr != nil {
		doc["translationOfWork"] = map[string]any{"@type": "Article", "inLanguage": st.Language,
			"url": s.cfg.BaseURL + paths.OriginalStoryPath(p.L.Code, st.ID)}
	}
	if st.Consent.Social {
		if ps := photoSize(st, "page"); ps != nil {
			doc["image"] = s.cfg.BaseURL + paths.PhotoPath(st.ID, ps.File)
		}
	}
	// json.Marshal escapes <, > and &, so the text cannot end the script.
	b, _ := json.Marshal(doc)
	return template.JS(b)
}

// shareData is what the "sharebox" template receives.
type shareData struct {
	Page *Page
	Box  *shareBox
	ID   string
}

func shareOf(p *Page, b *shareBox) shareData { return shareData{Page: p, Box: b, ID: b.ID} }
