package sqlstore

import (
	"context"

	"chorus/internal/staff"
)

// UsersWithTOTPSecret lists the users who have a second factor.
func (q Queries) UsersWithTOTPSecret(ctx context.Context) ([]*staff.User, error) {
	return queryAll(ctx, q, "users", scanUser, "SELECT "+UserColumns+" FROM users WHERE totp_secret <> '' ORDER BY id")
}

// ClaimTOTPStep is one conditional update through q, which must be able to
// write: of two claims of one step, the second finds the condition false
// (SQLite runs them one after the other on its writer connection;
// PostgreSQL makes the second wait for the first's row lock).
func ClaimTOTPStep(ctx context.Context, q Queries, userID, step int64) (bool, error) {
	n, err := q.DB.Exec(ctx, "UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?", step, userID, step)
	if err != nil {
		return false, q.err("claim TOTP step", err)
	}
	return n == 1, nil
}
