// Package staff holds the people who run the campaign: their accounts and
// roles (what each role may do is decided in internal/app, authorize.go),
// the credentials they sign in with, and the texts translators save over
// the shipped catalogs.
package staff

import "time"

// Role is a staff member's role.
type Role string

const (
	RoleAdmin      Role = "admin"
	RoleModerator  Role = "moderator"
	RolePartner    Role = "partner"
	RoleTranslator Role = "translator"
)

// Roles lists every role.
var Roles = []Role{RoleAdmin, RoleModerator, RolePartner, RoleTranslator}

// User is a staff account.
type User struct {
	ID           int64
	Email        string
	Role         Role
	PasswordHash string // argon2id PHC string; empty until set
	TOTPSecret   string // base32; empty until enrolled
	CreatedAt    time.Time
}

// CredentialKind says what a stored token grants.
type CredentialKind string

const (
	CredentialSignInLink CredentialKind = "signin_link" // one-time
	CredentialSession    CredentialKind = "session"
	CredentialAPIToken   CredentialKind = "api_token"
)

// Credential is a hashed bearer secret belonging to a user.
type Credential struct {
	Kind      CredentialKind
	TokenHash []byte
	UserID    int64
	CreatedAt time.Time
	ExpiresAt time.Time // zero: never
}
