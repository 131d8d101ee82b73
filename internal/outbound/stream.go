package outbound

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync/atomic"
	"time"
)

// StreamClient is the guarded client's HTTP client, for libraries that
// need one (a WebSocket dial): the same address checks, redirect checks and
// time limits on connecting. Answers read through it are not size-bounded
// by the client; the library bounds its messages (a WebSocket read limit).
func (c *Client) StreamClient() *http.Client { return c.http }

// OpenStream sends req for an answer that does not end, such as
// Server-Sent Events. The same address, redirect and connection checks
// apply and the headers must come within ResponseHeaderTimeout, but the
// whole request's Timeout does not: instead the stream is closed when
// nothing arrives for idle (at most Options.Timeout, its default), so a
// silent server cannot hold it open. The body's total size is not
// bounded; the caller bounds each event it reads.
func (c *Client) OpenStream(req *http.Request, idle time.Duration) (*http.Response, error) {
	if err := checkURL(req.URL); err != nil {
		return nil, err
	}
	if idle <= 0 || idle > c.opts.Timeout {
		idle = c.opts.Timeout
	}
	ctx, cancel := context.WithCancel(req.Context())
	body := &idleBody{idle: idle, cancel: cancel}
	body.timer = time.AfterFunc(idle, body.expire)
	req = req.WithContext(ctx)
	req.Header.Set("User-Agent", c.opts.UserAgent)
	unbounded := *c.http
	unbounded.Timeout = 0
	res, err := unbounded.Do(req)
	if err != nil {
		body.timer.Stop()
		cancel()
		var own *Error
		if errors.As(err, &own) {
			return nil, own
		}
		return nil, err
	}
	body.timer.Reset(idle)
	body.body = res.Body
	res.Body = body
	return res, nil
}

// ErrStreamIdle is returned by a stream's body once nothing arrived for
// its idle time.
var ErrStreamIdle = &Error{Code: "stream_idle", Message: "the stream stayed silent too long"}

// idleBody cancels its request when a read waits longer than idle.
type idleBody struct {
	body    io.ReadCloser
	timer   *time.Timer
	idle    time.Duration
	cancel  context.CancelFunc
	expired atomic.Bool
}

func (b *idleBody) expire() {
	b.expired.Store(true)
	b.cancel()
}

func (b *idleBody) Read(p []byte) (int, error) {
	n, err := b.body.Read(p)
	if b.expired.Load() {
		return n, ErrStreamIdle
	}
	if n > 0 {
		b.timer.Reset(b.idle)
	}
	return n, err
}

func (b *idleBody) Close() error {
	b.timer.Stop()
	b.cancel()
	return b.body.Close()
}
