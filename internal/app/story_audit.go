package app

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"chorus/internal/audit"
	"chorus/internal/staff"
	"chorus/internal/story"
)

// StoryAuditEntry is one line of a story's audit trail, with the staff
// member who acted named by their e-mail address.
type StoryAuditEntry struct {
	audit.Entry
	// Staff is the e-mail address of the staff member who acted; empty for
	// the storyteller, the system or the policy.
	Staff string
}

// StoryAudit returns a story's audit trail, oldest first, for moderators
// and admins. The trail holds who did what, when and why, never the text
// of the story.
func (a *App) StoryAudit(ctx context.Context, by *staff.User, id string) (*story.Story, []StoryAuditEntry, error) {
	if err := can(by, ActionModerate); err != nil {
		return nil, nil, err
	}
	s, err := a.store.Story(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	entries, err := a.store.Audit(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	staff := map[int64]string{}
	out := make([]StoryAuditEntry, len(entries))
	for i, e := range entries {
		out[i].Entry = e
		uid, ok := strings.CutPrefix(e.Actor, "user:")
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(uid, 10, 64)
		if err != nil {
			continue
		}
		email, seen := staff[n]
		if !seen {
			u, err := a.store.UserByID(ctx, n)
			switch {
			case err == nil:
				email = u.Email
			case !errors.Is(err, story.ErrNotFound):
				return nil, nil, err
			}
			staff[n] = email
		}
		out[i].Staff = email
	}
	return s, out, nil
}
