package app

import (
	"context"
	"fmt"

	"chorus/internal/auth"
	"chorus/internal/staff"
	"chorus/internal/storage"
)

// checkSecondFactor tells whether code is u's current TOTP code and, if
// so, uses up its time step: the same code, or an earlier one, is refused
// afterwards (RFC 6238 §5.2), even to a sign-in racing this one.
func (a *App) checkSecondFactor(ctx context.Context, u *staff.User, code string) (bool, error) {
	if u.TOTPSecret == "" {
		return false, nil
	}
	secret, plain, err := a.Keys.OpenTOTPSecret(u.TOTPSecret)
	if err != nil {
		return false, fmt.Errorf("user %d: %w", u.ID, err)
	}
	step, ok := auth.MatchTOTP(secret, code, a.now())
	if !ok {
		return false, nil
	}
	if claimed, err := a.store.ClaimTOTPStep(ctx, u.ID, step); err != nil || !claimed {
		return false, err
	}
	if plain {
		if _, err := a.sealTOTPSecret(ctx, u.ID, u.TOTPSecret); err != nil {
			a.Log.Warn("a second-factor secret stays unsealed until the next start", "user", u.ID, "err", err)
		}
	}
	return true, nil
}

// SealTOTPSecrets encrypts the second-factor secrets stored in plain text
// before secrets were sealed, and returns how many it sealed. It runs at
// start-up; sign-in seals any it meets too.
func (a *App) SealTOTPSecrets(ctx context.Context) (int, error) {
	users, err := a.store.UsersWithTOTPSecret(ctx)
	if err != nil {
		return 0, err
	}
	sealed := 0
	for _, u := range users {
		if _, plain, _ := a.Keys.OpenTOTPSecret(u.TOTPSecret); !plain {
			continue
		}
		done, err := a.sealTOTPSecret(ctx, u.ID, u.TOTPSecret)
		if err != nil {
			return sealed, err
		}
		if done {
			sealed++
		}
	}
	if sealed > 0 {
		// The plain secrets must not linger in the database files.
		a.purge(ctx)
	}
	return sealed, nil
}

// sealTOTPSecret replaces a user's plain secret with its sealed form,
// unless it changed meanwhile.
func (a *App) sealTOTPSecret(ctx context.Context, userID int64, plainSecret string) (bool, error) {
	done := false
	err := a.store.WithTx(ctx, func(tx storage.Tx) error {
		u, err := tx.UserByID(ctx, userID)
		if err != nil || u.TOTPSecret != plainSecret {
			return err
		}
		u.TOTPSecret = a.Keys.SealTOTPSecret(plainSecret)
		done = true
		return tx.UpdateUser(ctx, u)
	})
	return done, err
}
