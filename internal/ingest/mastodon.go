package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"chorus/internal/story"
)

// The Mastodon client API's tag timeline, as Mastodon, GoToSocial and
// Akkoma answer it. Only the fields the wall needs are read.
type mastodonStatus struct {
	ID          string           `json:"id"`
	URI         string           `json:"uri"`
	URL         string           `json:"url"`
	CreatedAt   time.Time        `json:"created_at"`
	EditedAt    *time.Time       `json:"edited_at"`
	Content     string           `json:"content"`
	Language    *string          `json:"language"`
	Visibility  string           `json:"visibility"`
	Sensitive   bool             `json:"sensitive"`
	SpoilerText string           `json:"spoiler_text"`
	Reblog      *json.RawMessage `json:"reblog"`
	Account     struct {
		Acct         string `json:"acct"`
		DisplayName  string `json:"display_name"`
		URL          string `json:"url"`
		Note         string `json:"note"`
		Discoverable *bool  `json:"discoverable"`
		Indexable    *bool  `json:"indexable"`
		Bot          bool   `json:"bot"`
	} `json:"account"`
	MediaAttachments []struct {
		Type        string  `json:"type"`
		URL         string  `json:"url"`
		PreviewURL  string  `json:"preview_url"`
		Description *string `json:"description"`
	} `json:"media_attachments"`
}

// mastodonState is what a Mastodon source remembers between polls.
type mastodonState struct {
	// MinID is, per tag, the newest status id seen: the next poll asks
	// for what came after it.
	MinID map[string]string `json:"min_id"`
	// Recent are the statuses taken in during the last 48 hours, checked
	// again so a deletion at the source is noticed.
	Recent []recentStatus `json:"recent,omitempty"`
}

type recentStatus struct {
	ID      string    `json:"id"`
	URI     string    `json:"uri"`
	Posted  time.Time `json:"posted"`
	Checked time.Time `json:"checked"`
}

const (
	mastodonPage       = 40
	mastodonMaxPages   = 10             // per tag and poll: a backlog drains over a few polls
	recheckWindow      = 48 * time.Hour // deletions are looked for this long
	recheckPerPoll     = 20
	recheckGap         = time.Minute // a status just read is not asked for again at once
	maxRecent          = 2000
	mastodonStatusSize = 64 << 10
)

// errRateLimited carries how long the server asked us to wait.
type errRateLimited struct{ wait time.Duration }

func (e errRateLimited) Error() string {
	return fmt.Sprintf("rate limited by the server: waiting %s", e.wait.Round(time.Second))
}

// pollMastodon reads each tag's timeline after the last status seen, then
// checks recent statuses again for deletions and edits.
func (r *Runner) pollMastodon(ctx context.Context, src *story.Source) (state []byte, added int, wait time.Duration, err error) {
	var st mastodonState
	if len(src.State) > 0 {
		if err := json.Unmarshal(src.State, &st); err != nil {
			st = mastodonState{}
		}
	}
	if st.MinID == nil {
		st.MinID = map[string]string{}
	}
	known := r.knownStatuses(src.ID)
	for _, s := range st.Recent {
		known.add(s.ID, s.URI)
	}
	base := strings.TrimRight(src.URL, "/")
	save := func() []byte { b, _ := json.Marshal(st); return b }
	for _, tag := range src.Tags {
		for page := 0; page < mastodonMaxPages; page++ {
			q := url.Values{"limit": {strconv.Itoa(mastodonPage)}}
			if min := st.MinID[tag]; min != "" {
				q.Set("min_id", min)
			}
			var statuses []mastodonStatus
			res, err := r.getJSON(ctx, base+"/api/v1/timelines/tag/"+url.PathEscape(tag)+"?"+q.Encode(), &statuses)
			if err != nil {
				return save(), added, rateWait(res, r.now()), err
			}
			newest := st.MinID[tag]
			for i := range statuses {
				s := &statuses[i]
				if laterID(s.ID, newest) {
					newest = s.ID
				}
				ok, err := r.takeMastodon(ctx, s)
				if err != nil {
					return save(), added, 0, err
				}
				known.add(s.ID, s.URI)
				if ok {
					added++
					st.Recent = append(st.Recent, recentStatus{ID: s.ID, URI: s.URI, Posted: s.CreatedAt, Checked: r.now()})
				}
			}
			st.MinID[tag] = newest
			if wait := rateWait(res, r.now()); wait > 0 {
				return save(), added, wait, nil
			}
			// Without min_id the server answers the newest page: the
			// campaign starts from now, not from the tag's whole past.
			if len(statuses) < mastodonPage || q.Get("min_id") == "" {
				break
			}
		}
	}
	wait, err = r.recheckMastodon(ctx, base, &st)
	return save(), added, wait, err
}

// recheckMastodon asks again for the statuses least recently checked
// within their first 48 hours: one that answers 404 or 410 was deleted.
func (r *Runner) recheckMastodon(ctx context.Context, base string, st *mastodonState) (time.Duration, error) {
	now := r.now()
	kept := st.Recent[:0]
	for _, s := range st.Recent {
		if now.Sub(s.Posted) < recheckWindow {
			kept = append(kept, s)
		}
	}
	if len(kept) > maxRecent {
		kept = kept[len(kept)-maxRecent:]
	}
	st.Recent = kept
	order := make([]int, len(kept))
	for i := range order {
		order[i] = i
	}
	// The least recently checked first.
	sortBy(order, func(i int) time.Time { return kept[i].Checked })
	checked := 0
	for _, i := range order {
		s := &kept[i]
		if checked == recheckPerPoll || now.Sub(s.Checked) < recheckGap {
			break // the rest were checked later still
		}
		checked++
		var status mastodonStatus
		res, err := r.getJSON(ctx, base+"/api/v1/statuses/"+url.PathEscape(s.ID), &status)
		switch {
		case res != nil && (res.StatusCode == http.StatusNotFound || res.StatusCode == http.StatusGone):
			if err := r.app.RemovePostAtSource(ctx, "fediverse", s.URI); err != nil && !errors.Is(err, story.ErrNotFound) {
				return 0, err
			}
			r.metrics.deleted.WithLabelValues("fediverse").Inc()
			s.Posted = time.Time{} // dropped below
		case err != nil:
			return rateWait(res, now), err
		default:
			if _, err := r.takeMastodon(ctx, &status); err != nil {
				return 0, err
			}
		}
		s.Checked = now
		if wait := rateWait(res, now); wait > 0 {
			break
		}
	}
	kept = st.Recent[:0]
	for _, s := range st.Recent {
		if !s.Posted.IsZero() {
			kept = append(kept, s)
		}
	}
	st.Recent = kept
	return 0, nil
}

// takeMastodon hands a status to the intake unless its author opted out
// of indexing or it is not public. It reports whether the post is new.
func (r *Runner) takeMastodon(ctx context.Context, s *mastodonStatus) (bool, error) {
	if s.Reblog != nil && string(*s.Reblog) != "null" {
		return false, nil
	}
	if s.Visibility != "" && s.Visibility != "public" {
		return false, nil
	}
	if optedOut(s.Account.Note) || (s.Account.Discoverable != nil && !*s.Account.Discoverable) || (s.Account.Indexable != nil && !*s.Account.Indexable) {
		r.metrics.skipped.WithLabelValues("fediverse").Inc()
		return false, nil
	}
	server := hostOf(s.Account.URL)
	acct := s.Account.Acct
	if !strings.Contains(acct, "@") && server != "" {
		acct += "@" + server
	}
	text := plainText(s.Content)
	if s.SpoilerText != "" {
		text = clip(plainText(s.SpoilerText) + "\n\n" + text)
	}
	in := story.IncomingPost{
		Network: "fediverse", SourceID: s.URI, SourceURL: firstNonEmpty(s.URL, s.URI), Author: clipLine("@"+acct, story.MaxPostAuthor),
		AuthorName: clipLine(plainText(s.Account.DisplayName), story.MaxPostAuthor), Server: clipLine(server, story.MaxPostAuthor),
		Text: text, PostedAt: s.CreatedAt,
	}
	if s.Language != nil {
		in.Language = languageOf(*s.Language)
	}
	for _, m := range s.MediaAttachments {
		if m.Type != "image" || len(in.Media) == story.MaxPostMedia {
			continue
		}
		alt := ""
		if m.Description != nil {
			alt = *m.Description
		}
		in.Media = append(in.Media, story.IncomingMedia{URL: firstNonEmpty(m.PreviewURL, m.URL), Alt: clip(alt)})
	}
	return r.take(ctx, in)
}

// optedOut reports whether a profile's text asks bots not to index it.
func optedOut(profile string) bool {
	p := strings.ToLower(profile)
	return strings.Contains(p, "#nobot") || strings.Contains(p, "#noindex")
}

// laterID compares status ids of Mastodon (numbers), GoToSocial (ULIDs)
// and Akkoma (flake ids): a longer id is later, then the larger.
func laterID(a, b string) bool {
	if len(a) != len(b) {
		return len(a) > len(b)
	}
	return a > b
}

// rateWait reads how long a server asks us to wait: Retry-After on 429 or
// 503, or the X-RateLimit-Reset time when no request is left.
func rateWait(res *http.Response, now time.Time) time.Duration {
	if res == nil {
		return 0
	}
	if res.StatusCode == http.StatusTooManyRequests || res.StatusCode == http.StatusServiceUnavailable {
		if v := res.Header.Get("Retry-After"); v != "" {
			if secs, err := strconv.Atoi(v); err == nil {
				return boundWait(time.Duration(secs) * time.Second)
			}
			if at, err := http.ParseTime(v); err == nil {
				return boundWait(at.Sub(now))
			}
		}
	}
	if res.Header.Get("X-RateLimit-Remaining") == "0" {
		if at, err := time.Parse(time.RFC3339, res.Header.Get("X-RateLimit-Reset")); err == nil {
			return boundWait(at.Sub(now))
		}
		return 5 * time.Minute
	}
	if res.StatusCode == http.StatusTooManyRequests {
		return 5 * time.Minute
	}
	return 0
}

// boundWait keeps a server's request to wait between a second and an hour.
func boundWait(d time.Duration) time.Duration { return min(max(d, time.Second), time.Hour) }

// getJSON fetches a JSON answer into v. The response is returned (body
// closed) when one came, so callers can read its status and headers.
func (r *Runner) getJSON(ctx context.Context, rawURL string, v any) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	res, err := r.app.Outbound.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		io.Copy(io.Discard, io.LimitReader(res.Body, 4096))
		if wait := rateWait(res, r.now()); wait > 0 {
			return res, errRateLimited{wait}
		}
		return res, fmt.Errorf("%s answered %d", hostOf(rawURL), res.StatusCode)
	}
	if ct := res.Header.Get("Content-Type"); ct != "" && !strings.Contains(ct, "json") {
		return res, fmt.Errorf("%s answered %s, not JSON", hostOf(rawURL), clipLine(ct, 80))
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		return res, fmt.Errorf("%s answered JSON we cannot read: %w", hostOf(rawURL), err)
	}
	return res, nil
}

func hostOf(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

var languagePattern = regexp.MustCompile(`^[a-z]{2,3}(-[a-z0-9]{2,8})*$`)

// languageOf keeps a network's language code when it is a language tag.
func languageOf(code string) string {
	code = strings.ReplaceAll(strings.ToLower(strings.TrimSpace(code)), "_", "-")
	if len(code) > 35 || !languagePattern.MatchString(code) {
		return ""
	}
	return code
}
