package web

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestCardCacheRendersOncePerKey: readers asking at once for a package or
// card that is not built yet wait for one render instead of each starting
// their own.
func TestCardCacheRendersOncePerKey(t *testing.T) {
	c := newCardCache(10)
	var renders atomic.Int32
	release := make(chan struct{})
	render := func() ([]byte, error) {
		renders.Add(1)
		<-release
		return []byte("zip"), nil
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if got, err := c.get("zip/en-1", render); err != nil || string(got) != "zip" {
				t.Errorf("get: %q %v", got, err)
			}
		})
	}
	time.Sleep(50 * time.Millisecond) // let every reader ask
	close(release)
	wg.Wait()
	if n := renders.Load(); n != 1 {
		t.Errorf("%d renders for one key asked by 8 readers at once", n)
	}
	c.forget("zip/")
	if _, err := c.get("zip/en-1", render); err != nil || renders.Load() != 2 {
		t.Errorf("after forget: %d renders, %v", renders.Load(), err)
	}
}
