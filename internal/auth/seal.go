package auth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Keys are the server's secrets, derived from one master key kept in the
// data folder (or given by the operator).
type Keys struct {
	master []byte
	aead   cipher.AEAD
}

const masterKeyLen = 32

// LoadOrCreateKeys reads the master key at path, creating it (0600) when absent.
func LoadOrCreateKeys(path string) (*Keys, error) {
	key, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		key = make([]byte, masterKeyLen)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("auth: create key folder: %w", err)
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			if errors.Is(err, os.ErrExist) {
				return LoadOrCreateKeys(path)
			}
			return nil, fmt.Errorf("auth: create key: %w", err)
		}
		if _, err := f.Write(key); err != nil {
			f.Close()
			return nil, fmt.Errorf("auth: write key: %w", err)
		}
		if err := errors.Join(f.Sync(), f.Close()); err != nil {
			return nil, fmt.Errorf("auth: write key: %w", err)
		}
	} else if err != nil {
		return nil, fmt.Errorf("auth: read key: %w", err)
	}
	return NewKeys(key)
}

// NewKeys uses the given 32-byte master key.
func NewKeys(master []byte) (*Keys, error) {
	if len(master) != masterKeyLen {
		return nil, fmt.Errorf("auth: master key must be %d bytes, got %d", masterKeyLen, len(master))
	}
	k := &Keys{master: master}
	block, err := aes.NewCipher(k.Derive("seal"))
	if err != nil {
		return nil, err
	}
	k.aead, err = cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return k, nil
}

// Derive returns a 32-byte key for one purpose, independent of the others.
func (k *Keys) Derive(purpose string) []byte {
	mac := hmac.New(sha256.New, k.master)
	mac.Write([]byte("chorus/" + purpose))
	return mac.Sum(nil)
}

// Seal encrypts and authenticates plaintext; the result carries its nonce.
func (k *Keys) Seal(plaintext []byte) []byte {
	nonce := make([]byte, k.aead.NonceSize(), k.aead.NonceSize()+len(plaintext)+k.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic("auth: no randomness: " + err.Error())
	}
	return k.aead.Seal(nonce, nonce, plaintext, nil)
}

// Open decrypts what Seal produced.
func (k *Keys) Open(sealed []byte) ([]byte, error) {
	n := k.aead.NonceSize()
	if len(sealed) < n+k.aead.Overhead() {
		return nil, errors.New("auth: sealed data too short")
	}
	return k.aead.Open(nil, sealed[:n], sealed[n:], nil)
}
