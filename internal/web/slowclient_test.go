package web_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"chorus/internal/testrig"
	"chorus/internal/web"
)

// TestSlowBodiesAreCutOff dribbles a request body a byte every 50 ms: a
// form body is cut off after the form read timeout, while a multipart
// upload, which may carry a photo, is given the longer upload timeout.
func TestSlowBodiesAreCutOff(t *testing.T) {
	rig := testrig.New(t)
	base := limitedSite(t, rig, web.Config{FormReadTimeout: 500 * time.Millisecond, UploadReadTimeout: 3 * time.Second})
	address := strings.TrimPrefix(base, "http://")

	sent, cut := dribble(t, address, "application/json", 60)
	// 500 ms is ten bytes; the full body would take three seconds.
	if !cut || sent >= 40 {
		t.Errorf("a form body sent a byte every 50 ms: cut off %v after %d of 60 bytes, want cut off after about 10", cut, sent)
	}
	sent, cut = dribble(t, address, "multipart/form-data; boundary=x", 30)
	if cut {
		t.Errorf("an upload sent a byte every 50 ms was cut off after %d bytes, within its 3 s", sent)
	}
}

// dribble sends a POST whose body of size bytes comes a byte every 50 ms,
// and reports how many were sent before the server answered or closed.
func dribble(t *testing.T, address, contentType string, size int) (sent int, cut bool) {
	t.Helper()
	conn, err := net.Dial("tcp", address)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/stories HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", address, contentType, size)
	answered := make(chan struct{})
	go func() {
		conn.Read(make([]byte, 1))
		close(answered)
	}()
	for sent < size {
		select {
		case <-answered:
			return sent, true
		case <-time.After(50 * time.Millisecond):
		}
		if _, err := conn.Write([]byte{' '}); err != nil {
			return sent, true
		}
		sent++
	}
	return sent, false
}

// TestConnectionCaps serves through the connection limiter with two
// connections per address and three in all: the next one from a full
// address, or beyond the total, is closed at once; a closed one frees its
// place.
func TestConnectionCaps(t *testing.T) {
	rig := testrig.New(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	limited := web.LimitConnections(ln, 3, 2)
	srv := &http.Server{Handler: siteWith(t, rig, web.Config{BaseURL: "http://" + ln.Addr().String()})}
	go srv.Serve(limited)
	t.Cleanup(func() { srv.Close() })

	from := func(local string) net.Conn {
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 5 * time.Second}
		c, err := d.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	a1, a2 := from("127.0.0.1"), from("127.0.0.1")
	for i, c := range []net.Conn{a1, a2} {
		if !answersHealth(c) {
			t.Fatalf("connection %d from 127.0.0.1 within the caps was not served", i+1)
		}
	}
	if answersHealth(from("127.0.0.1")) {
		t.Error("a third connection from one address was served: want it closed")
	}
	b1 := from("127.0.0.2")
	if !answersHealth(b1) {
		t.Fatal("a connection from another address within the total was not served")
	}
	if answersHealth(from("127.0.0.3")) {
		t.Error("a fourth connection in all was served: want it closed")
	}
	a1.Close()
	if !placeFreed(from) {
		t.Error("a closed connection did not free its place within a second")
	}
	if limited.Refused() < 2 {
		t.Errorf("refused connections counted: %d, want at least 2", limited.Refused())
	}
}

// placeFreed dials until the limiter has noticed a closed connection.
func placeFreed(from func(string) net.Conn) bool {
	for range 50 {
		if answersHealth(from("127.0.0.4")) {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

// answersHealth asks for /healthz on an open connection and reports
// whether it was answered 200 (a refused connection is closed instead).
func answersHealth(c net.Conn) bool {
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: chorus\r\n\r\n"); err != nil {
		return false
	}
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return false
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode == http.StatusOK
}
