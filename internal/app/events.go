package app

import (
	"strings"
	"sync"
)

// Event says what a committed change touched. Use-cases publish events
// after their transaction commits; the page cache, the live queue, the
// catalogs in memory and the other nodes subscribe to them.
type Event interface{ event() }

// StoryChanged: a story's public face changed (published, edited,
// withdrawn, featured, translated).
type StoryChanged struct{ ID string }

// WallChanged: the social posts shown on the wall changed.
type WallChanged struct{}

// QueueChanged: the moderation queue changed.
type QueueChanged struct{}

// TranslationsChanged: a translation of the interface or the toolkit was
// saved or removed for the language.
type TranslationsChanged struct{ Lang string }

// PublicChanged: something public changed and the publisher cannot say
// more precisely what.
type PublicChanged struct{}

// EverythingChanged: events may have been missed (another node's
// connection dropped, or a slow forwarder fell behind), so anything may
// have changed.
type EverythingChanged struct{}

func (StoryChanged) event()        {}
func (WallChanged) event()         {}
func (QueueChanged) event()        {}
func (TranslationsChanged) event() {}
func (PublicChanged) event()       {}
func (EverythingChanged) event()   {}

// Events is the one notifier of committed changes. The zero value is ready.
//
// Subscribers run synchronously, in the publisher's goroutine and in the
// order they subscribed, because the node that made a change must show it
// on the very next request: the moderator redirected after approving sees
// the story, the translator sees the saved text. So a subscriber must be
// quick and must not wait on another machine; one that does (relaying to
// other nodes, federation) uses Forward, which never blocks the publisher.
type Events struct {
	mu   sync.Mutex
	next int
	subs []subscription
}

type subscription struct {
	id        int
	localOnly bool
	deliver   func(Event)
}

// Subscribe calls fn with every event, those published on this node and
// those relayed from other nodes, until the returned cancel is called.
func (e *Events) Subscribe(fn func(Event)) (cancel func()) {
	return e.add(subscription{deliver: fn})
}

func (e *Events) add(s subscription) (cancel func()) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.next++
	s.id = e.next
	// Copy on write: Publish reads the slice without holding the lock, so a
	// subscriber may subscribe or cancel while being called.
	e.subs = append(e.subs[:len(e.subs):len(e.subs)], s)
	return func() {
		e.mu.Lock()
		defer e.mu.Unlock()
		kept := make([]subscription, 0, len(e.subs))
		for _, sub := range e.subs {
			if sub.id != s.id {
				kept = append(kept, sub)
			}
		}
		e.subs = kept
	}
}

// Publish tells every subscriber of a change made on this node.
func (e *Events) Publish(ev Event) { e.publish(ev, false) }

// PublishRemote tells the subscribers of a change made on another node;
// forwarders do not see it, so it is not relayed back.
func (e *Events) PublishRemote(ev Event) { e.publish(ev, true) }

func (e *Events) publish(ev Event, remote bool) {
	if e == nil {
		return
	}
	e.mu.Lock()
	subs := e.subs
	e.mu.Unlock()
	for _, s := range subs {
		if !remote || !s.localOnly {
			s.deliver(ev)
		}
	}
}

// Forward calls fn, on a goroutine of its own, with every event published
// on this node, until stop is called; stop returns once that goroutine has
// ended. The publisher never waits: up to buffer events wait for fn, and
// when fn falls further behind the waiting events are replaced by one
// EverythingChanged. The event being handed over when stop is called is
// not interrupted, and those still waiting are handed over in one call.
func (e *Events) Forward(buffer int, fn func(Event)) (stop func()) {
	f := &forwarder{buffer: max(1, buffer), wake: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
	cancel := e.add(subscription{localOnly: true, deliver: f.push})
	go f.run(fn)
	var once sync.Once
	return func() {
		once.Do(func() {
			cancel()
			close(f.quit)
			<-f.done
		})
	}
}

type forwarder struct {
	buffer  int
	mu      sync.Mutex
	pending []Event
	wake    chan struct{}
	quit    chan struct{}
	done    chan struct{}
}

func (f *forwarder) push(ev Event) {
	f.mu.Lock()
	if len(f.pending) >= f.buffer {
		f.pending = append(f.pending[:0], EverythingChanged{})
	} else {
		f.pending = append(f.pending, ev)
	}
	f.mu.Unlock()
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

func (f *forwarder) run(fn func(Event)) {
	defer close(f.done)
	for {
		select {
		case <-f.quit:
			f.flush(fn, nil)
			return
		case <-f.wake:
		}
		batch := f.take()
		for i, ev := range batch {
			select {
			case <-f.quit:
				f.flush(fn, batch[i:])
				return
			default:
			}
			fn(ev)
		}
	}
}

func (f *forwarder) take() []Event {
	f.mu.Lock()
	defer f.mu.Unlock()
	batch := f.pending
	f.pending = nil
	return batch
}

// flush hands over what is left when stopping, in one call at most, so
// that stopping takes a bounded time and loses nothing: what a request
// changed just before a shutdown still reaches the other nodes.
func (f *forwarder) flush(fn func(Event), left []Event) {
	left = append(left, f.take()...)
	switch len(left) {
	case 0:
	case 1:
		fn(left[0])
	default:
		fn(EverythingChanged{})
	}
}

// maxTopic bounds a topic read from another node.
const maxTopic = 200

// EventTopic writes an event as a short text, for other nodes.
func EventTopic(ev Event) string {
	switch ev := ev.(type) {
	case StoryChanged:
		return "story:" + ev.ID
	case WallChanged:
		return "wall"
	case QueueChanged:
		return "queue"
	case TranslationsChanged:
		return "translations:" + ev.Lang
	case PublicChanged:
		return "public"
	default:
		return ""
	}
}

// TopicEvent reads a topic written by EventTopic. A topic it does not know
// (empty, from a newer or older node) is EverythingChanged: the safe side.
func TopicEvent(topic string) Event {
	if len(topic) > maxTopic {
		return EverythingChanged{}
	}
	kind, arg, _ := strings.Cut(topic, ":")
	switch {
	case kind == "story" && arg != "":
		return StoryChanged{ID: arg}
	case topic == "wall":
		return WallChanged{}
	case topic == "queue":
		return QueueChanged{}
	case kind == "translations":
		return TranslationsChanged{Lang: arg}
	case topic == "public":
		return PublicChanged{}
	default:
		return EverythingChanged{}
	}
}
