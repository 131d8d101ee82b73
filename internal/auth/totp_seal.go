package auth

import (
	"encoding/base64"
	"errors"
	"strings"
)

// sealedTOTPPrefix marks a sealed TOTP secret; a plain one is base32, which
// has no colon.
const sealedTOTPPrefix = "sealed:"

// SealTOTPSecret encrypts a TOTP secret for storage, as contact e-mails are.
func (k *Keys) SealTOTPSecret(secret string) string {
	return sealedTOTPPrefix + base64.RawStdEncoding.EncodeToString(k.Seal([]byte(secret)))
}

// OpenTOTPSecret returns the secret a user row stores. A secret stored
// before secrets were sealed is returned as is, with plain true, so that
// the caller seals it.
func (k *Keys) OpenTOTPSecret(stored string) (secret string, plain bool, err error) {
	sealed, ok := strings.CutPrefix(stored, sealedTOTPPrefix)
	if !ok {
		return stored, true, nil
	}
	data, err := base64.RawStdEncoding.DecodeString(sealed)
	if err != nil {
		return "", false, errors.New("auth: sealed TOTP secret is not base64")
	}
	opened, err := k.Open(data)
	if err != nil {
		return "", false, errors.New("auth: sealed TOTP secret does not open with this site's key")
	}
	return string(opened), false, nil
}
