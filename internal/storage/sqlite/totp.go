package sqlite

import (
	"context"

	"chorus/internal/storage"
)

// ClaimTOTPStep is one conditional update on the single writer
// connection, so claims of one step run one after the other.
func (s *Store) ClaimTOTPStep(ctx context.Context, userID, step int64) (bool, error) {
	res, err := s.writer.ExecContext(ctx, "UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?", step, userID, step)
	if err != nil {
		return false, domainError("claim TOTP step", err)
	}
	n, err := res.RowsAffected()
	return n == 1, domainError("claim TOTP step", err)
}

func (s *Store) UsersWithTOTPSecret(ctx context.Context) ([]*storage.User, error) {
	rows, err := s.reader.QueryContext(ctx, "SELECT "+userColumns+" FROM users WHERE totp_secret <> '' ORDER BY id")
	if err != nil {
		return nil, domainError("users", err)
	}
	defer rows.Close()
	var users []*storage.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		users = append(users, u)
	}
	return users, domainError("users", rows.Err())
}
