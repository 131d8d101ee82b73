package auth

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func TestPasswordRoundTrip(t *testing.T) {
	ctx := context.Background()
	hash, err := HashPassword(ctx, "correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := VerifyPassword(ctx, hash, "correct horse battery staple"); !ok || err != nil {
		t.Fatalf("right password refused: %v %v", ok, err)
	}
	if ok, _ := VerifyPassword(ctx, hash, "correct horse battery stapler"); ok {
		t.Fatal("wrong password accepted")
	}
	if _, err := VerifyPassword(ctx, "$argon2id$garbage", "x"); err == nil {
		t.Fatal("malformed hash accepted")
	}
}

// TestNoPasswordRunsOneRealCheck: the check for an unknown account is one
// argon2id run, like a real one, and matches nothing.
func TestNoPasswordRunsOneRealCheck(t *testing.T) {
	before, _ := PasswordHashes()
	if err := VerifyNoPassword(context.Background(), "anything at all"); err != nil {
		t.Fatal(err)
	}
	if after, _ := PasswordHashes(); after != before+1 {
		t.Errorf("argon2id runs for an unknown account: %d, want 1", after-before)
	}
	if ok, err := VerifyPassword(context.Background(), dummyHash, ""); ok || err != nil {
		t.Errorf("the dummy hash matched or is malformed: %v %v", ok, err)
	}
}

// TestPasswordChecksAreBounded starts more checks than there are slots and
// waiting places: never more than the slots run at once, and the surplus
// is refused with ErrBusy instead of waiting without end.
func TestPasswordChecksAreBounded(t *testing.T) {
	var mu sync.Mutex
	running, most, refused := 0, 0, 0
	var wg sync.WaitGroup
	for range cap(hashSlots) + maxWaitingHashes + 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := gatedRun(context.Background(), func() {
				mu.Lock()
				running++
				most = max(most, running)
				mu.Unlock()
				time.Sleep(50 * time.Millisecond)
				mu.Lock()
				running--
				mu.Unlock()
			})
			if errors.Is(err, ErrBusy) {
				mu.Lock()
				refused++
				mu.Unlock()
			} else if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if most > cap(hashSlots) {
		t.Errorf("%d checks ran at once, want at most %d", most, cap(hashSlots))
	}
	if refused == 0 {
		t.Error("no check refused beyond the waiting places")
	}
}

// RFC 6238 appendix B, SHA-1 vectors (the secret is "12345678901234567890").
func TestTOTPVectors(t *testing.T) {
	secret := base32NoPad.EncodeToString([]byte("12345678901234567890"))
	cases := map[int64]string{59: "287082", 1111111109: "081804", 1234567890: "005924", 2000000000: "279037"}
	for at, want := range cases {
		got, err := TOTPCode(secret, time.Unix(at, 0))
		if err != nil || got != want {
			t.Errorf("at %d: got %s, want %s (%v)", at, got, want, err)
		}
	}
	now := time.Unix(1234567890, 0)
	accepts := func(code string, at time.Time) bool {
		_, ok := MatchTOTP(secret, code, at)
		return ok
	}
	if !accepts("005924", now) || !accepts("005924", now.Add(30*time.Second)) {
		t.Error("current or adjacent step refused")
	}
	if accepts("005924", now.Add(5*time.Minute)) || accepts("12345", now) {
		t.Error("stale or short code accepted")
	}
	if step, ok := MatchTOTP(secret, "005924", now.Add(30*time.Second)); !ok || step != 1234567890/30 {
		t.Errorf("code of step %d matched step %d (%v)", 1234567890/30, step, ok)
	}
}

func TestSealRoundTripAndKeyPersistence(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys", "master.key")
	k1, err := LoadOrCreateKeys(path)
	if err != nil {
		t.Fatal(err)
	}
	sealed := k1.Seal([]byte("amina@example.org"))
	if bytes.Contains(sealed, []byte("amina")) {
		t.Fatal("plaintext visible in sealed bytes")
	}
	k2, err := LoadOrCreateKeys(path)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := k2.Open(sealed)
	if err != nil || string(plain) != "amina@example.org" {
		t.Fatalf("open after reload: %q %v", plain, err)
	}
	sealed[len(sealed)-1] ^= 1
	if _, err := k2.Open(sealed); err == nil {
		t.Fatal("tampered data opened")
	}
}

func TestTokens(t *testing.T) {
	a, b := NewToken(), NewToken()
	if a == b || len(a) < 40 {
		t.Fatalf("weak tokens %q %q", a, b)
	}
	if !TokenMatches(a, HashToken(a)) || TokenMatches(b, HashToken(a)) {
		t.Fatal("token matching wrong")
	}
}
