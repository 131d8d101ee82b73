package app

import (
	"context"
	"encoding/json"
	"errors"
	"slices"

	"chorus/internal/audit"
	"chorus/internal/i18n"
	"chorus/internal/staff"
	"chorus/internal/storage"
	"chorus/internal/story"
	"chorus/internal/toolkit"
)

// TranslationEdit is a translation saved in the browser.
type TranslationEdit struct {
	Catalog string // staff.CatalogInterface or staff.CatalogToolkit
	Lang    string
	Key     string // message key, or toolkit item id
	// Forms holds the text of each plural form of the language for a
	// plural message, "other" alone for any other text.
	Forms map[string]string
	// SiteURL is the address {url} stands for in toolkit posts, so they
	// are counted as they will be published.
	SiteURL string
	// MadeFrom is the hash of the English text the translator saw, when
	// known: if the English changed meanwhile, nothing is saved.
	MadeFrom string
}

var errSourceChanged = &story.Error{Code: story.CodeConflict, Key: "error.translation_source_changed", Field: "text",
	Message: "The English text changed since this page was opened: check the translation against the new text and save again."}

// TranslationLanguages are the languages translators work on: every
// interface language, live on the site or not yet.
func TranslationLanguages() []i18n.Language {
	return append([]i18n.Language{}, i18n.Known...)
}

// TranslationLanguage returns the language with this code, if translators
// work on it.
func TranslationLanguage(code string) (i18n.Language, bool) {
	langs := TranslationLanguages()
	i := slices.IndexFunc(langs, func(l i18n.Language) bool { return l.Code == code })
	if i < 0 {
		return i18n.Language{}, false
	}
	return langs[i], true
}

// SaveTranslation checks and saves a translation, and records it in the
// audit log. Translators and admins translate the interface into any
// language but English, whose text is the shipped catalog's, and the
// toolkit into any language; only admins edit the toolkit's English, which
// makes the translations made from the former text stale.
func (a *App) SaveTranslation(ctx context.Context, by *staff.User, e TranslationEdit) error {
	if err := can(by, ActionTranslateInterface); err != nil {
		return err
	}
	if _, ok := TranslationLanguage(e.Lang); !ok {
		return story.FieldError("lang", "error.translation_language", "This language cannot be translated here.")
	}
	now := a.now()
	saved := staff.Translation{Catalog: e.Catalog, Lang: e.Lang, Key: e.Key, UpdatedBy: by.ID, UpdatedAt: now}
	err := a.store.WithTx(ctx, func(tx storage.Tx) error {
		switch e.Catalog {
		case staff.CatalogInterface:
			if e.Lang == i18n.Source {
				return story.FieldError("lang", "error.translation_language", "This language cannot be translated here.")
			}
			source, ok := i18n.SourceMessage(e.Key)
			if !ok {
				return story.FieldError("key", "error.translation_unknown_key", "This text does not exist in English.")
			}
			if e.MadeFrom != "" && e.MadeFrom != source.SourceHash() {
				return errSourceChanged
			}
			forms, err := i18n.CheckTranslation(e.Lang, source, e.Forms)
			if err != nil {
				return err
			}
			saved.Forms, saved.SourceHash = forms, source.SourceHash()
		case staff.CatalogToolkit:
			if e.Lang == i18n.Source && !Allowed(by, ActionEditToolkitSource) {
				return ErrForbidden
			}
			var english []toolkit.Saved
			switch t, err := tx.Translation(ctx, staff.CatalogToolkit, i18n.Source, e.Key); {
			case err == nil:
				english = ToolkitSaved([]staff.Translation{*t})
			case !errors.Is(err, story.ErrNotFound):
				return err
			}
			source, ok, err := toolkit.SourceItem(e.Key, english)
			if err != nil {
				return err
			}
			if !ok {
				return story.FieldError("key", "error.translation_unknown_key", "This text does not exist in English.")
			}
			if e.MadeFrom != "" && e.MadeFrom != i18n.SourceHash(source.Text) {
				return errSourceChanged
			}
			text, err := toolkit.CheckText(source, e.Lang, e.Forms["other"], e.SiteURL, a.Campaign.Hashtag)
			if err != nil {
				return err
			}
			saved.Forms = map[string]string{"other": text}
			if e.Lang != i18n.Source {
				saved.SourceHash = i18n.SourceHash(source.Text)
			}
		default:
			return story.Errorf(story.CodeBadRequest, "error.bad_form", "The form could not be read.")
		}
		if err := tx.PutTranslation(ctx, saved); err != nil {
			return err
		}
		note, err := json.Marshal(saved.Forms)
		if err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Entry{At: now, Actor: actor(by), Action: "translate",
			SubjectID: TranslationSubject(e.Catalog, e.Lang, e.Key), Note: string(note)})
	})
	if err != nil {
		return err
	}
	a.publish(TranslationsChanged{Lang: e.Lang})
	return nil
}

// RemoveTranslation removes a saved translation, so the shipped text shows
// again: once the saved one is committed to the catalog files, or when a
// newer text was committed there. The removal is audited with the text it
// removes.
func (a *App) RemoveTranslation(ctx context.Context, by *staff.User, catalog, lang, key string) error {
	if !Allowed(by, ActionTranslateInterface) || (catalog == staff.CatalogToolkit && lang == i18n.Source && !Allowed(by, ActionEditToolkitSource)) {
		return ErrForbidden
	}
	now := a.now()
	err := a.store.WithTx(ctx, func(tx storage.Tx) error {
		saved, err := tx.Translation(ctx, catalog, lang, key)
		if err != nil {
			return err
		}
		if err := tx.DeleteTranslation(ctx, catalog, lang, key); err != nil {
			return err
		}
		note, err := json.Marshal(saved.Forms)
		if err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Entry{At: now, Actor: actor(by), Action: "translate_remove",
			SubjectID: TranslationSubject(catalog, lang, key), Note: string(note)})
	})
	if err != nil {
		return err
	}
	a.publish(TranslationsChanged{Lang: lang})
	return nil
}

// ReviewTranslation records that by, a native speaker, checked the
// interface text of a language as it is served: a text saved in the
// browser, or a shipped one (which is then saved, as it stands, with its
// review). Someone other than the person who saved a text reviews it.
func (a *App) ReviewTranslation(ctx context.Context, by *staff.User, lang, key string) error {
	if err := can(by, ActionTranslateInterface); err != nil {
		return err
	}
	if _, ok := TranslationLanguage(lang); !ok || lang == i18n.Source {
		return story.FieldError("lang", "error.translation_language", "This language cannot be translated here.")
	}
	now := a.now()
	err := a.store.WithTx(ctx, func(tx storage.Tx) error {
		saved, err := tx.Translation(ctx, staff.CatalogInterface, lang, key)
		switch {
		case err == nil:
			if saved.UpdatedBy == by.ID && saved.ReviewedBy != by.ID {
				return errReviewOwnText
			}
		case errors.Is(err, story.ErrNotFound):
			shipped, ok := i18n.ShippedMessage(lang, key)
			if !ok {
				return story.FieldError("key", "error.translation_unknown_key", "This text does not exist in English.")
			}
			saved = &staff.Translation{Catalog: staff.CatalogInterface, Lang: lang, Key: key, Forms: shipped.Forms,
				SourceHash: shipped.Hash, UpdatedBy: by.ID, UpdatedAt: now}
		default:
			return err
		}
		saved.ReviewedBy, saved.ReviewedAt = by.ID, now
		if err := tx.PutTranslation(ctx, *saved); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Entry{At: now, Actor: actor(by), Action: "translate_review",
			SubjectID: TranslationSubject(staff.CatalogInterface, lang, key)})
	})
	if err != nil {
		return err
	}
	a.publish(TranslationsChanged{Lang: lang})
	return nil
}

var errReviewOwnText = story.Errorf(story.CodeConflict, "error.translation_review_own",
	"Someone other than the person who saved this text must review it.")

// TranslationSubject names a translation in the audit log.
func TranslationSubject(catalog, lang, key string) string {
	return "translation:" + catalog + "/" + lang + "/" + key
}

// InterfaceOverrides are the saved translations of the interface, for the
// catalogs in memory.
func InterfaceOverrides(list []staff.Translation) []i18n.Override {
	var out []i18n.Override
	for _, t := range list {
		if t.Catalog == staff.CatalogInterface {
			review := i18n.ReviewNeeded
			if t.ReviewedBy != 0 {
				review = i18n.ReviewDone
			}
			out = append(out, i18n.Override{Lang: t.Lang, Message: i18n.Message{Key: t.Key, Forms: t.Forms, Hash: t.SourceHash, Review: review}})
		}
	}
	return out
}

// ToolkitSaved are the saved texts of the toolkit.
func ToolkitSaved(list []staff.Translation) []toolkit.Saved {
	var out []toolkit.Saved
	for _, t := range list {
		if t.Catalog == staff.CatalogToolkit {
			out = append(out, toolkit.Saved{Lang: t.Lang, ID: t.Key, Text: t.Forms["other"], SourceHash: t.SourceHash})
		}
	}
	return out
}
