// Package pgtest gives each test a fresh PostgreSQL schema of its own.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
)

// URLEnv names the variable holding the test server's URL.
const URLEnv = "CHORUS_TEST_POSTGRES_URL"

// URL returns the URL of a fresh schema, dropped when the test ends:
// each test sees only its own data and runs can repeat. params are extra
// run-time settings.
func URL(t testing.TB, params ...string) string {
	t.Helper()
	base := os.Getenv(URLEnv)
	if base == "" {
		t.Skipf("set %s (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run the PostgreSQL tests", URLEnv)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect to %s: %v", URLEnv, err)
	}
	defer conn.Close(ctx)
	// unaccent lives in a schema of its own, so that dropping a test's
	// schema never drops the extension other tests use. Not fatal: without
	// it the adapter folds accents in Go.
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(42);
		CREATE SCHEMA IF NOT EXISTS chorus_test_ext;
		CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA chorus_test_ext`); err != nil {
		t.Logf("unaccent not installed: %v", err)
	}
	conn.Exec(ctx, "SELECT pg_advisory_unlock(42)")
	var b [6]byte
	rand.Read(b[:])
	schema := "chorus_test_" + hex.EncodeToString(b[:])
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return withParams(base, append([]string{"search_path", schema}, params...)...)
}

func withParams(base string, kv ...string) string {
	if u, err := url.Parse(base); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		q := u.Query()
		for i := 0; i+1 < len(kv); i += 2 {
			q.Set(kv[i], kv[i+1])
		}
		u.RawQuery = q.Encode()
		return u.String()
	}
	for i := 0; i+1 < len(kv); i += 2 {
		base += " " + kv[i] + "=" + kv[i+1]
	}
	return base
}
