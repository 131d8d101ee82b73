package app

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"time"
	"unicode/utf8"

	"chorus/internal/audit"
	"chorus/internal/staff"
	"chorus/internal/storage"
	"chorus/internal/story"
)

// Decision is a moderator's verdict on a pending story.
type Decision struct {
	Approve bool
	Reason  string // a code from story.RejectReasons, required to reject
	Note    string // free text for the storyteller (rejection) or the log
}

func actor(u *staff.User) string { return "user:" + strconv.FormatInt(u.ID, 10) }

// maxNote bounds a moderator's note on a decision.
const maxNote = 2000

// cleanNote cleans a moderator's note and checks its length.
func cleanNote(note string) (string, error) {
	note = story.CleanText(note)
	if utf8.RuneCountInString(note) > maxNote {
		return "", story.FieldError("note", "error.note_too_long", "The note is too long (2,000 characters at most).")
	}
	return note, nil
}

// Decide approves or rejects a pending story.
func (a *App) Decide(ctx context.Context, by *staff.User, id string, d Decision) (*story.Story, error) {
	if err := can(by, ActionModerate); err != nil {
		return nil, err
	}
	var err error
	if d.Note, err = cleanNote(d.Note); err != nil {
		return nil, err
	}
	if !d.Approve && !slices.Contains(story.RejectReasons, d.Reason) {
		return nil, story.FieldError("reason", "error.reason_required", "Please choose a reason for the rejection.")
	}
	now := a.now()
	var decided *story.Story
	err = a.store.WithTx(ctx, func(tx storage.Tx) error {
		s, err := tx.Story(ctx, id)
		if err != nil {
			return err
		}
		if s.Status != story.StatusPending {
			return &story.Error{Code: story.CodeConflict, Key: "error.already_decided", Message: "This story has already been decided."}
		}
		entry := audit.Entry{At: now, Actor: actor(by), SubjectID: id, Note: d.Note}
		if d.Approve {
			s.Status = story.StatusPublished
			s.PublishedAt = now
			entry.Action = "approve"
		} else {
			s.Status = story.StatusRejected
			s.RejectReason, s.RejectNote = d.Reason, d.Note
			entry.Action, entry.Reason = "reject", d.Reason
		}
		s.UpdatedAt = now
		if err := tx.UpdateStory(ctx, s); err != nil {
			return err
		}
		decided = s
		return tx.AppendAudit(ctx, entry)
	})
	if err != nil {
		return nil, err
	}
	if d.Approve {
		a.publish(StoryChanged{ID: id})
	}
	a.queueChanged()
	return decided, nil
}

// Redaction is a moderator's edit removing personal details, made with the
// author's agreement; Note says what and why, and goes to the audit log.
type Redaction struct {
	Title string
	Body  string
	Note  string
	// Base, when set, is the TextVersion the redaction was made from: a
	// story changed since is refused.
	Base string
	// Kind, when set, is the kind of personal data removed, for the audit.
	Kind string
}

// Redact edits a pending or published story's text to remove personal details.
func (a *App) Redact(ctx context.Context, by *staff.User, id string, r Redaction) error {
	if err := can(by, ActionModerate); err != nil {
		return err
	}
	r.Title, r.Body, r.Note = story.CleanLine(r.Title), story.CleanText(r.Body), story.CleanText(r.Note)
	if r.Note == "" {
		return story.FieldError("note", "error.note_required", "Please say what was redacted and why.")
	}
	if r.Title == "" || len([]rune(r.Title)) > story.MaxTitle {
		return story.FieldError("title", "error.title_required", "Please give your story a title.")
	}
	if n := len([]rune(r.Body)); n < story.MinBody || n > story.MaxBody {
		return story.FieldError("body", "error.body_too_short", "Please write at least a few sentences (20 characters or more).")
	}
	before, err := a.store.Story(ctx, id)
	if err != nil {
		return err
	}
	signals := a.screenStory(ctx, id, r.Title, r.Body, before.Language, before.DisplayName, before.City)
	now := a.now()
	var public bool
	err = a.store.WithTx(ctx, func(tx storage.Tx) error {
		s, err := tx.Story(ctx, id)
		if err != nil {
			return err
		}
		if s.Status != story.StatusPending && s.Status != story.StatusPublished {
			return errNotPending
		}
		if r.Base != "" && TextVersion(s) != r.Base {
			return errStaleSpan
		}
		// The storyteller may have edited the fields screened with the
		// new text meanwhile.
		if s.Language != before.Language || s.DisplayName != before.DisplayName || s.City != before.City {
			return story.ErrConflict
		}
		s.Title, s.Body, s.UpdatedAt = r.Title, r.Body, now
		s.Signals = signals
		public = s.Status == story.StatusPublished
		if err := tx.UpdateStory(ctx, s); err != nil {
			return err
		}
		// Translations were made from the text before the redaction and
		// would keep what it removed.
		if n, err := tx.DeleteStoryTranslations(ctx, id); err != nil {
			return err
		} else if n > 0 {
			if err := tx.AppendAudit(ctx, audit.Entry{At: now, Actor: actor(by), Action: "translations_removed", SubjectID: id, Reason: "redacted"}); err != nil {
				return err
			}
		}
		// The text before the redaction, pending or published, must leave
		// the database files too.
		if err := a.enqueuePurge(ctx, tx, now); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Entry{At: now, Actor: actor(by), Action: "redact", SubjectID: id, Reason: r.Kind, Note: r.Note})
	})
	if err != nil {
		return err
	}
	a.queueChanged()
	if public {
		a.publish(StoryChanged{ID: id})
	}
	a.purge(ctx)
	return nil
}

// SetFeatured puts a published story on the home page or takes it off.
func (a *App) SetFeatured(ctx context.Context, by *staff.User, id string, featured bool) error {
	if err := can(by, ActionFeature); err != nil {
		return err
	}
	now := a.now()
	err := a.store.WithTx(ctx, func(tx storage.Tx) error {
		s, err := tx.Story(ctx, id)
		if err != nil {
			return err
		}
		if s.Status != story.StatusPublished {
			return story.ErrNotFound
		}
		s.Featured = featured
		if err := tx.UpdateStory(ctx, s); err != nil {
			return err
		}
		action := "unfeature"
		if featured {
			action = "feature"
		}
		return tx.AppendAudit(ctx, audit.Entry{At: now, Actor: actor(by), Action: action, SubjectID: id})
	})
	if err == nil {
		a.publish(StoryChanged{ID: id})
	}
	return err
}

// Queue lists pending stories oldest first, or, byRisk, those whose
// automatic signals are strongest first (among the oldest 500): during a
// raid, moderators take the worst first. The screen orders; people decide.
func (a *App) Queue(ctx context.Context, by *staff.User, limit int, byRisk bool) ([]*story.Story, error) {
	if err := can(by, ActionModerate); err != nil {
		return nil, err
	}
	if !byRisk {
		return a.store.Queue(ctx, limit)
	}
	items, err := a.store.Queue(ctx, 500)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(items, func(i, j int) bool { return risk(items[i]) > risk(items[j]) })
	if limit > 0 && len(items) > limit {
		items = items[:limit]
	}
	return items, nil
}

// risk is a story's strongest signal of harm: hate, threats, personal
// data that could endanger someone, or spam.
func risk(s *story.Story) float64 {
	r := 0.0
	for _, sig := range s.Signals {
		if sig.Kind != story.SignalLanguage {
			r = max(r, sig.Score)
		}
	}
	return r
}

// orphanGrace is how long a freshly written file may stay unreferenced
// before the sweeper treats it as left over from a failed upload.
const orphanGrace = time.Hour

// SweepBlobs deletes media files whose deletion is due. It is safe to run
// at any time and from several processes; what it cannot delete now, the
// periodic sweep job retries.
func (a *App) SweepBlobs(ctx context.Context) {
	if err := a.sweepBlobs(context.WithoutCancel(ctx)); err != nil {
		a.Log.Error("media left for the next sweep", "err", err)
	}
}

func (a *App) sweepBlobs(ctx context.Context) error {
	for {
		keys, err := a.store.DueBlobDeletions(ctx, a.now(), 100)
		if err != nil {
			return err
		}
		if len(keys) == 0 {
			return nil
		}
		for _, key := range keys {
			if err := a.Blobs.Delete(ctx, key); err != nil {
				return err
			}
			if err := a.store.WithTx(ctx, func(tx storage.Tx) error { return tx.DoneBlobDeletion(ctx, key) }); err != nil {
				return err
			}
		}
	}
}
