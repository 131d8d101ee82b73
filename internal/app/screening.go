package app

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"chorus/internal/i18n"
	"chorus/internal/moderation"
	"chorus/internal/staff"
	"chorus/internal/story"
)

// Screening runs outside every transaction: a screen may wait on an
// external classifier for seconds, and SQLite has one writer. Use-cases
// screen first, then write what was screened, checking in the transaction
// that the text did not change meanwhile.

// extraField is a short public text screened apart from the main one (a
// display name, a city, a translator's credit): its own context, its own
// spans, folded into the main text's signals.
type extraField struct {
	name, text string
	// harmOnly keeps only hate and threats: a network handle is a public
	// address by nature, not personal data to redact.
	harmOnly bool
}

// ScreenerFailures counts texts the screen failed on (it panicked); each
// is marked not screened for the moderator.
func (a *App) ScreenerFailures() int64 { return a.screenerFailures.Load() }

// screenText screens one text. A screen that panics leaves the text marked
// not screened, logs the subject's id (never the text) and is counted.
func (a *App) screenText(ctx context.Context, subject string, in moderation.Input) (signals []story.Signal) {
	if a.Screener == nil {
		return nil
	}
	defer func() {
		if v := recover(); v != nil {
			a.screenerFailures.Add(1)
			// The panic value may quote the text: log only its type.
			a.Log.Error("the screen failed: the text counts as not screened", "subject", subject, "panic", fmt.Sprintf("%T", v))
			signals = []story.Signal{{Kind: story.SignalUnscreened, Score: 1}}
		}
	}()
	return a.Screener.Screen(ctx, in)
}

// screenWithFields screens a main text and the short public fields that
// travel with it.
func (a *App) screenWithFields(ctx context.Context, subject string, in moderation.Input, fields ...extraField) []story.Signal {
	signals := a.screenText(ctx, subject, in)
	for _, f := range fields {
		if f.text == "" {
			continue
		}
		found := a.screenText(ctx, subject+" "+f.name, moderation.Input{Body: f.text, Language: in.Language})
		if f.harmOnly {
			found = slices.DeleteFunc(found, func(s story.Signal) bool {
				return s.Kind != story.SignalHate && s.Kind != story.SignalThreat && s.Kind != story.SignalUnscreened
			})
		}
		signals = foldField(signals, found, f.name)
	}
	return signals
}

// fieldFlagged is the score from which a short field's signal counts. On
// a word or two the model has little to go on and scores plain names and
// places up to 0.56 (Paris); an open threat or slur scores 0.9.
const fieldFlagged = 0.8

// foldField adds a field's signals to the main ones: per kind the higher
// score, the field's spans named for it, and the field named in the detail.
func foldField(signals, found []story.Signal, field string) []story.Signal {
	for _, f := range found {
		// Only what the screen is sure of, or a span it found, counts.
		if f.Kind == story.SignalLanguage || (f.Score < fieldFlagged && len(f.Spans) == 0) {
			continue
		}
		spans := make([]story.Span, len(f.Spans))
		for i, sp := range f.Spans {
			sp.Field = field
			spans[i] = sp
		}
		i := slices.IndexFunc(signals, func(s story.Signal) bool { return s.Kind == f.Kind })
		if i < 0 {
			f.Spans, f.Detail = spans, joinDetail(field, f.Detail)
			signals = append(signals, f)
			continue
		}
		if f.Score > signals[i].Score {
			signals[i].Score = f.Score
			signals[i].Detail = joinDetail(signals[i].Detail, joinDetail(field, f.Detail))
		}
		signals[i].Spans = append(signals[i].Spans, spans...)
	}
	return signals
}

func joinDetail(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

// screenStory screens what a story shows the public: its title and body,
// the storyteller's chosen name and the city.
func (a *App) screenStory(ctx context.Context, id string, title, body, language, displayName, city string) []story.Signal {
	return a.screenWithFields(ctx, "story "+id, moderation.Input{Title: title, Body: body, Language: language},
		extraField{name: "display_name", text: displayName}, extraField{name: "city", text: city})
}

// screenTranslation screens a story's translation and the credit shown
// with it.
func (a *App) screenTranslation(ctx context.Context, id, language string, text story.TranslationText) []story.Signal {
	return a.screenWithFields(ctx, "translation "+id+"/"+language,
		moderation.Input{Title: text.Title, Body: text.Body, Language: language}, extraField{name: "credit", text: text.Credit})
}

// partnerText is one public text partner staff write under their
// organisation's name: an organisation's name or description, a
// collection's title or description, in one language.
type partnerText struct {
	text, language string
	what           string // "name", "description" or "title", as the refusal says
	// field is the form field that holds the text; key the message that
	// refuses it.
	field, key string
}

// partnerFinding is what the screen found in one partner text, kind and
// score only: hate or a threat it is sure of, or its failure to screen it.
type partnerFinding struct {
	partnerText
	signals []story.Signal
}

// screenPartnerTexts screens each text on its own, in its language, and
// returns the findings that refuse a partner's save. Personal data is none
// of them: an organisation publishes its own phone number and address.
func (a *App) screenPartnerTexts(ctx context.Context, subject string, texts []partnerText) []partnerFinding {
	var found []partnerFinding
	for _, t := range texts {
		if t.text == "" {
			continue
		}
		signals := a.screenText(ctx, subject+" "+t.what+"/"+t.language, moderation.Input{Body: t.text, Language: t.language})
		if harm := partnerHarm(signals); len(harm) > 0 {
			found = append(found, partnerFinding{partnerText: t, signals: harm})
		}
	}
	return found
}

// partnerHarm keeps, kind and score only, a failed screen and the hate
// and threat at fieldFlagged or above. A span alone does not count:
// reclaimed words ("queer") and denials ("refugees are not vermin") carry
// one at scores near zero, while the slurs, dehumanising words and threats
// the screen finds in such texts score above the bar.
func partnerHarm(signals []story.Signal) []story.Signal {
	var harm []story.Signal
	for _, s := range signals {
		if s.Kind == story.SignalUnscreened || (s.Kind == story.SignalHate || s.Kind == story.SignalThreat) && s.Score >= fieldFlagged {
			harm = append(harm, story.Signal{Kind: s.Kind, Score: s.Score})
		}
	}
	return harm
}

// unscreened reports whether the screen failed on the text.
func (f partnerFinding) unscreened() bool {
	return slices.ContainsFunc(f.signals, func(s story.Signal) bool { return s.Kind == story.SignalUnscreened })
}

// heedPartnerScreen refuses a partner's save when the screen found hate or
// a threat in one of its texts, or failed on one: nothing is written, and
// an administrator can publish the text. An admin's save is never refused;
// it returns what the screen found, for the save's audit entry.
func heedPartnerScreen(by *staff.User, found []partnerFinding) (auditReason string, err error) {
	if len(found) == 0 {
		return "", nil
	}
	if by.Role != staff.RoleAdmin {
		// Harm first: trying again does not help with it.
		for _, f := range found {
			if !f.unscreened() {
				name := i18n.NativeName(f.language) // as the staff forms label the texts in it
				return "", &story.Error{Code: story.CodeInvalid, Key: f.key, Field: f.field, Args: []any{"Language", name},
					Message: fmt.Sprintf("The %s (%s) reads as hate or a threat, so nothing was saved. Change it, or ask an administrator: they can publish it.", f.what, name)}
			}
		}
		return "", &story.Error{Code: story.CodeUnavailable, Key: "error.screen_failed", Field: found[0].field,
			Message: "We could not check these texts just now, so nothing was saved. Please try again in a moment."}
	}
	return screenAuditReason(found), nil
}

// screenAuditReason says, kind and score only, what the screen found in an
// admin's save: the highest score of each kind.
func screenAuditReason(found []partnerFinding) string {
	var kinds []story.Signal
	for _, f := range found {
		for _, s := range f.signals {
			i := slices.IndexFunc(kinds, func(k story.Signal) bool { return k.Kind == s.Kind })
			switch {
			case i < 0:
				kinds = append(kinds, s)
			case s.Score > kinds[i].Score:
				kinds[i].Score = s.Score
			}
		}
	}
	parts := make([]string, len(kinds))
	for i, s := range kinds {
		parts[i] = fmt.Sprintf("%s %.2f", s.Kind, s.Score)
	}
	return "screen: " + strings.Join(parts, ", ")
}
