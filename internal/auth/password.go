// Package auth holds the cryptography of accounts: password hashing,
// bearer tokens, time-based one-time codes and sealing data at rest.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters (RFC 9106's second recommended option, lighter memory).
const (
	argonTime    = 3
	argonMemory  = 64 * 1024 // KiB
	argonThreads = 2
	argonKeyLen  = 32
	saltLen      = 16
	// MinPasswordLength is the shortest password accepted.
	MinPasswordLength = 12
	// MaxPasswordLength bounds the work an attacker can ask of us.
	MaxPasswordLength = 256
)

// Each argon2id run holds argonMemory, so only a few run at once: one per
// argonThreads usable cores (never more than four), the others wait their
// turn a little, and beyond maxWaitingHashes or hashWait they are refused.
const (
	maxWaitingHashes = 32
	hashWait         = 5 * time.Second
)

// ErrBusy refuses a password check while too many are waiting already.
var ErrBusy = errors.New("auth: too many password checks at once")

var (
	hashSlots   = make(chan struct{}, min(max(runtime.GOMAXPROCS(0)/argonThreads, 1), 4))
	hashWaiters = make(chan struct{}, maxWaitingHashes)
	hashesRun   atomic.Int64
	hashesBusy  atomic.Int64
)

// PasswordHashes counts the argon2id runs since start, and the password
// checks refused with ErrBusy.
func PasswordHashes() (run, refused int64) { return hashesRun.Load(), hashesBusy.Load() }

// idKey runs argon2id once a slot is free.
func idKey(ctx context.Context, password, salt []byte, time, memory uint32, threads uint8, keyLen uint32) ([]byte, error) {
	var key []byte
	err := gatedRun(ctx, func() {
		hashesRun.Add(1)
		key = argon2.IDKey(password, salt, time, memory, threads, keyLen)
	})
	return key, err
}

// gatedRun runs hash in a slot, or returns why it could not.
func gatedRun(ctx context.Context, hash func()) error {
	if err := acquireHashSlot(ctx); err != nil {
		return err
	}
	defer func() { <-hashSlots }()
	hash()
	// The run's argonMemory is garbage now. Left to the collector, the
	// heap grows by another argonMemory or two before it is reused (the
	// sign-in memory test measured 4× the idle memory with one slot, 3×
	// with runtime.GC here); handing it back to the system before the next
	// run starts keeps the peak at the idle memory plus one argonMemory
	// per slot (2×). The next run faults its pages in afresh, about 65 ms
	// more per check (BenchmarkPasswordCheck, docs/performance.md). Sign-ins
	// are few and capped; memory is what a flood of them exhausts.
	debug.FreeOSMemory()
	return nil
}

func acquireHashSlot(ctx context.Context) error {
	select {
	case hashSlots <- struct{}{}:
		return nil
	default:
	}
	select {
	case hashWaiters <- struct{}{}:
		defer func() { <-hashWaiters }()
	default:
		hashesBusy.Add(1)
		return ErrBusy
	}
	timer := time.NewTimer(hashWait)
	defer timer.Stop()
	select {
	case hashSlots <- struct{}{}:
		return nil
	case <-timer.C:
		hashesBusy.Add(1)
		return ErrBusy
	case <-ctx.Done():
		return ctx.Err()
	}
}

// HashPassword returns an argon2id hash in the PHC string format.
func HashPassword(ctx context.Context, password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key, err := idKey(ctx, []byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	if err != nil {
		return "", err
	}
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var errBadHash = errors.New("auth: malformed password hash")

// VerifyPassword reports whether password matches the PHC-encoded hash.
// It returns ErrBusy when too many checks are running or waiting.
func VerifyPassword(ctx context.Context, hash, password string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	var memory, time uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &time, &threads); err != nil {
		return false, errBadHash
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false, errBadHash
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, errBadHash
	}
	if memory > argonMemory || time > argonTime || threads > argonThreads || len(want) > 64 {
		// A stored hash never asks for more than we make: refuse rather
		// than spend more than the gate budgets for.
		return false, errBadHash
	}
	got, err := idKey(ctx, []byte(password), salt, time, memory, threads, uint32(len(want)))
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash has the parameters of every stored hash and random bytes for
// its key: no password matches it.
const dummyHash = "$argon2id$v=19$m=65536,t=3,p=2$c2lnbi1pbi1kdW1teS1zYWx0$9sGnOZYHF1Hv8l2rYbV3PZ3wS1U2uM4cQ0mB2j0rL0Y"

// VerifyNoPassword spends the work of a real check, through the same gate,
// for an account that does not exist or has no password yet, so that
// neither timing nor memory tells which e-mails have accounts. It always
// reports a mismatch.
func VerifyNoPassword(ctx context.Context, password string) error {
	_, err := VerifyPassword(ctx, dummyHash, password)
	return err
}

// NewToken returns a random bearer secret, URL-safe, 256 bits.
func NewToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("auth: no randomness: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken is how bearer secrets are stored: only their SHA-256.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// TokenMatches compares a presented token with a stored hash in constant time.
func TokenMatches(token string, hash []byte) bool {
	return len(hash) == sha256.Size && subtle.ConstantTimeCompare(HashToken(token), hash) == 1
}
