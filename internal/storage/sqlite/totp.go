package sqlite

import (
	"context"

	"chorus/internal/storage/sqlstore"
)

// ClaimTOTPStep claims on the single writer connection.
func (s *Store) ClaimTOTPStep(ctx context.Context, userID, step int64) (bool, error) {
	return sqlstore.ClaimTOTPStep(ctx, sqlstore.NewQueries(sqlstore.StdDB{DB: s.writer}, dialect{}), userID, step)
}
