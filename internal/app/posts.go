package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"chorus/internal/audit"
	"chorus/internal/moderation"
	"chorus/internal/staff"
	"chorus/internal/storage"
	"chorus/internal/story"
)

// ContentKind names a kind of content the screening policy applies to.
type ContentKind string

const (
	// KindStory is always pre-moderated: scores only order and explain.
	KindStory ContentKind = "story"
	// KindSocialPost may be hidden or approved automatically by policy.
	KindSocialPost ContentKind = "social_post"
)

// PolicySetting is the policy in force for a kind of content, and who set
// it (empty while the default applies).
type PolicySetting struct {
	Kind ContentKind
	moderation.Policy
	UpdatedBy string
}

func policyKey(kind ContentKind) string { return "policy." + string(kind) }

// Policy returns the screening policy for social posts.
func (a *App) Policy(ctx context.Context) (PolicySetting, error) {
	return policyFrom(ctx, a.store)
}

func policyFrom(ctx context.Context, r storage.Reader) (PolicySetting, error) {
	ps := PolicySetting{Kind: KindSocialPost, Policy: moderation.DefaultPolicy}
	s, err := r.Setting(ctx, policyKey(KindSocialPost))
	if errors.Is(err, story.ErrNotFound) {
		return ps, nil
	}
	if err != nil {
		return ps, err
	}
	if err := json.Unmarshal(s.Value, &ps.Policy); err != nil {
		return ps, fmt.Errorf("stored policy: %w", err)
	}
	ps.UpdatedBy = s.UpdatedBy
	return ps, nil
}

// SetPolicy changes the thresholds for social posts. Only admins may; the
// change is audited with the old and new values. Posts already decided keep
// their status.
func (a *App) SetPolicy(ctx context.Context, by *staff.User, p moderation.Policy) error {
	if err := can(by, ActionSetPolicy); err != nil {
		return err
	}
	if err := p.Validate(); err != nil {
		return err
	}
	value, err := json.Marshal(p)
	if err != nil {
		return err
	}
	now := a.now()
	return a.store.WithTx(ctx, func(tx storage.Tx) error {
		old, err := policyFrom(ctx, tx)
		if err != nil {
			return err
		}
		if err := tx.PutSetting(ctx, storage.Setting{Key: policyKey(KindSocialPost), Value: value, UpdatedAt: now, UpdatedBy: actor(by)}); err != nil {
			return err
		}
		note := fmt.Sprintf("hide above %.2f → %.2f, approve below %.2f → %.2f", old.HideAbove, p.HideAbove, old.ApproveBelow, p.ApproveBelow)
		return tx.AppendAudit(ctx, audit.Entry{At: now, Actor: actor(by), Action: "policy_change", SubjectID: policyKey(KindSocialPost), Note: note})
	})
}

// postSubject is a post's subject in the audit log, apart from stories.
func postSubject(id string) string { return "post:" + id }

// Audit actions on social posts.
const (
	ActionAutoHide    = "auto_hide"
	ActionAutoApprove = "auto_approve"
	ActionPostShow    = "post_show"
	ActionPostHide    = "post_hide"
	// A person's decision that undoes an automatic one.
	ActionReverseAutoHide    = "reverse_auto_hide"
	ActionReverseAutoApprove = "reverse_auto_approve"
)

// IngestPost takes in a post from a connector: screened, then shown, hidden
// or queued by the policy, each automatic action audited. Taking in the same
// post again changes nothing unless its text changed at the source; then it
// is screened and decided afresh, since what a person approved was another
// text. It reports whether the post is new.
func (a *App) IngestPost(ctx context.Context, in story.IncomingPost) (*story.Post, bool, error) {
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, false, err
	}
	existing, err := a.store.PostBySource(ctx, in.Network, in.SourceID)
	switch {
	case err == nil && existing.Text == in.Text:
		return existing, false, nil
	case err != nil && !errors.Is(err, story.ErrNotFound):
		return nil, false, err
	}
	signals := a.screenWithFields(ctx, "post "+in.Network+"/"+in.SourceID, moderation.Input{Body: in.Text, Language: in.Language},
		extraField{name: "author", text: in.Author, harmOnly: true}, extraField{name: "author_name", text: in.AuthorName, harmOnly: true})
	a.recentPosts.mu.Lock()
	copies := a.recentPosts.remember(in.Network+"/"+in.SourceID, moderation.Fingerprint(in.Text))
	a.recentPosts.mu.Unlock()
	signals = raiseSpam(signals, copies)
	now := a.now()
	var post *story.Post
	created, before := false, story.PostStatus("")
	err = a.store.WithTx(ctx, func(tx storage.Tx) error {
		policy, err := policyFrom(ctx, tx)
		if err != nil {
			return err
		}
		p, err := tx.PostBySource(ctx, in.Network, in.SourceID)
		switch {
		case errors.Is(err, story.ErrNotFound):
			p = &story.Post{ID: newID(), Network: in.Network, SourceID: in.SourceID, CreatedAt: now}
			created = true
		case err != nil:
			return err
		default:
			before = p.Status
		}
		p.SourceURL, p.Author, p.Text, p.PostedAt, p.Signals = in.SourceURL, in.Author, in.Text, in.PostedAt.UTC(), signals
		p.Server, p.AuthorName = in.Server, in.AuthorName
		if created {
			// Images wait for the media job, which fetches them once.
			for _, m := range in.Media {
				p.Media = append(p.Media, story.PostMedia{Alt: m.Alt, Remote: m.URL})
			}
		}
		p.Language = postLanguage(in.Language, signals)
		p.Status, p.DecidedBy, p.DecidedAt, p.HideReason = story.PostQueued, "", time.Time{}, ""
		var entry *audit.Entry
		blocked, err := blocklistFrom(ctx, tx)
		if err != nil {
			return err
		}
		decision := policy.Decide(signals)
		if blocked.blocks(p.Author, p.Server) {
			decision = moderation.ActionHide
		}
		switch decision {
		case moderation.ActionHide:
			p.Status, p.DecidedBy, p.DecidedAt = story.PostHidden, story.DecidedByPolicy, now
			entry = &audit.Entry{Action: ActionAutoHide}
		case moderation.ActionApprove:
			p.Status, p.DecidedBy, p.DecidedAt = story.PostVisible, story.DecidedByPolicy, now
			entry = &audit.Entry{Action: ActionAutoApprove}
		}
		if created {
			err = tx.InsertPost(ctx, p)
			if err == nil {
				err = tx.CountPostFigure(ctx, now.Format(time.DateOnly), p.Network, p.Language, p.Status == story.PostHidden)
			}
			if err == nil && len(p.Media) > 0 {
				err = tx.Enqueue(ctx, FetchPostMediaArgs{PostID: p.ID}, nil)
			}
		} else {
			err = tx.UpdatePost(ctx, p)
		}
		if err != nil {
			return err
		}
		post = p
		if entry == nil {
			return nil
		}
		entry.At, entry.Actor, entry.SubjectID, entry.Note = now, story.DecidedByPolicy, postSubject(p.ID), policy.Explain(signals)
		if blocked.blocks(p.Author, p.Server) {
			entry.Note = "blocked author or server"
		}
		return tx.AppendAudit(ctx, *entry)
	})
	if err != nil {
		return nil, false, err
	}
	// During a raid most posts are hidden: only a change to the wall
	// clears the page caches, only a change to the waiting posts tells
	// moderators.
	if before == story.PostVisible || post.Status == story.PostVisible {
		a.publish(WallChanged{})
	}
	if before == story.PostQueued || post.Status == story.PostQueued {
		a.queueChanged()
	}
	return post, created, nil
}

// postLanguage prefers the language the network reports, then the one the
// screen detected.
func postLanguage(reported string, signals []story.Signal) string {
	if reported != "" {
		return reported
	}
	for _, s := range signals {
		if s.Kind == story.SignalLanguage && s.Detail != "" {
			return s.Detail
		}
	}
	return ""
}

// PostDecision is a moderator's verdict on a post.
type PostDecision struct {
	Show   bool
	Reason string // to hide: a code from story.RejectReasons
	Note   string // for the log
}

// DecidePost shows or hides a post. It is how moderators decide queued
// posts and how they reverse an automatic decision; either way it is
// audited, a reversal under its own action.
func (a *App) DecidePost(ctx context.Context, by *staff.User, id string, d PostDecision) (*story.Post, error) {
	if err := can(by, ActionModerate); err != nil {
		return nil, err
	}
	var err error
	if d.Note, err = cleanNote(d.Note); err != nil {
		return nil, err
	}
	if !d.Show && !slices.Contains(story.RejectReasons, d.Reason) {
		return nil, story.FieldError("reason", "error.hide_reason_required", "Please choose a reason for hiding this post.")
	}
	target, action := story.PostHidden, ActionPostHide
	if d.Show {
		target, action, d.Reason = story.PostVisible, ActionPostShow, ""
	}
	now := a.now()
	var post *story.Post
	var before story.PostStatus
	err = a.store.WithTx(ctx, func(tx storage.Tx) error {
		p, err := tx.Post(ctx, id)
		if err != nil {
			return err
		}
		if p.Status == target {
			return &story.Error{Code: story.CodeConflict, Key: "error.post_already", Message: "This post already has that status."}
		}
		entry := audit.Entry{At: now, Actor: actor(by), Action: action, SubjectID: postSubject(id), Reason: d.Reason, Note: d.Note}
		if p.DecidedBy == story.DecidedByPolicy {
			entry.Action = map[story.PostStatus]string{story.PostHidden: ActionReverseAutoHide, story.PostVisible: ActionReverseAutoApprove}[p.Status]
		}
		before = p.Status
		p.Status, p.DecidedBy, p.DecidedAt, p.HideReason = target, actor(by), now, d.Reason
		if err := tx.UpdatePost(ctx, p); err != nil {
			return err
		}
		post = p
		return tx.AppendAudit(ctx, entry)
	})
	if err != nil {
		return nil, err
	}
	if before == story.PostVisible || target == story.PostVisible {
		a.publish(WallChanged{})
	}
	if before == story.PostQueued {
		a.queueChanged()
	}
	return post, nil
}

// RemovePostAtSource forgets a post deleted on its network: its text and
// author leave the database, and a purge makes them unrecoverable.
func (a *App) RemovePostAtSource(ctx context.Context, network, sourceID string) error {
	now := a.now()
	err := a.store.WithTx(ctx, func(tx storage.Tx) error {
		p, err := tx.PostBySource(ctx, network, sourceID)
		if err != nil {
			return err
		}
		if err := tx.DeletePost(ctx, p.ID); err != nil {
			return err
		}
		for _, m := range p.Media {
			if m.Key == "" {
				continue
			}
			if err := tx.ScheduleBlobDeletion(ctx, m.Key, now); err != nil {
				return err
			}
		}
		if err := a.enqueuePurge(ctx, tx, now); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Entry{At: now, Actor: "connector:" + network, Action: "source_delete", SubjectID: postSubject(p.ID)})
	})
	if err != nil {
		return err
	}
	a.publish(WallChanged{})
	a.queueChanged()
	a.purge(ctx)
	a.SweepBlobs(ctx)
	return nil
}

// Posts lists posts with a status for moderators: queued ones oldest first,
// decided ones newest first.
func (a *App) Posts(ctx context.Context, by *staff.User, status story.PostStatus, limit int) ([]*story.Post, error) {
	if err := can(by, ActionModerate); err != nil {
		return nil, err
	}
	return a.store.Posts(ctx, storage.PostFilter{Status: status, OldestFirst: status == story.PostQueued, Limit: limit})
}

// QueuedPosts counts the posts waiting for a moderator.
func (a *App) QueuedPosts(ctx context.Context, by *staff.User) (int, error) {
	if err := can(by, ActionModerate); err != nil {
		return 0, err
	}
	return a.store.CountPosts(ctx, story.PostQueued)
}

// Wall lists the posts shown to the public, newest first.
func (a *App) Wall(ctx context.Context, limit int) ([]*story.Post, error) {
	return a.store.Posts(ctx, storage.PostFilter{Status: story.PostVisible, Limit: limit})
}

// PostAudit returns the audit trails of posts, by post id, in one read.
func (a *App) PostAudit(ctx context.Context, by *staff.User, ids ...string) (map[string][]audit.Entry, error) {
	if err := can(by, ActionModerate); err != nil {
		return nil, err
	}
	subjects := make([]string, len(ids))
	for i, id := range ids {
		subjects[i] = postSubject(id)
	}
	entries, err := a.store.Audit(ctx, subjects...)
	if err != nil {
		return nil, err
	}
	trails := make(map[string][]audit.Entry, len(ids))
	for _, e := range entries {
		id := strings.TrimPrefix(e.SubjectID, postSubject(""))
		trails[id] = append(trails[id], e)
	}
	return trails, nil
}
