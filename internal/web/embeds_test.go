package web_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"chorus/internal/story"
	"chorus/internal/testrig"
)

// TestOnlyEmbedsMayBeFramed: the embeds answer with frame-ancestors * and
// no X-Frame-Options, from the cache too; every other page keeps refusing
// to be framed.
func TestOnlyEmbedsMayBeFramed(t *testing.T) {
	fs := newFeedSite(t)
	rig := fs.rig
	embeds := []string{"/en/embed/stories/" + fs.named, "/ar/embed/stories?theme=work", "/fr/embed/stories"}
	others := []string{"/en/stories/" + fs.named, "/en/stories", "/en/", "/en/feed.atom", "/en/toolkit"}
	for round := range 2 { // the second round is answered from the page cache
		for _, p := range embeds {
			res := rig.Do("GET", p, nil, nil)
			csp := res.Header.Get("Content-Security-Policy")
			if res.Status != http.StatusOK || !strings.Contains(csp, "frame-ancestors *") || strings.Contains(csp, "frame-ancestors 'none'") || res.Header.Get("X-Frame-Options") != "" {
				t.Errorf("round %d, %s: %d, CSP %q, X-Frame-Options %q", round, p, res.Status, csp, res.Header.Get("X-Frame-Options"))
			}
			if strings.Contains(csp, "script-src") || !strings.Contains(csp, "default-src 'none'") {
				t.Errorf("%s: the embed's policy allows more than framing: %q", p, csp)
			}
		}
		for _, p := range others {
			res := rig.Do("GET", p, nil, nil)
			if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || res.Header.Get("X-Frame-Options") != "DENY" {
				t.Errorf("round %d, %s may be framed: CSP %q, X-Frame-Options %q", round, p, csp, res.Header.Get("X-Frame-Options"))
			}
		}
	}
}

var scriptOrCookie = regexp.MustCompile(`(?i)<script|<iframe|\son[a-z]+=`)

// TestEmbedsAreLight: no cookie, no script, nothing from another host,
// links opening our pages in a new tab, under 30 KB with the style sheet.
func TestEmbedsAreLight(t *testing.T) {
	fs := newFeedSite(t)
	rig := fs.rig
	for _, p := range []string{"/en/embed/stories/" + fs.named, "/fr/embed/stories", "/ar/embed/stories/" + fs.anonymous} {
		res := rig.Do("GET", p, nil, nil)
		if res.Status != http.StatusOK {
			t.Fatalf("%s: %d", p, res.Status)
		}
		if res.Header.Get("Set-Cookie") != "" {
			t.Errorf("%s sets a cookie", p)
		}
		if scriptOrCookie.Match(res.Body) {
			t.Errorf("%s holds a script or a frame", p)
		}
		for _, m := range regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllSubmatch(res.Body, -1) {
			u := html.UnescapeString(string(m[1]))
			if !strings.HasPrefix(u, rig.URL+"/") {
				t.Errorf("%s refers to %s, not on this site", p, u)
			}
		}
		links := regexp.MustCompile(`<a [^>]*>`).FindAll(res.Body, -1)
		if len(links) == 0 {
			t.Errorf("%s has no link", p)
		}
		for _, a := range links {
			if !bytes.Contains(a, []byte(`target="_blank"`)) || !bytes.Contains(a, []byte(`rel="noopener"`)) {
				t.Errorf("%s: link %s does not open a new tab", p, a)
			}
		}
		css := regexp.MustCompile(`href="([^"]+\.css)"`).FindSubmatch(res.Body)
		if css == nil {
			t.Fatalf("%s: no style sheet", p)
		}
		sheet := rig.Do("GET", strings.TrimPrefix(string(css[1]), rig.URL), nil, nil)
		if total := len(res.Body) + len(sheet.Body); sheet.Status != http.StatusOK || total > 30<<10 {
			t.Errorf("%s: %d bytes with its style sheet (%d), want under 30 KB", p, total, sheet.Status)
		}
	}
	long := testrig.Submission("Feedslong")
	long.Body = strings.Repeat("A long story told with many words. ", 560)
	id, _ := rig.Submit(long)
	if _, err := rig.App.Decide(t.Context(), fs.moderator, id, appDecision(true, "", "")); err != nil {
		t.Fatal(err)
	}
	if res := rig.Do("GET", "/en/embed/stories/"+id, nil, nil); len(res.Body) > 20<<10 {
		t.Errorf("the embed of a %d-character story is %d bytes", len(long.Body), len(res.Body))
	}
	if res := rig.Do("GET", "/en/embed/stories/nosuchstory", nil, nil); res.Status != http.StatusNotFound {
		t.Errorf("the embed of an unknown story: %d", res.Status)
	}
}

// TestStoryPageOffersTheEmbed: the story page shows the iframe snippet
// and advertises its oEmbed answer.
func TestStoryPageOffersTheEmbed(t *testing.T) {
	fs := newFeedSite(t)
	body := string(fs.rig.Do("GET", "/en/stories/"+fs.named, nil, nil).Body)
	snippet := html.EscapeString(`<iframe src="` + fs.rig.URL + "/en/embed/stories/" + fs.named + `"`)
	if !strings.Contains(body, "Put this story on your website") || !strings.Contains(body, snippet) {
		t.Errorf("no embed snippet on the story page")
	}
	discovery := `<link rel="alternate" type="application/json+oembed" href="` + html.EscapeString(fs.rig.URL+"/oembed?format=json&url="+url.QueryEscape(fs.rig.URL+"/en/stories/"+fs.named)) + `">`
	if !strings.Contains(body, discovery) {
		t.Errorf("no oEmbed discovery %s", discovery)
	}
	if list := string(fs.rig.Do("GET", "/fr/stories?theme=work", nil, nil).Body); !strings.Contains(list, `type="application/json+oembed"`) {
		t.Errorf("no oEmbed discovery on the list")
	}
}

type oembedAnswer struct {
	Version, Type, ProviderName, ProviderURL, Title, AuthorName, HTML, ThumbnailURL string
	Width, Height, ThumbnailWidth, ThumbnailHeight                                  int
}

func (o *oembedAnswer) UnmarshalJSON(b []byte) error {
	var m struct {
		Version         string `json:"version"`
		Type            string `json:"type"`
		ProviderName    string `json:"provider_name"`
		ProviderURL     string `json:"provider_url"`
		Title           string `json:"title"`
		AuthorName      string `json:"author_name"`
		HTML            string `json:"html"`
		ThumbnailURL    string `json:"thumbnail_url"`
		Width           int    `json:"width"`
		Height          int    `json:"height"`
		ThumbnailWidth  int    `json:"thumbnail_width"`
		ThumbnailHeight int    `json:"thumbnail_height"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*o = oembedAnswer(m)
	return nil
}

// TestOEmbed checks the provider's answers field by field.
func TestOEmbed(t *testing.T) {
	fs := newFeedSite(t)
	rig := fs.rig
	ask := func(target, extra string) testrig.Response {
		return rig.Do("GET", "/oembed?url="+url.QueryEscape(target)+extra, nil, nil)
	}

	res := ask(rig.URL+"/fr/stories/"+fs.named, "&format=json")
	if res.Status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("story: %d %s", res.Status, res.Body)
	}
	var o oembedAnswer
	res.JSON(t, &o)
	wantHTML := `<iframe src="` + rig.URL + `/fr/embed/stories/` + fs.named + `" title="Our first winter Feedsnamed" width="560" height="480" loading="lazy"></iframe>`
	want := oembedAnswer{Version: "1.0", Type: "rich", ProviderName: "Il faut toute une communauté", ProviderURL: rig.URL + "/",
		Title: "Our first winter Feedsnamed", AuthorName: "Amal Feedsnamed", HTML: wantHTML, Width: 560, Height: 480,
		ThumbnailURL: rig.URL + "/fr/stories/" + fs.named + "/card/og.png", ThumbnailWidth: 1200, ThumbnailHeight: 630}
	if o != want {
		t.Errorf("story answer\n got %+v\nwant %+v", o, want)
	}
	if thumb := rig.Do("GET", strings.TrimPrefix(o.ThumbnailURL, rig.URL), nil, nil); thumb.Status != http.StatusOK {
		t.Errorf("thumbnail: %d", thumb.Status)
	}
	if res := rig.Do("GET", strings.TrimPrefix(strings.Split(o.HTML, `"`)[1], rig.URL), nil, nil); res.Status != http.StatusOK {
		t.Errorf("the iframe's page: %d", res.Status)
	}

	res = ask(rig.URL+"/en/stories/"+fs.named, "&maxwidth=320&maxheight=200")
	o = oembedAnswer{}
	res.JSON(t, &o)
	if o.Width != 320 || o.Height != 200 || !strings.Contains(o.HTML, `width="320" height="200"`) || o.ThumbnailURL != "" {
		t.Errorf("with limits: %+v", o)
	}

	res = ask(rig.URL+"/en/stories/"+fs.anonymous, "")
	o = oembedAnswer{}
	res.JSON(t, &o)
	if o.AuthorName != "Anonymous" {
		t.Errorf("anonymous author %q", o.AuthorName)
	}

	res = ask(rig.URL+"/ar/stories?theme=work&country=ca", "")
	o = oembedAnswer{}
	res.JSON(t, &o)
	if res.Status != http.StatusOK || o.Type != "rich" || o.Width != 560 || o.Height != 720 ||
		!strings.Contains(o.HTML, `src="`+rig.URL+`/ar/embed/stories?country=CA&amp;theme=work"`) || o.Title == "" {
		t.Errorf("list: %d %+v", res.Status, o)
	}

	for name, c := range map[string]struct {
		target, extra string
		status        int
	}{
		"another site":      {"https://example.org/en/stories/" + fs.named, "", http.StatusNotFound},
		"not a story page":  {rig.URL + "/en/about", "", http.StatusNotFound},
		"unknown language":  {rig.URL + "/xx/stories/" + fs.named, "", http.StatusNotFound},
		"unknown story":     {rig.URL + "/en/stories/nosuchstory", "", http.StatusNotFound},
		"no url":            {"", "", http.StatusNotFound},
		"xml format":        {rig.URL + "/en/stories/" + fs.named, "&format=xml", http.StatusNotImplemented},
		"bad maxwidth":      {rig.URL + "/en/stories/" + fs.named, "&maxwidth=-3", http.StatusBadRequest},
		"a photo, not page": {rig.URL + "/en/stories/" + fs.named + "/card/og.png", "", http.StatusNotFound},
	} {
		if res := ask(c.target, c.extra); res.Status != c.status {
			t.Errorf("%s: %d, want %d", name, res.Status, c.status)
		}
	}
}

var hrefs = regexp.MustCompile(`<a href="([^"]+)" target="_blank" rel="noopener noreferrer">([^<]+)</a>`)

// TestShareLinks: every network, pre-filled with the title, the address
// and the hashtag in the reader's language, correctly encoded.
func TestShareLinks(t *testing.T) {
	fs := newFeedSite(t)
	rig := fs.rig
	texts := map[string]string{
		"en": "“Our first winter Feedsnamed” #ItTakesaCommunity",
		"fr": "« Our first winter Feedsnamed » #ItTakesaCommunity",
		"ar": "«Our first winter Feedsnamed» #ItTakesaCommunity",
	}
	for lang, text := range texts {
		page := rig.URL + "/" + lang + "/stories/" + fs.named
		res := rig.Do("GET", "/"+lang+"/stories/"+fs.named, nil, nil)
		got := map[string]url.Values{}
		for _, m := range hrefs.FindAllSubmatch(res.Body, -1) {
			link := html.UnescapeString(string(m[1]))
			if strings.HasPrefix(link, "/") {
				// The link counts the click on the way out.
				out := rig.Do("GET", link, nil, nil)
				if out.Status != http.StatusSeeOther {
					t.Fatalf("%s: %d", link, out.Status)
				}
				link = out.Header.Get("Location")
			}
			u, err := url.Parse(link)
			if err != nil {
				t.Fatalf("%s: %v", m[1], err)
			}
			got[html.UnescapeString(string(m[2]))] = u.Query()
		}
		email := map[string]string{"en": "E-mail", "fr": "Courriel", "ar": "البريد الإلكتروني"}[lang]
		want := map[string]map[string]string{
			"Bluesky":  {"text": text + " " + page},
			"Threads":  {"text": text + " " + page},
			"X":        {"text": text, "url": page},
			"Facebook": {"u": page},
			"LinkedIn": {"url": page},
			"Reddit":   {"url": page, "title": "Our first winter Feedsnamed"},
			"WhatsApp": {"text": text + " " + page},
			"Telegram": {"url": page, "text": text},
			email:      {"subject": "Our first winter Feedsnamed", "body": text + "\n" + page},
		}
		if len(got) != len(want) {
			t.Errorf("%s: share links %v", lang, got)
		}
		for network, fields := range want {
			for k, v := range fields {
				if got[network].Get(k) != v {
					t.Errorf("%s, %s: %s = %q, want %q", lang, network, k, got[network].Get(k), v)
				}
			}
		}
		for _, needle := range []string{`<form class="mastodon" method="get" action="/` + lang + `/share-to/mastodon"`, `name="story" value="` + fs.named + `"`,
			`class="copy-link"`, `class="web-share" hidden`} {
			if !bytes.Contains(res.Body, []byte(needle)) {
				t.Errorf("%s: no %s", lang, needle)
			}
		}
		cached := rig.Do("GET", "/"+lang+"/stories/"+fs.named, nil, nil)
		for _, r := range []testrig.Response{res, cached} {
			if !strings.Contains(r.Header.Get("Content-Security-Policy"), "script-src 'self'") {
				t.Errorf("%s: the share script may not run: %q", lang, r.Header.Get("Content-Security-Policy"))
			}
		}
	}
	kit := rig.Do("GET", "/fr/toolkit", nil, nil)
	if n := len(hrefs.FindAll(kit.Body, -1)); n < 9 || !bytes.Contains(kit.Body, []byte(`name="post" value="1"`)) {
		t.Errorf("the toolkit's texts have %d share links", n)
	}
}

// TestNoShareWithoutSocialConsent: a story whose author refused social
// sharing has no share links, no card, no Open Graph or Twitter image, and
// no Mastodon share.
func TestNoShareWithoutSocialConsent(t *testing.T) {
	fs := newFeedSite(t)
	rig := fs.rig
	sub := testrig.Submission("Feedsprivate")
	sub.Consent = story.Consent{Publish: true, Social: false}
	id, token := rig.Submit(sub)
	if res := rig.UploadPhoto(id, token, "p.jpg", testrig.PhotoWithGPS(300, 200), "A kitchen"); res.Status != http.StatusOK {
		t.Fatal(res.Status)
	}
	if _, err := rig.App.Decide(t.Context(), fs.moderator, id, appDecision(true, "", "")); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "fr", "ar"} {
		res := rig.Do("GET", "/"+lang+"/stories/"+id, nil, nil)
		if res.Status != http.StatusOK {
			t.Fatalf("%d", res.Status)
		}
		for _, needle := range []string{"og:image", "twitter:image", "twitter:card", "/card/", "bsky.app", "x.com", "facebook.com", "wa.me", "t.me", "mailto:", "share-to/mastodon", `class="share`, "<script src", `"image":`} {
			if bytes.Contains(res.Body, []byte(needle)) {
				t.Errorf("%s: the page of a story without social consent holds %q", lang, needle)
			}
		}
		if strings.Contains(res.Header.Get("Content-Security-Policy"), "script-src") {
			t.Errorf("%s: scripts allowed without share links", lang)
		}
	}
	if res := rig.Do("GET", "/en/share-to/mastodon?server=mastodon.social&story="+id, nil, nil); res.Status != http.StatusNotFound {
		t.Errorf("Mastodon share of a story without social consent: %d", res.Status)
	}
	if res := rig.Do("GET", "/en/stories/"+id+"/card/og.png", nil, nil); res.Status != http.StatusNotFound {
		t.Errorf("card: %d", res.Status)
	}
	var o oembedAnswer
	rig.Do("GET", "/oembed?url="+url.QueryEscape(rig.URL+"/en/stories/"+id), nil, nil).JSON(t, &o)
	if o.ThumbnailURL != "" {
		t.Errorf("oEmbed thumbnail %q", o.ThumbnailURL)
	}
}

// TestMastodonShareWithoutScript: the plain form leads to the reader's
// server's sharing page, pre-filled; a server that is not one is refused.
func TestMastodonShareWithoutScript(t *testing.T) {
	fs := newFeedSite(t)
	rig := fs.rig
	for typed, server := range map[string]string{"mastodon.social": "mastodon.social", " https://Mastodon.Social/@me ": "mastodon.social", "@amal@eldritch.cafe": "eldritch.cafe"} {
		res := rig.Do("GET", "/fr/share-to/mastodon?story="+fs.named+"&server="+url.QueryEscape(typed), nil, nil)
		want := html.EscapeString("https://" + server + "/share?text=" + strings.ReplaceAll(url.QueryEscape("« Our first winter Feedsnamed » #ItTakesaCommunity "+rig.URL+"/fr/stories/"+fs.named), "+", "%20"))
		if res.Status != http.StatusOK || !bytes.Contains(res.Body, []byte(`href="`+want+`"`)) {
			t.Errorf("%q: %d, no link to %s", typed, res.Status, want)
		}
	}
	for _, typed := range []string{"", "not a server", "javascript:alert(1)", "http://[::1]/", "evil.example:8080", "localhost", strings.Repeat("a", 300) + ".org"} {
		res := rig.Do("GET", "/en/share-to/mastodon?story="+fs.named+"&server="+url.QueryEscape(typed), nil, nil)
		if res.Status != http.StatusUnprocessableEntity || bytes.Contains(res.Body, []byte("/share?text=")) {
			t.Errorf("%q: %d", typed, res.Status)
		}
	}
	if res := rig.Do("GET", "/ar/share-to/mastodon?post=1&server=mastodon.social", nil, nil); res.Status != http.StatusOK || !bytes.Contains(res.Body, []byte("https://mastodon.social/share?text=")) {
		t.Errorf("a toolkit post: %d", res.Status)
	}
	for _, q := range []string{"?post=999&server=a.org", "?server=a.org", "?story=nosuch&server=a.org"} {
		if res := rig.Do("GET", "/en/share-to/mastodon"+q, nil, nil); res.Status != http.StatusNotFound {
			t.Errorf("%s: %d", q, res.Status)
		}
	}
}

// TestSitemaps: an index of one sitemap per language, each story's page in
// its language with its translations as alternates, and robots.txt
// pointing at the index.
func TestSitemaps(t *testing.T) {
	fs := newFeedSite(t)
	rig := fs.rig
	robots := string(rig.Do("GET", "/robots.txt", nil, nil).Body)
	if !strings.Contains(robots, "Sitemap: "+rig.URL+"/sitemap.xml\n") {
		t.Errorf("robots.txt: %q", robots)
	}
	var index struct {
		Sitemaps []struct {
			Loc string `xml:"loc"`
		} `xml:"sitemap"`
	}
	res := rig.Do("GET", "/sitemap.xml", nil, nil)
	if err := xml.Unmarshal(res.Body, &index); err != nil || len(index.Sitemaps) < 3 {
		t.Fatalf("index: %v %s", err, res.Body)
	}
	type urlEntry struct {
		Loc   string `xml:"loc"`
		Links []struct {
			HrefLang string `xml:"hreflang,attr"`
			Href     string `xml:"href,attr"`
		} `xml:"http://www.w3.org/1999/xhtml link"`
	}
	locs := map[string]urlEntry{}
	for _, sm := range index.Sitemaps {
		res := rig.Do("GET", strings.TrimPrefix(sm.Loc, rig.URL), nil, nil)
		var set struct {
			URLs []urlEntry `xml:"url"`
		}
		if err := xml.Unmarshal(res.Body, &set); err != nil || res.Status != http.StatusOK {
			t.Fatalf("%s: %d %v", sm.Loc, res.Status, err)
		}
		for _, u := range set.URLs {
			locs[u.Loc] = u
		}
	}
	for _, want := range []string{"/en/stories/" + fs.named, "/fr/stories/" + fs.anonymous, "/en/", "/fr/toolkit", "/ar/about"} {
		if _, ok := locs[rig.URL+want]; !ok {
			t.Errorf("no %s in the sitemaps", want)
		}
	}
	if _, ok := locs[rig.URL+"/fr/stories/"+fs.named]; ok {
		t.Errorf("an untranslated story's page in another language is listed")
	}
	if about := locs[rig.URL+"/en/about"]; len(about.Links) < 3 {
		t.Errorf("/en/about has alternates %+v", about.Links)
	}
}

// TestPublicAPIReadableAnywhere: any site's page may read the public API,
// without credentials; other API routes stay same-origin.
func TestPublicAPIReadableAnywhere(t *testing.T) {
	fs := newFeedSite(t)
	rig := fs.rig
	origin := map[string]string{"Origin": "https://partner.example"}
	for _, p := range []string{"/api/v1/stories", "/api/v1/stories/" + fs.named} {
		res := rig.Do("GET", p, nil, origin)
		if res.Status != http.StatusOK || res.Header.Get("Access-Control-Allow-Origin") != "*" || res.Header.Get("Access-Control-Allow-Credentials") != "" {
			t.Errorf("%s: %d, CORS %q", p, res.Status, res.Header.Get("Access-Control-Allow-Origin"))
		}
		pre := rig.Do("OPTIONS", p, nil, map[string]string{"Origin": "https://partner.example", "Access-Control-Request-Method": "GET"})
		if pre.Status != http.StatusNoContent || pre.Header.Get("Access-Control-Allow-Origin") != "*" || pre.Header.Get("Access-Control-Allow-Methods") != "GET" {
			t.Errorf("preflight %s: %d %v", p, pre.Status, pre.Header)
		}
	}
	if res := rig.Do("GET", "/api/v1/moderation/queue", nil, origin); res.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("the moderation queue is readable from other sites")
	}
}

// TestStoryStructuredData: the story page describes itself for search
// engines as an Article of the campaign, in its language.
func TestStoryStructuredData(t *testing.T) {
	fs := newFeedSite(t)
	body := fs.rig.Do("GET", "/en/stories/"+fs.anonymous, nil, nil).Body
	m := regexp.MustCompile(`<script type="application/ld\+json">(.*?)</script>`).FindSubmatch(body)
	if m == nil {
		t.Fatal("no JSON-LD")
	}
	var doc struct {
		Context    string `json:"@context"`
		Type       string `json:"@type"`
		Headline   string `json:"headline"`
		InLanguage string `json:"inLanguage"`
		Published  string `json:"datePublished"`
		Author     struct{ Name string }
		IsPartOf   struct{ Name, URL string }
	}
	if err := json.Unmarshal(m[1], &doc); err != nil {
		t.Fatalf("%v: %s", err, m[1])
	}
	if doc.Context != "https://schema.org" || doc.Type != "Article" || doc.Headline != "Notre premier hiver Feedsanon" || doc.InLanguage != "fr" ||
		doc.Published == "" || doc.Author.Name != "Anonymous" || doc.IsPartOf.Name != "It Takes a Community" {
		t.Errorf("JSON-LD %+v", doc)
	}
}
