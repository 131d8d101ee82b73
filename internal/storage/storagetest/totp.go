package storagetest

import (
	"context"
	"sync"
	"testing"

	"chorus/internal/staff"
	"chorus/internal/storage"
)

// testTOTPStepsAreUsedOnce: a time step is claimed once per user, never
// one before the last, and of concurrent claims exactly one wins.
func testTOTPStepsAreUsedOnce(t *testing.T, st storage.Store) {
	ctx := context.Background()
	users := []*staff.User{
		{Email: "admin@example.org", Role: staff.RoleAdmin, TOTPSecret: "sealed-a", CreatedAt: epoch},
		{Email: "mod@example.org", Role: staff.RoleModerator, TOTPSecret: "sealed-m", CreatedAt: epoch},
		{Email: "partner@example.org", Role: staff.RolePartner, CreatedAt: epoch},
	}
	err := st.WithTx(ctx, func(tx storage.Tx) error {
		for _, u := range users {
			if err := tx.InsertUser(ctx, u); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	admin, mod := users[0].ID, users[1].ID
	for _, c := range []struct {
		user, step int64
		want       bool
	}{{admin, 100, true}, {admin, 100, false}, {admin, 99, false}, {mod, 100, true}, {admin, 101, true}, {admin, 100, false}} {
		if got, err := st.ClaimTOTPStep(ctx, c.user, c.step); err != nil || got != c.want {
			t.Errorf("user %d claims step %d: %v %v, want %v", c.user, c.step, got, err, c.want)
		}
	}

	const racers = 8
	var wins sync.WaitGroup
	won := make(chan bool, racers)
	for range racers {
		wins.Go(func() {
			ok, err := st.ClaimTOTPStep(ctx, mod, 200)
			if err != nil {
				t.Error(err)
			}
			won <- ok
		})
	}
	wins.Wait()
	close(won)
	n := 0
	for ok := range won {
		if ok {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d of %d concurrent sign-ins with one code won, want 1", n, racers)
	}

	with, err := st.UsersWithTOTPSecret(ctx)
	if err != nil || len(with) != 2 || with[0].Email != "admin@example.org" || with[1].TOTPSecret != "sealed-m" {
		t.Errorf("users with a second factor: %v %v", with, err)
	}
}
