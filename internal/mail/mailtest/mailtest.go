// Package mailtest runs an SMTP relay on loopback for tests: it speaks
// enough of the protocol for net/smtp and keeps what it receives.
package mailtest

import (
	"bufio"
	"io"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
)

// Message is one message the relay accepted.
type Message struct {
	From, To string
	Header   mail.Header
	Body     string // decoded
}

// Relay is a running test relay.
type Relay struct {
	Addr string
	mu   sync.Mutex
	got  []Message
	// Refuse, when set, refuses every recipient (a relay that is down
	// for mail but up for connections).
	Refuse bool
}

// Start runs a relay until the test ends.
func Start(t testing.TB) *Relay {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &Relay{Addr: ln.Addr().String()}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go r.serve(conn)
		}
	}()
	return r
}

// Messages returns what the relay accepted so far.
func (r *Relay) Messages() []Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Message(nil), r.got...)
}

func (r *Relay) serve(conn net.Conn) {
	defer conn.Close()
	in := bufio.NewReader(conn)
	say := func(line string) { io.WriteString(conn, line+"\r\n") }
	say("220 relay.test ESMTP")
	var msg Message
	for {
		line, err := in.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250-relay.test")
			say("250 8BITMIME")
		case strings.HasPrefix(cmd, "MAIL FROM:"):
			msg = Message{From: address(line[10:])}
			say("250 OK")
		case strings.HasPrefix(cmd, "RCPT TO:"):
			r.mu.Lock()
			refuse := r.Refuse
			r.mu.Unlock()
			if refuse {
				say("550 no such user")
				continue
			}
			msg.To = address(line[8:])
			say("250 OK")
		case cmd == "DATA":
			say("354 go on")
			var data strings.Builder
			for {
				l, err := in.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				data.WriteString(strings.TrimPrefix(l, "."))
			}
			if m, err := mail.ReadMessage(strings.NewReader(data.String())); err == nil {
				msg.Header = m.Header
				body, _ := io.ReadAll(quotedprintable.NewReader(m.Body))
				msg.Body = strings.ReplaceAll(string(body), "\r\n", "\n")
			}
			r.mu.Lock()
			r.got = append(r.got, msg)
			r.mu.Unlock()
			say("250 queued")
		case cmd == "RSET", cmd == "NOOP":
			say("250 OK")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("502 not here")
		}
	}
}

// address reads a command's <address>, ignoring its parameters.
func address(arg string) string {
	arg = strings.TrimSpace(arg)
	if i := strings.IndexByte(arg, '>'); i >= 0 {
		arg = arg[:i]
	}
	return strings.TrimPrefix(arg, "<")
}
