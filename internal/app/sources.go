package app

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"chorus/internal/audit"
	"chorus/internal/staff"
	"chorus/internal/storage"
	"chorus/internal/story"
)

// CommandLine is the person at the server's command line: the operator,
// who may do what an admin may. Only cmd/chorus uses it.
var CommandLine = &staff.User{ID: 0, Email: "command line", Role: staff.RoleAdmin}

func sourceActor(by *staff.User) string {
	if by == CommandLine {
		return "command_line"
	}
	return actor(by)
}

func sourceSubject(id string) string { return "source:" + id }

// SourceInput is a hashtag source as an admin describes it.
type SourceInput struct {
	Kind  story.SourceKind
	URL   string
	Tags  []string
	Every time.Duration // zero: story.DefaultSourceGap
	Token string        // optional access token
	// AppView is, for a Bluesky source, the base URL asked for authors'
	// profile labels; empty: Bluesky's public AppView.
	AppView string
}

// AddSource adds a hashtag source; connectors pick it up on their next
// round. Its token is sealed with the site's key.
func (a *App) AddSource(ctx context.Context, by *staff.User, in SourceInput) (*story.Source, error) {
	if err := can(by, ActionManageSources); err != nil {
		return nil, err
	}
	src := &story.Source{ID: newID(), Kind: story.SourceKind(strings.TrimSpace(string(in.Kind))), URL: strings.TrimSpace(in.URL),
		Every: in.Every, CreatedAt: a.now(), CreatedBy: sourceActor(by)}
	if src.Every == 0 {
		src.Every = story.DefaultSourceGap
	}
	for _, t := range in.Tags {
		if t = story.NormalizeTag(t); t != "" {
			src.Tags = append(src.Tags, t)
		}
	}
	if err := src.Validate(); err != nil {
		return nil, err
	}
	if appView := strings.TrimSpace(in.AppView); appView != "" {
		u, err := url.Parse(appView)
		if src.Kind != story.SourceBluesky || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, &story.Error{Code: story.CodeInvalid, Field: "appview", Message: "an AppView is an http or https URL, for a Bluesky source"}
		}
		src.State, _ = json.Marshal(map[string]string{"appview": appView})
	}
	if token := strings.TrimSpace(in.Token); token != "" {
		src.TokenSealed = base64.RawURLEncoding.EncodeToString(a.Keys.Seal([]byte(token)))
	}
	err := a.store.WithTx(ctx, func(tx storage.Tx) error {
		if err := tx.InsertSource(ctx, src); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Entry{At: src.CreatedAt, Actor: src.CreatedBy, Action: "source_add", SubjectID: sourceSubject(src.ID),
			Note: fmt.Sprintf("%s %s", src.Kind, src.URL)})
	})
	if err != nil {
		return nil, err
	}
	return src, nil
}

// Sources lists the hashtag sources with their state, for admins.
func (a *App) Sources(ctx context.Context, by *staff.User) ([]*story.Source, error) {
	if err := can(by, ActionManageSources); err != nil {
		return nil, err
	}
	return a.store.Sources(ctx)
}

// RemoveSource stops and forgets a source. The posts it brought stay.
func (a *App) RemoveSource(ctx context.Context, by *staff.User, id string) error {
	if err := can(by, ActionManageSources); err != nil {
		return err
	}
	now := a.now()
	err := a.store.WithTx(ctx, func(tx storage.Tx) error {
		if err := tx.DeleteSource(ctx, id); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Entry{At: now, Actor: sourceActor(by), Action: "source_remove", SubjectID: sourceSubject(id)})
	})
	return err
}

// ConnectorSources lists the sources for the node that runs connectors.
func (a *App) ConnectorSources(ctx context.Context) ([]*story.Source, error) {
	return a.store.Sources(ctx)
}

// SourceToken opens a source's sealed access token ("" when none).
func (a *App) SourceToken(src *story.Source) (string, error) {
	if src.TokenSealed == "" {
		return "", nil
	}
	sealed, err := base64.RawURLEncoding.DecodeString(src.TokenSealed)
	if err != nil {
		return "", err
	}
	token, err := a.Keys.Open(sealed)
	return string(token), err
}

// RecordSourceRun keeps what a connector's run left: its state (cursor,
// paging, validators), its error for admins (empty when it went well) and
// how many new posts it brought.
func (a *App) RecordSourceRun(ctx context.Context, id string, state []byte, runErr error, added int) error {
	msg := ""
	if runErr != nil {
		msg = runErr.Error()
		if len(msg) > 500 {
			msg = msg[:500]
		}
		msg = story.CleanLine(msg)
	}
	return a.store.WithTx(ctx, func(tx storage.Tx) error {
		return tx.UpdateSourceRun(ctx, id, state, msg, a.now(), added)
	})
}

// TakeLease gives holder the named lease for ttl when no other node holds
// it, and renews it when holder does; it reports whether holder has it.
func (a *App) TakeLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	now := a.now()
	var ok bool
	err := a.store.WithTx(ctx, func(tx storage.Tx) error {
		var err error
		ok, err = tx.TakeLease(ctx, name, holder, now, now.Add(ttl))
		return err
	})
	return ok, err
}

// PostFigures lists the posts taken in per day, network and language
// since the day, for the dashboard.
func (a *App) PostFigures(ctx context.Context, by *staff.User, since time.Time) ([]storage.PostFigure, error) {
	if err := can(by, ActionModerate); err != nil {
		return nil, err
	}
	return a.store.PostFigures(ctx, since.UTC().Format(time.DateOnly))
}

// PinPost pins a shown post to the head of the wall, or unpins it.
func (a *App) PinPost(ctx context.Context, by *staff.User, id string, pinned bool) (*story.Post, error) {
	if err := can(by, ActionPinPosts); err != nil {
		return nil, err
	}
	now := a.now()
	var post *story.Post
	err := a.store.WithTx(ctx, func(tx storage.Tx) error {
		p, err := tx.Post(ctx, id)
		if err != nil {
			return err
		}
		if pinned && p.Status != story.PostVisible {
			return &story.Error{Code: story.CodeConflict, Key: "error.pin_hidden", Message: "Only a post shown on the wall can be pinned."}
		}
		p.Pinned = pinned
		if err := tx.UpdatePost(ctx, p); err != nil {
			return err
		}
		post = p
		action := "post_pin"
		if !pinned {
			action = "post_unpin"
		}
		return tx.AppendAudit(ctx, audit.Entry{At: now, Actor: actor(by), Action: action, SubjectID: postSubject(id)})
	})
	if err != nil {
		return nil, err
	}
	a.publish(WallChanged{})
	return post, nil
}

// HasPost reports whether a network's post is here, so a stream's deletions
// of posts never taken in cost one read, not a transaction.
func (a *App) HasPost(ctx context.Context, network, sourceID string) (bool, error) {
	_, err := a.store.PostBySource(ctx, network, sourceID)
	if errors.Is(err, story.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// WallPosts lists the posts shown to the public, pinned ones first, then
// newest first, of one network and language when they are set.
func (a *App) WallPosts(ctx context.Context, network, language string, limit int) ([]*story.Post, error) {
	return a.store.Posts(ctx, storage.PostFilter{Status: story.PostVisible, Network: network, Language: language, PinnedFirst: true, Limit: limit})
}

// WallImage returns the key of a shown post's image by its file name, or
// story.ErrNotFound: a hidden or removed post's images are not served.
func (a *App) WallImage(ctx context.Context, postID, file string) (string, error) {
	p, err := a.store.Post(ctx, postID)
	if err != nil {
		return "", err
	}
	if p.Status != story.PostVisible {
		return "", story.ErrNotFound
	}
	for _, m := range p.Media {
		if m.Key != "" && m.Key == "posts/"+postID+"/"+file {
			return m.Key, nil
		}
	}
	return "", story.ErrNotFound
}

// Blocklist names the authors and servers whose posts never reach the
// wall: they are taken in hidden, by policy.
type Blocklist struct {
	Authors []string `json:"authors"`
	Servers []string `json:"servers"`
}

const blocklistKey = "policy.blocked_post_sources"

func (b Blocklist) blocks(author, server string) bool {
	return slices.ContainsFunc(b.Authors, func(a string) bool { return strings.EqualFold(a, author) }) ||
		(server != "" && slices.ContainsFunc(b.Servers, func(s string) bool { return strings.EqualFold(s, server) }))
}

func blocklistFrom(ctx context.Context, r storage.Reader) (Blocklist, error) {
	var b Blocklist
	s, err := r.Setting(ctx, blocklistKey)
	if errors.Is(err, story.ErrNotFound) {
		return b, nil
	}
	if err != nil {
		return b, err
	}
	err = json.Unmarshal(s.Value, &b)
	return b, err
}

// BlockPostSource blocks an author ("author") or a whole server
// ("server") from the wall: their posts from now on are hidden by policy.
// Only admins may, as they set the policy; it is audited.
func (a *App) BlockPostSource(ctx context.Context, by *staff.User, kind, value string) error {
	if err := can(by, ActionSetPolicy); err != nil {
		return err
	}
	value = story.CleanLine(value)
	if value == "" || len(value) > story.MaxPostAuthor || (kind != "author" && kind != "server") {
		return story.FieldError("block", "error.block_invalid", "Choose an author or a server to block.")
	}
	now := a.now()
	return a.store.WithTx(ctx, func(tx storage.Tx) error {
		b, err := blocklistFrom(ctx, tx)
		if err != nil {
			return err
		}
		list := &b.Authors
		if kind == "server" {
			list = &b.Servers
		}
		if slices.ContainsFunc(*list, func(x string) bool { return strings.EqualFold(x, value) }) {
			return nil
		}
		*list = append(*list, value)
		data, err := json.Marshal(b)
		if err != nil {
			return err
		}
		if err := tx.PutSetting(ctx, storage.Setting{Key: blocklistKey, Value: data, UpdatedAt: now, UpdatedBy: actor(by)}); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Entry{At: now, Actor: actor(by), Action: "block_" + kind, SubjectID: blocklistKey, Note: value})
	})
}
