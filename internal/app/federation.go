package app

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"strings"

	"github.com/riverqueue/river"

	"chorus/internal/audit"
	"chorus/internal/fediverse"
	"chorus/internal/staff"
	"chorus/internal/storage"
	"chorus/internal/story"
)

// The use-cases of the campaign's fediverse actor: the protocol is in
// internal/federation, which calls these.

// ErrBlocked refuses an activity from a blocked server or actor.
var ErrBlocked = &story.Error{Code: story.CodeForbidden, Key: "error.forbidden", Message: "This server or actor is blocked."}

// actorKeySetting is where the actor's key pair is kept, its private half
// sealed with the site's key: a setting, so it is exported and imported
// with the site's other data.
const actorKeySetting = "federation.actor_key"

type storedActorKey struct {
	PublicPEM     string `json:"public_pem"`
	SealedPrivate string `json:"sealed_private"`
}

// ActorKey returns the campaign actor's RSA key pair, created on first use
// and kept with the site, never regenerated.
func (a *App) ActorKey(ctx context.Context) (*rsa.PrivateKey, error) {
	if key, err := a.readActorKey(ctx, a.store); err == nil || !errors.Is(err, story.ErrNotFound) {
		return key, err
	}
	fresh, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	var key *rsa.PrivateKey
	err = a.store.WithTx(ctx, func(tx storage.Tx) error {
		// Another node may have made one meanwhile: the first one stays.
		existing, err := a.readActorKey(ctx, tx)
		if err == nil {
			key = existing
			return nil
		} else if !errors.Is(err, story.ErrNotFound) {
			return err
		}
		der := x509.MarshalPKCS1PrivateKey(fresh)
		pub, err := x509.MarshalPKIXPublicKey(&fresh.PublicKey)
		if err != nil {
			return err
		}
		value, err := json.Marshal(storedActorKey{
			PublicPEM:     string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})),
			SealedPrivate: base64.StdEncoding.EncodeToString(a.Keys.Seal(der)),
		})
		if err != nil {
			return err
		}
		key = fresh
		return tx.PutSetting(ctx, storage.Setting{Key: actorKeySetting, Value: value, UpdatedAt: a.now(), UpdatedBy: "system"})
	})
	return key, err
}

func (a *App) readActorKey(ctx context.Context, r storage.Reader) (*rsa.PrivateKey, error) {
	s, err := r.Setting(ctx, actorKeySetting)
	if err != nil {
		return nil, err
	}
	var stored storedActorKey
	if err := json.Unmarshal(s.Value, &stored); err != nil {
		return nil, errors.New("app: the actor key setting is not readable")
	}
	sealed, err := base64.StdEncoding.DecodeString(stored.SealedPrivate)
	if err != nil {
		return nil, errors.New("app: the actor key setting is not readable")
	}
	der, err := a.Keys.Open(sealed)
	if err != nil {
		return nil, errors.New("app: the actor key cannot be opened with this site's secret key")
	}
	return x509.ParsePKCS1PrivateKey(der)
}

// FederationBlocked reports whether an actor, or its server, is blocked.
func (a *App) FederationBlocked(ctx context.Context, actorID string) (bool, error) {
	return a.store.Blocked(ctx, fediverse.Domain(actorID), actorID)
}

// Follow records a follower, unless it or its server is blocked, and
// enqueues in the same transaction the job that accepts the follow.
func (a *App) Follow(ctx context.Context, f fediverse.Follower, accept river.JobArgs) error {
	f.FollowedAt = a.now()
	return a.store.WithTx(ctx, func(tx storage.Tx) error {
		if blocked, err := tx.Blocked(ctx, fediverse.Domain(f.ActorID), f.ActorID); err != nil {
			return err
		} else if blocked {
			return ErrBlocked
		}
		if err := tx.PutFollower(ctx, f); err != nil {
			return err
		}
		return tx.Enqueue(ctx, accept, nil)
	})
}

// Unfollow forgets a follower; an unknown one is no error.
func (a *App) Unfollow(ctx context.Context, actorID string) error {
	err := a.store.WithTx(ctx, func(tx storage.Tx) error { return tx.DeleteFollower(ctx, actorID) })
	if errors.Is(err, story.ErrNotFound) {
		return nil
	}
	return err
}

// ForgetActor forgets a deleted actor: its follow and its reactions.
func (a *App) ForgetActor(ctx context.Context, actorID string) error {
	return a.store.WithTx(ctx, func(tx storage.Tx) error {
		_, err := tx.ForgetActor(ctx, actorID)
		return err
	})
}

// React counts a Like or an Announce of a published story; one of
// anything else is ignored.
func (a *App) React(ctx context.Context, r fediverse.Reaction) error {
	r.At = a.now()
	return a.store.WithTx(ctx, func(tx storage.Tx) error {
		s, err := tx.Story(ctx, r.StoryID)
		if errors.Is(err, story.ErrNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		if s.Status != story.StatusPublished {
			return nil
		}
		return tx.PutReaction(ctx, r)
	})
}

// Unreact removes the reaction an actor made with an activity.
func (a *App) Unreact(ctx context.Context, activityID, actorID string) error {
	return a.store.WithTx(ctx, func(tx storage.Tx) error { return tx.DeleteReaction(ctx, activityID, actorID) })
}

// CountFollowers counts the campaign actor's followers.
func (a *App) CountFollowers(ctx context.Context) (int, error) { return a.store.CountFollowers(ctx) }

// RecordDelivery notes where one activity's delivery to one inbox stands.
func (a *App) RecordDelivery(ctx context.Context, d fediverse.Delivery) error {
	d.UpdatedAt = a.now()
	return a.store.WithTx(ctx, func(tx storage.Tx) error { return tx.PutDelivery(ctx, d) })
}

// StoryFederation is what staff see of a story on the fediverse.
type StoryFederation struct {
	Deliveries []fediverse.Delivery
	Reactions  fediverse.Reactions
}

// Counts of the deliveries by state.
func (f StoryFederation) Count(state fediverse.DeliveryState) int {
	n := 0
	for _, d := range f.Deliveries {
		if d.State == state {
			n++
		}
	}
	return n
}

// StoryFederation returns a story's deliveries and reactions.
func (a *App) StoryFederation(ctx context.Context, by *staff.User, id string) (StoryFederation, error) {
	if err := can(by, ActionModerate); err != nil {
		return StoryFederation{}, err
	}
	var f StoryFederation
	var err error
	if f.Deliveries, err = a.store.Deliveries(ctx, id); err != nil {
		return f, err
	}
	f.Reactions, err = a.store.Reactions(ctx, id)
	return f, err
}

// FederationBlocks lists the blocked servers and actors.
func (a *App) FederationBlocks(ctx context.Context, by *staff.User) ([]fediverse.Block, error) {
	if err := can(by, ActionBlockFediverse); err != nil {
		return nil, err
	}
	return a.store.Blocks(ctx)
}

var errBadBlockTarget = story.FieldError("target", "error.block_target", "Give a server's domain (example.social) or an actor's URL (https://example.social/users/name).")

// normalBlockTarget reads a domain or an actor URL.
func normalBlockTarget(target string) (string, bool) {
	target = strings.TrimSpace(target)
	if len(target) > 2048 {
		return "", false
	}
	if strings.HasPrefix(target, "https://") || strings.HasPrefix(target, "http://") {
		if fediverse.Domain(target) == "" {
			return "", false
		}
		return target, true
	}
	target = strings.TrimSuffix(strings.ToLower(target), ".")
	if target == "" || strings.ContainsAny(target, "/:@ ") || !strings.Contains(target, ".") {
		return "", false
	}
	return target, true
}

// BlockFediverse blocks a server (by domain) or an actor (by URL): its
// activities are refused from now on and its follows removed.
func (a *App) BlockFediverse(ctx context.Context, by *staff.User, target string) error {
	if err := can(by, ActionBlockFediverse); err != nil {
		return err
	}
	target, ok := normalBlockTarget(target)
	if !ok {
		return errBadBlockTarget
	}
	now := a.now()
	return a.store.WithTx(ctx, func(tx storage.Tx) error {
		b := fediverse.Block{Target: target, CreatedAt: now, CreatedBy: actor(by)}
		if err := tx.PutBlock(ctx, b); err != nil {
			return err
		}
		if b.IsDomain() {
			if _, err := tx.DeleteFollowersAt(ctx, target); err != nil {
				return err
			}
		} else if _, err := tx.ForgetActor(ctx, target); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Entry{At: now, Actor: actor(by), Action: "federation_block", SubjectID: "federation:" + target})
	})
}

// UnblockFediverse lifts a block.
func (a *App) UnblockFediverse(ctx context.Context, by *staff.User, target string) error {
	if err := can(by, ActionBlockFediverse); err != nil {
		return err
	}
	now := a.now()
	return a.store.WithTx(ctx, func(tx storage.Tx) error {
		if err := tx.DeleteBlock(ctx, target); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Entry{At: now, Actor: actor(by), Action: "federation_unblock", SubjectID: "federation:" + target})
	})
}

// FederationEnded reports whether a story's copies on the fediverse were
// deleted (withdrawn, redacted, social consent withdrawn): it is never
// sent again under the same id, and its object answers 410.
func (a *App) FederationEnded(ctx context.Context, id string) (bool, error) {
	return federationEnded(ctx, a.store, id)
}

func federationEnded(ctx context.Context, r storage.Reader, id string) (bool, error) {
	sent, err := r.InboxesSent(ctx, id, fediverse.ActivityDelete, "", 1)
	return len(sent) > 0, err
}

// Follower returns a follower, story.ErrNotFound if the actor follows not.
func (a *App) Follower(ctx context.Context, actorID string) (*fediverse.Follower, error) {
	return a.store.Follower(ctx, actorID)
}
