package postgres

import (
	"context"

	"chorus/internal/storage/sqlstore"
)

// ClaimTOTPStep claims through the pool.
func (s *Store) ClaimTOTPStep(ctx context.Context, userID, step int64) (bool, error) {
	return sqlstore.ClaimTOTPStep(ctx, s.Queries, userID, step)
}
