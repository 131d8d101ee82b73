package web_test

import "chorus/internal/app"

func appDecision(approve bool, reason, note string) app.Decision {
	return app.Decision{Approve: approve, Reason: reason, Note: note}
}
