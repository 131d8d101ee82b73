package storage

import (
	"context"

	"chorus/internal/fediverse"
)

// FederationReader reads the campaign actor's followers, deliveries,
// blocks and reactions.
type FederationReader interface {
	// Follower returns a follower by actor URL, story.ErrNotFound if none.
	Follower(ctx context.Context, actorID string) (*fediverse.Follower, error)
	CountFollowers(ctx context.Context) (int, error)
	// DeliveryInboxes lists the distinct inboxes public activities go to
	// (shared inboxes deduplicated), in order, after the inbox after, at
	// most limit: a delivery walks them page by page and never holds them
	// all.
	DeliveryInboxes(ctx context.Context, after string, limit int) ([]string, error)
	// Deliveries lists a story's deliveries by inbox and activity.
	Deliveries(ctx context.Context, storyID string) ([]fediverse.Delivery, error)
	// InboxesSent lists the inboxes a story's activity was queued for,
	// after the inbox after, at most limit.
	InboxesSent(ctx context.Context, storyID, activity, after string, limit int) ([]string, error)
	// Blocks lists the blocks, by target.
	Blocks(ctx context.Context) ([]fediverse.Block, error)
	// Blocked reports whether a domain or an actor URL is blocked.
	Blocked(ctx context.Context, domain, actorID string) (bool, error)
	// Reactions counts a story's likes and announces.
	Reactions(ctx context.Context, storyID string) (fediverse.Reactions, error)
}

// FederationWriter changes them.
type FederationWriter interface {
	// PutFollower adds a follower or updates its inboxes.
	PutFollower(ctx context.Context, f fediverse.Follower) error
	// DeleteFollower forgets a follower; story.ErrNotFound if none.
	DeleteFollower(ctx context.Context, actorID string) error
	// DeleteFollowersAt forgets every follower on a server.
	DeleteFollowersAt(ctx context.Context, domain string) (int, error)
	// PutDelivery adds or updates a delivery, by story, inbox and activity.
	PutDelivery(ctx context.Context, d fediverse.Delivery) error
	PutBlock(ctx context.Context, b fediverse.Block) error
	// DeleteBlock lifts a block; story.ErrNotFound if none.
	DeleteBlock(ctx context.Context, target string) error
	// PutReaction records a reaction once, however often it is sent.
	PutReaction(ctx context.Context, r fediverse.Reaction) error
	// DeleteReaction removes the reaction an actor made with an activity.
	DeleteReaction(ctx context.Context, activityID, actorID string) error
	// ForgetActor removes an actor's follow and reactions, the effect of
	// its deletion or its block, and returns whether it followed.
	ForgetActor(ctx context.Context, actorID string) (bool, error)
}
