package app

import (
	"context"
	"slices"
	"strings"
	"time"

	"chorus/internal/audit"
	"chorus/internal/storage"
	"chorus/internal/story"
)

// ConsentChange is what a storyteller changes about their consent after
// submitting; a nil field keeps that consent as it is. Each may be
// withdrawn and given back until the story is withdrawn: a storyteller may
// change their mind both ways. Consent to publish is withdrawn by
// withdrawing the story (Withdraw), which erases it.
type ConsentChange struct {
	Social    *bool
	Toolkit   *bool
	Translate *bool
}

// Empty tells whether the change names no consent at all.
func (c ConsentChange) Empty() bool {
	return c.Social == nil && c.Toolkit == nil && c.Translate == nil
}

// SetConsent records the storyteller's choices in one transaction, each
// audited as given or withdrawn without any personal data. Withdrawing
// social consent takes the story's share card and share links off its
// page, withdrawing toolkit consent takes it out of the toolkit, and
// withdrawing translation consent deletes every translation: all at once,
// cached pages and packages included.
func (a *App) SetConsent(ctx context.Context, id, token string, change ConsentChange) error {
	if err := a.CheckToken(ctx, id, token); err != nil {
		return err
	}
	now := a.now()
	removed, public := 0, false
	err := a.store.WithTx(ctx, func(tx storage.Tx) error {
		s, err := tx.Story(ctx, id)
		if err != nil {
			return err
		}
		if s.Status == story.StatusWithdrawn {
			return errConsentWithdrawn
		}
		var changed []audit.Entry
		apply := func(kind string, consent *bool, want *bool) bool {
			if want == nil || *consent == *want {
				return false
			}
			*consent = *want
			changed = append(changed, consentAudit(id, kind, *want, now))
			return true
		}
		social := apply("social", &s.Consent.Social, change.Social)
		toolkit := apply("toolkit", &s.Consent.Toolkit, change.Toolkit)
		translate := apply("translate", &s.Consent.Translate, change.Translate)
		if len(changed) == 0 {
			return nil
		}
		s.UpdatedAt = now
		if err := tx.UpdateStory(ctx, s); err != nil {
			return err
		}
		if translate && !s.Consent.Translate {
			if removed, err = tx.DeleteStoryTranslations(ctx, id); err != nil {
				return err
			}
			if removed > 0 {
				if err := a.enqueuePurge(ctx, tx, now); err != nil {
					return err
				}
			}
		}
		public = s.Status == story.StatusPublished && (social || toolkit)
		if social && s.Status == story.StatusPublished {
			change := StoryRemoved
			if s.Consent.Social {
				change = StoryPublished
			}
			if err := a.storyChanged(ctx, tx, change, s); err != nil {
				return err
			}
		}
		for _, e := range changed {
			if err := tx.AppendAudit(ctx, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if public || removed > 0 {
		a.publish(StoryChanged{ID: id})
	}
	if removed > 0 {
		a.purge(ctx)
	}
	return nil
}

func consentAudit(id, kind string, given bool, at time.Time) audit.Entry {
	reason := "withdrawn"
	if given {
		reason = "given"
	}
	return audit.Entry{At: at, Actor: "storyteller", Action: "consent_" + kind, SubjectID: id, Reason: reason}
}

// ToolkitVoice is a text offered in the toolkit: a published story in the
// kit's language, or the reviewed translation of one into it.
type ToolkitVoice struct {
	Story       *story.Story
	Translation *story.Translation // nil for the original
}

// MaxToolkitVoices bounds the voices of a kit: each brings four cards.
const MaxToolkitVoices = 12

// toolkitTranslationWindow is how many of the newest stories agreed to
// the toolkit are looked at for translations into a kit's language.
const toolkitTranslationWindow = 100

// ToolkitVoices lists the newest texts in lang whose authors agreed to the
// toolkit: stories published in lang, and reviewed translations into lang
// (which exist only while their authors agree to translation).
func (a *App) ToolkitVoices(ctx context.Context, lang string) ([]ToolkitVoice, error) {
	own, err := a.store.PublishedStories(ctx, story.Filter{Language: lang, Toolkit: true, Limit: MaxToolkitVoices})
	if err != nil {
		return nil, err
	}
	voices := make([]ToolkitVoice, 0, len(own.Stories))
	for _, s := range own.Stories {
		voices = append(voices, ToolkitVoice{Story: s})
	}
	recent, err := a.store.PublishedStories(ctx, story.Filter{Toolkit: true, Limit: toolkitTranslationWindow})
	if err != nil {
		return nil, err
	}
	byID := map[string]*story.Story{}
	var ids []string
	for _, s := range recent.Stories {
		if s.Language != lang && s.Consent.Translate {
			byID[s.ID] = s
			ids = append(ids, s.ID)
		}
	}
	if len(ids) > 0 {
		translations, err := a.store.StoryTranslations(ctx, ids, story.TranslationPublished)
		if err != nil {
			return nil, err
		}
		for _, t := range translations {
			if t.Language == lang {
				voices = append(voices, ToolkitVoice{Story: byID[t.StoryID], Translation: t})
			}
		}
	}
	slices.SortFunc(voices, func(x, y ToolkitVoice) int {
		if c := y.publishedAt().Compare(x.publishedAt()); c != 0 {
			return c
		}
		return strings.Compare(y.Story.ID, x.Story.ID)
	})
	if len(voices) > MaxToolkitVoices {
		voices = voices[:MaxToolkitVoices]
	}
	return voices, nil
}

func (v ToolkitVoice) publishedAt() time.Time {
	if v.Translation != nil {
		return v.Translation.PublishedAt
	}
	return v.Story.PublishedAt
}
