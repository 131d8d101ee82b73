package app

import (
	"context"

	"chorus/internal/i18n"
	"chorus/internal/staff"
	"chorus/internal/story"
)

// AllSavedTranslations reads every translation saved in the browser, for
// serving pages with them (at start-up and after each save).
func (a *App) AllSavedTranslations(ctx context.Context) ([]staff.Translation, error) {
	return a.store.Translations(ctx)
}

// SavedTranslations reads every translation saved in the browser, for the
// translators' pages.
func (a *App) SavedTranslations(ctx context.Context, by *staff.User) ([]staff.Translation, error) {
	if err := can(by, ActionTranslateInterface); err != nil {
		return nil, err
	}
	return a.store.Translations(ctx)
}

// TranslatorEmail names the staff member who saved a translation, for the
// translators' pages.
func (a *App) TranslatorEmail(ctx context.Context, by *staff.User, id int64) (string, error) {
	if err := can(by, ActionTranslateInterface); err != nil {
		return "", err
	}
	u, err := a.store.UserByID(ctx, id)
	if err != nil {
		return "", err
	}
	return u.Email, nil
}

// TranslationTarget resolves the language an editor translates into: any
// language translators work on, and English only for the toolkit's texts
// and only for those who may edit the toolkit's English.
func TranslationTarget(by *staff.User, code string, toolkitTexts bool) (i18n.Language, error) {
	if err := can(by, ActionTranslateInterface); err != nil {
		return i18n.Language{}, err
	}
	lang, ok := TranslationLanguage(code)
	if !ok {
		return i18n.Language{}, story.ErrNotFound
	}
	if lang.Code == i18n.Source {
		if !toolkitTexts {
			return i18n.Language{}, story.ErrNotFound
		}
		if err := can(by, ActionEditToolkitSource); err != nil {
			return i18n.Language{}, err
		}
	}
	return lang, nil
}
