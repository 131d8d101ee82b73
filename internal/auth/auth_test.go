package auth

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"
)

func TestPasswordRoundTrip(t *testing.T) {
	hash, err := HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := VerifyPassword(hash, "correct horse battery staple"); !ok || err != nil {
		t.Fatalf("right password refused: %v %v", ok, err)
	}
	if ok, _ := VerifyPassword(hash, "correct horse battery stapler"); ok {
		t.Fatal("wrong password accepted")
	}
	if _, err := VerifyPassword("$argon2id$garbage", "x"); err == nil {
		t.Fatal("malformed hash accepted")
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
	if !VerifyTOTP(secret, "005924", now) || !VerifyTOTP(secret, "005924", now.Add(30*time.Second)) {
		t.Error("current or adjacent step refused")
	}
	if VerifyTOTP(secret, "005924", now.Add(5*time.Minute)) || VerifyTOTP(secret, "12345", now) {
		t.Error("stale or short code accepted")
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
