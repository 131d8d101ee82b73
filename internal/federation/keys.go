package federation

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// remoteActor is what we read of another server's actor document (or of
// the key document a keyId points at).
type remoteActor struct {
	ID          string
	Inbox       string
	SharedInbox string
	// Keys by id, with their owner.
	Keys map[string]remoteKey
}

type remoteKey struct {
	Owner string
	Key   *rsa.PublicKey
}

type actorDocument struct {
	ID        string `json:"id"`
	Type      types  `json:"type"`
	Inbox     string `json:"inbox"`
	Endpoints struct {
		SharedInbox string `json:"sharedInbox"`
	} `json:"endpoints"`
	PublicKey json.RawMessage `json:"publicKey"`
	// A key document (GoToSocial's keyId without fragment may answer the
	// key itself) carries these at the top.
	Owner        string `json:"owner"`
	PublicKeyPEM string `json:"publicKeyPem"`
}

type keyDocument struct {
	ID           string `json:"id"`
	Owner        string `json:"owner"`
	PublicKeyPEM string `json:"publicKeyPem"`
}

func parsePublicKeyPEM(text string) (*rsa.PublicKey, error) {
	block, _ := pem.Decode([]byte(text))
	if block == nil {
		return nil, errors.New("no PEM key")
	}
	if k, err := x509.ParsePKIXPublicKey(block.Bytes); err == nil {
		if rk, ok := k.(*rsa.PublicKey); ok {
			return rk, nil
		}
		return nil, errors.New("not an RSA key")
	}
	return x509.ParsePKCS1PublicKey(block.Bytes)
}

// parseActor reads an actor document or a key document.
func parseActor(data []byte) (*remoteActor, error) {
	var doc actorDocument
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	a := &remoteActor{ID: doc.ID, Inbox: doc.Inbox, SharedInbox: doc.Endpoints.SharedInbox, Keys: map[string]remoteKey{}}
	var keys []keyDocument
	if raw := bytes.TrimSpace(doc.PublicKey); len(raw) > 0 {
		if raw[0] == '[' {
			_ = json.Unmarshal(raw, &keys)
		} else {
			var one keyDocument
			if json.Unmarshal(raw, &one) == nil {
				keys = append(keys, one)
			}
		}
	}
	if doc.PublicKeyPEM != "" {
		keys = append(keys, keyDocument{ID: doc.ID, Owner: doc.Owner, PublicKeyPEM: doc.PublicKeyPEM})
	}
	for _, k := range keys {
		pub, err := parsePublicKeyPEM(k.PublicKeyPEM)
		if err != nil || k.ID == "" {
			continue
		}
		owner := k.Owner
		if owner == "" {
			owner = doc.ID
		}
		a.Keys[k.ID] = remoteKey{Owner: owner, Key: pub}
	}
	if a.ID == "" {
		return nil, errors.New("no id")
	}
	return a, nil
}

// keyCache keeps the keys of remote actors, so that each activity does not
// cost a fetch. It is bounded: past its size an entry is dropped.
type keyCache struct {
	mu    sync.Mutex
	size  int
	items map[string]remoteKey
}

func newKeyCache(size int) *keyCache { return &keyCache{size: size, items: map[string]remoteKey{}} }

func (c *keyCache) get(keyID string) (remoteKey, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k, ok := c.items[keyID]
	return k, ok
}

func (c *keyCache) put(keyID string, k remoteKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.items) >= c.size {
		for id := range c.items { // any one: map order is random
			delete(c.items, id)
			break
		}
	}
	c.items[keyID] = k
}

// maxDocument bounds a remote document we read.
const maxDocument = 1 << 20

// fetch GETs a remote ActivityStreams document with a signed request, so
// that servers in authorized-fetch mode answer.
func (f *Federation) fetch(ctx context.Context, rawURL string) ([]byte, int, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Accept", ContentType+", "+ldContentType)
	key, err := f.actorKey(ctx)
	if err != nil {
		return nil, 0, err
	}
	if err := sign(req, nil, f.keyID(), key, f.now()); err != nil {
		return nil, 0, err
	}
	res, err := f.app.Outbound.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, res.StatusCode, fmt.Errorf("%s answered %d", rawURL, res.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(res.Body, maxDocument))
	return data, res.StatusCode, err
}

// fetchActor reads a remote actor.
func (f *Federation) fetchActor(ctx context.Context, actorID string) (*remoteActor, error) {
	data, _, err := f.fetch(ctx, actorID)
	if err != nil {
		return nil, err
	}
	a, err := parseActor(data)
	if err != nil {
		return nil, fmt.Errorf("actor %s: %w", actorID, err)
	}
	if a.ID != actorID {
		return nil, fmt.Errorf("actor %s calls itself %s", actorID, a.ID)
	}
	return a, nil
}

// publicKey returns the key of keyID, from the cache unless refresh, or
// fetched from the URL keyId names (without its fragment).
func (f *Federation) publicKey(ctx context.Context, keyID string, refresh bool) (remoteKey, error) {
	if !refresh {
		if k, ok := f.keys.get(keyID); ok {
			return k, nil
		}
	}
	docURL, _, _ := strings.Cut(keyID, "#")
	data, _, err := f.fetch(ctx, docURL)
	if err != nil {
		return remoteKey{}, err
	}
	a, err := parseActor(data)
	if err != nil {
		return remoteKey{}, fmt.Errorf("key %s: %w", keyID, err)
	}
	k, ok := a.Keys[keyID]
	if !ok {
		return remoteKey{}, fmt.Errorf("key %s is not in the document it names", keyID)
	}
	// A key document may name an owner on another server: the owner's
	// server decides what is its key.
	if domainOf(k.Owner) != domainOf(keyID) {
		return remoteKey{}, fmt.Errorf("key %s claims an owner on another server", keyID)
	}
	f.keys.put(keyID, k)
	return k, nil
}

// requestTimeout bounds each request to another server.
const requestTimeout = 10 * time.Second
