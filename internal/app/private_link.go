package app

import (
	"context"
	"sync"
	"time"

	"chorus/internal/audit"
	"chorus/internal/storage"
	"chorus/internal/story"
)

// Mailer sends one plain-text message (package mail, over SMTP).
type Mailer interface {
	Send(ctx context.Context, to, subject, body string) error
}

// privateLinkResend is how long a storyteller waits before the link is sent
// again: enough for a slow inbox, too long to use the site against an inbox.
const privateLinkResend = 10 * time.Minute

// sentLinks remembers when each story's link was last sent, on this node.
type sentLinks struct {
	mu   sync.Mutex
	last map[string]time.Time
}

func (s *sentLinks) allow(id string, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.last == nil {
		s.last = map[string]time.Time{}
	}
	for k, at := range s.last {
		if now.Sub(at) >= privateLinkResend {
			delete(s.last, k)
		}
	}
	if _, recent := s.last[id]; recent {
		return false
	}
	s.last[id] = now
	return true
}

var (
	errNoMail        = &story.Error{Code: story.CodeNotFound, Key: "error.not_found", Message: "Not found."}
	errMailTooSoon   = &story.Error{Code: story.CodeRateLimited, Key: "error.mail_too_soon", Message: "The link was sent a few minutes ago. Please check your inbox, and your spam folder."}
	errMailNotSent   = &story.Error{Code: story.CodeUnavailable, Key: "error.mail_failed", Message: "We could not send the e-mail. Please keep the link another way."}
	errNoContactMail = &story.Error{Code: story.CodeInvalid, Key: "error.no_contact", Message: "You did not give an e-mail address with this story."}
)

// MailOn tells whether the site can send a storyteller their link.
func (a *App) MailOn() bool { return a.Mailer != nil }

// SendPrivateLink sends a storyteller their private link at the contact
// address they gave, which is never shown back: whoever holds the link
// learns nothing of it. The message is sent while they wait, never queued,
// so the link is written nowhere; the audit says that it was sent, not
// where.
func (a *App) SendPrivateLink(ctx context.Context, id, token, subject, body string) error {
	if a.Mailer == nil {
		return errNoMail
	}
	st, err := a.Submission(ctx, id, token)
	if err != nil {
		return err
	}
	to := a.ContactEmail(st)
	if to == "" {
		return errNoContactMail
	}
	now := a.now()
	if !a.sentLinks.allow(id, now) {
		return errMailTooSoon
	}
	if err := a.Mailer.Send(ctx, to, subject, body); err != nil {
		a.Log.Warn("the private link could not be sent", "story", id, "err", err)
		return errMailNotSent
	}
	return a.store.WithTx(ctx, func(tx storage.Tx) error {
		return tx.AppendAudit(ctx, audit.Entry{At: now, Actor: "storyteller", Action: "private_link_sent", SubjectID: id})
	})
}
