package sqlstore

import (
	"context"

	"chorus/internal/fediverse"
)

// FollowerColumns are the columns scanFollower reads, in order.
const FollowerColumns = "actor_id, inbox, shared_inbox, followed_at"

func scanFollower(row Row) (*fediverse.Follower, error) {
	var f fediverse.Follower
	var at Time
	err := row.Scan(&f.ActorID, &f.Inbox, &f.SharedInbox, &at)
	f.FollowedAt = at.Time
	return &f, err
}

func (q Queries) Follower(ctx context.Context, actorID string) (*fediverse.Follower, error) {
	f, err := scanFollower(q.DB.QueryRow(ctx, "SELECT "+FollowerColumns+" FROM fed_followers WHERE actor_id = ?", actorID))
	if err != nil {
		return nil, q.err("follower", err)
	}
	return f, nil
}

func (q Queries) CountFollowers(ctx context.Context) (int, error) {
	var n int
	err := q.DB.QueryRow(ctx, "SELECT count(*) FROM fed_followers").Scan(&n)
	return n, q.err("count followers", err)
}

func (q Queries) DeliveryInboxes(ctx context.Context, after string, limit int) ([]string, error) {
	return queryAll(ctx, q, "delivery inboxes", scanString,
		"SELECT DISTINCT delivery_inbox FROM fed_followers WHERE delivery_inbox > ? ORDER BY delivery_inbox LIMIT ?", after, limit)
}

// DeliveryColumns are the columns scanDelivery reads, in order.
const DeliveryColumns = "story_id, inbox, activity, state, attempts, last_error, updated_at"

func scanDelivery(row Row) (fediverse.Delivery, error) {
	var d fediverse.Delivery
	var state string
	var at Time
	err := row.Scan(&d.StoryID, &d.Inbox, &d.Activity, &state, &d.Attempts, &d.LastError, &at)
	d.State, d.UpdatedAt = fediverse.DeliveryState(state), at.Time
	return d, err
}

func (q Queries) Deliveries(ctx context.Context, storyID string) ([]fediverse.Delivery, error) {
	return queryAll(ctx, q, "deliveries", scanDelivery,
		"SELECT "+DeliveryColumns+" FROM fed_deliveries WHERE story_id = ? ORDER BY inbox, activity", storyID)
}

func (q Queries) InboxesSent(ctx context.Context, storyID, activity, after string, limit int) ([]string, error) {
	return queryAll(ctx, q, "inboxes sent", scanString,
		"SELECT inbox FROM fed_deliveries WHERE story_id = ? AND activity = ? AND inbox > ? ORDER BY inbox LIMIT ?",
		storyID, activity, after, limit)
}

func scanBlock(row Row) (fediverse.Block, error) {
	var b fediverse.Block
	var at Time
	err := row.Scan(&b.Target, &at, &b.CreatedBy)
	b.CreatedAt = at.Time
	return b, err
}

func (q Queries) Blocks(ctx context.Context) ([]fediverse.Block, error) {
	return queryAll(ctx, q, "blocks", scanBlock, "SELECT target, created_at, created_by FROM fed_blocks ORDER BY target")
}

func (q Queries) Blocked(ctx context.Context, domain, actorID string) (bool, error) {
	var n int
	err := q.DB.QueryRow(ctx, "SELECT count(*) FROM fed_blocks WHERE target = ? OR target = ?", domain, actorID).Scan(&n)
	return n > 0, q.err("blocked", err)
}

func (q Queries) Reactions(ctx context.Context, storyID string) (fediverse.Reactions, error) {
	var r fediverse.Reactions
	rows, err := q.DB.Query(ctx, "SELECT kind, count(*) FROM fed_reactions WHERE story_id = ? GROUP BY kind", storyID)
	if err != nil {
		return r, q.err("reactions", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind string
		var n int
		if err := rows.Scan(&kind, &n); err != nil {
			return r, q.err("reactions", err)
		}
		switch kind {
		case fediverse.ReactionLike:
			r.Likes = n
		case fediverse.ReactionAnnounce:
			r.Announces = n
		}
	}
	return r, q.err("reactions", rows.Err())
}

func (t *Tx) PutFollower(ctx context.Context, f fediverse.Follower) error {
	_, err := t.DB.Exec(ctx, "INSERT INTO fed_followers ("+FollowerColumns+`, delivery_inbox, domain) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (actor_id) DO UPDATE SET inbox = excluded.inbox, shared_inbox = excluded.shared_inbox,
			delivery_inbox = excluded.delivery_inbox`,
		f.ActorID, f.Inbox, f.SharedInbox, t.D.Time(f.FollowedAt), f.DeliveryInbox(), fediverse.Domain(f.ActorID))
	return t.err("put follower", err)
}

func (t *Tx) DeleteFollower(ctx context.Context, actorID string) error {
	n, err := t.DB.Exec(ctx, "DELETE FROM fed_followers WHERE actor_id = ?", actorID)
	return t.oneRow("delete follower", n, err)
}

func (t *Tx) DeleteFollowersAt(ctx context.Context, domain string) (int, error) {
	n, err := t.DB.Exec(ctx, "DELETE FROM fed_followers WHERE domain = ?", domain)
	return int(n), t.err("delete followers", err)
}

func (t *Tx) PutDelivery(ctx context.Context, d fediverse.Delivery) error {
	_, err := t.DB.Exec(ctx, "INSERT INTO fed_deliveries ("+DeliveryColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (story_id, inbox, activity) DO UPDATE SET state = excluded.state, attempts = excluded.attempts,
			last_error = excluded.last_error, updated_at = excluded.updated_at`,
		d.StoryID, d.Inbox, d.Activity, string(d.State), d.Attempts, d.LastError, t.D.Time(d.UpdatedAt))
	return t.err("put delivery", err)
}

func (t *Tx) PutBlock(ctx context.Context, b fediverse.Block) error {
	_, err := t.DB.Exec(ctx, `INSERT INTO fed_blocks (target, created_at, created_by) VALUES (?, ?, ?)
		ON CONFLICT (target) DO NOTHING`, b.Target, t.D.Time(b.CreatedAt), b.CreatedBy)
	return t.err("put block", err)
}

func (t *Tx) DeleteBlock(ctx context.Context, target string) error {
	n, err := t.DB.Exec(ctx, "DELETE FROM fed_blocks WHERE target = ?", target)
	return t.oneRow("delete block", n, err)
}

func (t *Tx) PutReaction(ctx context.Context, r fediverse.Reaction) error {
	_, err := t.DB.Exec(ctx, `INSERT INTO fed_reactions (activity_id, story_id, actor_id, kind, at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (activity_id) DO NOTHING`, r.ActivityID, r.StoryID, r.ActorID, r.Kind, t.D.Time(r.At))
	return t.err("put reaction", err)
}

func (t *Tx) DeleteReaction(ctx context.Context, activityID, actorID string) error {
	_, err := t.DB.Exec(ctx, "DELETE FROM fed_reactions WHERE activity_id = ? AND actor_id = ?", activityID, actorID)
	return t.err("delete reaction", err)
}

func (t *Tx) ForgetActor(ctx context.Context, actorID string) (bool, error) {
	if _, err := t.DB.Exec(ctx, "DELETE FROM fed_reactions WHERE actor_id = ?", actorID); err != nil {
		return false, t.err("forget actor", err)
	}
	n, err := t.DB.Exec(ctx, "DELETE FROM fed_followers WHERE actor_id = ?", actorID)
	return n > 0, t.err("forget actor", err)
}
