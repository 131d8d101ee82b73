package federation

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"chorus/internal/fediverse"
	"chorus/internal/staff"
	"chorus/internal/story"
)

func (s *site) followers(t *testing.T) int {
	t.Helper()
	n, err := s.App.CountFollowers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestBadSignaturesRefused: a tampered body, a wrong key, a stale date, a
// missing digest and an unsigned POST all get 401 and change nothing.
func TestBadSignaturesRefused(t *testing.T) {
	s := newSite(t)
	remote := newRemoteServer(t, "mallory")
	inbox := s.URL + actorPath + "/inbox"
	follow, _ := json.Marshal(map[string]any{
		"@context": activityContext, "id": remote.actorID() + "#follows/9", "type": "Follow",
		"actor": remote.actorID(), "object": s.URL + actorPath,
	})
	otherKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	signed := func(body []byte, key *rsa.PrivateKey, at time.Time) *http.Request {
		req, _ := http.NewRequest(http.MethodPost, inbox, bytes.NewReader(body))
		req.Header.Set("Content-Type", ContentType)
		if err := sign(req, body, remote.keyID(), key, at); err != nil {
			t.Fatal(err)
		}
		return req
	}
	cases := map[string]func() *http.Request{
		"tampered body": func() *http.Request {
			req := signed(follow, remote.key, time.Now())
			tampered := bytes.Replace(follow, []byte("mallory"), []byte("mallorx"), 1)
			req.Body = http.NoBody
			req, _ = http.NewRequest(http.MethodPost, inbox, bytes.NewReader(tampered))
			req.Header = signed(follow, remote.key, time.Now()).Header
			return req
		},
		"tampered body, digest recomputed": func() *http.Request {
			tampered := bytes.Replace(follow, []byte("follows/9"), []byte("follows/8"), 1)
			req, _ := http.NewRequest(http.MethodPost, inbox, bytes.NewReader(tampered))
			req.Header = signed(follow, remote.key, time.Now()).Header
			req.Header.Set("Digest", digest(tampered))
			return req
		},
		"wrong key":  func() *http.Request { return signed(follow, otherKey, time.Now()) },
		"stale date": func() *http.Request { return signed(follow, remote.key, time.Now().Add(-13*time.Hour)) },
		"future date": func() *http.Request {
			return signed(follow, remote.key, time.Now().Add(13*time.Hour))
		},
		"missing digest": func() *http.Request {
			req, _ := http.NewRequest(http.MethodPost, inbox, bytes.NewReader(follow))
			if err := sign(req, nil, remote.keyID(), remote.key, time.Now()); err != nil {
				t.Fatal(err)
			}
			return req
		},
		"unsigned": func() *http.Request {
			req, _ := http.NewRequest(http.MethodPost, inbox, bytes.NewReader(follow))
			req.Header.Set("Content-Type", ContentType)
			return req
		},
		"garbage signature header": func() *http.Request {
			req := signed(follow, remote.key, time.Now())
			req.Header.Set("Signature", `keyId="x",signature="not base64!"`)
			return req
		},
	}
	for name, build := range cases {
		res, err := http.DefaultClient.Do(build())
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401", name, res.StatusCode)
		}
	}
	if n := s.followers(t); n != 0 {
		t.Errorf("%d followers after refused follows", n)
	}
	// The same follow, properly signed, is taken.
	if code := remote.post(t, inbox, json.RawMessage(follow)); code != http.StatusAccepted {
		t.Fatalf("signed follow: %d", code)
	}
	if n := s.followers(t); n != 1 {
		t.Errorf("%d followers after a signed follow", n)
	}
}

// TestRotatedKeyRefetched: a sender whose key changed is verified after
// one fresh fetch of its key.
func TestRotatedKeyRefetched(t *testing.T) {
	s := newSite(t)
	remote := newRemoteServer(t, "rotating")
	s.follow(t, remote)
	fresh, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	remote.mu.Lock()
	remote.key = fresh
	remote.mu.Unlock()
	undo := map[string]any{"@context": activityContext, "id": remote.actorID() + "#undo/1", "type": "Undo",
		"actor": remote.actorID(), "object": map[string]any{"type": "Follow", "actor": remote.actorID(), "object": s.URL + actorPath}}
	if code := remote.post(t, s.URL+sharedInboxPath, undo); code != http.StatusAccepted {
		t.Fatalf("undo signed with the rotated key: %d", code)
	}
	if n := s.followers(t); n != 0 {
		t.Errorf("%d followers after the undo", n)
	}
}

// replay sends a recorded activity, its hosts replaced with the test's.
func replay(t *testing.T, s *site, remote *remoteServer, file, object string) int {
	t.Helper()
	data, err := os.ReadFile("testdata/recorded/" + file)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.NewReplacer("{{REMOTE}}", remote.srv.URL, "{{ACTOR}}", remote.actorID(),
		"{{US}}", s.URL+actorPath, "{{OBJECT}}", object).Replace(string(data))
	return remote.post(t, s.URL+sharedInboxPath, json.RawMessage(text))
}

// TestRecordedActivities replays the activities Mastodon and GoToSocial
// send (single values and arrays, hs2019, keyId with and without a
// fragment) and checks what each changes.
func TestRecordedActivities(t *testing.T) {
	s := newSite(t)
	admin, _ := s.Staff("admin@example.org", staff.RoleAdmin)
	id, _ := s.publish(t, "Recorded")
	ctx := context.Background()
	reactions := func() fediverse.Reactions {
		t.Helper()
		fed, err := s.App.StoryFederation(ctx, admin, id)
		if err != nil {
			t.Fatal(err)
		}
		return fed.Reactions
	}
	for _, flavour := range []string{"mastodon", "gotosocial"} {
		t.Run(flavour, func(t *testing.T) {
			remote := newRemoteServer(t, flavour)
			remote.gts = flavour == "gotosocial"
			object := s.URL + objectPrefix + id
			if flavour == "gotosocial" {
				object = s.URL + "/en/stories/" + id // a story's page URL is understood too
			}
			steps := []struct {
				file      string
				followers int
				reactions fediverse.Reactions
			}{
				{"follow", 1, fediverse.Reactions{}},
				{"like", 1, fediverse.Reactions{Likes: 1}},
				{"like", 1, fediverse.Reactions{Likes: 1}}, // sent twice, counted once
				{"announce", 1, fediverse.Reactions{Likes: 1, Announces: 1}},
				{"undo-like", 1, fediverse.Reactions{Announces: 1}},
				{"undo-announce", 1, fediverse.Reactions{}},
				{"undo-follow", 0, fediverse.Reactions{}},
				{"follow", 1, fediverse.Reactions{}},
				{"like", 1, fediverse.Reactions{Likes: 1}},
				{"delete-actor", 0, fediverse.Reactions{}},
			}
			for i, step := range steps {
				if code := replay(t, s, remote, flavour+"-"+step.file+".json", object); code != http.StatusAccepted {
					t.Fatalf("step %d %s: %d", i, step.file, code)
				}
				if n := s.followers(t); n != step.followers {
					t.Errorf("step %d %s: %d followers, want %d", i, step.file, n, step.followers)
				}
				if got := reactions(); got != step.reactions {
					t.Errorf("step %d %s: reactions %+v, want %+v", i, step.file, got, step.reactions)
				}
			}
			remote.waitFor("Accept", "", 30*time.Second)
		})
	}
}

// TestHashtagNoteTakenAsPost: a follower's public note with the campaign
// hashtag goes to the posts' intake; one from a stranger does not.
func TestHashtagNoteTakenAsPost(t *testing.T) {
	s := newSite(t)
	remote := newRemoteServer(t, "gts")
	remote.gts = true
	if code := replay(t, s, remote, "gotosocial-create-note.json", ""); code != http.StatusAccepted {
		t.Fatalf("create from a stranger: %d", code)
	}
	noteID := remote.actorID() + "/statuses/01JD3VCM7P9Q1R3S5T7V9W1X3Y"
	if _, err := s.Store.PostBySource(context.Background(), "fediverse", noteID); err == nil {
		t.Fatal("a stranger's note was taken in")
	}
	replay(t, s, remote, "gotosocial-follow.json", "")
	if code := replay(t, s, remote, "gotosocial-create-note.json", ""); code != http.StatusAccepted {
		t.Fatalf("create from a follower: %d", code)
	}
	post, err := s.Store.PostBySource(context.Background(), "fediverse", noteID)
	if err != nil {
		t.Fatalf("the follower's note was not taken in: %v", err)
	}
	if !strings.Contains(post.Text, "story circle") || strings.Contains(post.Text, "<") {
		t.Errorf("post text %q", post.Text)
	}
}

// TestBlockedServerRefused: after an admin blocks a server, its follows
// are gone and its activities refused.
func TestBlockedServerRefused(t *testing.T) {
	s := newSite(t)
	remote := newRemoteServer(t, "spam")
	s.follow(t, remote)
	admin, _ := s.Staff("admin@example.org", staff.RoleAdmin)
	mod := s.moderator(t)
	ctx := context.Background()
	if err := s.App.BlockFediverse(ctx, mod, "127.0.0.1"); story.ErrorCode(err) != story.CodeForbidden {
		t.Errorf("a moderator blocked a server: %v", err)
	}
	if err := s.App.BlockFediverse(ctx, admin, "not a domain"); err == nil {
		t.Error("a malformed target was blocked")
	}
	if err := s.App.BlockFediverse(ctx, admin, remote.actorID()); err != nil {
		t.Fatal(err)
	}
	if n := s.followers(t); n != 0 {
		t.Errorf("%d followers after the block", n)
	}
	follow := map[string]any{"@context": activityContext, "id": remote.actorID() + "#f2", "type": "Follow",
		"actor": remote.actorID(), "object": s.URL + actorPath}
	if code := remote.post(t, s.URL+sharedInboxPath, follow); code != http.StatusForbidden {
		t.Errorf("follow from a blocked actor: %d, want 403", code)
	}
	if err := s.App.UnblockFediverse(ctx, admin, remote.actorID()); err != nil {
		t.Fatal(err)
	}
	if code := remote.post(t, s.URL+sharedInboxPath, follow); code != http.StatusAccepted {
		t.Errorf("follow after the block was lifted: %d", code)
	}
}

// TestDeletedAccountForgotten: when an account is deleted, its key is
// gone too; its Delete is believed once its own server answers 410 for
// it, and not before.
func TestDeletedAccountForgotten(t *testing.T) {
	s := newSite(t)
	remote := newRemoteServer(t, "leaving")
	s.follow(t, remote)
	otherKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	del := map[string]any{"@context": activityContext, "id": remote.actorID() + "#delete", "type": "Delete",
		"actor": remote.actorID(), "object": remote.actorID()}
	// Signed with a key that is not the actor's, while the actor exists.
	body, _ := json.Marshal(del)
	req, _ := http.NewRequest(http.MethodPost, s.URL+sharedInboxPath, bytes.NewReader(body))
	if err := sign(req, body, remote.keyID(), otherKey, time.Now()); err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized || s.followers(t) != 1 {
		t.Fatalf("forged delete: %d, %d followers", res.StatusCode, s.followers(t))
	}
	remote.gone.Store(true)
	req, _ = http.NewRequest(http.MethodPost, s.URL+sharedInboxPath, bytes.NewReader(body))
	if err := sign(req, body, remote.keyID(), otherKey, time.Now()); err != nil {
		t.Fatal(err)
	}
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusAccepted || s.followers(t) != 0 {
		t.Errorf("delete of a gone account: %d, %d followers", res.StatusCode, s.followers(t))
	}
}
