package auth

import (
	"context"
	"testing"

	"golang.org/x/crypto/argon2"
)

// BenchmarkPasswordCheck measures a sign-in's password check as the site
// runs it (through the gate, memory handed back afterwards) against the
// bare argon2id run, so the cost of bounding memory is a figure, not a
// claim (docs/performance.md, "Password checks").
func BenchmarkPasswordCheck(b *testing.B) {
	ctx := context.Background()
	hash, err := HashPassword(ctx, "correct horse battery staple")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("gated", func(b *testing.B) {
		for b.Loop() {
			if ok, err := VerifyPassword(ctx, hash, "wrong horse battery staple"); ok || err != nil {
				b.Fatal(ok, err)
			}
		}
	})
	b.Run("bare", func(b *testing.B) {
		salt := make([]byte, saltLen)
		for b.Loop() {
			argon2.IDKey([]byte("wrong horse battery staple"), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
		}
	})
}
