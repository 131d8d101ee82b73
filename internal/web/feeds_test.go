package web_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"chorus/internal/staff"
	"chorus/internal/story"
	"chorus/internal/testrig"
)

// feedSite holds two published stories: one with a photo and a name, one
// anonymous in French on the theme "work"; and a withdrawable third.
type feedSite struct {
	rig               *testrig.Rig
	named, anonymous  string
	third, thirdToken string
	moderator         *staff.User
}

func newFeedSite(t *testing.T) *feedSite {
	t.Helper()
	rig := testrig.New(t)
	fs := &feedSite{rig: rig}
	fs.moderator, _ = rig.Staff("feeds-mod@example.org", staff.RoleModerator)
	publish := func(sub story.Submission, photo bool) (string, string) {
		id, token := rig.Submit(sub)
		if photo {
			if res := rig.UploadPhoto(id, token, "street.jpg", testrig.PhotoWithGPS(300, 200), "Our street in the snow"); res.Status != http.StatusOK {
				t.Fatalf("photo: %d %s", res.Status, res.Body)
			}
		}
		if _, err := rig.App.Decide(t.Context(), fs.moderator, id, appDecision(true, "", "")); err != nil {
			t.Fatal(err)
		}
		return id, token
	}
	fs.named, _ = publish(testrig.Submission("Feedsnamed"), true)
	anon := testrig.Submission("Feedsanon")
	anon.Title, anon.Language, anon.Themes = "Notre premier hiver Feedsanon", "fr", []string{"work"}
	anon.Anonymous, anon.DisplayName = true, ""
	fs.anonymous, _ = publish(anon, false)
	fs.third, fs.thirdToken = publish(testrig.Submission("Feedsthird"), false)
	return fs
}

func (fs *feedSite) withdrawThird(t *testing.T) {
	t.Helper()
	if err := fs.rig.App.Withdraw(t.Context(), fs.third, fs.thirdToken, ""); err != nil {
		t.Fatal(err)
	}
}

var feedPaths = map[string]string{"atom": "/en/feed.atom", "rss": "/en/feed.rss", "json": "/en/feed.json"}

// TestFeedsParse reads every format with a real feed parser: the stories,
// newest first, their full text, photo and its description, author or
// anonymous label, language, themes and the campaign hashtag.
func TestFeedsParse(t *testing.T) {
	fs := newFeedSite(t)
	for format, path := range feedPaths {
		t.Run(format, func(t *testing.T) {
			res := fs.rig.Do("GET", path, nil, nil)
			if res.Status != http.StatusOK {
				t.Fatalf("%s: %d %s", path, res.Status, res.Body)
			}
			wantType := map[string]string{"atom": "application/atom+xml", "rss": "application/rss+xml", "json": "application/feed+json"}[format]
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, wantType) {
				t.Errorf("Content-Type %q, want %s", ct, wantType)
			}
			feed, err := gofeed.NewParser().Parse(bytes.NewReader(res.Body))
			if err != nil {
				t.Fatalf("parse: %v\n%s", err, res.Body)
			}
			if feed.FeedType != format {
				t.Errorf("parsed as %q", feed.FeedType)
			}
			if !strings.Contains(feed.Title, "It Takes a Community") || feed.Language != "en" {
				t.Errorf("feed title %q, language %q", feed.Title, feed.Language)
			}
			if len(feed.Items) != 3 {
				t.Fatalf("%d items, want 3", len(feed.Items))
			}
			byTitle := map[string]*gofeed.Item{}
			for _, it := range feed.Items {
				byTitle[it.Title] = it
				if !slices.Contains(it.Categories, "#ItTakesaCommunity") {
					t.Errorf("%q: categories %q lack the hashtag", it.Title, it.Categories)
				}
				if it.PublishedParsed == nil {
					t.Errorf("%q: no publication date", it.Title)
				}
			}
			named := byTitle["Our first winter Feedsnamed"]
			anon := byTitle["Notre premier hiver Feedsanon"]
			if named == nil || anon == nil {
				t.Fatalf("items %v", byTitle)
			}
			if named.Link != fs.rig.URL+"/en/stories/"+fs.named || named.GUID != named.Link {
				t.Errorf("link %q guid %q", named.Link, named.GUID)
			}
			content := named.Content
			if content == "" {
				content = named.Description
			}
			if !strings.Contains(content, "<p>We arrived in January") || !strings.Contains(content, `alt="Our street in the snow"`) {
				t.Errorf("content is not the full text with the photo: %q", content)
			}
			if len(named.Authors) == 0 || named.Authors[0].Name != "Amal Feedsnamed" {
				t.Errorf("authors %+v", named.Authors)
			}
			if len(anon.Authors) == 0 || anon.Authors[0].Name != "Anonymous" {
				t.Errorf("anonymous authors %+v", anon.Authors)
			}
			if !slices.Contains(anon.Categories, "Work") || !slices.Contains(named.Categories, "Arrival") {
				t.Errorf("themes: %q, %q", anon.Categories, named.Categories)
			}
			photo := fs.rig.URL + "/media/" + fs.named + "/"
			switch format {
			case "atom", "rss":
				if len(named.Enclosures) != 1 || !strings.HasPrefix(named.Enclosures[0].URL, photo) || named.Enclosures[0].Type != "image/jpeg" {
					t.Errorf("enclosures %+v", named.Enclosures)
				}
			case "json":
				if named.Image == nil || !strings.HasPrefix(named.Image.URL, photo) {
					t.Errorf("image %+v", named.Image)
				}
			}
			if len(anon.Enclosures) != 0 {
				t.Errorf("a story without a photo has enclosures %+v", anon.Enclosures)
			}
		})
	}
}

// TestFeedsFollowTheirSpecifications checks each format's required
// elements: RFC 4287 for Atom, RSS 2.0's channel and item elements, JSON
// Feed 1.1's members; and the language of each item.
func TestFeedsFollowTheirSpecifications(t *testing.T) {
	fs := newFeedSite(t)

	var atom struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		ID      string   `xml:"id"`
		Title   string   `xml:"title"`
		Updated string   `xml:"updated"`
		Author  struct {
			Name string `xml:"name"`
		} `xml:"author"`
		Links []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Entries []struct {
			Lang    string `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
			ID      string `xml:"id"`
			Title   string `xml:"title"`
			Updated string `xml:"updated"`
			Author  struct {
				Name string `xml:"name"`
			} `xml:"author"`
			Content struct {
				Type string `xml:"type,attr"`
				Body string `xml:",chardata"`
			} `xml:"content"`
		} `xml:"entry"`
	}
	res := fs.rig.Do("GET", feedPaths["atom"], nil, nil)
	if err := xml.Unmarshal(res.Body, &atom); err != nil {
		t.Fatalf("atom: %v", err)
	}
	if atom.ID == "" || atom.Title == "" || atom.Author.Name == "" {
		t.Errorf("atom feed lacks id, title or author: %+v", atom)
	}
	if _, err := time.Parse(time.RFC3339, atom.Updated); err != nil {
		t.Errorf("atom updated %q: %v", atom.Updated, err)
	}
	self := false
	for _, l := range atom.Links {
		self = self || (l.Rel == "self" && l.Href == fs.rig.URL+"/en/feed.atom")
	}
	if !self {
		t.Errorf("atom: no self link in %+v", atom.Links)
	}
	langs := map[string]string{}
	for _, e := range atom.Entries {
		if e.ID == "" || e.Title == "" || e.Author.Name == "" || e.Content.Type != "html" || e.Content.Body == "" {
			t.Errorf("atom entry lacks a required element: %+v", e)
		}
		if _, err := time.Parse(time.RFC3339, e.Updated); err != nil {
			t.Errorf("atom entry updated %q: %v", e.Updated, err)
		}
		langs[e.Title] = e.Lang
	}
	if langs["Notre premier hiver Feedsanon"] != "fr" || langs["Our first winter Feedsnamed"] != "en" {
		t.Errorf("atom xml:lang per entry: %v", langs)
	}

	var rss struct {
		XMLName xml.Name `xml:"rss"`
		Version string   `xml:"version,attr"`
		Channel struct {
			Title       string `xml:"title"`
			Link        string `xml:"link"`
			Description string `xml:"description"`
			Items       []struct {
				Title     string `xml:"title"`
				Link      string `xml:"link"`
				GUID      string `xml:"guid"`
				PubDate   string `xml:"pubDate"`
				Language  string `xml:"http://purl.org/dc/elements/1.1/ language"`
				Enclosure *struct {
					URL    string `xml:"url,attr"`
					Length string `xml:"length,attr"`
					Type   string `xml:"type,attr"`
				} `xml:"enclosure"`
				Media *struct {
					Description string `xml:"http://search.yahoo.com/mrss/ description"`
				} `xml:"http://search.yahoo.com/mrss/ content"`
			} `xml:"item"`
		} `xml:"channel"`
	}
	res = fs.rig.Do("GET", feedPaths["rss"], nil, nil)
	if err := xml.Unmarshal(res.Body, &rss); err != nil {
		t.Fatalf("rss: %v", err)
	}
	if rss.Version != "2.0" || rss.Channel.Title == "" || rss.Channel.Link == "" || rss.Channel.Description == "" {
		t.Errorf("rss channel lacks a required element: %+v", rss.Channel)
	}
	for _, it := range rss.Channel.Items {
		if it.Title == "" || it.Link == "" || it.GUID == "" {
			t.Errorf("rss item lacks title, link or guid: %+v", it)
		}
		if _, err := time.Parse(time.RFC1123Z, it.PubDate); err != nil {
			t.Errorf("rss pubDate %q: %v", it.PubDate, err)
		}
		if it.Language == "" {
			t.Errorf("rss item %q has no language", it.Title)
		}
		if it.Enclosure != nil && (it.Enclosure.URL == "" || it.Enclosure.Length == "" || it.Enclosure.Type == "" || it.Media == nil || it.Media.Description != "Our street in the snow") {
			t.Errorf("rss enclosure %+v, media %+v", it.Enclosure, it.Media)
		}
	}

	var jf map[string]any
	res = fs.rig.Do("GET", feedPaths["json"], nil, nil)
	if err := json.Unmarshal(res.Body, &jf); err != nil {
		t.Fatalf("json feed: %v", err)
	}
	if jf["version"] != "https://jsonfeed.org/version/1.1" || jf["title"] == "" || jf["feed_url"] != fs.rig.URL+"/en/feed.json" {
		t.Errorf("json feed top level: %v %v %v", jf["version"], jf["title"], jf["feed_url"])
	}
	items, _ := jf["items"].([]any)
	if len(items) != 3 {
		t.Fatalf("json feed items: %d", len(items))
	}
	for _, raw := range items {
		it := raw.(map[string]any)
		if it["id"] == "" || it["content_html"] == "" || it["language"] == "" {
			t.Errorf("json feed item lacks id, content or language: %v", it)
		}
		if atts, ok := it["attachments"].([]any); ok {
			a := atts[0].(map[string]any)
			if a["mime_type"] != "image/jpeg" || a["title"] != "Our street in the snow" {
				t.Errorf("attachment %v", a)
			}
		}
	}
}

// TestFeedFilters takes the list's filters, and ignores a search.
func TestFeedFilters(t *testing.T) {
	fs := newFeedSite(t)
	for _, path := range []string{"/en/feed.atom?theme=work", "/fr/feed.json?language=fr", "/en/feed.rss?language=fr&q=nothing+matches"} {
		res := fs.rig.Do("GET", path, nil, nil)
		feed, err := gofeed.NewParser().Parse(bytes.NewReader(res.Body))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if len(feed.Items) != 1 || feed.Items[0].Title != "Notre premier hiver Feedsanon" {
			t.Errorf("%s: %d items", path, len(feed.Items))
		}
	}
}

// TestFeedConditionalGet answers 304 to a reader holding the current
// version, by ETag or by date, and 200 once a story changed.
func TestFeedConditionalGet(t *testing.T) {
	fs := newFeedSite(t)
	for _, path := range feedPaths {
		first := fs.rig.Do("GET", path, nil, nil)
		etag, modified := first.Header.Get("ETag"), first.Header.Get("Last-Modified")
		if etag == "" || modified == "" {
			t.Fatalf("%s: ETag %q, Last-Modified %q", path, etag, modified)
		}
		if res := fs.rig.Do("GET", path, nil, map[string]string{"If-None-Match": etag}); res.Status != http.StatusNotModified {
			t.Errorf("%s with its ETag: %d", path, res.Status)
		}
		if res := fs.rig.Do("GET", path, nil, map[string]string{"If-Modified-Since": modified}); res.Status != http.StatusNotModified {
			t.Errorf("%s since its date: %d", path, res.Status)
		}
		if res := fs.rig.Do("GET", path, nil, map[string]string{"If-None-Match": `"other"`}); res.Status != http.StatusOK {
			t.Errorf("%s with another ETag: %d", path, res.Status)
		}
	}
	first := fs.rig.Do("GET", feedPaths["atom"], nil, nil)
	fs.withdrawThird(t)
	res := fs.rig.Do("GET", feedPaths["atom"], nil, map[string]string{"If-None-Match": first.Header.Get("ETag")})
	if res.Status != http.StatusOK {
		t.Errorf("after a withdrawal, the old ETag: %d", res.Status)
	}
}

// TestWithdrawalLeavesFeedsSitemapsAndEmbeds: once withdrawn, a story is
// in no feed or sitemap, its embed shows the withdrawal notice and oEmbed
// answers 410, even when they were cached just before.
func TestWithdrawalLeavesFeedsSitemapsAndEmbeds(t *testing.T) {
	fs := newFeedSite(t)
	rig := fs.rig
	surfaces := []string{"/en/feed.atom", "/en/feed.rss", "/en/feed.json", "/fr/feed.atom", "/sitemap-en.xml", "/en/embed/stories", "/en/embed/stories?theme=community"}
	for _, p := range surfaces {
		if res := rig.Do("GET", p, nil, nil); !bytes.Contains(res.Body, []byte(fs.third)) {
			t.Fatalf("%s does not show the story before its withdrawal", p)
		}
	}
	embed := "/en/embed/stories/" + fs.third
	if res := rig.Do("GET", embed, nil, nil); res.Status != http.StatusOK || !bytes.Contains(res.Body, []byte("Feedsthird")) {
		t.Fatalf("%s: %d", embed, res.Status)
	}
	fs.withdrawThird(t)
	for _, p := range surfaces {
		res := rig.Do("GET", p, nil, nil)
		if res.Status != http.StatusOK || bytes.Contains(res.Body, []byte(fs.third)) || bytes.Contains(res.Body, []byte("Feedsthird")) {
			t.Errorf("%s still shows the withdrawn story (%d)", p, res.Status)
		}
	}
	res := rig.Do("GET", embed, nil, nil)
	if res.Status != http.StatusGone || !bytes.Contains(res.Body, []byte("withdrawn by its author")) || bytes.Contains(res.Body, []byte("Feedsthird")) {
		t.Errorf("%s after withdrawal: %d %s", embed, res.Status, res.Body)
	}
	if !strings.Contains(res.Header.Get("Content-Security-Policy"), "frame-ancestors *") {
		t.Errorf("the withdrawal notice cannot be framed: %q", res.Header.Get("Content-Security-Policy"))
	}
	q := "/oembed?url=" + url.QueryEscape(rig.URL+"/en/stories/"+fs.third)
	if res := rig.Do("GET", q, nil, nil); res.Status != http.StatusGone {
		t.Errorf("oEmbed of a withdrawn story: %d", res.Status)
	}
}

// TestPagesAdvertiseFeeds: home, list and theme pages link to their feeds.
func TestPagesAdvertiseFeeds(t *testing.T) {
	fs := newFeedSite(t)
	for page, query := range map[string]string{"/en/": "", "/fr/stories": "", "/en/stories?theme=work": "?theme=work"} {
		body := html.UnescapeString(string(fs.rig.Do("GET", page, nil, nil).Body))
		for format, typ := range map[string]string{"atom": "application/atom+xml", "rss": "application/rss+xml", "json": "application/feed+json"} {
			lang := page[1:3]
			want := `<link rel="alternate" type="` + typ + `" title="`
			href := `href="` + fs.rig.URL + "/" + lang + "/feed." + format + query + `"`
			if !strings.Contains(body, want) || !strings.Contains(body, href) {
				t.Errorf("%s does not advertise its %s feed (%s)", page, format, href)
			}
		}
	}
}
