package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"

	"chorus/internal/story"
)

// feedState keeps a feed's validators for conditional requests.
type feedState struct {
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
}

// maxFeedItems bounds the items taken from one answer.
const maxFeedItems = 200

// pollFeed fetches a feed (RSS 2.0, Atom or JSON Feed) when it changed and
// takes its items: those carrying one of the tags, or all of them when the
// source names none.
func (r *Runner) pollFeed(ctx context.Context, src *story.Source) (state []byte, added int, err error) {
	var st feedState
	if len(src.State) > 0 {
		_ = json.Unmarshal(src.State, &st)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src.URL, nil)
	if err != nil {
		return src.State, 0, err
	}
	req.Header.Set("Accept", "application/atom+xml, application/rss+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.8, */*;q=0.1")
	if st.ETag != "" {
		req.Header.Set("If-None-Match", st.ETag)
	}
	if st.LastModified != "" {
		req.Header.Set("If-Modified-Since", st.LastModified)
	}
	res, err := r.app.Outbound.Do(req)
	if err != nil {
		return src.State, 0, err
	}
	defer res.Body.Close()
	switch {
	case res.StatusCode == http.StatusNotModified:
		return src.State, 0, nil
	case res.StatusCode != http.StatusOK:
		io.Copy(io.Discard, io.LimitReader(res.Body, 4096))
		return src.State, 0, fmt.Errorf("%s answered %d", hostOf(src.URL), res.StatusCode)
	}
	items, err := parseFeed(res.Body, src.Tags)
	if err != nil {
		return src.State, 0, err
	}
	for _, in := range items {
		created, err := r.take(ctx, in)
		if err != nil {
			return src.State, added, err
		}
		if created {
			added++
		}
	}
	st.ETag, st.LastModified = clipLine(res.Header.Get("ETag"), 200), clipLine(res.Header.Get("Last-Modified"), 100)
	state, _ = json.Marshal(st)
	return state, added, nil
}

// parseFeed reads a feed and converts the items to keep. Whatever the
// parser hands over is outside data: clipped, stripped to plain text, and
// items without an http(s) link are dropped by the intake's checks.
func parseFeed(body io.Reader, tags []string) ([]story.IncomingPost, error) {
	feed, err := gofeed.NewParser().Parse(body)
	if err != nil {
		return nil, fmt.Errorf("not a feed we can read: %w", err)
	}
	lang := languageOf(feed.Language)
	feedAuthor := feed.Title
	if len(feed.Authors) > 0 && feed.Authors[0] != nil && feed.Authors[0].Name != "" {
		feedAuthor = feed.Authors[0].Name
	}
	var out []story.IncomingPost
	for i, item := range feed.Items {
		if i == maxFeedItems {
			break
		}
		if item == nil || !itemTagged(item, tags) {
			continue
		}
		link := item.Link
		if link == "" && len(item.Links) > 0 {
			link = item.Links[0]
		}
		body := item.Content
		if body == "" {
			body = item.Description
		}
		text := plainText(body)
		if title := plainText(item.Title); title != "" && !strings.HasPrefix(text, title) {
			text = clip(title + "\n\n" + text)
		}
		author := feedAuthor
		if len(item.Authors) > 0 && item.Authors[0] != nil && item.Authors[0].Name != "" {
			author = item.Authors[0].Name // never the e-mail address
		}
		if author == "" {
			author = hostOf(link)
		}
		posted := time.Time{}
		switch {
		case item.PublishedParsed != nil:
			posted = *item.PublishedParsed
		case item.UpdatedParsed != nil:
			posted = *item.UpdatedParsed
		}
		if posted.IsZero() {
			posted = time.Now().UTC()
		}
		id := firstNonEmpty(item.GUID, link)
		if len(id) > story.MaxSourceID {
			id = id[:story.MaxSourceID]
		}
		out = append(out, story.IncomingPost{
			Network: "feed", SourceID: id, SourceURL: link, Author: clipLine(plainText(author), story.MaxPostAuthor),
			Server: clipLine(hostOf(link), story.MaxPostAuthor), Text: text, Language: lang, PostedAt: posted,
		})
	}
	return out, nil
}

// itemTagged reports whether an item carries one of the tags, as a
// category or as a hashtag in its text; with no tags, every item does.
func itemTagged(item *gofeed.Item, tags []string) bool {
	if len(tags) == 0 {
		return true
	}
	text := strings.ToLower(item.Title + " " + item.Description + " " + item.Content)
	for _, t := range tags {
		for _, c := range item.Categories {
			if strings.EqualFold(strings.TrimPrefix(strings.TrimSpace(c), "#"), t) {
				return true
			}
		}
		if strings.Contains(text, "#"+strings.ToLower(t)) {
			return true
		}
	}
	return false
}
