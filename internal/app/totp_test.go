package app_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"chorus/internal/app"
	"chorus/internal/auth"
	"chorus/internal/staff"
	"chorus/internal/storage"
	"chorus/internal/testrig"
	"chorus/internal/transfer"
)

const passphrase = "a long enough passphrase"

// enrolled adds a moderator who enrols with a fresh second factor and
// returns the plain secret.
func enrolled(t *testing.T, rig *testrig.Rig, email string) string {
	t.Helper()
	ctx := context.Background()
	link, err := rig.App.AddUser(ctx, email, staff.RoleModerator)
	if err != nil {
		t.Fatal(err)
	}
	secret := auth.NewTOTPSecret()
	code, _ := auth.TOTPCode(secret, rig.Clock.Now())
	if _, err := rig.App.Enrol(ctx, link, app.Enrolment{Password: passphrase, TOTPSecret: secret, TOTPCode: code}); err != nil {
		t.Fatal(err)
	}
	return secret
}

func storedSecret(t *testing.T, rig *testrig.Rig, email string) string {
	t.Helper()
	u, err := rig.Store.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u.TOTPSecret
}

// TestTOTPSecretIsSealedAtRest: the secret is in no database file, and
// signing in with it works.
func TestTOTPSecretIsSealedAtRest(t *testing.T) {
	rig := testrig.New(t)
	secret := enrolled(t, rig, "mod@example.org")
	if stored := storedSecret(t, rig, "mod@example.org"); stored == secret || strings.Contains(stored, secret) {
		t.Errorf("the secret is stored as %q", stored)
	}
	for _, found := range rig.DatabaseFilesHold(secret) {
		t.Error(found)
	}
	dir := filepath.Join(t.TempDir(), "export")
	if _, err := transfer.Export(context.Background(), rig.Store.(storage.Dumper), rig.App.Blobs, dir, transfer.Options{}); err != nil {
		t.Fatal(err)
	}
	if exported, _ := os.ReadFile(filepath.Join(dir, transfer.SiteFile)); len(exported) == 0 || bytes.Contains(exported, []byte(secret)) {
		t.Errorf("the export holds the plain secret (or nothing: %d bytes)", len(exported))
	}
	rig.Clock.Advance(90 * time.Second)
	code, _ := auth.TOTPCode(secret, rig.Clock.Now())
	if _, err := rig.App.SignIn(context.Background(), "mod@example.org", passphrase, code); err != nil {
		t.Errorf("sign-in with a sealed secret: %v", err)
	}
}

// TestPlainTOTPSecretsAreSealed: secrets stored in plain text before they
// were sealed keep working, and are sealed at sign-in or at start-up.
func TestPlainTOTPSecretsAreSealed(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	plain := map[string]string{}
	for _, email := range []string{"old-signin@example.org", "old-idle@example.org"} {
		enrolled(t, rig, email)
		plain[email] = auth.NewTOTPSecret()
		err := rig.Store.WithTx(ctx, func(tx storage.Tx) error {
			u, err := tx.UserByEmail(ctx, email)
			if err != nil {
				return err
			}
			u.TOTPSecret = plain[email]
			return tx.UpdateUser(ctx, u)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	rig.Clock.Advance(90 * time.Second)
	code, _ := auth.TOTPCode(plain["old-signin@example.org"], rig.Clock.Now())
	if _, err := rig.App.SignIn(ctx, "old-signin@example.org", passphrase, code); err != nil {
		t.Fatalf("sign-in with a plain secret from before: %v", err)
	}
	if stored := storedSecret(t, rig, "old-signin@example.org"); stored == plain["old-signin@example.org"] {
		t.Error("signing in left the secret in plain text")
	}
	if n, err := rig.App.SealTOTPSecrets(ctx); err != nil || n != 1 {
		t.Errorf("sealed %d secrets at start-up (%v), want 1", n, err)
	}
	if n, err := rig.App.SealTOTPSecrets(ctx); err != nil || n != 0 {
		t.Errorf("sealed %d secrets at the second start-up (%v), want 0", n, err)
	}
	for _, found := range rig.LeftInDatabase(plain["old-signin@example.org"], plain["old-idle@example.org"]) {
		t.Error(found)
	}
	rig.Clock.Advance(90 * time.Second)
	code, _ = auth.TOTPCode(plain["old-idle@example.org"], rig.Clock.Now())
	if _, err := rig.App.SignIn(ctx, "old-idle@example.org", passphrase, code); err != nil {
		t.Errorf("sign-in after the secret was sealed at start-up: %v", err)
	}
}

// TestTOTPCodeIsUsedOnce: a code signs in once; the code that enrolled, a
// code used again, the previous step's code after a later one: all refused.
// Of concurrent sign-ins with one code, exactly one opens a session.
func TestTOTPCodeIsUsedOnce(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	secret := enrolled(t, rig, "mod@example.org")
	enrolCode, _ := auth.TOTPCode(secret, rig.Clock.Now())
	if _, err := rig.App.SignIn(ctx, "mod@example.org", passphrase, enrolCode); err == nil {
		t.Error("the code used to enrol signed in again")
	}
	rig.Clock.Advance(90 * time.Second)
	previous, _ := auth.TOTPCode(secret, rig.Clock.Now().Add(-30*time.Second))
	code, _ := auth.TOTPCode(secret, rig.Clock.Now())
	if _, err := rig.App.SignIn(ctx, "mod@example.org", passphrase, code); err != nil {
		t.Fatalf("first use of a code: %v", err)
	}
	if _, err := rig.App.SignIn(ctx, "mod@example.org", passphrase, code); err == nil {
		t.Error("a code signed in twice")
	}
	if _, err := rig.App.SignIn(ctx, "mod@example.org", passphrase, previous); err == nil {
		t.Error("the previous step's code signed in after the current one")
	}

	rig.Clock.Advance(90 * time.Second)
	code, _ = auth.TOTPCode(secret, rig.Clock.Now())
	const racers = 4
	var wg sync.WaitGroup
	sessions := make(chan string, racers)
	for range racers {
		wg.Go(func() {
			if s, err := rig.App.SignIn(ctx, "mod@example.org", passphrase, code); err == nil {
				sessions <- s
			}
		})
	}
	wg.Wait()
	close(sessions)
	if n := len(sessions); n != 1 {
		t.Errorf("%d of %d concurrent sign-ins with one code opened a session, want 1", n, racers)
	}
}
