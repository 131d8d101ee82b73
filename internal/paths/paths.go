// Package paths builds the public paths of the site's pages and files, so
// that any package (API, web pages, toolkit, later federation and feeds)
// links to them without importing the packages that serve them. The routes
// that serve them are in internal/web/routes.go; a test there checks that
// every path built here is served.
package paths

import (
	"net/url"
	"strconv"
	"strings"
)

// HomePath is the home page in lang: /{lang}/.
func HomePath(lang string) string { return "/" + seg(lang) + "/" }

// StoryPath is a story's page in lang: /{lang}/stories/{id}.
func StoryPath(lang, id string) string { return "/" + seg(lang) + "/stories/" + seg(id) }

// StorySharePath counts a click on a story's share link of a network and
// leads to that network's own sharing page.
func StorySharePath(lang, id, network string) string {
	return StoryPath(lang, id) + "/share/" + seg(network)
}

// OpenDataPath is one of the open data's files (stories.csv, stories.jsonl).
func OpenDataPath(file string) string { return "/open-data/" + seg(file) }

// OriginalStoryPath is the page of a story in the words it was written in,
// with the interface in lang: /{lang}/stories/{id}/original.
func OriginalStoryPath(lang, id string) string { return StoryPath(lang, id) + "/original" }

// StoryCardPath is a story's share card image of one size ("og",
// "square"...): /{lang}/stories/{id}/card/{size}.png.
func StoryCardPath(lang, id, size string) string {
	return StoryPath(lang, id) + "/card/" + seg(size) + ".png"
}

// VoiceCardPath is the quote card of a story in the toolkit's voices, in
// one size: /{lang}/toolkit/voices/{id}-{size}.png.
func VoiceCardPath(lang, id, size string) string {
	return "/" + seg(lang) + "/toolkit/voices/" + seg(id) + "-" + seg(size) + ".png"
}

// ToolkitCardPath is the card image of the toolkit's key message number n
// (from 1) in one size: /{lang}/toolkit/cards/{n}-{size}.png.
func ToolkitCardPath(lang string, n int, size string) string {
	return "/" + seg(lang) + "/toolkit/cards/" + strconv.Itoa(n) + "-" + seg(size) + ".png"
}

// PhotoPath is a published story's photo file: /media/{id}/{file}.
func PhotoPath(id, file string) string { return PhotosPath(id) + seg(file) }

// PhotosPath is the folder of a published story's photo files:
// /media/{id}/.
func PhotosPath(id string) string { return "/media/" + seg(id) + "/" }

// StaffPhotoPath is a pending story's photo file as staff see it:
// /staff/media/{id}/{file}.
func StaffPhotoPath(id, file string) string { return StaffPhotosPath(id) + seg(file) }

// StaffPhotosPath is the folder of a story's photo files as staff see
// them: /staff/media/{id}/.
func StaffPhotosPath(id string) string { return "/staff/media/" + seg(id) + "/" }

// PhotoFile is the file name a photo is served under: the last element of
// its storage key.
func PhotoFile(key string) string { return key[strings.LastIndexByte(key, '/')+1:] }

// PartnersPath is the list of the campaign's partners: /{lang}/partners.
func PartnersPath(lang string) string { return "/" + seg(lang) + "/partners" }

// PartnerPath is a partner organisation's page: /{lang}/partners/{slug}.
func PartnerPath(lang, slug string) string { return PartnersPath(lang) + "/" + seg(slug) }

// PartnerLogoPath is a partner organisation's logo, a PNG:
// /partners/{slug}/logo.png.
func PartnerLogoPath(slug string) string { return "/partners/" + seg(slug) + "/logo.png" }

// CollectionPath is a collection's page; a collection is in one language:
// /{lang}/collections/{slug}.
func CollectionPath(lang, slug string) string { return "/" + seg(lang) + "/collections/" + seg(slug) }

// CollectionFeedPath is a collection's feed in one format (atom, rss, json).
func CollectionFeedPath(lang, slug, format string) string {
	return CollectionPath(lang, slug) + "/feed." + format
}

// CollectionEmbedPath is the frameable page of a collection.
func CollectionEmbedPath(lang, slug string) string {
	return "/" + seg(lang) + "/embed/collections/" + seg(slug)
}

// PrivatePath is a storyteller's private page with its token:
// /{lang}/my/{id}/{token}.
func PrivatePath(lang, id, token string) string {
	return "/" + seg(lang) + "/my/" + seg(id) + "/" + seg(token)
}

// seg escapes one path segment. Identifiers, language codes and file names
// need no escaping; a value that would (a stray '/', '?' or '%') stays one
// segment instead of changing the path.
func seg(s string) string { return url.PathEscape(s) }

// FeedPath is the story list's feed in one format ("atom", "rss" or
// "json"): /{lang}/feed.{format}.
func FeedPath(lang, format string) string { return "/" + seg(lang) + "/feed." + seg(format) }

// StoryEmbedPath is a story's embed, the page partners frame:
// /{lang}/embed/stories/{id}.
func StoryEmbedPath(lang, id string) string { return "/" + seg(lang) + "/embed/stories/" + seg(id) }

// StoriesEmbedPath is the embed of a list of stories (its filters follow
// in the query): /{lang}/embed/stories.
func StoriesEmbedPath(lang string) string { return "/" + seg(lang) + "/embed/stories" }

// OEmbedPath is the oEmbed endpoint: /oembed.
func OEmbedPath() string { return "/oembed" }

// SitemapPath is the sitemap index: /sitemap.xml; LangSitemapPath the
// sitemap of one language's pages: /sitemap-{lang}.xml.
func SitemapPath() string { return "/sitemap.xml" }

// LangSitemapPath is the sitemap of one language's pages: /sitemap-{lang}.xml.
func LangSitemapPath(lang string) string { return "/sitemap-" + seg(lang) + ".xml" }

// ActorPath is the campaign's ActivityPub actor: /ap/actor. Its account
// on the fediverse is ActorUsername at the site's host.
const ActorPath = "/ap/actor"

// ActorUsername names the campaign's fediverse account: @stories@HOST.
const ActorUsername = "stories"
