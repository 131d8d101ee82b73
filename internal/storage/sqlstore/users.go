package sqlstore

import (
	"context"
	"time"

	"chorus/internal/staff"
)

// UserColumns are the columns scanUser reads, in order.
const UserColumns = "id, email, role, password_hash, totp_secret, created_at"

func scanUser(row Row) (*staff.User, error) {
	var u staff.User
	var role string
	var created Time
	if err := row.Scan(&u.ID, &u.Email, &role, &u.PasswordHash, &u.TOTPSecret, &created); err != nil {
		return nil, err
	}
	u.Role = staff.Role(role)
	u.CreatedAt = created.Time
	return &u, nil
}

func (q Queries) user(ctx context.Context, query string, args ...any) (*staff.User, error) {
	u, err := scanUser(q.DB.QueryRow(ctx, query, args...))
	if err != nil {
		return nil, q.err("user", err)
	}
	return u, nil
}

// E-mail addresses compare without regard to case.
func (q Queries) UserByEmail(ctx context.Context, email string) (*staff.User, error) {
	return q.user(ctx, "SELECT "+UserColumns+" FROM users WHERE "+q.D.EqualFold("email")+q.forUpdate(), email)
}

func (q Queries) UserByID(ctx context.Context, id int64) (*staff.User, error) {
	return q.user(ctx, "SELECT "+UserColumns+" FROM users WHERE id = ?"+q.forUpdate(), id)
}

func (q Queries) CredentialUser(ctx context.Context, kind staff.CredentialKind, tokenHash []byte, now time.Time) (*staff.User, error) {
	return q.user(ctx, "SELECT "+Prefixed("u.", UserColumns)+
		" FROM credentials c JOIN users u ON u.id = c.user_id WHERE c.token_hash = ? AND c.kind = ? AND (NOT "+q.D.HasTime("c.expires_at")+" OR c.expires_at > ?)",
		tokenHash, string(kind), q.D.NullTime(now))
}

func (t *Tx) InsertUser(ctx context.Context, u *staff.User) error {
	err := t.DB.QueryRow(ctx, "INSERT INTO users (email, role, password_hash, totp_secret, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
		u.Email, string(u.Role), u.PasswordHash, u.TOTPSecret, t.D.NullTime(u.CreatedAt)).Scan(&u.ID)
	return t.err("insert user", err)
}

func (t *Tx) UpdateUser(ctx context.Context, u *staff.User) error {
	_, err := t.DB.Exec(ctx, "UPDATE users SET email = ?, role = ?, password_hash = ?, totp_secret = ? WHERE id = ?",
		u.Email, string(u.Role), u.PasswordHash, u.TOTPSecret, u.ID)
	return t.err("update user", err)
}

// CredentialColumns are the columns scanCredential reads, in order.
const CredentialColumns = "kind, token_hash, user_id, created_at, expires_at"

func scanCredential(row Row) (*staff.Credential, error) {
	var c staff.Credential
	var kind string
	var created, expires Time
	err := row.Scan(&kind, &c.TokenHash, &c.UserID, &created, &expires)
	c.Kind, c.CreatedAt, c.ExpiresAt = staff.CredentialKind(kind), created.Time, expires.Time
	return &c, err
}

func (t *Tx) InsertCredential(ctx context.Context, c staff.Credential) error {
	_, err := t.DB.Exec(ctx, "INSERT INTO credentials ("+CredentialColumns+") VALUES (?, ?, ?, ?, ?)",
		string(c.Kind), c.TokenHash, c.UserID, t.D.NullTime(c.CreatedAt), t.D.NullTime(c.ExpiresAt))
	return t.err("insert credential", err)
}

func (t *Tx) DeleteCredential(ctx context.Context, kind staff.CredentialKind, tokenHash []byte) error {
	n, err := t.DB.Exec(ctx, "DELETE FROM credentials WHERE token_hash = ? AND kind = ?", tokenHash, string(kind))
	return t.oneRow("delete credential", n, err)
}

func (t *Tx) DeleteExpiredCredentials(ctx context.Context, now time.Time) (int, error) {
	n, err := t.DB.Exec(ctx, "DELETE FROM credentials WHERE "+t.D.HasTime("expires_at")+" AND expires_at <= ?", t.D.NullTime(now))
	if err != nil {
		return 0, t.err("expire credentials", err)
	}
	return int(n), nil
}
