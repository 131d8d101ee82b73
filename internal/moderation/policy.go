package moderation

import "chorus/internal/story"

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
// is below ApproveBelow; queued for a moderator otherwise.
type Policy struct {
	HideAbove    float64
	ApproveBelow float64
}

// DefaultPolicy hides only what the screen is very sure of and sends the
// rest of anything suspicious to a person: silencing an ally costs more than
// a moment of review.
var DefaultPolicy = Policy{HideAbove: 0.9, ApproveBelow: 0.3}

// Decide applies the policy.
func (p Policy) Decide(signals []story.Signal) Action {
	risk := 0.0
	worst := 0.0
	for _, s := range signals {
		switch s.Kind {
		case story.SignalHate, story.SignalThreat:
			risk = max(risk, s.Score)
			worst = max(worst, s.Score)
		case story.SignalSpam, story.SignalPersonalData:
			worst = max(worst, s.Score)
		}
	}
	switch {
	case risk > p.HideAbove:
		return ActionHide
	case worst < p.ApproveBelow:
		return ActionApprove
	}
	return ActionQueue
}
