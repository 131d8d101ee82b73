// Package audit holds the append-only log of who did what to which
// story, post, translation or setting.
package audit

import "time"

// Entry is one line of the append-only audit log.
type Entry struct {
	ID        int64
	At        time.Time
	Actor     string // "user:12", "storyteller", "system"
	Action    string // "submit", "approve", "reject", "redact", "edit", "withdraw", ...
	SubjectID string // story id
	Reason    string
	Note      string
}
