package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"chorus/internal/audit"
	"chorus/internal/auth"
	"chorus/internal/media"
	"chorus/internal/moderation"
	"chorus/internal/storage"
	"chorus/internal/story"
)

// Receipt is what a storyteller keeps after submitting: the private token
// is shown once and stored only as a hash.
type Receipt struct {
	ID    string
	Token string
}

// Submit validates and screens a submission and stores it as pending.
func (a *App) Submit(ctx context.Context, sub story.Submission) (Receipt, error) {
	sub.Normalize()
	if err := sub.Validate(a.rules()); err != nil {
		return Receipt{}, err
	}
	now := a.now()
	s := &story.Story{
		ID:          newID(),
		Status:      story.StatusPending,
		CreatedAt:   now,
		UpdatedAt:   now,
		Consent:     sub.Consent,
		Identity:    sub.Identity,
		DisplayName: sub.DisplayName,
		Anonymous:   sub.Anonymous,
	}
	a.applySubmission(s, sub, a.screenSubmission(ctx, s.ID, sub))
	token := auth.NewToken()
	err := a.store.WithTx(ctx, func(tx storage.Tx) error {
		if err := tx.InsertStory(ctx, s, auth.HashToken(token)); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Entry{At: now, Actor: "storyteller", Action: "submit", SubjectID: s.ID})
	})
	if err != nil {
		return Receipt{}, err
	}
	a.queueChanged()
	return Receipt{ID: s.ID, Token: token}, nil
}

// screenSubmission screens a submission and flags it when it nearly
// repeats recent ones; never inside a transaction.
func (a *App) screenSubmission(ctx context.Context, id string, sub story.Submission) []story.Signal {
	signals := a.screenStory(ctx, id, sub.Title, sub.Body, sub.Language, sub.DisplayName, sub.City)
	return a.flagDuplicates(ctx, id, sub.Title, sub.Body, signals)
}

// applySubmission sets a story's fields from a submission screened as
// signals.
func (a *App) applySubmission(s *story.Story, sub story.Submission, signals []story.Signal) {
	s.Title, s.Body = sub.Title, sub.Body
	s.Language, s.Country, s.City, s.Themes = sub.Language, sub.Country, sub.City, sub.Themes
	s.Identity, s.DisplayName, s.Anonymous, s.Consent = sub.Identity, sub.DisplayName, sub.Anonymous, sub.Consent
	s.ContactSealed = nil
	if sub.ContactEmail != "" {
		s.ContactSealed = a.Keys.Seal([]byte(sub.ContactEmail))
	}
	s.Signals = signals
}

// duplicateWindow is how many recent submissions a new one is compared with.
const duplicateWindow = 500

// recentTexts remembers the fingerprints of the latest submissions this
// process received, seeded from the pending queue on first use, so the
// duplicate check costs no database read on the submission path.
type recentTexts struct {
	mu     sync.Mutex
	seeded bool
	ring   []recentText
	next   int
}

type recentText struct {
	id string
	fp uint64
}

// remember records id's fingerprint, replacing an older one of the same
// story, and returns how many other recent submissions are near it.
func (r *recentTexts) remember(id string, fp uint64) int {
	copies := 0
	for i, t := range r.ring {
		if t.id == id {
			r.ring[i].fp = fp
			id = ""
			continue
		}
		if moderation.NearDuplicate(fp, t.fp) {
			copies++
		}
	}
	if id != "" {
		if len(r.ring) < duplicateWindow {
			r.ring = append(r.ring, recentText{id, fp})
		} else {
			r.ring[r.next] = recentText{id, fp}
			r.next = (r.next + 1) % duplicateWindow
		}
	}
	return copies
}

// flagDuplicates raises the spam signal of a story whose text nearly
// repeats recent submissions: the copy-pasted floods of a raid. Each node
// counts what it received, so a flood split across nodes still shows.
func (a *App) flagDuplicates(ctx context.Context, id, title, body string, signals []story.Signal) []story.Signal {
	a.recent.mu.Lock()
	defer a.recent.mu.Unlock()
	if !a.recent.seeded {
		pending, err := a.store.Queue(ctx, duplicateWindow)
		if err != nil {
			a.Log.Warn("duplicate check starts without the pending queue", "err", err)
		}
		for _, p := range pending {
			a.recent.remember(p.ID, moderation.Fingerprint(p.Title+"\n"+p.Body))
		}
		a.recent.seeded = true
	}
	copies := a.recent.remember(id, moderation.Fingerprint(title+"\n"+body))
	return raiseSpam(signals, copies)
}

// raiseSpam raises the spam signal of a text that nearly repeats copies
// recent ones.
func raiseSpam(signals []story.Signal, copies int) []story.Signal {
	if copies == 0 {
		return signals
	}
	score, detail := 0.7, fmt.Sprintf("near-duplicate of %d recent submissions", copies)
	if copies >= 3 {
		score, detail = 0.95, fmt.Sprintf("burst: near-duplicate of %d recent submissions", copies)
	}
	for i := range signals {
		if signals[i].Kind == story.SignalSpam {
			signals[i].Score = max(signals[i].Score, score)
			signals[i].Detail = strings.TrimPrefix(signals[i].Detail+"; "+detail, "; ")
			return signals
		}
	}
	return append(signals, story.Signal{Kind: story.SignalSpam, Score: score, Detail: detail})
}

// Submission returns a storyteller's own story, whatever its status.
func (a *App) Submission(ctx context.Context, id, token string) (*story.Story, error) {
	if err := a.CheckToken(ctx, id, token); err != nil {
		return nil, err
	}
	return a.store.Story(ctx, id)
}

// ContactEmail opens the sealed contact address of a story, "" when none.
func (a *App) ContactEmail(s *story.Story) string {
	if len(s.ContactSealed) == 0 {
		return ""
	}
	plain, err := a.Keys.Open(s.ContactSealed)
	if err != nil {
		a.Log.Error("cannot open a sealed contact address", "story", s.ID, "err", err)
		return ""
	}
	return string(plain)
}

var errBadToken = &story.Error{Code: story.CodeUnauthorized, Key: "error.bad_token", Message: "This private link is not valid."}

// CheckToken verifies a story's private token; the API calls it too, to
// refuse a request before reading its body.
func (a *App) CheckToken(ctx context.Context, id, token string) error {
	if id == "" || token == "" || len(id) > 64 || len(token) > 128 {
		return errBadToken
	}
	hash, err := a.store.SubmissionTokenHash(ctx, id)
	if errors.Is(err, story.ErrNotFound) {
		return errBadToken
	}
	if err != nil {
		return err
	}
	if !auth.TokenMatches(token, hash) {
		return errBadToken
	}
	return nil
}

var errNotPending = &story.Error{Code: story.CodeConflict, Key: "error.not_pending", Message: "This story can no longer be edited: it has already been reviewed."}

// EditSubmission replaces a pending story's content with the author's new version.
func (a *App) EditSubmission(ctx context.Context, id, token string, sub story.Submission) error {
	if err := a.CheckToken(ctx, id, token); err != nil {
		return err
	}
	sub.Normalize()
	if err := sub.Validate(a.rules()); err != nil {
		return err
	}
	signals := a.screenSubmission(ctx, id, sub)
	now := a.now()
	err := a.store.WithTx(ctx, func(tx storage.Tx) error {
		s, err := tx.Story(ctx, id)
		if err != nil {
			return err
		}
		if s.Status != story.StatusPending {
			return errNotPending
		}
		keepContact := s.ContactSealed
		a.applySubmission(s, sub, signals)
		if sub.ContactEmail == "" {
			// An empty field on edit keeps the address we hold: it is never
			// shown back, so the author cannot have meant to erase it.
			s.ContactSealed = keepContact
		}
		s.UpdatedAt = now
		if err := tx.UpdateStory(ctx, s); err != nil {
			return err
		}
		// What the author took out must leave the database files too.
		if err := a.enqueuePurge(ctx, tx, now); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Entry{At: now, Actor: "storyteller", Action: "edit", SubjectID: id})
	})
	if err != nil {
		return err
	}
	a.queueChanged()
	a.purge(ctx)
	return nil
}

// PhotoUpload is a photo sent with a submission.
type PhotoUpload struct {
	File io.Reader
	Alt  string
}

func checkAlt(alt string) (string, error) {
	alt = story.CleanLine(alt)
	if alt == "" {
		return "", story.FieldError("alt", "error.alt_required", "Please describe the photo for people who cannot see it.")
	}
	if utf8.RuneCountInString(alt) > story.MaxAlt {
		return "", story.FieldError("alt", "error.alt_too_long", "The description is too long (500 characters at most).")
	}
	return alt, nil
}

// processPhoto checks and re-encodes an upload; errors name the photo field.
func (a *App) processPhoto(ctx context.Context, upload PhotoUpload) ([]media.Rendition, string, error) {
	alt, err := checkAlt(upload.Alt)
	if err != nil {
		return nil, "", err
	}
	renditions, err := a.Photos(ctx, upload.File)
	if err != nil {
		var de *story.Error
		if errors.As(err, &de) && de.Field == "" {
			copied := *de
			copied.Field = "photo"
			return nil, "", &copied
		}
		return nil, "", err
	}
	return renditions, alt, nil
}

// SubmitWithPhoto checks the submission and the photo before storing
// anything, so a bad photo never leaves a story without it.
func (a *App) SubmitWithPhoto(ctx context.Context, sub story.Submission, upload PhotoUpload) (Receipt, error) {
	check := sub
	check.Normalize()
	if err := check.Validate(a.rules()); err != nil {
		return Receipt{}, err
	}
	renditions, alt, err := a.processPhoto(ctx, upload)
	if err != nil {
		return Receipt{}, err
	}
	receipt, err := a.Submit(ctx, sub)
	if err != nil {
		return Receipt{}, err
	}
	if err := a.attachRenditions(ctx, receipt.ID, renditions, alt); err != nil {
		// The story is stored; the storyteller can add the photo again from
		// the private page.
		return receipt, err
	}
	return receipt, nil
}

// AttachPhoto processes an upload and makes it the story's photo, replacing
// any previous one. Only pending stories take photos.
func (a *App) AttachPhoto(ctx context.Context, id, token string, upload io.Reader, alt string) error {
	if err := a.CheckToken(ctx, id, token); err != nil {
		return err
	}
	s, err := a.store.Story(ctx, id)
	if err != nil {
		return err
	}
	if s.Status != story.StatusPending {
		return errNotPending
	}
	renditions, alt, err := a.processPhoto(ctx, PhotoUpload{File: upload, Alt: alt})
	if err != nil {
		return err
	}
	return a.attachRenditions(ctx, id, renditions, alt)
}

func (a *App) attachRenditions(ctx context.Context, id string, renditions []media.Rendition, alt string) error {
	prefix := fmt.Sprintf("photos/%s/%s", id, newID())
	photo := &story.Photo{Alt: alt}
	for _, r := range renditions {
		photo.Sizes = append(photo.Sizes, story.PhotoSize{Name: r.Name, Key: prefix + "-" + r.Name + ".jpg", Width: r.Width, Height: r.Height})
	}
	// Files are written before the row that references them. Until that row
	// commits, each file is scheduled for deletion, so a crash in between
	// leaves nothing behind once the sweeper runs.
	now := a.now()
	err := a.store.WithTx(ctx, func(tx storage.Tx) error {
		for _, size := range photo.Sizes {
			if err := tx.ScheduleBlobDeletion(ctx, size.Key, now.Add(orphanGrace)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i, r := range renditions {
		if err := a.Blobs.Put(ctx, photo.Sizes[i].Key, r.Data, r.ContentType); err != nil {
			a.discardBlobs(ctx, photo.Sizes)
			return &story.Error{Code: story.CodeUnavailable, Key: "error.photo_not_saved", Message: "We could not save the photo right now. Your story is saved; please add the photo again later.", Err: err}
		}
	}
	var replaced bool
	err = a.store.WithTx(ctx, func(tx storage.Tx) error {
		current, err := tx.Story(ctx, id)
		if err != nil {
			return err
		}
		if current.Status != story.StatusPending {
			return errNotPending
		}
		if current.Photo != nil {
			for _, old := range current.Photo.Sizes {
				if err := tx.ScheduleBlobDeletion(ctx, old.Key, now); err != nil {
					return err
				}
			}
			// The old description must leave the database files too.
			if err := a.enqueuePurge(ctx, tx, now); err != nil {
				return err
			}
			replaced = true
		}
		for _, size := range photo.Sizes {
			if err := tx.CancelBlobDeletion(ctx, size.Key); err != nil {
				return err
			}
		}
		current.Photo = photo
		current.UpdatedAt = now
		if err := tx.UpdateStory(ctx, current); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Entry{At: now, Actor: "storyteller", Action: "photo", SubjectID: id})
	})
	if err != nil {
		a.discardBlobs(ctx, photo.Sizes)
		return err
	}
	a.queueChanged()
	a.SweepBlobs(ctx)
	if replaced {
		a.purge(ctx)
	}
	return nil
}

func (a *App) discardBlobs(ctx context.Context, sizes []story.PhotoSize) {
	for _, size := range sizes {
		if err := a.Blobs.Delete(context.WithoutCancel(ctx), size.Key); err != nil {
			a.Log.Warn("photo left for the sweeper", "key", size.Key, "err", err)
		}
	}
}

// Withdraw takes a story off every public surface and erases its personal
// data, keeping a tombstone. It is allowed whatever the story's status and
// is idempotent. The reason is a code from story.WithdrawReasons, or empty
// when the storyteller gives none.
func (a *App) Withdraw(ctx context.Context, id, token, reason string) error {
	if reason != "" && !slices.Contains(story.WithdrawReasons, reason) {
		return story.ErrUnknownWithdrawReason
	}
	if err := a.CheckToken(ctx, id, token); err != nil {
		return err
	}
	now := a.now()
	err := a.store.WithTx(ctx, func(tx storage.Tx) error {
		s, err := tx.Story(ctx, id)
		if err != nil {
			return err
		}
		if s.Status == story.StatusWithdrawn {
			return nil
		}
		if err := a.eraseStory(ctx, tx, s, reason, now); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Entry{At: now, Actor: "storyteller", Action: "withdraw", SubjectID: id, Reason: reason})
	})
	if err != nil {
		return err
	}
	a.afterErasure(ctx, id)
	return nil
}

// eraseStory erases a story within tx: its photo's files and its consent
// record's scan are scheduled for deletion, its text and personal data
// erased (a tombstone stays), and a purge of the database files enqueued.
func (a *App) eraseStory(ctx context.Context, tx storage.Tx, s *story.Story, reason string, now time.Time) error {
	if s.Photo != nil {
		for _, size := range s.Photo.Sizes {
			if err := tx.ScheduleBlobDeletion(ctx, size.Key, now); err != nil {
				return err
			}
		}
	}
	record, err := tx.ConsentRecord(ctx, s.ID)
	switch {
	case errors.Is(err, story.ErrNotFound):
	case err != nil:
		return err
	case record.ScanKey != "":
		if err := tx.ScheduleBlobDeletion(ctx, record.ScanKey, now); err != nil {
			return err
		}
	}
	if err := tx.EraseStory(ctx, s.ID, reason, now); err != nil {
		return err
	}
	return a.enqueuePurge(ctx, tx, now)
}

// afterErasure tells every surface the story left, deletes its files and
// purges the database files now.
func (a *App) afterErasure(ctx context.Context, id string) {
	a.publish(StoryChanged{ID: id})
	a.queueChanged()
	a.SweepBlobs(ctx)
	a.purge(ctx)
}

// PublicStory returns a published story; a withdrawn one answers ErrGone,
// anything else ErrNotFound.
func (a *App) PublicStory(ctx context.Context, id string) (*story.Story, error) {
	s, err := a.store.Story(ctx, id)
	if err != nil {
		return nil, err
	}
	switch s.Status {
	case story.StatusPublished:
		return s, nil
	case story.StatusWithdrawn:
		return nil, story.ErrGone
	default:
		return nil, story.ErrNotFound
	}
}

// Stories lists published stories.
func (a *App) Stories(ctx context.Context, f story.Filter) (story.Page, error) {
	return a.store.PublishedStories(ctx, f)
}
