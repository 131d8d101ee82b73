package web

import (
	"fmt"
	"net/http"
	"sync"
	"time"

	"chorus/internal/app"
)

// hub tells the moderators watching the queue that it changed.
type hub struct {
	mu     sync.Mutex
	subs   map[chan struct{}]bool
	closed chan struct{}
	once   sync.Once
}

func newHub() *hub { return &hub{subs: map[chan struct{}]bool{}, closed: make(chan struct{})} }

// close ends every stream, so a shutdown does not wait for them.
func (h *hub) close() { h.once.Do(func() { close(h.closed) }) }

func (h *hub) subscribe() chan struct{} {
	ch := make(chan struct{}, 1)
	h.mu.Lock()
	h.subs[ch] = true
	h.mu.Unlock()
	return ch
}

func (h *hub) unsubscribe(ch chan struct{}) {
	h.mu.Lock()
	delete(h.subs, ch)
	h.mu.Unlock()
}

// publish never blocks: a watcher that has not read the last signal yet
// will see the change anyway.
func (h *hub) publish() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// CloseStreams ends the open event streams; call it when shutting down.
func (s *Server) CloseStreams() {
	s.queueHub.close()
	s.wallHub.close()
}

// heartbeat keeps proxies from closing an idle event stream.
const heartbeat = 25 * time.Second

// streamQueueEvents sends a server-sent event each time the queue changes.
// The queue page's small script shows a notice; without JavaScript the page
// works as before and is reloaded by hand.
func (s *Server) streamQueueEvents(w http.ResponseWriter, r *http.Request, p *Page) error {
	// No use-case stands behind the stream to check again.
	if !app.Allowed(p.User, app.ActionModerate) {
		return app.ErrForbidden
	}
	return streamEvents(w, r, s.queueHub, "queue")
}

// streamEvents sends a server-sent event named event each time hub
// publishes, with a heartbeat, until the client leaves or the server
// shuts the hub.
func streamEvents(w http.ResponseWriter, r *http.Request, h *hub, event string) error {
	flusher := http.NewResponseController(w)
	ch := h.subscribe()
	defer h.unsubscribe(ch)
	header := w.Header()
	header.Set("Content-Type", "text/event-stream")
	header.Set("Cache-Control", "no-store")
	header.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 5000\n\n")
	if err := flusher.Flush(); err != nil {
		return nil // the client is gone, or the writer cannot stream
	}
	// An event stream outlives the server's write timeout.
	flusher.SetWriteDeadline(time.Time{})
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return nil
		case <-h.closed:
			return nil
		case <-ch:
			fmt.Fprint(w, "event: "+event+"\ndata: changed\n\n")
		case <-tick.C:
			fmt.Fprint(w, ": still here\n\n")
		}
		if err := flusher.Flush(); err != nil {
			return nil
		}
	}
}
