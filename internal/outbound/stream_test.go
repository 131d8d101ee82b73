package outbound

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestStreamOutlivesRequestTimeout reads a stream that lasts longer than
// the client's whole-request Timeout while it keeps talking, then sees it
// closed once it falls silent for its idle time.
func TestStreamOutlivesRequestTimeout(t *testing.T) {
	silent := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		for i := range 6 {
			fmt.Fprintf(w, "data: %d\n\n", i)
			w.(http.Flusher).Flush()
			time.Sleep(60 * time.Millisecond)
		}
		select {
		case <-r.Context().Done():
		case <-silent:
		}
	}))
	defer srv.Close()
	defer close(silent)
	c := New(Options{AllowPrivate: allowServer(t, srv), Timeout: 200 * time.Millisecond})

	// The plain client gives up after its Timeout.
	if res, err := c.Do(mustGet(t, srv.URL)); err == nil {
		_, err = io.ReadAll(res.Body)
		res.Body.Close()
		if err == nil {
			t.Fatal("the plain client read a stream past its Timeout")
		}
	}

	res, err := c.OpenStream(mustGet(t, srv.URL), 150*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	lines := bufio.NewScanner(res.Body)
	var got []string
	for lines.Scan() {
		if l := lines.Text(); l != "" {
			got = append(got, l)
		}
	}
	if strings.Join(got, ",") != "data: 0,data: 1,data: 2,data: 3,data: 4,data: 5" {
		t.Fatalf("read %v", got)
	}
	if !errors.Is(lines.Err(), ErrStreamIdle) {
		t.Fatalf("a silent stream ended with %v, want ErrStreamIdle", lines.Err())
	}
}

// TestStreamKeepsTheGuard refuses a stream to a private address.
func TestStreamKeepsTheGuard(t *testing.T) {
	srv := echoServer(t)
	if _, err := New(Options{}).OpenStream(mustGet(t, srv.URL), time.Second); !IsCode(err, CodeRefusedAddress) {
		t.Fatalf("got %v, want a refusal", err)
	}
}

func mustGet(t *testing.T, rawURL string) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}
