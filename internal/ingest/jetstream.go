package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/coder/websocket"

	"chorus/internal/story"
)

// Jetstream's JSON events (v1): only what the wall needs is read.
type jetstreamEvent struct {
	DID    string `json:"did"`
	TimeUS int64  `json:"time_us"`
	Kind   string `json:"kind"`
	Commit *struct {
		Operation  string          `json:"operation"`
		Collection string          `json:"collection"`
		RKey       string          `json:"rkey"`
		Record     *blueskyPost    `json:"record"`
		CID        string          `json:"cid"`
		Rev        json.RawMessage `json:"-"`
	} `json:"commit"`
}

// blueskyPost is an app.bsky.feed.post record.
type blueskyPost struct {
	Text      string   `json:"text"`
	CreatedAt string   `json:"createdAt"`
	Langs     []string `json:"langs"`
	Tags      []string `json:"tags"`
	Facets    []struct {
		Features []struct {
			Type string `json:"$type"`
			Tag  string `json:"tag"`
			URI  string `json:"uri"`
		} `json:"features"`
	} `json:"facets"`
	Embed *struct {
		Type   string `json:"$type"`
		Images []struct {
			Alt   string `json:"alt"`
			Image struct {
				Ref struct {
					Link string `json:"$link"`
				} `json:"ref"`
			} `json:"image"`
		} `json:"images"`
	} `json:"embed"`
	Labels *struct {
		Values []struct {
			Val string `json:"val"`
		} `json:"values"`
	} `json:"labels"`
}

const (
	postCollection  = "app.bsky.feed.post"
	tagFacet        = "app.bsky.richtext.facet#tag"
	imagesEmbed     = "app.bsky.embed.images"
	noUnauthLabel   = "!no-unauthenticated"
	jetstreamRead   = 1 << 20 // one event's size limit
	cursorEvery     = 3 * time.Second
	jetstreamMaxGap = time.Minute
	// lookupErrorShown is how long a failed profile lookup stays on the
	// source once it stops happening.
	lookupErrorShown = time.Minute
)

// jetstreamState is what a Jetstream source remembers: the time_us of the
// last event handled, to resume from.
type jetstreamState struct {
	Cursor int64 `json:"cursor"`
	// AppView is the base URL asked for authors' profile labels; empty:
	// DefaultAppView. Set when the source is added.
	AppView string `json:"appview,omitempty"`
}

// jetstreamFilter decides, quickly, which events matter: posts carrying
// one of the tags, and every deletion of a post.
type jetstreamFilter struct {
	tags     []string
	needles  []foldNeedle // ASCII tags, for the first look; nil: decode all
	matchAll bool
}

func newJetstreamFilter(tags []string) *jetstreamFilter {
	f := &jetstreamFilter{tags: tags}
	for _, t := range tags {
		if !isASCII(t) {
			f.needles = nil
			return f
		}
		f.needles = append(f.needles, newFoldNeedle(t))
	}
	return f
}

// deleteOp is how Jetstream writes a deletion (compact JSON, no spaces).
var deleteOp = []byte(`"operation":"delete"`)

// jetstreamAction is what one event asks of us.
type jetstreamAction struct {
	TimeUS int64
	Delete string              // the at:// URI of a deleted post
	Post   *story.IncomingPost // a matching post, created or updated
}

// decode reads one event. Events that cannot matter are dropped on a
// byte search without decoding them.
func (f *jetstreamFilter) decode(msg []byte) (jetstreamAction, error) {
	if f.needles != nil && !containsAny(msg, f.needles) && !bytes.Contains(msg, deleteOp) {
		return jetstreamAction{TimeUS: timeUS(msg)}, nil
	}
	var ev jetstreamEvent
	if err := json.Unmarshal(msg, &ev); err != nil {
		return jetstreamAction{}, fmt.Errorf("an event we cannot read: %w", err)
	}
	act := jetstreamAction{TimeUS: ev.TimeUS}
	c := ev.Commit
	if ev.Kind != "commit" || c == nil || c.Collection != postCollection || ev.DID == "" || c.RKey == "" {
		return act, nil
	}
	uri := "at://" + ev.DID + "/" + postCollection + "/" + c.RKey
	switch c.Operation {
	case "delete":
		act.Delete = uri
	case "create", "update":
		if c.Record == nil || !f.matches(c.Record) {
			if c.Operation == "update" {
				act.Delete = uri // an edit that dropped the tag leaves the wall
			}
			return act, nil
		}
		if c.Record.optedOut() {
			return act, nil
		}
		act.Post = blueskyIncoming(ev.DID, c.RKey, uri, c.Record, ev.TimeUS)
	}
	return act, nil
}

func containsAny(msg []byte, needles []foldNeedle) bool {
	for _, n := range needles {
		if n.in(msg) {
			return true
		}
	}
	return false
}

var timeKey = []byte(`"time_us":`)

// timeUS reads the time_us of an event without decoding it whole.
func timeUS(msg []byte) int64 {
	i := bytes.Index(msg, timeKey)
	if i < 0 {
		return 0
	}
	rest := msg[i+len(timeKey):]
	end := 0
	for end < len(rest) && rest[end] >= '0' && rest[end] <= '9' {
		end++
	}
	var n int64
	for _, c := range rest[:min(end, 18)] {
		n = n*10 + int64(c-'0')
	}
	return n
}

// matches reports whether a post carries one of the tags, in its tag
// facets or its tags list, without regard to case.
func (f *jetstreamFilter) matches(p *blueskyPost) bool {
	if f.matchAll {
		return true
	}
	for _, want := range f.tags {
		for _, t := range p.Tags {
			if strings.EqualFold(strings.TrimPrefix(t, "#"), want) {
				return true
			}
		}
		for _, facet := range p.Facets {
			for _, feat := range facet.Features {
				if feat.Type == tagFacet && strings.EqualFold(strings.TrimPrefix(feat.Tag, "#"), want) {
					return true
				}
			}
		}
	}
	return false
}

func (p *blueskyPost) optedOut() bool {
	if p.Labels == nil {
		return false
	}
	for _, v := range p.Labels.Values {
		if v.Val == noUnauthLabel {
			return true
		}
	}
	return false
}

// blueskyIncoming converts a post record; its link opens the post on
// Bluesky's public web client, its images come from Bluesky's image
// service once, through the media job.
func blueskyIncoming(did, rkey, uri string, p *blueskyPost, timeUS int64) *story.IncomingPost {
	posted, err := time.Parse(time.RFC3339Nano, p.CreatedAt)
	if err != nil || posted.IsZero() {
		posted = time.UnixMicro(timeUS).UTC()
	}
	in := &story.IncomingPost{
		Network: "bluesky", SourceID: uri, SourceURL: "https://bsky.app/profile/" + url.PathEscape(did) + "/post/" + url.PathEscape(rkey),
		Author: clipLine(did, story.MaxPostAuthor), Server: "bsky.app", Text: clip(p.Text), PostedAt: posted,
	}
	if len(p.Langs) > 0 {
		in.Language = languageOf(p.Langs[0])
	}
	if p.Embed != nil && p.Embed.Type == imagesEmbed {
		for _, img := range p.Embed.Images {
			if len(in.Media) == story.MaxPostMedia || img.Image.Ref.Link == "" {
				continue
			}
			in.Media = append(in.Media, story.IncomingMedia{
				URL: "https://cdn.bsky.app/img/feed_thumbnail/plain/" + url.PathEscape(did) + "/" + url.PathEscape(img.Image.Ref.Link) + "@jpeg",
				Alt: clip(img.Alt),
			})
		}
	}
	return in
}

// followJetstream reads a Jetstream until ctx ends, reconnecting with
// backoff and jitter, resuming from the saved cursor so a restart leaves
// no gap and takes nothing twice.
func (r *Runner) followJetstream(ctx context.Context, src *story.Source) {
	var st jetstreamState
	if len(src.State) > 0 {
		_ = json.Unmarshal(src.State, &st)
	}
	failures := 0
	for ctx.Err() == nil {
		added, err := r.readJetstream(ctx, src, &st)
		if err != nil && ctx.Err() == nil {
			failures++
			r.metrics.errors.WithLabelValues(string(src.Kind)).Inc()
			r.log.Info("jetstream dropped", "source", src.ID, "err", err)
		}
		if ctx.Err() != nil {
			return // stopped, not failed: readJetstream saved the cursor
		}
		state, _ := json.Marshal(st)
		if recErr := r.app.RecordSourceRun(context.WithoutCancel(ctx), src.ID, state, err, added); recErr != nil && !errors.Is(recErr, story.ErrNotFound) {
			r.log.Warn("cannot record a source's run", "source", src.ID, "err", recErr)
		}
		if ctx.Err() != nil {
			return
		}
		if added > 0 {
			failures = min(failures, 1)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff(max(failures, 1), time.Second, jetstreamMaxGap)):
		}
	}
}

// readJetstream reads one connection until it drops, saving the cursor
// every few seconds.
func (r *Runner) readJetstream(ctx context.Context, src *story.Source, st *jetstreamState) (added int, err error) {
	u, err := url.Parse(src.URL)
	if err != nil {
		return 0, err
	}
	q := u.Query()
	q.Set("wantedCollections", postCollection)
	if st.Cursor > 0 {
		q.Set("cursor", strconv.FormatInt(st.Cursor, 10))
	}
	u.RawQuery = q.Encode()
	dialCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	conn, _, err := websocket.Dial(dialCtx, u.String(), &websocket.DialOptions{HTTPClient: r.app.Outbound.StreamClient()})
	cancel()
	if err != nil {
		return 0, fmt.Errorf("cannot connect: %w", err)
	}
	defer conn.CloseNow()
	conn.SetReadLimit(jetstreamRead)
	filter := newJetstreamFilter(src.Tags)
	lastSaved, totalAdded := time.Now(), 0
	// The last profile lookup that failed stays on the source, for admins,
	// while it is recent.
	var lookupErr error
	var lookupFailed time.Time
	save := func() {
		state, _ := json.Marshal(st)
		var shown error
		if time.Since(lookupFailed) < lookupErrorShown {
			shown = lookupErr
		}
		if err := r.app.RecordSourceRun(context.WithoutCancel(ctx), src.ID, state, shown, totalAdded); err != nil && !errors.Is(err, story.ErrNotFound) {
			r.log.Warn("cannot save the jetstream cursor", "source", src.ID, "err", err)
		}
		lastSaved, totalAdded = time.Now(), 0
	}
	defer func() {
		if ctx.Err() != nil {
			save()
		}
		added = totalAdded
	}()
	for {
		// A silent stream is a dead one: Jetstream sends events all the time.
		readCtx, cancel := context.WithTimeout(ctx, jetstreamMaxGap)
		_, msg, err := conn.Read(readCtx)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return totalAdded, nil
			}
			return totalAdded, fmt.Errorf("connection lost: %w", err)
		}
		r.metrics.events.Inc()
		act, err := filter.decode(msg)
		if err != nil {
			r.log.Info("jetstream event skipped", "source", src.ID, "err", err)
			continue
		}
		if act.TimeUS != 0 && act.TimeUS <= st.Cursor {
			continue // replayed after a reconnection: already handled
		}
		if act.Post != nil {
			optedOut, err := r.blueskyOptedOut(ctx, st.AppView, act.Post.Author)
			if err != nil {
				// Respect by default: without the author's answer the post
				// is not taken; admins see why.
				r.log.Info("bluesky profile lookup failed", "source", src.ID, "err", err)
				r.metrics.errors.WithLabelValues("bluesky_profile").Inc()
				first := time.Since(lookupFailed) >= lookupErrorShown
				lookupErr, lookupFailed = err, time.Now()
				if first {
					save()
				}
			}
			if optedOut || err != nil {
				if optedOut {
					r.metrics.skipped.WithLabelValues("bluesky").Inc()
				}
				act.Post = nil
			}
		}
		if err := r.handleJetstream(ctx, act); err != nil {
			return totalAdded, err
		}
		if act.Post != nil {
			totalAdded++
		}
		if act.TimeUS > st.Cursor {
			st.Cursor = act.TimeUS
		}
		if time.Since(lastSaved) >= cursorEvery {
			save()
		}
	}
}

func (r *Runner) handleJetstream(ctx context.Context, act jetstreamAction) error {
	switch {
	case act.Delete != "":
		have, err := r.app.HasPost(ctx, "bluesky", act.Delete)
		if err != nil || !have {
			return err
		}
		if err := r.app.RemovePostAtSource(ctx, "bluesky", act.Delete); err != nil && !errors.Is(err, story.ErrNotFound) {
			return err
		}
		r.metrics.deleted.WithLabelValues("bluesky").Inc()
	case act.Post != nil:
		_, err := r.take(ctx, *act.Post)
		return err
	}
	return nil
}
