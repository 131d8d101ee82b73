package moderation

import (
	"fmt"
	"math"
	"strings"

	"chorus/internal/story"
)

// Action is what to do with a social post.
type Action string

const (
	ActionHide    Action = "hide"
	ActionApprove Action = "approve"
	ActionQueue   Action = "queue"
)

// Policy turns signals into an action for social posts (stories are always
// queued by the app). A post is hidden when a hate or threat score exceeds
// HideAbove; approved when every hate, threat, spam and personal-data score
// is below ApproveBelow; queued for a moderator otherwise, and always when
// the signals hold no hate or threat score at all.
type Policy struct {
	HideAbove    float64 `json:"hide_above"`
	ApproveBelow float64 `json:"approve_below"`
}

// DefaultPolicy hides only what the screen is very sure of and sends the
// rest of anything suspicious to a person: silencing an ally costs more than
// a moment of review.
var DefaultPolicy = Policy{HideAbove: 0.9, ApproveBelow: 0.3}

// Decide applies the policy.
func (p Policy) Decide(signals []story.Signal) Action {
	risk := 0.0
	worst := 0.0
	screened := false
	for _, s := range signals {
		switch s.Kind {
		case story.SignalHate, story.SignalThreat:
			screened = true
			risk = max(risk, s.Score)
			worst = max(worst, s.Score)
		case story.SignalSpam, story.SignalPersonalData:
			worst = max(worst, s.Score)
		case story.SignalUnscreened:
			return ActionQueue // part of the text was not screened: a person reads it
		}
	}
	switch {
	case !screened:
		return ActionQueue // the screen failed or was off: a person looks
	case risk > p.HideAbove:
		return ActionHide
	case worst < p.ApproveBelow:
		return ActionApprove
	}
	return ActionQueue
}

// Validate checks thresholds an admin set: 0 ≤ ApproveBelow ≤ HideAbove ≤ 1.
// HideAbove 1 never hides; ApproveBelow 0 never approves.
func (p Policy) Validate() error {
	if math.IsNaN(p.HideAbove) || math.IsNaN(p.ApproveBelow) || p.ApproveBelow < 0 || p.HideAbove > 1 || p.ApproveBelow > p.HideAbove {
		return story.FieldError("hide_above", "error.policy_thresholds", "Thresholds must satisfy 0 ≤ approve below ≤ hide above ≤ 1.")
	}
	return nil
}

// Explain says, for the audit log, which scores led to an action.
func (p Policy) Explain(signals []story.Signal) string {
	var parts []string
	version := ""
	for _, s := range signals {
		switch s.Kind {
		case story.SignalHate, story.SignalThreat, story.SignalSpam, story.SignalPersonalData:
			parts = append(parts, fmt.Sprintf("%s %.2f", s.Kind, s.Score))
			if s.ModelVersion != "" {
				version = s.ModelVersion
			}
		}
	}
	out := fmt.Sprintf("%s; hide above %.2f, approve below %.2f", strings.Join(parts, ", "), p.HideAbove, p.ApproveBelow)
	if version != "" {
		out += "; model " + version
	}
	return out
}
