package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"unicode/utf8"

	"chorus/internal/moderation"
	"chorus/internal/staff"
	"chorus/internal/story"
)

// SpanRedaction removes one span of personal data that the screen
// highlighted, as the moderator saw it.
type SpanRedaction struct {
	Field      string // "title" or "body"
	Start, End int    // byte offsets in the field
	Label      string // the kind of personal data, e.g. "phone"
	// Version is TextVersion of the story when the page was drawn.
	Version string
	// Marker gives the visible marker that replaces the span, in the
	// story's language.
	Marker func(language string) string
}

// removableLabels are the span labels a moderator may remove in one click:
// the personal-data kinds of the screen.
var removableLabels = []string{moderation.LabelPhone, moderation.LabelEmail, moderation.LabelAddress, moderation.LabelIDNumber,
	moderation.LabelLocation, moderation.LabelIBAN, moderation.LabelPostcode}

var errStaleSpan = &story.Error{Code: story.CodeConflict, Key: "error.span_stale", Field: "span",
	Message: "The story changed since this page was shown; nothing was removed. Look at the new text and try again."}

// TextVersion fingerprints a story's title and body, so that a span
// removal drawn from one text is refused on another.
func TextVersion(s *story.Story) string {
	sum := sha256.Sum256([]byte(s.Title + "\x00" + s.Body))
	return hex.EncodeToString(sum[:12])
}

// RedactSpan replaces one highlighted personal-data span of a pending or
// published story with a visible marker, through Redact. The audit entry
// names the kind of data and where it was, never the text removed.
func (a *App) RedactSpan(ctx context.Context, by *staff.User, id string, r SpanRedaction) error {
	if err := can(by, ActionModerate); err != nil {
		return err
	}
	if !slices.Contains(removableLabels, r.Label) || r.Field != "title" && r.Field != "body" || r.Start < 0 || r.End <= r.Start || r.Marker == nil {
		return story.Errorf(story.CodeBadRequest, "error.bad_form", "The form could not be read.")
	}
	s, err := a.store.Story(ctx, id)
	if err != nil {
		return err
	}
	if s.Status != story.StatusPending && s.Status != story.StatusPublished {
		return errNotPending
	}
	if TextVersion(s) != r.Version || !highlighted(s, r) {
		return errStaleSpan
	}
	text := s.Body
	if r.Field == "title" {
		text = s.Title
	}
	if r.End > len(text) || !utf8.ValidString(text[r.Start:r.End]) {
		return errStaleSpan
	}
	cut := text[:r.Start] + r.Marker(s.Language) + text[r.End:]
	red := Redaction{Title: s.Title, Body: s.Body, Base: r.Version, Kind: r.Label,
		Note: fmt.Sprintf("%s %d–%d (%d bytes)", r.Field, r.Start, r.End, r.End-r.Start)}
	if r.Field == "title" {
		red.Title = cut
	} else {
		red.Body = cut
	}
	return a.Redact(ctx, by, id, red)
}

// highlighted reports whether the story's personal-data signal holds the
// span r.
func highlighted(s *story.Story, r SpanRedaction) bool {
	for _, sig := range s.Signals {
		if sig.Kind != story.SignalPersonalData {
			continue
		}
		for _, sp := range sig.Spans {
			if sp.Field == r.Field && sp.Start == r.Start && sp.End == r.End && sp.Label == r.Label {
				return true
			}
		}
	}
	return false
}
