package federation

import (
	"context"
	"errors"
	"html"
	"mime"
	"net/url"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"chorus/internal/fediverse"
	"chorus/internal/paths"
	"chorus/internal/story"
)

// longStory is the length past which a story goes out as an Article
// (title and body apart) rather than a Note.
const longStory = 500

func htmlEscape(s string) string { return html.EscapeString(s) }

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

func (f *Federation) storyPage(lang, id string) string { return f.base + paths.StoryPath(lang, id) }

// federation states of a story.
type storyState int

const (
	storyUnknown storyState = iota // never public here, or not to be shared
	storyLive                      // published, shared on the fediverse
	storyGone                      // its copies were deleted
)

// federable tells whether a story may be on the fediverse.
func (f *Federation) federable(ctx context.Context, id string) (*story.Story, storyState, error) {
	s, err := f.app.PublicStory(ctx, id)
	switch {
	case errors.Is(err, story.ErrGone):
		return nil, storyGone, nil
	case errors.Is(err, story.ErrNotFound):
		return nil, storyUnknown, nil
	case err != nil:
		return nil, storyUnknown, err
	}
	ended, err := f.app.FederationEnded(ctx, id)
	switch {
	case err != nil:
		return nil, storyUnknown, err
	case ended:
		return nil, storyGone, nil
	case !s.Consent.Social:
		return nil, storyUnknown, nil
	}
	return s, storyLive, nil
}

// storyContent is the HTML of a story in one language: title, paragraphs,
// link to its page, hashtags.
func (f *Federation) storyContent(s *story.Story, lang, title, body string, withTitle bool) string {
	var b strings.Builder
	if withTitle {
		b.WriteString("<p><strong>" + htmlEscape(title) + "</strong></p>")
	}
	for para := range strings.SplitSeq(strings.ReplaceAll(body, "\r\n", "\n"), "\n\n") {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		b.WriteString("<p>" + strings.ReplaceAll(htmlEscape(para), "\n", "<br>") + "</p>")
	}
	page := f.storyPage(lang, s.ID)
	b.WriteString(`<p><a href="` + htmlEscape(page) + `">` + htmlEscape(page) + `</a></p><p>`)
	for i, t := range f.hashtags(s, lang) {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(`<a href="` + htmlEscape(t.href) + `" class="mention hashtag" rel="tag">#<span>` +
			htmlEscape(strings.TrimPrefix(t.name, "#")) + `</span></a>`)
	}
	b.WriteString("</p>")
	return b.String()
}

type hashtag struct{ name, href string }

// hashtags are the campaign's and the story's themes, each linking to our
// page of its stories.
func (f *Federation) hashtags(s *story.Story, lang string) []hashtag {
	stories := f.base + "/" + url.PathEscape(lang) + "/stories"
	tags := []hashtag{{name: "#" + strings.TrimPrefix(f.app.Campaign.Hashtag, "#"), href: stories}}
	for _, theme := range s.Themes {
		tags = append(tags, hashtag{name: "#" + theme, href: stories + "?theme=" + url.QueryEscape(theme)})
	}
	return tags
}

// storyObject is a story as a Note (or an Article when long), in its
// language and its published translations.
func (f *Federation) storyObject(ctx context.Context, s *story.Story) (map[string]any, error) {
	translations, err := f.app.PublishedTranslations(ctx, s)
	if err != nil {
		return nil, err
	}
	article := utf8.RuneCountInString(s.Body) > longStory
	kind := "Note"
	if article {
		kind = "Article"
	}
	content := f.storyContent(s, s.Language, s.Title, s.Body, !article)
	contents := map[string]string{s.Language: content}
	names := map[string]string{s.Language: s.Title}
	for _, t := range translations[s.ID] {
		contents[t.Language] = f.storyContent(s, t.Language, t.Title, t.Body, !article)
		names[t.Language] = t.Title
	}
	var tags []map[string]string
	for _, t := range f.hashtags(s, s.Language) {
		tags = append(tags, map[string]string{"type": "Hashtag", "name": t.name, "href": t.href})
	}
	obj := map[string]any{
		"id":           f.objectURL(s.ID),
		"type":         kind,
		"attributedTo": f.actorURL(),
		"url":          f.storyPage(s.Language, s.ID),
		"published":    s.PublishedAt.UTC().Format(time.RFC3339),
		"to":           []string{publicAddress},
		"cc":           []string{f.actorURL() + "/followers"},
		"content":      content,
		"contentMap":   contents,
		"tag":          tags,
		"sensitive":    false,
	}
	if article {
		obj["name"], obj["nameMap"] = s.Title, names
	}
	if s.UpdatedAt.After(s.PublishedAt) {
		obj["updated"] = s.UpdatedAt.UTC().Format(time.RFC3339)
	}
	if s.Photo != nil {
		if size := pagePhoto(s.Photo); size != nil {
			file := paths.PhotoFile(size.Key)
			obj["attachment"] = []map[string]any{{
				"type": "Image", "mediaType": mime.TypeByExtension(path.Ext(file)),
				"url": f.base + paths.PhotoPath(s.ID, file), "name": s.Photo.Alt,
				"width": size.Width, "height": size.Height,
			}}
		}
	}
	return obj, nil
}

// pagePhoto is the larger, metadata-free rendition of a photo.
func pagePhoto(p *story.Photo) *story.PhotoSize {
	var best *story.PhotoSize
	for i := range p.Sizes {
		if best == nil || p.Sizes[i].Name == "page" {
			best = &p.Sizes[i]
		}
	}
	return best
}

// activity wraps a story's object in a Create or Update.
func (f *Federation) activity(kind string, s *story.Story, obj map[string]any) map[string]any {
	id := f.objectURL(s.ID) + "#create"
	published := s.PublishedAt
	if kind == fediverse.ActivityUpdate {
		published = s.UpdatedAt
		id = f.objectURL(s.ID) + "#update-" + published.UTC().Format("20060102T150405.000000")
		obj["updated"] = published.UTC().Format(time.RFC3339)
	}
	return map[string]any{
		"@context":  activityContext,
		"id":        id,
		"type":      kind,
		"actor":     f.actorURL(),
		"published": published.UTC().Format(time.RFC3339),
		"to":        []string{publicAddress},
		"cc":        []string{f.actorURL() + "/followers"},
		"object":    obj,
	}
}

func (f *Federation) tombstone(id string) map[string]any {
	return map[string]any{"@context": activityContext, "id": f.objectURL(id), "type": "Tombstone"}
}

// deleteActivity removes a story's copies.
func (f *Federation) deleteActivity(id string) map[string]any {
	return map[string]any{
		"@context": activityContext,
		"id":       f.objectURL(id) + "#delete",
		"type":     fediverse.ActivityDelete,
		"actor":    f.actorURL(),
		"to":       []string{publicAddress},
		"object":   map[string]string{"id": f.objectURL(id), "type": "Tombstone"},
	}
}
