package postgres

import (
	"context"

	"chorus/internal/storage"
)

// ClaimTOTPStep is one conditional update: a second claim of the step
// waits for the first's row lock, then finds the condition false.
func (s *Store) ClaimTOTPStep(ctx context.Context, userID, step int64) (bool, error) {
	tag, err := s.pool.Exec(ctx, "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1", step, userID)
	if err != nil {
		return false, domainError("claim TOTP step", err)
	}
	return tag.RowsAffected() == 1, nil
}

func (s *Store) UsersWithTOTPSecret(ctx context.Context) ([]*storage.User, error) {
	rows, err := s.pool.Query(ctx, "SELECT "+userColumns+" FROM users WHERE totp_secret <> '' ORDER BY id")
	if err != nil {
		return nil, domainError("users", err)
	}
	return collect(rows, "users", scanUser)
}
