package story

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

// SourceKind names the kind of connector a source needs.
type SourceKind string

// The kinds of hashtag sources.
const (
	SourceMastodon SourceKind = "mastodon" // a Mastodon-compatible server's tag timeline
	SourceBluesky  SourceKind = "bluesky"  // a Jetstream WebSocket
	SourceFeed     SourceKind = "feed"     // RSS, Atom or JSON Feed
)

// SourceKinds lists every kind.
var SourceKinds = []SourceKind{SourceMastodon, SourceBluesky, SourceFeed}

// Source is a place the campaign's hashtag posts are gathered from, added by
// an admin, with what its connector remembers and how its last run went.
type Source struct {
	ID    string
	Kind  SourceKind
	URL   string
	Tags  []string // without '#'; a feed with none takes every item
	Every time.Duration
	// TokenSealed is an access token (Mastodon's streaming API), sealed
	// with the site's key; empty when none.
	TokenSealed string
	// State is the connector's own memory (cursor, min_id, ETag), JSON.
	State     []byte
	LastError string
	LastRunAt time.Time
	// Taken counts the posts the source brought in.
	Taken     int64
	CreatedAt time.Time
	CreatedBy string
}

// Limits of a source.
const (
	MinSourceEvery   = 10 * time.Second
	MaxSourceEvery   = 24 * time.Hour
	MaxSourceTags    = 10
	MaxSourceTag     = 100
	DefaultSourceGap = time.Minute
)

var tagPattern = regexp.MustCompile(`^[\p{L}\p{N}_]+$`)

// NormalizeTag drops a leading '#' and surrounding space.
func NormalizeTag(t string) string { return strings.TrimPrefix(strings.TrimSpace(t), "#") }

// Validate checks a source an admin adds.
func (s *Source) Validate() error {
	if !slices.Contains(SourceKinds, s.Kind) {
		return FieldError("kind", "error.source_kind", "The kind must be mastodon, bluesky or feed.")
	}
	u, err := url.Parse(s.URL)
	schemes := []string{"http", "https"}
	if s.Kind == SourceBluesky {
		schemes = []string{"ws", "wss"}
	}
	if err != nil || len(s.URL) > MaxPostURL || !slices.Contains(schemes, u.Scheme) || u.Host == "" || u.User != nil {
		return FieldError("url", "error.source_url", "The address must be an https URL (wss for Jetstream).")
	}
	if len(s.Tags) > MaxSourceTags {
		return FieldError("tag", "error.source_tag", "Tags are words of letters, digits and underscores, ten at most.")
	}
	for _, t := range s.Tags {
		if len(t) > MaxSourceTag || !tagPattern.MatchString(t) {
			return FieldError("tag", "error.source_tag", "Tags are words of letters, digits and underscores, ten at most.")
		}
	}
	if len(s.Tags) == 0 && s.Kind != SourceFeed {
		return FieldError("tag", "error.source_tag_required", "Name at least one hashtag to follow.")
	}
	if s.Every < MinSourceEvery || s.Every > MaxSourceEvery {
		return FieldError("every", "error.source_every", "The interval must be between 10 seconds and 24 hours.")
	}
	return nil
}

// Network is the network of the posts a source brings.
func (s *Source) Network() string {
	switch s.Kind {
	case SourceMastodon:
		return "fediverse"
	case SourceBluesky:
		return "bluesky"
	}
	return "feed"
}
