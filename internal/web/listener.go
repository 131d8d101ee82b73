package web

import (
	"net"
	"sync"
	"sync/atomic"
)

// Defaults of the connection caps: each open connection costs a goroutine
// and buffers, some 20 KB; a browser opens up to six.
const (
	DefaultMaxConnections           = 2000
	DefaultMaxConnectionsPerAddress = 100
)

// ConnLimiter is a listener that keeps at most total connections open, and
// at most perAddress from one peer address (zero: no per-address cap).
// Beyond either cap a new connection is closed at once, before a byte of
// it is read.
type ConnLimiter struct {
	net.Listener
	total, perAddress int
	mu                sync.Mutex
	open              int
	byAddress         map[string]int
	refused           atomic.Int64
}

// LimitConnections wraps l with the caps.
func LimitConnections(l net.Listener, total, perAddress int) *ConnLimiter {
	return &ConnLimiter{Listener: l, total: total, perAddress: perAddress, byAddress: map[string]int{}}
}

// Accept returns the next connection within the caps.
func (l *ConnLimiter) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		address := peerAddress(c)
		if l.take(address) {
			return &limitedConn{Conn: c, release: func() { l.give(address) }}, nil
		}
		l.refused.Add(1)
		c.Close()
	}
}

// Refused counts the connections closed for being over a cap.
func (l *ConnLimiter) Refused() int64 { return l.refused.Load() }

func (l *ConnLimiter) take(address string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open >= l.total || (l.perAddress > 0 && l.byAddress[address] >= l.perAddress) {
		return false
	}
	l.open++
	l.byAddress[address]++
	return true
}

func (l *ConnLimiter) give(address string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.open--
	if l.byAddress[address]--; l.byAddress[address] <= 0 {
		delete(l.byAddress, address)
	}
}

func peerAddress(c net.Conn) string {
	host, _, err := net.SplitHostPort(c.RemoteAddr().String())
	if err != nil {
		return c.RemoteAddr().String()
	}
	return host
}

// limitedConn gives its place back once, on its first Close.
type limitedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}

// CloseWrite keeps the half-close the HTTP server uses to end a
// connection gracefully.
func (c *limitedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}
