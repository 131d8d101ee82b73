package story

import (
	"time"
	"unicode/utf8"
)

// TranslationOrigin says how a translation's text came to be.
type TranslationOrigin string

const (
	// OriginHuman: a person translated the story.
	OriginHuman TranslationOrigin = "human"
	// OriginMachine: the text started as machine output. A person's edits
	// keep the mark: readers are told a machine was involved.
	OriginMachine TranslationOrigin = "machine"
)

// TranslationStatus is where a translation stands.
type TranslationStatus string

const (
	TranslationDraft     TranslationStatus = "draft"
	TranslationPublished TranslationStatus = "published"
)

// Translation is a published story's text in another site language, made
// by a translator or partner because its author agreed, and public only
// once a moderator other than its translator has reviewed it.
type Translation struct {
	StoryID  string
	Language string
	Title    string
	Body     string
	// Credit is the name the translator chose to be credited under.
	Credit string
	// TranslatorID is the staff member who last wrote the text; 0 when
	// the account no longer exists.
	TranslatorID int64
	Origin       TranslationOrigin
	Status       TranslationStatus
	// CheckedBy is the person who checked machine output against the
	// original; 0 until someone has.
	CheckedBy int64
	// ReviewedBy is the moderator who published it; 0 while a draft.
	ReviewedBy  int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
	PublishedAt time.Time
	// Signals are the screen's findings on the translated text, shown to
	// the moderator who publishes it.
	Signals []Signal
}

// ReadyForReview tells whether a moderator may publish the translation:
// machine output must first have been checked by a person.
func (t *Translation) ReadyForReview() bool {
	return t.Origin == OriginHuman || t.CheckedBy != 0
}

// Limits on a translation's fields, in characters. A translation may run
// longer than its original.
const (
	MaxTranslationTitle = 2 * MaxTitle
	MaxTranslationBody  = 3 * MaxBody / 2
	MaxCredit           = 80
)

// TranslationText is what a translator writes.
type TranslationText struct {
	Title  string
	Body   string
	Credit string
}

// Normalize cleans the fields as a submission's are cleaned.
func (t *TranslationText) Normalize() {
	t.Title = CleanLine(t.Title)
	t.Body = CleanText(t.Body)
	t.Credit = CleanLine(t.Credit)
}

// Validate reports every problem; a human translation needs a credit, the
// name shown under it. Call Normalize first.
func (t TranslationText) Validate(origin TranslationOrigin) error {
	var errs ValidationErrors
	add := func(field, key, msg string) { errs = append(errs, FieldError(field, key, msg)) }
	n := utf8.RuneCountInString
	switch {
	case t.Title == "":
		add("title", "error.translation_title_required", "Please translate the title.")
	case n(t.Title) > MaxTranslationTitle:
		add("title", "error.translation_title_too_long", "The title is too long (300 characters at most).")
	}
	switch {
	case t.Body == "":
		add("body", "error.translation_body_required", "Please translate the story.")
	case n(t.Body) > MaxTranslationBody:
		add("body", "error.translation_body_too_long", "The translation is too long (30,000 characters at most).")
	}
	switch {
	case t.Credit == "" && origin == OriginHuman:
		add("credit", "error.credit_required", "Please give the name to credit under the translation.")
	case n(t.Credit) > MaxCredit:
		add("credit", "error.credit_too_long", "The name is too long (80 characters at most).")
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}
