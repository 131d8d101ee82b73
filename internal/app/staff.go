package app

import (
	"context"
	"errors"
	"net/mail"
	"slices"
	"strings"
	"time"

	"chorus/internal/audit"
	"chorus/internal/auth"
	"chorus/internal/staff"
	"chorus/internal/storage"
	"chorus/internal/story"
)

// Lifetimes of staff credentials.
const (
	SignInLinkLifetime = 24 * time.Hour
	SessionLifetime    = 12 * time.Hour
)

var errSignIn = &story.Error{Code: story.CodeUnauthorized, Key: "error.signin_failed", Message: "The e-mail, password or code is not right."}

// AddUser creates a staff account (or finds it) and returns a one-time
// sign-in token for it.
func (a *App) AddUser(ctx context.Context, email string, role staff.Role) (string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if addr, err := mail.ParseAddress(email); err != nil || addr.Address != email {
		return "", story.FieldError("email", "error.email_invalid", "This e-mail address does not look right.")
	}
	if !slices.Contains(staff.Roles, role) {
		return "", story.FieldError("role", "error.role_invalid", "The role must be admin, moderator, partner or translator.")
	}
	token := auth.NewToken()
	now := a.now()
	err := a.store.WithTx(ctx, func(tx storage.Tx) error {
		u, err := tx.UserByEmail(ctx, email)
		switch {
		case errors.Is(err, story.ErrNotFound):
			u = &staff.User{Email: email, Role: role, CreatedAt: now}
			if err := tx.InsertUser(ctx, u); err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			u.Role = role
			if err := tx.UpdateUser(ctx, u); err != nil {
				return err
			}
		}
		if err := tx.InsertCredential(ctx, staff.Credential{Kind: staff.CredentialSignInLink, TokenHash: auth.HashToken(token),
			UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(SignInLinkLifetime)}); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Entry{At: now, Actor: "system", Action: "user_add", SubjectID: "user:" + email, Reason: string(role)})
	})
	return token, err
}

// AddAPIToken returns a new API token for an existing staff account.
func (a *App) AddAPIToken(ctx context.Context, email string) (string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	token := auth.NewToken()
	now := a.now()
	err := a.store.WithTx(ctx, func(tx storage.Tx) error {
		u, err := tx.UserByEmail(ctx, email)
		if err != nil {
			if errors.Is(err, story.ErrNotFound) {
				return story.FieldError("email", "error.no_such_user", "No staff account has this e-mail; add it with `chorus user add` first.")
			}
			return err
		}
		if err := tx.InsertCredential(ctx, staff.Credential{Kind: staff.CredentialAPIToken, TokenHash: auth.HashToken(token), UserID: u.ID, CreatedAt: now}); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Entry{At: now, Actor: "system", Action: "token_add", SubjectID: "user:" + email})
	})
	return token, err
}

// SignInLinkUser returns the user a one-time link belongs to, without using it up.
func (a *App) SignInLinkUser(ctx context.Context, token string) (*staff.User, error) {
	u, err := a.store.CredentialUser(ctx, staff.CredentialSignInLink, auth.HashToken(token), a.now())
	if errors.Is(err, story.ErrNotFound) {
		return nil, &story.Error{Code: story.CodeUnauthorized, Key: "error.link_expired", Message: "This sign-in link has expired or was already used."}
	}
	return u, err
}

// Enrolment is what a staff member sets when first using their link.
type Enrolment struct {
	Password   string
	TOTPSecret string // required for admins; the secret shown on the form
	TOTPCode   string
}

// RequiresTOTP tells whether a role must use a second factor.
func RequiresTOTP(r staff.Role) bool { return r == staff.RoleAdmin || r == staff.RoleModerator }

// Enrol uses up a sign-in link: sets the password (and second factor) and
// opens a session.
func (a *App) Enrol(ctx context.Context, linkToken string, e Enrolment) (session string, err error) {
	u, err := a.SignInLinkUser(ctx, linkToken)
	if err != nil {
		return "", err
	}
	if n := len([]rune(e.Password)); n < auth.MinPasswordLength || n > auth.MaxPasswordLength {
		return "", story.FieldError("password", "error.password_length", "Please choose a password of at least 12 characters.")
	}
	var totpStep int64
	if RequiresTOTP(u.Role) {
		step, ok := auth.MatchTOTP(e.TOTPSecret, e.TOTPCode, a.now())
		if e.TOTPSecret == "" || !ok {
			return "", story.FieldError("totp", "error.totp_invalid", "The code from your authenticator app is not right.")
		}
		u.TOTPSecret, totpStep = a.Keys.SealTOTPSecret(e.TOTPSecret), step
	}
	hash, err := auth.HashPassword(ctx, e.Password)
	if err != nil {
		return "", passwordError(err)
	}
	u.PasswordHash = hash
	session = auth.NewToken()
	now := a.now()
	err = a.store.WithTx(ctx, func(tx storage.Tx) error {
		if err := tx.DeleteCredential(ctx, staff.CredentialSignInLink, auth.HashToken(linkToken)); err != nil {
			return err
		}
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		if err := tx.InsertCredential(ctx, staff.Credential{Kind: staff.CredentialSession, TokenHash: auth.HashToken(session), UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(SessionLifetime)}); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Entry{At: now, Actor: actor(u), Action: "enrol", SubjectID: "user:" + u.Email})
	})
	if err == nil && totpStep != 0 {
		// The code that enrolled signs in no one else.
		if _, claimErr := a.store.ClaimTOTPStep(ctx, u.ID, totpStep); claimErr != nil {
			a.Log.Warn("the enrolment code stays usable until it expires", "user", u.ID, "err", claimErr)
		}
	}
	return session, err
}

// SignIn checks a password (and second factor) and opens a session.
func (a *App) SignIn(ctx context.Context, email, password, code string) (string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if len(password) > auth.MaxPasswordLength*4 {
		return "", errSignIn
	}
	u, err := a.store.UserByEmail(ctx, email)
	if errors.Is(err, story.ErrNotFound) || (err == nil && u.PasswordHash == "") {
		// Spend the same effort as a real check, so timing does not tell
		// which addresses have accounts.
		if err := auth.VerifyNoPassword(ctx, password); err != nil {
			return "", passwordError(err)
		}
		return "", errSignIn
	}
	if err != nil {
		return "", err
	}
	ok, err := auth.VerifyPassword(ctx, u.PasswordHash, password)
	if errors.Is(err, auth.ErrBusy) {
		return "", passwordError(err)
	}
	if err != nil || !ok {
		return "", errSignIn
	}
	if u.TOTPSecret != "" || RequiresTOTP(u.Role) {
		if ok, err := a.checkSecondFactor(ctx, u, code); err != nil || !ok {
			if err != nil {
				a.Log.Error("second factor not checked", "err", err)
			}
			return "", errSignIn
		}
	}
	session := auth.NewToken()
	now := a.now()
	err = a.store.WithTx(ctx, func(tx storage.Tx) error {
		if err := tx.InsertCredential(ctx, staff.Credential{Kind: staff.CredentialSession, TokenHash: auth.HashToken(session), UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(SessionLifetime)}); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Entry{At: now, Actor: actor(u), Action: "signin", SubjectID: "user:" + u.Email})
	})
	return session, err
}

var errPasswordsBusy = &story.Error{Code: story.CodeRateLimited, Key: "error.signin_busy",
	Message: "Many people are signing in right now. Please wait a minute and try again."}

// passwordError tells a password check that could not run (too many at
// once, or the client left while it waited its turn) from other failures.
func passwordError(err error) error {
	if errors.Is(err, auth.ErrBusy) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return errPasswordsBusy
	}
	return err
}

// SignOut ends a session.
func (a *App) SignOut(ctx context.Context, session string) error {
	return a.store.WithTx(ctx, func(tx storage.Tx) error {
		err := tx.DeleteCredential(ctx, staff.CredentialSession, auth.HashToken(session))
		if errors.Is(err, story.ErrNotFound) {
			return nil
		}
		return err
	})
}

// SessionUser returns the user of a live session.
func (a *App) SessionUser(ctx context.Context, session string) (*staff.User, error) {
	return a.store.CredentialUser(ctx, staff.CredentialSession, auth.HashToken(session), a.now())
}

// APITokenUser returns the user owning an API token.
func (a *App) APITokenUser(ctx context.Context, token string) (*staff.User, error) {
	return a.store.CredentialUser(ctx, staff.CredentialAPIToken, auth.HashToken(token), a.now())
}
