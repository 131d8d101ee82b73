package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"chorus/internal/auth"
	"chorus/internal/staff"
	"chorus/internal/storage"
	"chorus/internal/storage/sqlite"
)

// TestStartSealsPlainTOTPSecrets: a second-factor secret stored in plain
// text by an older version is sealed when the site is next opened, and is
// then in no file of the data folder.
func TestStartSealsPlainTOTPSecrets(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	if _, _, err := runIn(t, "migrate", "--data", data); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	secret := auth.NewTOTPSecret()
	st, err := sqlite.Open(ctx, filepath.Join(data, "chorus.db"))
	if err != nil {
		t.Fatal(err)
	}
	err = st.WithTx(ctx, func(tx storage.Tx) error {
		return tx.InsertUser(ctx, &staff.User{Email: "old@example.org", Role: staff.RoleAdmin, TOTPSecret: secret, CreatedAt: time.Now()})
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}

	if _, _, err := runIn(t, "migrate", "--data", data); err != nil {
		t.Fatal(err)
	}
	st, err = sqlite.Open(ctx, filepath.Join(data, "chorus.db"))
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.UserByEmail(ctx, "old@example.org")
	st.Close()
	if err != nil || !strings.HasPrefix(u.TOTPSecret, "sealed:") {
		t.Fatalf("after start: %q %v", u.TOTPSecret, err)
	}
	entries, _ := os.ReadDir(data)
	for _, e := range entries {
		if b, _ := os.ReadFile(filepath.Join(data, e.Name())); bytes.Contains(b, []byte(secret)) {
			t.Errorf("%s still holds the plain secret", e.Name())
		}
	}
}
