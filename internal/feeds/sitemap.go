package feeds

import (
	"encoding/xml"
	"time"
)

// SitemapLimit is the most URLs one sitemap may list (sitemaps.org).
const SitemapLimit = 50000

// SitemapURL is one page of a sitemap, with its versions in other
// languages (its hreflang alternates, itself included).
type SitemapURL struct {
	Loc        string
	LastMod    time.Time
	Alternates []Alternate
}

// Alternate is the version of a page in one language.
type Alternate struct{ Lang, URL string }

type sitemapIndex struct {
	XMLName  xml.Name       `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
	Sitemaps []sitemapEntry `xml:"sitemap"`
}

type sitemapEntry struct {
	Loc string `xml:"loc"`
}

type urlSet struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	XHTML   string       `xml:"xmlns:xhtml,attr"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string      `xml:"loc"`
	LastMod string      `xml:"lastmod,omitempty"`
	Links   []xhtmlLink `xml:"xhtml:link"`
}

type xhtmlLink struct {
	Rel      string `xml:"rel,attr"`
	HrefLang string `xml:"hreflang,attr"`
	Href     string `xml:"href,attr"`
}

// SitemapIndex lists the sitemaps at locs.
func SitemapIndex(locs []string) []byte {
	var idx sitemapIndex
	for _, l := range locs {
		idx.Sitemaps = append(idx.Sitemaps, sitemapEntry{Loc: l})
	}
	return marshalXML(idx)
}

// Sitemap lists pages with their alternates, at most SitemapLimit.
func Sitemap(urls []SitemapURL) []byte {
	set := urlSet{XHTML: "http://www.w3.org/1999/xhtml"}
	for i, u := range urls {
		if i == SitemapLimit {
			break
		}
		e := sitemapURL{Loc: u.Loc}
		if !u.LastMod.IsZero() {
			e.LastMod = u.LastMod.UTC().Format("2006-01-02")
		}
		if len(u.Alternates) > 1 {
			for _, a := range u.Alternates {
				e.Links = append(e.Links, xhtmlLink{Rel: "alternate", HrefLang: a.Lang, Href: a.URL})
			}
		}
		set.URLs = append(set.URLs, e)
	}
	return marshalXML(set)
}
