package storage

import (
	"context"
	"time"

	"chorus/internal/story"
)

// PostReader reads social posts, settings and the reply library.
type PostReader interface {
	// Post returns a social post by our id.
	Post(ctx context.Context, id string) (*story.Post, error)
	// PostBySource returns the post a network knows by sourceID.
	PostBySource(ctx context.Context, network, sourceID string) (*story.Post, error)
	// CountPosts counts the posts with a status.
	CountPosts(ctx context.Context, status story.PostStatus) (int, error)
	// Posts lists posts with a status, newest first unless OldestFirst.
	Posts(ctx context.Context, f PostFilter) ([]*story.Post, error)
	// DecidedPosts lists posts a person showed or hid, by id after afterID,
	// for moderators' decisions to become training examples.
	DecidedPosts(ctx context.Context, afterID string, limit int) ([]*story.Post, error)
	// Setting returns the value stored under key, story.ErrNotFound if none.
	Setting(ctx context.Context, key string) (Setting, error)
	// StoredReplies lists the reply library's entries edited by admins,
	// which override the embedded library by id.
	StoredReplies(ctx context.Context) ([]StoredReply, error)
}

// PostWriter changes social posts, settings and the reply library.
type PostWriter interface {
	// InsertPost fails with a conflict when the network already gave us
	// a post with the same source id.
	InsertPost(ctx context.Context, p *story.Post) error
	// UpdatePost writes a post's text, provenance, media, pin, status,
	// decision and signals.
	UpdatePost(ctx context.Context, p *story.Post) error
	// DeletePost removes a post and its text entirely.
	DeletePost(ctx context.Context, id string) error
	PutSetting(ctx context.Context, s Setting) error
	PutStoredReply(ctx context.Context, r StoredReply) error
	// DeleteStoredReply forgets an admin's edit, so the embedded entry of
	// the same id, if any, applies again.
	DeleteStoredReply(ctx context.Context, id string) error
}

// PostFilter selects social posts.
type PostFilter struct {
	Status      story.PostStatus
	OldestFirst bool
	Limit       int
	// Network and Language, when set, keep only posts of that network or
	// language; PinnedFirst puts pinned posts before the others.
	Network     string
	Language    string
	PinnedFirst bool
}

// Setting is a value admins set, kept as JSON, with who set it and when.
type Setting struct {
	Key       string
	Value     []byte
	UpdatedAt time.Time
	UpdatedBy string
}

// StoredReply is one entry of the counter-speech library as an admin left
// it: the reply as JSON, or a removal of the embedded entry with that id.
type StoredReply struct {
	ID        string
	Data      []byte
	Removed   bool
	UpdatedAt time.Time
	UpdatedBy string
}
