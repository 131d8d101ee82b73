package media

import (
	"context"
	"errors"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/semaphore"

	"chorus/internal/story"
)

// DefaultImageMemory is the memory all image work of the process may take
// at once unless SetImageMemory says otherwise.
const DefaultImageMemory = 512 << 20

// MaxImageWait is the longest an upload waits for its share of the budget
// before it is answered "busy".
const MaxImageWait = 30 * time.Second

// Budget bounds the memory that decoding and re-encoding images take at
// once. Each image reserves its estimated cost, from its header, before a
// single pixel is decoded, and gives it back when its renditions are
// encoded. Memory is a property of the process, so one budget is shared
// by every kind of image work: photos, their renditions and logos.
type Budget struct {
	size int64
	wait time.Duration
	sem  *semaphore.Weighted

	// After heavy work, once nothing has used the budget for idleDelay,
	// the heap is returned to the system, at most once per freeInterval:
	// otherwise a burst's peak stays resident for minutes.
	idleDelay    time.Duration
	freeInterval time.Duration
	freeOSMemory func()

	mu            sync.Mutex
	inUse         int64
	sinceFree     int64 // bytes of work since memory was last returned
	lastFree      time.Time
	freeScheduled bool
}

// heavyWork is how much work since the last return makes one worth its
// cost, a full garbage collection.
const heavyWork = 64 << 20

// NewBudget returns a budget of size bytes whose callers wait at most wait.
func NewBudget(size int64, wait time.Duration) *Budget {
	return &Budget{
		size: size, wait: wait, sem: semaphore.NewWeighted(size),
		idleDelay: time.Second, freeInterval: 10 * time.Second, freeOSMemory: debug.FreeOSMemory,
	}
}

var images atomic.Pointer[Budget]

func init() { images.Store(NewBudget(DefaultImageMemory, MaxImageWait)) }

// SetImageMemory sets the size of the budget every image of the process
// shares; the server calls it once at start, before any image work.
func SetImageMemory(size int64) {
	if size <= 0 {
		size = DefaultImageMemory
	}
	images.Store(NewBudget(size, MaxImageWait))
}

// ImageMemory returns the size of the shared budget.
func ImageMemory() int64 { return images.Load().size }

// busy is why an upload was not processed: the budget stayed full for
// the longest wait. It tells HTTP surfaces what Retry-After to send.
type busy struct{ after time.Duration }

func (b busy) Error() string { return "image memory budget full for " + b.after.String() }

// RetryAfter is how long the client should wait before trying again.
func (b busy) RetryAfter() time.Duration { return b.after }

func errTooCostly(u upload, cost, size int64) *story.Error {
	e := story.Errorf(story.CodeTooLarge, "error."+string(u)+"_too_complex",
		"This %s would take too much memory to process. Please choose a smaller %s, or save it again as an ordinary JPEG or PNG.", u, u)
	e.Err = errors.New("image needs " + formatBytes(cost) + " of a " + formatBytes(size) + " budget")
	return e
}

// acquire reserves cost bytes for u, waiting while ctx lasts and at most
// b.wait. Work that can never fit is refused at once (413); a budget that
// stays full yields a 503 with Retry-After rather than a 429: the client
// did nothing wrong, the server is busy with everyone's images.
func (b *Budget) acquire(ctx context.Context, u upload, cost int64) (release func(), err error) {
	if cost > b.size {
		return nil, errTooCostly(u, cost, b.size)
	}
	cost = max(cost, 1)
	waitCtx, cancel := context.WithTimeout(ctx, b.wait)
	defer cancel()
	if err := b.sem.Acquire(waitCtx, cost); err != nil {
		if ctx.Err() != nil {
			return nil, &story.Error{Code: story.CodeUnavailable, Key: "error.unavailable", Message: "The request was cancelled.", Err: ctx.Err()}
		}
		return nil, &story.Error{Code: story.CodeUnavailable, Key: "error.busy", Message: "We are busy; please try again in a moment.", Err: busy{after: b.wait}}
	}
	b.mu.Lock()
	b.inUse += cost
	b.mu.Unlock()
	var once sync.Once
	return func() { once.Do(func() { b.release(cost) }) }, nil
}

func (b *Budget) release(cost int64) {
	b.sem.Release(cost)
	b.mu.Lock()
	defer b.mu.Unlock()
	b.inUse -= cost
	b.sinceFree += cost
	b.scheduleFree()
}

// scheduleFree arranges for memory to be returned once the budget has been
// idle for idleDelay after heavy work, no sooner than freeInterval after
// the last return. b.mu is held.
func (b *Budget) scheduleFree() {
	if b.inUse > 0 || b.sinceFree < heavyWork || b.freeScheduled {
		return
	}
	b.freeScheduled = true
	delay := max(b.idleDelay, time.Until(b.lastFree.Add(b.freeInterval)))
	time.AfterFunc(delay, b.freeIfIdle)
}

func (b *Budget) freeIfIdle() {
	b.mu.Lock()
	b.freeScheduled = false
	if b.inUse > 0 {
		b.mu.Unlock() // the last release of this work schedules again
		return
	}
	b.sinceFree = 0
	b.lastFree = time.Now()
	b.mu.Unlock()
	b.freeOSMemory()
}
