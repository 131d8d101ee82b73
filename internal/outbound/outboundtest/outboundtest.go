// Package outboundtest has test servers for code that calls other
// services through package outbound.
package outboundtest

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// HangingServer is a server that never answers: each request waits until
// its client gives up or the test ends.
func HangingServer(t testing.TB) *httptest.Server {
	t.Helper()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() {
		close(release)
		srv.Close()
	})
	return srv
}
