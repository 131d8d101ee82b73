package web_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"chorus/internal/moderation"
	"chorus/internal/outbound"
	"chorus/internal/testrig"
)

// TestDeadOrSlowRemoteNeverBlocks points the optional external classifier
// at a server that never answers and at an address where nothing listens:
// pages are served as usual, and a submission is stored with the built-in
// screen's signals once the short external timeout has passed.
func TestDeadOrSlowRemoteNeverBlocks(t *testing.T) {
	hang := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-hang }))
	defer slow.Close()
	defer close(hang)
	dead, _ := net.Listen("tcp", "127.0.0.1:0")
	deadURL := "http://" + dead.Addr().String()
	dead.Close()

	for name, remote := range map[string]string{"slow": slow.URL, "dead": deadURL} {
		t.Run(name, func(t *testing.T) {
			rig := testrig.New(t)
			// The remotes run on loopback, which the allow-list opens.
			allow, err := outbound.ParseAllowList("127.0.0.1")
			if err != nil {
				t.Fatal(err)
			}
			client := outbound.New(outbound.Options{AllowPrivate: allow})
			rig.App.Screener = moderation.NewScreen(moderation.Options{ExternalURL: remote, ExternalTimeout: 200 * time.Millisecond, Client: client})
			done := make(chan int, 1)
			go func() {
				sub := testrig.Submission("Remote")
				sub.Body += " Refugees are vermin."
				res := rig.Do("POST", "/api/v1/stories", sub, nil)
				done <- res.Status
			}()
			for _, p := range []string{"/en/", "/en/stories", "/fr/share", "/ar/about"} {
				if res := rig.Do("GET", p, nil, nil); res.Status != http.StatusOK {
					t.Errorf("%s with the remote %s: %d", p, name, res.Status)
				}
			}
			select {
			case status := <-done:
				if status != http.StatusAccepted {
					t.Fatalf("submission with the remote %s: %d", name, status)
				}
			case <-time.After(20 * time.Second):
				t.Fatalf("submission still waiting on the %s remote after 20 s", name)
			}
			queue, err := rig.Store.Queue(t.Context(), 10)
			if err != nil || len(queue) != 1 {
				t.Fatalf("queue: %v %d", err, len(queue))
			}
			got := queue[0]
			builtIn := moderation.NewScreen(moderation.Options{}).Screen(t.Context(), moderation.Input{Title: got.Title, Body: got.Body, Language: got.Language})
			for i, s := range got.Signals {
				if s.Kind == "hate" && (i >= len(builtIn) || builtIn[i].Score != s.Score) {
					t.Errorf("the built-in screen did not take over: stored hate %.3f", s.Score)
				}
			}
		})
	}
}
