package feeds

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

func sampleFeed(title, html, alt string) *Feed {
	t0 := time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)
	return &Feed{Title: "Stories", Lang: "en", SelfURL: "https://s.example/en/feed.atom", PageURL: "https://s.example/en/stories",
		Author: "Campaign", Hashtag: "#Tag", Items: []Item{{ID: "https://s.example/en/stories/a", URL: "https://s.example/en/stories/a",
			Title: title, HTML: html, Summary: title, Author: alt, Lang: "ar", Published: t0, Updated: t0.Add(time.Hour),
			Categories: []string{"Work"}, Image: &Image{URL: "https://s.example/media/a/p.jpg", Alt: alt, Type: "image/jpeg", Width: 10, Height: 8}}}}
}

// FuzzFeeds: whatever a storyteller writes (control characters, broken
// UTF-8, markup), every format stays well-formed and parses, with the
// title kept as text.
func FuzzFeeds(f *testing.F) {
	f.Add("Our first winter", "<p>We arrived &amp; stayed</p>", "A street")
	f.Add("]]><script>", "\x00\x1b\uFFFE", "\xff\xfe")
	f.Add("شتاؤنا الأول", "<p>\u202Eمرحبا</p>", "\"quoted\" <alt>")
	f.Fuzz(func(t *testing.T, title, html, alt string) {
		feed := sampleFeed(title, html, alt)
		for name, doc := range map[string][]byte{"atom": Atom(feed), "rss": RSS(feed), "json": JSON(feed)} {
			if name == "json" {
				if !json.Valid(doc) {
					t.Fatalf("json: invalid %q", doc)
				}
			} else {
				dec := xml.NewDecoder(bytes.NewReader(doc))
				for {
					_, err := dec.Token()
					if err != nil {
						if err.Error() != "EOF" {
							t.Fatalf("%s: not well-formed: %v\n%s", name, err, doc)
						}
						break
					}
				}
			}
			parsed, err := gofeed.NewParser().Parse(bytes.NewReader(doc))
			if err != nil || len(parsed.Items) != 1 {
				t.Fatalf("%s: %v\n%s", name, err, doc)
			}
		}
	})
}

// TestSitemapAlternates lists each page's versions, itself included, and
// stops at the sitemaps' limit.
func TestSitemapAlternates(t *testing.T) {
	alts := []Alternate{{"en", "https://s.example/en/stories/a"}, {"fr", "https://s.example/fr/stories/a"}}
	doc := Sitemap([]SitemapURL{{Loc: alts[0].URL, Alternates: alts}, {Loc: "https://s.example/en/about"}})
	var set struct {
		URLs []struct {
			Loc   string `xml:"loc"`
			Links []struct {
				HrefLang string `xml:"hreflang,attr"`
				Href     string `xml:"href,attr"`
			} `xml:"http://www.w3.org/1999/xhtml link"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal(doc, &set); err != nil {
		t.Fatal(err)
	}
	if len(set.URLs) != 2 || len(set.URLs[0].Links) != 2 || set.URLs[0].Links[1].HrefLang != "fr" || len(set.URLs[1].Links) != 0 {
		t.Errorf("sitemap %s", doc)
	}
	many := make([]SitemapURL, SitemapLimit+5)
	for i := range many {
		many[i].Loc = "https://s.example/x"
	}
	if n := bytes.Count(Sitemap(many), []byte("<url>")); n != SitemapLimit {
		t.Errorf("%d URLs in one sitemap", n)
	}
}
