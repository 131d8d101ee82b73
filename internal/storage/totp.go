package storage

import (
	"context"

	"chorus/internal/staff"
)

// SecondFactors keeps what the second factor needs beyond the user row.
type SecondFactors interface {
	// ClaimTOTPStep records that the user signed in with the code of a
	// TOTP time step, and reports false, recording nothing, when that step
	// or a later one was already used (RFC 6238 §5.2): of two sign-ins
	// with one code, racing on any number of processes, one wins.
	ClaimTOTPStep(ctx context.Context, userID, step int64) (bool, error)
	// UsersWithTOTPSecret lists the users who have a second factor.
	UsersWithTOTPSecret(ctx context.Context) ([]*staff.User, error)
}
