// Package fediverse holds the domain types of the campaign's life on the
// fediverse: who follows it, what was delivered to whom, which servers and
// actors are blocked, and how readers there reacted. The ActivityPub
// protocol itself is in internal/federation.
package fediverse

import (
	"net/url"
	"strings"
	"time"
)

// Follower is a remote actor following the campaign actor.
type Follower struct {
	// ActorID is the follower's actor URL.
	ActorID string
	// Inbox is the follower's own inbox; SharedInbox, when its server has
	// one, receives public activities for all its followers at once.
	Inbox       string
	SharedInbox string
	FollowedAt  time.Time
}

// DeliveryInbox is where public activities go for this follower: its
// server's shared inbox when there is one, so that a server with many
// followers gets each activity once.
func (f Follower) DeliveryInbox() string {
	if f.SharedInbox != "" {
		return f.SharedInbox
	}
	return f.Inbox
}

// Domain is the host of a URL (an actor, an inbox), lower-cased, without
// a port; "" when it is not a URL.
func Domain(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}

// Activity kinds a story's deliveries carry.
const (
	ActivityCreate = "Create"
	ActivityUpdate = "Update"
	ActivityDelete = "Delete"
)

// DeliveryState is where one activity's delivery to one inbox stands.
type DeliveryState string

const (
	DeliveryPending   DeliveryState = "pending"
	DeliveryDelivered DeliveryState = "delivered"
	// DeliveryFailed: every attempt failed; the job is dead-lettered.
	DeliveryFailed DeliveryState = "failed"
	// DeliveryDropped: not sent, since the story changed before the send
	// (withdrawn before its Create left, consent withdrawn).
	DeliveryDropped DeliveryState = "dropped"
)

// Delivery is one activity about a story sent, or to be sent, to one
// inbox.
type Delivery struct {
	StoryID   string
	Inbox     string
	Activity  string
	State     DeliveryState
	Attempts  int
	LastError string
	UpdatedAt time.Time
}

// Block refuses a whole server (Target is a domain) or one actor (Target
// is its actor URL).
type Block struct {
	Target    string
	CreatedAt time.Time
	CreatedBy string
}

// IsDomain tells a server block from an actor block.
func (b Block) IsDomain() bool { return !strings.Contains(b.Target, "/") }

// Reaction kinds.
const (
	ReactionLike     = "like"
	ReactionAnnounce = "announce"
)

// Reaction is a Like or an Announce of a story by a remote actor, known by
// the id of the activity so its Undo can remove it.
type Reaction struct {
	ActivityID string
	StoryID    string
	ActorID    string
	Kind       string
	At         time.Time
}

// Reactions counts a story's reactions.
type Reactions struct {
	Likes     int
	Announces int
}
