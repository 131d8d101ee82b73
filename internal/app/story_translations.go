package app

import (
	"context"
	"errors"
	"slices"
	"time"

	"chorus/internal/audit"
	"chorus/internal/staff"
	"chorus/internal/storage"
	"chorus/internal/story"
)

// MachineTranslator translates texts from one language into another.
type MachineTranslator interface {
	Translate(ctx context.Context, source, target string, texts ...string) ([]string, error)
}

var (
	errTranslationClosed = &story.Error{Code: story.CodeConflict, Key: "error.translation_closed",
		Message: "This story is not open for translation: it is not published, or its author has not agreed to translation."}
	errTranslationLanguage = story.FieldError("language", "error.story_translation_language",
		"A story is translated into one of the site's languages other than its own.")
	errTranslationUnchecked = &story.Error{Code: story.CodeConflict, Key: "error.translation_unchecked",
		Message: "A machine translation must be checked against the original by a translator before it is published."}
	errOwnTranslation = &story.Error{Code: story.CodeForbidden, Key: "error.translation_own",
		Message: "Someone other than the translator must review and publish a translation."}
	errTranslationExists = &story.Error{Code: story.CodeConflict, Key: "error.translation_exists",
		Message: "This story already has a translation into this language: edit it, or delete it first."}
	errMachineTranslationOff = &story.Error{Code: story.CodeNotFound, Key: "error.machine_translation_off",
		Message: "Machine translation is not set up on this site."}
	errConsentWithdrawn = &story.Error{Code: story.CodeConflict, Key: "error.story_withdrawn",
		Message: "This story was withdrawn: there is nothing left to change."}
)

// MachineTranslationOn tells whether machine drafts can be asked for.
func (a *App) MachineTranslationOn() bool { return a.Translator != nil }

// openForTranslation returns a story a translation may be made of: one
// that is published and whose author agreed.
func openForTranslation(ctx context.Context, r storage.Reader, id string) (*story.Story, error) {
	s, err := r.Story(ctx, id)
	if err != nil {
		return nil, err
	}
	if s.Status != story.StatusPublished || !s.Consent.Translate {
		return nil, errTranslationClosed
	}
	return s, nil
}

func (a *App) checkTarget(s *story.Story, lang string) error {
	if lang == s.Language || !slices.Contains(a.TranslationLanguages, lang) {
		return errTranslationLanguage
	}
	return nil
}

// translationOf returns a story's translation into lang, nil when none.
func translationOf(ctx context.Context, r storage.Reader, id, lang string) (*story.Translation, error) {
	t, err := r.StoryTranslation(ctx, id, lang)
	if errors.Is(err, story.ErrNotFound) {
		return nil, nil
	}
	return t, err
}

// TranslationDesk is one story and its translation into one language, as
// a translator or moderator works on it.
type TranslationDesk struct {
	Story *story.Story
	// Translation is nil until someone starts one.
	Translation *story.Translation
}

// TranslationDesk opens a story's translation into lang.
func (a *App) TranslationDesk(ctx context.Context, by *staff.User, id, lang string) (TranslationDesk, error) {
	if err := can(by, ActionSeeStoryTranslations); err != nil {
		return TranslationDesk{}, err
	}
	s, err := openForTranslation(ctx, a.store, id)
	if err != nil {
		return TranslationDesk{}, err
	}
	if err := a.checkTarget(s, lang); err != nil {
		return TranslationDesk{}, err
	}
	t, err := translationOf(ctx, a.store, id, lang)
	return TranslationDesk{Story: s, Translation: t}, err
}

// StoryTranslationEdit is a translator's version of a translation.
type StoryTranslationEdit struct {
	Text story.TranslationText
	// Checked says the translator checked machine output against the
	// original; without it, a machine draft cannot be published.
	Checked bool
}

// translationAudit records a change to a translation: the language as the
// reason, the origin as the note; never its text.
func translationAudit(by *staff.User, action string, t *story.Translation, at time.Time) audit.Entry {
	return audit.Entry{At: at, Actor: actor(by), Action: action, SubjectID: t.StoryID, Reason: t.Language, Note: string(t.Origin)}
}

// SaveStoryTranslation writes a translation of a story as a draft. Editing a
// published translation takes it back to review. Machine output keeps its
// origin through a person's edits.
func (a *App) SaveStoryTranslation(ctx context.Context, by *staff.User, id, lang string, e StoryTranslationEdit) (*story.Translation, error) {
	if err := can(by, ActionTranslateStories); err != nil {
		return nil, err
	}
	e.Text.Normalize()
	signals := a.screenTranslation(ctx, id, lang, e.Text)
	now := a.now()
	var saved *story.Translation
	var wasPublic bool
	err := a.store.WithTx(ctx, func(tx storage.Tx) error {
		s, err := openForTranslation(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := a.checkTarget(s, lang); err != nil {
			return err
		}
		t, err := translationOf(ctx, tx, id, lang)
		if err != nil {
			return err
		}
		if t == nil {
			t = &story.Translation{StoryID: id, Language: lang, Origin: story.OriginHuman, CreatedAt: now}
		}
		if err := e.Text.Validate(t.Origin); err != nil {
			return err
		}
		wasPublic = t.Status == story.TranslationPublished
		t.Title, t.Body, t.Credit, t.Signals = e.Text.Title, e.Text.Body, e.Text.Credit, signals
		t.TranslatorID, t.Status, t.ReviewedBy, t.PublishedAt, t.UpdatedAt = by.ID, story.TranslationDraft, 0, time.Time{}, now
		t.CheckedBy = 0
		if t.Origin == story.OriginMachine && e.Checked {
			t.CheckedBy = by.ID
		}
		if err := tx.PutStoryTranslation(ctx, t); err != nil {
			return err
		}
		saved = t
		// The text this version replaces must leave the database files.
		if err := a.enqueuePurge(ctx, tx, now); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, translationAudit(by, "translation_save", t, now))
	})
	if err != nil {
		return nil, err
	}
	if wasPublic {
		a.publish(StoryChanged{ID: id})
	}
	a.purge(ctx)
	return saved, nil
}

// MachineTranslate fills a new draft with the configured service's
// translation of the story, marked as machine output: a translator checks
// and edits it, then a moderator reviews it.
func (a *App) MachineTranslate(ctx context.Context, by *staff.User, id, lang string) (*story.Translation, error) {
	if a.Translator == nil {
		return nil, errMachineTranslationOff
	}
	if err := can(by, ActionTranslateStories); err != nil {
		return nil, err
	}
	// The service is slow: ask it outside any transaction, then check
	// again that nothing changed meanwhile.
	s, err := openForTranslation(ctx, a.store, id)
	if err != nil {
		return nil, err
	}
	if err := a.checkTarget(s, lang); err != nil {
		return nil, err
	}
	if t, err := translationOf(ctx, a.store, id, lang); err != nil || t != nil {
		return nil, orElse(err, errTranslationExists)
	}
	texts, err := a.Translator.Translate(ctx, s.Language, lang, s.Title, s.Body)
	if err == nil && len(texts) != 2 {
		err = errors.New("machine translation: wrong number of texts")
	}
	if err != nil {
		a.Log.Warn("machine translation failed", "story", id, "language", lang, "err", err)
		return nil, machineTranslationError(err)
	}
	text := story.TranslationText{Title: texts[0], Body: texts[1]}
	text.Normalize()
	if err := text.Validate(story.OriginMachine); err != nil {
		a.Log.Warn("machine translation unusable", "story", id, "language", lang, "err", err)
		return nil, &story.Error{Code: story.CodeUnavailable, Key: "error.mt_bad_answer", Message: "The machine translation service gave an answer we cannot use.", Err: err}
	}
	signals := a.screenTranslation(ctx, id, lang, text)
	now := a.now()
	t := &story.Translation{StoryID: id, Language: lang, Title: text.Title, Body: text.Body, TranslatorID: by.ID,
		Origin: story.OriginMachine, Status: story.TranslationDraft, CreatedAt: now, UpdatedAt: now, Signals: signals}
	err = a.store.WithTx(ctx, func(tx storage.Tx) error {
		current, err := openForTranslation(ctx, tx, id)
		if err != nil {
			return err
		}
		if current.Title != s.Title || current.Body != s.Body {
			return story.ErrConflict
		}
		if existing, err := translationOf(ctx, tx, id, lang); err != nil || existing != nil {
			return orElse(err, errTranslationExists)
		}
		if err := tx.PutStoryTranslation(ctx, t); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, translationAudit(by, "translation_machine", t, now))
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// orElse is err when there is one, else fallback.
func orElse(err, fallback error) error {
	if err != nil {
		return err
	}
	return fallback
}

// machineTranslationError tells the translator what went wrong, in their
// language; the service's own words, when it gave some, travel in Err.
func machineTranslationError(err error) error {
	key, msg := "error.mt_failed", "The machine translation service could not translate this story."
	var kinded interface{ MachineKind() string }
	if errors.As(err, &kinded) {
		switch kinded.MachineKind() {
		case "timeout":
			key, msg = "error.mt_timeout", "The machine translation service did not answer in time."
		case "unreachable":
			key, msg = "error.mt_unreachable", "The machine translation service cannot be reached."
		case "refused":
			key, msg = "error.mt_refused", "The machine translation service refused to translate this story."
		case "bad_answer":
			key, msg = "error.mt_bad_answer", "The machine translation service gave an answer we cannot use."
		case "too_long":
			key, msg = "error.mt_too_long", "This story is too long for machine translation."
		}
	}
	return &story.Error{Code: story.CodeUnavailable, Key: key, Message: msg, Err: err}
}

// PublishTranslation makes a reviewed translation public. A moderator
// other than the one who wrote or checked it reviews it; machine output
// must have been checked first.
func (a *App) PublishTranslation(ctx context.Context, by *staff.User, id, lang string) error {
	if err := can(by, ActionPublishStoryTranslation); err != nil {
		return err
	}
	now := a.now()
	err := a.store.WithTx(ctx, func(tx storage.Tx) error {
		if _, err := openForTranslation(ctx, tx, id); err != nil {
			return err
		}
		t, err := tx.StoryTranslation(ctx, id, lang)
		if err != nil {
			return err
		}
		if t.Status == story.TranslationPublished {
			return nil
		}
		if !t.ReadyForReview() {
			return errTranslationUnchecked
		}
		if t.TranslatorID == by.ID || t.CheckedBy == by.ID {
			return errOwnTranslation
		}
		t.Status, t.ReviewedBy, t.PublishedAt, t.UpdatedAt = story.TranslationPublished, by.ID, now, now
		if err := tx.PutStoryTranslation(ctx, t); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, translationAudit(by, "translation_publish", t, now))
	})
	if err != nil {
		return err
	}
	a.publish(StoryChanged{ID: id})
	return nil
}

// DeleteStoryTranslation removes a translation, draft or published.
func (a *App) DeleteStoryTranslation(ctx context.Context, by *staff.User, id, lang string) error {
	if err := can(by, ActionSeeStoryTranslations); err != nil {
		return err
	}
	now := a.now()
	var wasPublic bool
	err := a.store.WithTx(ctx, func(tx storage.Tx) error {
		t, err := tx.StoryTranslation(ctx, id, lang)
		if err != nil {
			return err
		}
		wasPublic = t.Status == story.TranslationPublished
		if err := tx.DeleteStoryTranslation(ctx, id, lang); err != nil {
			return err
		}
		if err := a.enqueuePurge(ctx, tx, now); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, translationAudit(by, "translation_delete", t, now))
	})
	if err != nil {
		return err
	}
	if wasPublic {
		a.publish(StoryChanged{ID: id})
	}
	a.purge(ctx)
	return nil
}

// SetTranslationConsent records the storyteller's choice about
// translation. Withdrawing it deletes every translation of the story at
// once, published or not.
func (a *App) SetTranslationConsent(ctx context.Context, id, token string, allow bool) error {
	return a.SetConsent(ctx, id, token, ConsentChange{Translate: &allow})
}

// PublishedTranslations returns the published translations of stories,
// by story id. Only stories whose authors agree to translation have any
// (withdrawing consent deletes them), so only theirs are looked up.
func (a *App) PublishedTranslations(ctx context.Context, stories ...*story.Story) (map[string][]*story.Translation, error) {
	var ids []string
	for _, s := range stories {
		if s.Consent.Translate {
			ids = append(ids, s.ID)
		}
	}
	out := make(map[string][]*story.Translation, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	list, err := a.store.StoryTranslations(ctx, ids, story.TranslationPublished)
	if err != nil {
		return nil, err
	}
	for _, t := range list {
		out[t.StoryID] = append(out[t.StoryID], t)
	}
	return out, nil
}

// OwnTranslations lists every translation of the storyteller's own story.
func (a *App) OwnTranslations(ctx context.Context, id, token string) ([]*story.Translation, error) {
	if err := a.CheckToken(ctx, id, token); err != nil {
		return nil, err
	}
	return a.store.StoryTranslations(ctx, []string{id}, "")
}

// TranslationOverview is what translators and moderators start from: the
// drafts, and the stories open for translation with their translations.
type TranslationOverview struct {
	Drafts     []*story.Translation
	DraftOf    map[string]*story.Story // the story of each draft, by id
	Stories    []*story.Story
	Existing   map[string][]*story.Translation // by story id
	NextCursor string
}

// maxDraftsShown bounds the drafts listed at once.
const maxDraftsShown = 50

// TranslationOverview lists a page of stories open for translation.
func (a *App) TranslationOverview(ctx context.Context, by *staff.User, cursor string) (TranslationOverview, error) {
	if err := can(by, ActionSeeStoryTranslations); err != nil {
		return TranslationOverview{}, err
	}
	var v TranslationOverview
	drafts, err := a.store.DraftStoryTranslations(ctx, maxDraftsShown)
	if err != nil {
		return v, err
	}
	v.DraftOf = map[string]*story.Story{}
	for _, d := range drafts {
		if v.DraftOf[d.StoryID] == nil {
			s, err := a.store.Story(ctx, d.StoryID)
			if err != nil {
				return v, err
			}
			v.DraftOf[d.StoryID] = s
		}
		v.Drafts = append(v.Drafts, d)
	}
	page, err := a.store.TranslatableStories(ctx, cursor, 50)
	if err != nil {
		return v, err
	}
	v.Stories, v.NextCursor = page.Stories, page.NextCursor
	ids := make([]string, 0, len(page.Stories))
	for _, s := range page.Stories {
		ids = append(ids, s.ID)
	}
	list, err := a.store.StoryTranslations(ctx, ids, "")
	if err != nil {
		return v, err
	}
	v.Existing = map[string][]*story.Translation{}
	for _, t := range list {
		v.Existing[t.StoryID] = append(v.Existing[t.StoryID], t)
	}
	return v, nil
}
