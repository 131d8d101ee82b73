package federation

import (
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"chorus/internal/app"
	"chorus/internal/fediverse"
	"chorus/internal/story"
)

// maxActivity bounds an activity's body: Mastodon's largest are well
// under this.
const maxActivity = 256 << 10

func hashOf(s string) [8]byte {
	sum := sha256.Sum256([]byte(s))
	return [8]byte(sum[:8])
}

// inbox takes a signed activity. Nothing changes unless the signature,
// the digest and the date hold and the signer is the activity's actor.
func (f *Federation) inbox(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxActivity))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			http.Error(w, "the activity is too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "cannot read the body", http.StatusBadRequest)
		return
	}
	sig, err := parseSignature(r.Header.Get("Signature"))
	if err != nil {
		http.Error(w, "a valid HTTP signature is required", http.StatusUnauthorized)
		return
	}
	if err := checkSignedRequest(r, sig, body, f.now()); err != nil {
		http.Error(w, "signature refused: "+err.Error(), http.StatusUnauthorized)
		return
	}
	if blocked, err := f.app.FederationBlocked(r.Context(), strings.SplitN(sig.KeyID, "#", 2)[0]); err != nil {
		http.Error(w, "temporarily unavailable", http.StatusServiceUnavailable)
		return
	} else if blocked {
		http.Error(w, "blocked", http.StatusForbidden)
		return
	}
	owner, err := f.verify(r, sig)
	if err != nil {
		if f.deletedActorGone(r.Context(), sig, body) {
			w.WriteHeader(http.StatusAccepted)
			return
		}
		http.Error(w, "signature refused", http.StatusUnauthorized)
		return
	}
	act, err := parseIncoming(body)
	if err != nil || act.Actor.ID == "" {
		http.Error(w, "not an activity", http.StatusBadRequest)
		return
	}
	if act.Actor.ID != owner {
		http.Error(w, "the signer is not the activity's actor", http.StatusUnauthorized)
		return
	}
	if blocked, err := f.app.FederationBlocked(r.Context(), owner); err != nil {
		http.Error(w, "temporarily unavailable", http.StatusServiceUnavailable)
		return
	} else if blocked {
		http.Error(w, "blocked", http.StatusForbidden)
		return
	}
	if err := f.handle(r.Context(), act); err != nil {
		var se *story.Error
		switch {
		case errors.Is(err, app.ErrBlocked):
			http.Error(w, "blocked", http.StatusForbidden)
		case errors.As(err, &se):
			http.Error(w, se.Message, http.StatusUnprocessableEntity)
		default:
			f.log.Warn("federation: activity not handled", "type", act.Type, "err", err)
			http.Error(w, "temporarily unavailable", http.StatusServiceUnavailable)
		}
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// verify checks the signature with the signer's key, fetching it again
// once when it fails (the key may have rotated), and returns its owner.
func (f *Federation) verify(r *http.Request, sig signature) (string, error) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*requestTimeout)
	defer cancel()
	_, cached := f.keys.get(sig.KeyID)
	key, err := f.publicKey(ctx, sig.KeyID, false)
	if err == nil && verifySignature(r, sig, key.Key) == nil {
		return key.Owner, nil
	}
	if !cached {
		// Just fetched: fetching again would not change the answer.
		if err == nil {
			err = errors.New("the signature does not verify")
		}
		return "", err
	}
	key, err = f.publicKey(ctx, sig.KeyID, true)
	if err != nil {
		return "", err
	}
	if err := verifySignature(r, sig, key.Key); err != nil {
		return "", err
	}
	return key.Owner, nil
}

// handle carries out a verified activity; what we do not handle is
// accepted and ignored.
func (f *Federation) handle(ctx context.Context, act *incoming) error {
	actor := act.Actor.ID
	switch {
	case act.Type.is("Follow"):
		if act.Object.ID != f.actorURL() {
			return nil
		}
		remote, err := f.fetchActor(ctx, actor)
		if err != nil {
			return err
		}
		if remote.Inbox == "" {
			return nil
		}
		follower := fediverse.Follower{ActorID: actor, Inbox: remote.Inbox, SharedInbox: remote.SharedInbox}
		return f.app.Follow(ctx, follower, AcceptArgs{Inbox: remote.Inbox, FollowID: act.ID, Follower: actor})
	case act.Type.is("Undo"):
		inner, err := parseIncoming(act.Object.Object)
		if act.Object.Object == nil || err != nil {
			// Only an id: a reaction is known by its activity id.
			return f.app.Unreact(ctx, act.Object.ID, actor)
		}
		if inner.Actor.ID != "" && inner.Actor.ID != actor {
			return nil // one cannot undo another's activity
		}
		switch {
		case inner.Type.is("Follow"):
			return f.app.Unfollow(ctx, actor)
		case inner.Type.is("Like"), inner.Type.is("Announce"):
			return f.app.Unreact(ctx, inner.ID, actor)
		}
		return nil
	case act.Type.is("Delete"):
		if act.Object.ID == actor {
			return f.app.ForgetActor(ctx, actor)
		}
		return nil
	case act.Type.is("Like"), act.Type.is("Announce"):
		id := f.storyIDOf(act.Object.ID)
		if id == "" || act.ID == "" {
			return nil
		}
		kind := fediverse.ReactionLike
		if act.Type.is("Announce") {
			kind = fediverse.ReactionAnnounce
		}
		return f.app.React(ctx, fediverse.Reaction{ActivityID: act.ID, StoryID: id, ActorID: actor, Kind: kind})
	case act.Type.is("Create"):
		return f.takeNote(ctx, act)
	}
	return nil
}

// takeNote hands a public note carrying the campaign hashtag, from an
// actor that follows the campaign (people and relays), to the intake of
// social posts.
func (f *Federation) takeNote(ctx context.Context, act *incoming) error {
	note, err := parseIncoming(act.Object.Object)
	if act.Object.Object == nil || err != nil || !note.Type.is("Note") || !note.public() || note.ID == "" {
		return nil
	}
	if note.AttributedTo.ID != "" && note.AttributedTo.ID != act.Actor.ID {
		return nil // a relay's copy: only its author is believed
	}
	if !f.carriesHashtag(note) {
		return nil
	}
	if _, err := f.app.Follower(ctx, act.Actor.ID); err != nil {
		if errors.Is(err, story.ErrNotFound) {
			return nil
		}
		return err
	}
	posted, err := time.Parse(time.RFC3339, note.Published)
	if err != nil {
		posted = f.now()
	}
	link := note.URL.ID
	if link == "" {
		link = note.ID
	}
	language := ""
	for lang := range note.ContentMap {
		language = lang
		break
	}
	_, _, err = f.app.IngestPost(ctx, story.IncomingPost{
		Network: "fediverse", SourceID: note.ID, SourceURL: link, Author: act.Actor.ID,
		Text: plainText(note.Content), Language: language, PostedAt: posted, Server: domainOf(act.Actor.ID),
	})
	var se *story.Error
	if errors.As(err, &se) {
		return nil // a post the intake refuses (too long, empty) is ignored
	}
	return err
}

func (f *Federation) carriesHashtag(note *incoming) bool {
	want := strings.ToLower(strings.TrimPrefix(f.app.Campaign.Hashtag, "#"))
	for _, t := range note.Tag {
		if t.Type.is("Hashtag") && strings.ToLower(strings.TrimPrefix(t.Name, "#")) == want {
			return true
		}
	}
	return false
}

// deletedActorGone handles the Delete a server sends when an account is
// deleted: its key can no longer be fetched, so the signature cannot be
// checked. The request is not believed; the actor's own server is asked,
// and only when it answers that the actor is gone (410, 404) is the actor
// forgotten.
func (f *Federation) deletedActorGone(ctx context.Context, sig signature, body []byte) bool {
	act, err := parseIncoming(body)
	if err != nil || !act.Type.is("Delete") || act.Actor.ID == "" || act.Object.ID != act.Actor.ID ||
		domainOf(act.Actor.ID) != domainOf(sig.KeyID) {
		return false
	}
	if _, err := f.app.Follower(ctx, act.Actor.ID); err != nil {
		return false // not a follower: nothing to forget
	}
	_, status, err := f.fetch(ctx, act.Actor.ID)
	if err == nil || (status != http.StatusGone && status != http.StatusNotFound) {
		return false
	}
	if err := f.app.ForgetActor(ctx, act.Actor.ID); err != nil {
		f.log.Warn("federation: a deleted actor was not forgotten", "err", err)
		return false
	}
	return true
}
