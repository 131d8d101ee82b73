package app

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"chorus/internal/audit"
	"chorus/internal/moderation"
	"chorus/internal/staff"
	"chorus/internal/storage"
	"chorus/internal/story"
)

// LibraryEntry is a reply of the counter-speech library as admins see it:
// the embedded text, an admin's edit of it, or an admin's own reply.
type LibraryEntry struct {
	moderation.Reply
	Embedded  bool // the project ships a reply with this id
	Edited    bool // an admin changed or removed it
	Removed   bool // an admin took it out of the library
	UpdatedBy string
	UpdatedAt time.Time
}

// ReplyLibrary lists every reply, removed ones included, by language then id.
func (a *App) ReplyLibrary(ctx context.Context) ([]LibraryEntry, error) {
	stored, err := a.store.StoredReplies(ctx)
	if err != nil {
		return nil, err
	}
	var entries []LibraryEntry
	byID := map[string]int{}
	for _, r := range moderation.Replies() {
		byID[r.ID] = len(entries)
		entries = append(entries, LibraryEntry{Reply: r, Embedded: true})
	}
	for _, s := range stored {
		e := LibraryEntry{Edited: true, Removed: s.Removed, UpdatedBy: s.UpdatedBy, UpdatedAt: s.UpdatedAt}
		i, embedded := byID[s.ID]
		if embedded {
			e.Reply, e.Embedded = entries[i].Reply, true
		}
		if !s.Removed {
			if err := json.Unmarshal(s.Data, &e.Reply); err != nil {
				return nil, fmt.Errorf("stored reply %s: %w", s.ID, err)
			}
		}
		e.ID = s.ID
		if embedded {
			entries[i] = e
		} else {
			entries = append(entries, e)
		}
	}
	slices.SortStableFunc(entries, func(x, y LibraryEntry) int {
		if x.Language != y.Language {
			return cmp.Compare(x.Language, y.Language)
		}
		return cmp.Compare(x.ID, y.ID)
	})
	return entries, nil
}

// ReplyEntry returns one entry of the library.
func (a *App) ReplyEntry(ctx context.Context, id string) (LibraryEntry, error) {
	entries, err := a.ReplyLibrary(ctx)
	if err != nil {
		return LibraryEntry{}, err
	}
	for _, e := range entries {
		if e.ID == id {
			return e, nil
		}
	}
	return LibraryEntry{}, story.ErrNotFound
}

// ActiveReplies lists the replies in force, the library as admins left it.
// When it cannot be read, the embedded library stands in, so moderators
// still get suggestions.
func (a *App) ActiveReplies(ctx context.Context) []moderation.Reply {
	entries, err := a.ReplyLibrary(ctx)
	if err != nil {
		a.Log.Warn("the reply library could not be read; suggesting from the embedded one", "err", err)
		return moderation.Replies()
	}
	active := make([]moderation.Reply, 0, len(entries))
	for _, e := range entries {
		if !e.Removed {
			active = append(active, e.Reply)
		}
	}
	return active
}

// SuggestReply picks a reply in force for a text in language with these
// signals.
func (a *App) SuggestReply(ctx context.Context, language string, signals []story.Signal) (moderation.Reply, bool) {
	return moderation.SuggestFrom(a.ActiveReplies(ctx), language, signals)
}

func replySubject(id string) string { return "reply:" + id }

// SaveReply adds a reply to the library (when r.ID is empty) or changes
// one, and returns its id; only admins may.
func (a *App) SaveReply(ctx context.Context, by *staff.User, r moderation.Reply) (string, error) {
	if err := can(by, ActionEditReplies); err != nil {
		return "", err
	}
	if r.ID == "" {
		r.ID = "r-" + newID()
	}
	if err := r.Validate(); err != nil {
		return "", err
	}
	data, err := json.Marshal(r)
	if err != nil {
		return "", err
	}
	now := a.now()
	return r.ID, a.store.WithTx(ctx, func(tx storage.Tx) error {
		if err := tx.PutStoredReply(ctx, storage.StoredReply{ID: r.ID, Data: data, UpdatedAt: now, UpdatedBy: actor(by)}); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Entry{At: now, Actor: actor(by), Action: "reply_save", SubjectID: replySubject(r.ID)})
	})
}

// RemoveReply takes a reply out of the library. A reply the project ships
// stays known, removed, so that RestoreReply can bring it back.
func (a *App) RemoveReply(ctx context.Context, by *staff.User, id string) error {
	if err := can(by, ActionEditReplies); err != nil {
		return err
	}
	entry, err := a.ReplyEntry(ctx, id)
	if err != nil {
		return err
	}
	now := a.now()
	return a.store.WithTx(ctx, func(tx storage.Tx) error {
		var err error
		if entry.Embedded {
			err = tx.PutStoredReply(ctx, storage.StoredReply{ID: id, Data: []byte("{}"), Removed: true, UpdatedAt: now, UpdatedBy: actor(by)})
		} else {
			err = tx.DeleteStoredReply(ctx, id)
		}
		if err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Entry{At: now, Actor: actor(by), Action: "reply_remove", SubjectID: replySubject(id)})
	})
}

// RestoreReply undoes admins' edits of a reply the project ships.
func (a *App) RestoreReply(ctx context.Context, by *staff.User, id string) error {
	if err := can(by, ActionEditReplies); err != nil {
		return err
	}
	entry, err := a.ReplyEntry(ctx, id)
	if err != nil {
		return err
	}
	if !entry.Embedded {
		return story.ErrNotFound
	}
	now := a.now()
	return a.store.WithTx(ctx, func(tx storage.Tx) error {
		if err := tx.DeleteStoredReply(ctx, id); err != nil && !errors.Is(err, story.ErrNotFound) {
			return err
		}
		return tx.AppendAudit(ctx, audit.Entry{At: now, Actor: actor(by), Action: "reply_restore", SubjectID: replySubject(id)})
	})
}
