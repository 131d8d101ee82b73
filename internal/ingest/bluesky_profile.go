package ingest

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"
)

const (
	// DefaultAppView is Bluesky's public AppView, asked for authors'
	// profile labels.
	DefaultAppView  = "https://public.api.bsky.app/xrpc"
	profileTTL      = 6 * time.Hour
	maxProfiles     = 20000
	profileLookupIn = 10 * time.Second
)

// profileCache remembers, for a while, which Bluesky authors opted out of
// being shown to people who are not logged in.
type profileCache struct {
	mu      sync.Mutex
	entries map[string]profileEntry
}

type profileEntry struct {
	optedOut bool
	until    time.Time
}

func (c *profileCache) get(did string, now time.Time) (optedOut, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[did]
	if !ok || now.After(e.until) {
		return false, false
	}
	return e.optedOut, true
}

func (c *profileCache) put(did string, optedOut bool, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= maxProfiles {
		for k, e := range c.entries {
			if now.After(e.until) {
				delete(c.entries, k)
			}
		}
		for k := range c.entries {
			if len(c.entries) < maxProfiles {
				break
			}
			delete(c.entries, k)
		}
	}
	c.entries[did] = profileEntry{optedOut: optedOut, until: now.Add(profileTTL)}
}

func (r *Runner) profileCache() *profileCache {
	r.idsMu.Lock()
	defer r.idsMu.Unlock()
	if r.profiles == nil {
		r.profiles = &profileCache{entries: map[string]profileEntry{}}
	}
	return r.profiles
}

// blueskyOptedOut reports whether an author's profile carries the
// !no-unauthenticated self-label, asking the AppView once per author and
// TTL. Jetstream's events do not carry profile labels.
func (r *Runner) blueskyOptedOut(ctx context.Context, appView, did string) (bool, error) {
	cache := r.profileCache()
	if optedOut, ok := cache.get(did, r.now()); ok {
		return optedOut, nil
	}
	var profile struct {
		DID    string `json:"did"`
		Labels []struct {
			Val string `json:"val"`
		} `json:"labels"`
	}
	lookupCtx, cancel := context.WithTimeout(ctx, profileLookupIn)
	defer cancel()
	base := strings.TrimRight(firstNonEmpty(appView, DefaultAppView), "/")
	if _, err := r.getJSON(lookupCtx, base+"/app.bsky.actor.getProfile?"+url.Values{"actor": {did}}.Encode(), &profile); err != nil {
		return false, fmt.Errorf("cannot read the profile of %s: %w", did, err)
	}
	if profile.DID != did {
		return false, fmt.Errorf("the profile asked for %s answered for another account", did)
	}
	optedOut := false
	for _, l := range profile.Labels {
		if l.Val == noUnauthLabel {
			optedOut = true
		}
	}
	cache.put(did, optedOut, r.now())
	return optedOut, nil
}
