// Package feeds writes the campaign's stories as Atom 1.0, RSS 2.0 and JSON
// Feed 1.1 documents, and sitemaps. It renders what it is given (an ordered
// list of items) and reads nothing itself, so any listing (the story list,
// a theme, a partner's collection) can become a feed.
package feeds

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"time"
)

// Feed is one feed: its metadata and its items, newest first.
type Feed struct {
	Title       string
	Description string
	Lang        string // the feed's language (the interface's)
	SelfURL     string // the feed's own absolute URL
	PageURL     string // the absolute URL of the page it follows
	Author      string // the publisher, named when an item has no author
	Hashtag     string // the campaign hashtag, a category of every item
	Updated     time.Time
	Items       []Item
}

// Item is one story in a feed.
type Item struct {
	ID         string // a permanent identifier: the story's page URL
	URL        string
	Title      string
	HTML       string // the full text as sanitised HTML
	Summary    string // a plain-text opening
	Author     string // the display name or the anonymous label
	Lang       string
	Published  time.Time
	Updated    time.Time
	Categories []string
	Image      *Image
}

// Image is an item's photo.
type Image struct {
	URL, Alt, Type string
	Width, Height  int
}

// Media types of the three formats.
const (
	AtomType = "application/atom+xml; charset=utf-8"
	RSSType  = "application/rss+xml; charset=utf-8"
	JSONType = "application/feed+json; charset=utf-8"
)

func (f *Feed) updated() time.Time {
	t := f.Updated
	for _, it := range f.Items {
		if it.Updated.After(t) {
			t = it.Updated
		}
	}
	if t.IsZero() {
		t = time.Unix(0, 0)
	}
	return t.UTC()
}

func (it Item) categories(hashtag string) []string {
	if hashtag == "" {
		return it.Categories
	}
	return append(append([]string(nil), it.Categories...), hashtag)
}

// --- Atom 1.0 (RFC 4287) ---

type atomFeed struct {
	XMLName  xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang     string      `xml:"xml:lang,attr,omitempty"`
	ID       string      `xml:"id"`
	Title    string      `xml:"title"`
	Subtitle string      `xml:"subtitle,omitempty"`
	Updated  string      `xml:"updated"`
	Author   atomPerson  `xml:"author"`
	Links    []atomLink  `xml:"link"`
	Entries  []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel      string `xml:"rel,attr,omitempty"`
	Type     string `xml:"type,attr,omitempty"`
	Href     string `xml:"href,attr"`
	Title    string `xml:"title,attr,omitempty"`
	HrefLang string `xml:"hreflang,attr,omitempty"`
}

type atomText struct {
	Type string `xml:"type,attr,omitempty"`
	Body string `xml:",chardata"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomEntry struct {
	Lang       string         `xml:"xml:lang,attr,omitempty"`
	ID         string         `xml:"id"`
	Title      string         `xml:"title"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published,omitempty"`
	Author     atomPerson     `xml:"author"`
	Links      []atomLink     `xml:"link"`
	Categories []atomCategory `xml:"category"`
	Summary    *atomText      `xml:"summary,omitempty"`
	Content    atomText       `xml:"content"`
}

// Atom writes the feed as Atom 1.0.
func Atom(f *Feed) []byte {
	out := atomFeed{Lang: f.Lang, ID: f.SelfURL, Title: f.Title, Subtitle: f.Description, Updated: f.updated().Format(time.RFC3339),
		Author: atomPerson{Name: f.Author},
		Links:  []atomLink{{Rel: "self", Type: "application/atom+xml", Href: f.SelfURL}, {Rel: "alternate", Type: "text/html", Href: f.PageURL}}}
	for _, it := range f.Items {
		e := atomEntry{Lang: it.Lang, ID: it.ID, Title: it.Title, Updated: it.Updated.UTC().Format(time.RFC3339),
			Author:  atomPerson{Name: it.Author},
			Links:   []atomLink{{Rel: "alternate", Type: "text/html", Href: it.URL, HrefLang: it.Lang}},
			Content: atomText{Type: "html", Body: it.HTML}}
		if !it.Published.IsZero() {
			e.Published = it.Published.UTC().Format(time.RFC3339)
		}
		if it.Summary != "" {
			e.Summary = &atomText{Type: "text", Body: it.Summary}
		}
		if it.Image != nil {
			e.Links = append(e.Links, atomLink{Rel: "enclosure", Type: it.Image.Type, Href: it.Image.URL, Title: it.Image.Alt})
		}
		for _, c := range it.categories(f.Hashtag) {
			e.Categories = append(e.Categories, atomCategory{Term: c})
		}
		out.Entries = append(out.Entries, e)
	}
	return marshalXML(out)
}

// --- RSS 2.0 ---

type rssDoc struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	Atom    string     `xml:"xmlns:atom,attr"`
	DC      string     `xml:"xmlns:dc,attr"`
	Media   string     `xml:"xmlns:media,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Self          rssSelf   `xml:"atom:link"`
	Title         string    `xml:"title"`
	Link          string    `xml:"link"`
	Description   string    `xml:"description"`
	Language      string    `xml:"language,omitempty"`
	LastBuildDate string    `xml:"lastBuildDate"`
	Items         []rssItem `xml:"item"`
}

type rssSelf struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
}

type rssGUID struct {
	IsPermaLink string `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

type rssEnclosure struct {
	URL    string `xml:"url,attr"`
	Length string `xml:"length,attr"`
	Type   string `xml:"type,attr"`
}

type rssMedia struct {
	URL         string `xml:"url,attr"`
	Medium      string `xml:"medium,attr"`
	Type        string `xml:"type,attr"`
	Width       int    `xml:"width,attr,omitempty"`
	Height      int    `xml:"height,attr,omitempty"`
	Description string `xml:"media:description,omitempty"`
}

type rssItem struct {
	Title       string        `xml:"title"`
	Link        string        `xml:"link"`
	GUID        rssGUID       `xml:"guid"`
	PubDate     string        `xml:"pubDate"`
	Creator     string        `xml:"dc:creator"`
	Language    string        `xml:"dc:language,omitempty"`
	Categories  []string      `xml:"category"`
	Description string        `xml:"description"`
	Enclosure   *rssEnclosure `xml:"enclosure"`
	Media       *rssMedia     `xml:"media:content"`
}

// RSS writes the feed as RSS 2.0, with the item's language in Dublin Core
// and the photo's description in Media RSS (RSS has no place for either).
func RSS(f *Feed) []byte {
	ch := rssChannel{Title: f.Title, Link: f.PageURL, Description: f.Description, Language: f.Lang,
		LastBuildDate: f.updated().Format(time.RFC1123Z), Self: rssSelf{Href: f.SelfURL, Rel: "self", Type: "application/rss+xml"}}
	if ch.Description == "" {
		ch.Description = f.Title
	}
	for _, it := range f.Items {
		item := rssItem{Title: it.Title, Link: it.URL, GUID: rssGUID{IsPermaLink: "true", Value: it.ID},
			PubDate: it.Published.UTC().Format(time.RFC1123Z), Creator: it.Author, Language: it.Lang,
			Categories: it.categories(f.Hashtag), Description: it.HTML}
		if it.Image != nil {
			// The length is unknown without reading the file; RSS readers
			// take 0 as "unknown".
			item.Enclosure = &rssEnclosure{URL: it.Image.URL, Length: "0", Type: it.Image.Type}
			item.Media = &rssMedia{URL: it.Image.URL, Medium: "image", Type: it.Image.Type, Width: it.Image.Width, Height: it.Image.Height, Description: it.Image.Alt}
		}
		ch.Items = append(ch.Items, item)
	}
	return marshalXML(rssDoc{Version: "2.0", Atom: "http://www.w3.org/2005/Atom", DC: "http://purl.org/dc/elements/1.1/",
		Media: "http://search.yahoo.com/mrss/", Channel: ch})
}

// --- JSON Feed 1.1 ---

type jsonFeed struct {
	Version     string       `json:"version"`
	Title       string       `json:"title"`
	HomePageURL string       `json:"home_page_url,omitempty"`
	FeedURL     string       `json:"feed_url,omitempty"`
	Description string       `json:"description,omitempty"`
	Language    string       `json:"language,omitempty"`
	Authors     []jsonAuthor `json:"authors,omitempty"`
	Items       []jsonItem   `json:"items"`
}

type jsonAuthor struct {
	Name string `json:"name"`
}

type jsonAttachment struct {
	URL      string `json:"url"`
	MimeType string `json:"mime_type"`
	Title    string `json:"title,omitempty"`
}

type jsonItem struct {
	ID            string           `json:"id"`
	URL           string           `json:"url"`
	Title         string           `json:"title"`
	ContentHTML   string           `json:"content_html"`
	Summary       string           `json:"summary,omitempty"`
	Image         string           `json:"image,omitempty"`
	DatePublished string           `json:"date_published,omitempty"`
	DateModified  string           `json:"date_modified,omitempty"`
	Authors       []jsonAuthor     `json:"authors"`
	Tags          []string         `json:"tags,omitempty"`
	Language      string           `json:"language,omitempty"`
	Attachments   []jsonAttachment `json:"attachments,omitempty"`
}

// JSON writes the feed as JSON Feed 1.1; the photo is the item's image,
// and an attachment whose title is its description.
func JSON(f *Feed) []byte {
	out := jsonFeed{Version: "https://jsonfeed.org/version/1.1", Title: f.Title, HomePageURL: f.PageURL, FeedURL: f.SelfURL,
		Description: f.Description, Language: f.Lang, Authors: []jsonAuthor{{Name: f.Author}}, Items: []jsonItem{}}
	for _, it := range f.Items {
		item := jsonItem{ID: it.ID, URL: it.URL, Title: it.Title, ContentHTML: it.HTML, Summary: it.Summary,
			DateModified: it.Updated.UTC().Format(time.RFC3339), Authors: []jsonAuthor{{Name: it.Author}},
			Tags: it.categories(f.Hashtag), Language: it.Lang}
		if !it.Published.IsZero() {
			item.DatePublished = it.Published.UTC().Format(time.RFC3339)
		}
		if it.Image != nil {
			item.Image = it.Image.URL
			item.Attachments = []jsonAttachment{{URL: it.Image.URL, MimeType: it.Image.Type, Title: it.Image.Alt}}
		}
		out.Items = append(out.Items, item)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(out); err != nil {
		panic(err) // strings, slices and numbers only: cannot fail
	}
	return buf.Bytes()
}

func marshalXML(v any) []byte {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", " ")
	if err := enc.Encode(v); err != nil {
		panic(err) // strings and numbers only: cannot fail
	}
	buf.WriteByte('\n')
	return buf.Bytes()
}
