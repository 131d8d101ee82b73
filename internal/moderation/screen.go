// Package moderation screens text for hate, threats, personal data and spam.
// Screens never decide: they score, explain with spans, and order the human queue.
package moderation

import (
	"context"

	"chorus/internal/story"
)

// Input is the text to screen. Language is the BCP 47 code the author chose.
type Input struct {
	Title    string
	Body     string
	Language string
}

// Screener computes signals for one text. Implementations must be safe for
// concurrent use and must not fail: an internal problem yields no signal.
type Screener interface {
	Screen(ctx context.Context, in Input) []story.Signal
}
