package story

import (
	"net/url"
	"regexp"
	"slices"
	"time"
	"unicode/utf8"
)

// Post is a public social post carrying a campaign hashtag, taken in by a
// connector with its provenance. Unlike a story, a post may be shown or
// hidden by policy before a person sees it.
type Post struct {
	ID        string
	Network   string // see Networks
	SourceID  string // the post's id on its network
	SourceURL string
	Author    string // the handle shown with the post
	Text      string
	Language  string
	PostedAt  time.Time
	CreatedAt time.Time
	Status    PostStatus
	// DecidedBy is "policy" when the status was set automatically,
	// "user:N" when a person set it, "" while queued.
	DecidedBy string
	DecidedAt time.Time
	// HideReason is a moderator's reason for hiding, one of RejectReasons;
	// empty when shown, queued or hidden by policy.
	HideReason string
	Signals    []Signal
	// Server is the host the post was published on (its author's server
	// for the fediverse, the PDS-less "bsky.app" for Bluesky, the feed's
	// host); AuthorName is the display name beside the handle.
	Server     string
	AuthorName string
	// Media are the post's images, re-encoded and kept on our origin.
	Media []PostMedia
	// Pinned posts lead the wall.
	Pinned bool
}

// PostMedia is one image of a post, kept in our media store under Key.
type PostMedia struct {
	Key string `json:"key"`
	Alt string `json:"alt"`
	// Remote is where it came from, until it is fetched; empty after.
	Remote string `json:"remote,omitempty"`
}

// PostStatus says where a post stands.
type PostStatus string

const (
	PostQueued  PostStatus = "queued"  // waiting for a moderator
	PostVisible PostStatus = "visible" // on the wall
	PostHidden  PostStatus = "hidden"  // kept off the wall
)

// PostStatuses lists every status.
var PostStatuses = []PostStatus{PostQueued, PostVisible, PostHidden}

// DecidedByPolicy marks a status set by the automatic policy.
const DecidedByPolicy = "policy"

// Networks are the sources posts come from.
// "fediverse" is any ActivityPub server, known by the post's ActivityPub
// id, so a status seen through two servers (or the inbox) is one post.
var Networks = []string{"mastodon", "bluesky", "feed", "fediverse"}

// Limits of an incoming post. A Mastodon server may allow long posts; the
// wall is for short public texts.
const (
	MaxPostText   = 5000
	MaxPostAuthor = 200
	MaxPostURL    = 2000
	MaxSourceID   = 300
)

var languageTag = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)

// IncomingPost is what a connector hands over.
type IncomingPost struct {
	Network   string    `json:"network"`
	SourceID  string    `json:"source_id"`
	SourceURL string    `json:"url"`
	Author    string    `json:"author"`
	Text      string    `json:"text"`
	Language  string    `json:"language"` // as the network reports it; may be empty
	PostedAt  time.Time `json:"posted_at"`
	// Provenance and media, optional.
	Server     string          `json:"server,omitempty"`
	AuthorName string          `json:"author_name,omitempty"`
	Media      []IncomingMedia `json:"media,omitempty"`
}

// IncomingMedia is an image of an incoming post: where to fetch it, and
// its description.
type IncomingMedia struct {
	URL string `json:"url"`
	Alt string `json:"alt"`
}

// MaxPostMedia bounds the images kept of one post.
const MaxPostMedia = 4

// Normalize cleans the fields as stories' fields are cleaned.
func (in *IncomingPost) Normalize() {
	in.Network = CleanLine(in.Network)
	in.SourceID = CleanLine(in.SourceID)
	in.SourceURL = CleanLine(in.SourceURL)
	in.Author = CleanLine(in.Author)
	in.Text = CleanText(in.Text)
	in.Language = CleanLine(in.Language)
	in.Server = CleanLine(in.Server)
	in.AuthorName = CleanLine(in.AuthorName)
	for i := range in.Media {
		in.Media[i].URL = CleanLine(in.Media[i].URL)
		in.Media[i].Alt = CleanText(in.Media[i].Alt)
	}
}

// Validate checks a normalized incoming post.
func (in *IncomingPost) Validate() error {
	switch {
	case !slices.Contains(Networks, in.Network):
		return FieldError("network", "error.post_network", "The network must be one of mastodon, bluesky, feed or fediverse.")
	case in.SourceID == "" || len(in.SourceID) > MaxSourceID:
		return FieldError("source_id", "error.post_source_id", "The post's id on its network is missing or too long.")
	case !webURL(in.SourceURL):
		return FieldError("url", "error.post_url", "The post's address must be an http or https URL.")
	case in.Author == "" || utf8.RuneCountInString(in.Author) > MaxPostAuthor:
		return FieldError("author", "error.post_author", "The author's handle is missing or too long.")
	case in.Text == "":
		return FieldError("text", "error.post_text_required", "The post has no text.")
	case utf8.RuneCountInString(in.Text) > MaxPostText:
		return FieldError("text", "error.post_text_too_long", "The post is too long (5,000 characters at most).")
	case in.Language != "" && !languageTag.MatchString(in.Language):
		return FieldError("language", "error.post_language", "The language must be a language tag such as en or fr-CA.")
	case in.PostedAt.IsZero():
		return FieldError("posted_at", "error.post_posted_at", "The time the post was published is missing.")
	case len(in.Server) > MaxPostAuthor || utf8.RuneCountInString(in.AuthorName) > MaxPostAuthor:
		return FieldError("author_name", "error.post_author", "The author's handle is missing or too long.")
	case len(in.Media) > MaxPostMedia:
		return FieldError("media", "error.post_media", "A post brings four images at most, each with an http or https address.")
	}
	for _, m := range in.Media {
		if !webURL(m.URL) || utf8.RuneCountInString(m.Alt) > MaxPostText {
			return FieldError("media", "error.post_media", "A post brings four images at most, each with an http or https address.")
		}
	}
	return nil
}

func webURL(s string) bool {
	if s == "" || len(s) > MaxPostURL {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && u.User == nil
}
