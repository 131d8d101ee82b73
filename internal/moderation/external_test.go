package moderation

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"chorus/internal/outbound"
	"chorus/internal/outbound/outboundtest"
	"chorus/internal/story"
)

// recordedResponse is a Perspective analyze response as the API returns it.
const recordedResponse = `{
  "attributeScores": {
    "TOXICITY": {
      "spanScores": [{"begin": 0, "end": 27, "score": {"value": 0.07, "type": "PROBABILITY"}}],
      "summaryScore": {"value": 0.0712, "type": "PROBABILITY"}
    }
  },
  "languages": ["en"],
  "detectedLanguages": ["en"]
}`

// loopbackClient is a guarded client that may reach the test servers.
func loopbackClient(t *testing.T) *outbound.Client {
	t.Helper()
	allow, err := outbound.ParseAllowList("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	return outbound.New(outbound.Options{AllowPrivate: allow})
}

func TestExternalClassifier(t *testing.T) {
	var got perspectiveRequest
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "method", http.StatusMethodNotAllowed)
			return
		}
		json.NewDecoder(r.Body).Decode(&got)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(recordedResponse))
	}))
	defer srv.Close()
	s := NewScreen(Options{ExternalURL: srv.URL, ExternalTimeout: time.Second, Client: loopbackClient(t)})
	sigs := s.Screen(context.Background(), Input{Body: "Refugees are welcome here.", Language: "en-GB"})
	h := signal(sigs, story.SignalHate)
	if h.Score != 0.0712 || h.ModelVersion != "external:perspective" {
		t.Errorf("hate %+v", h)
	}
	if got.Comment.Text != "Refugees are welcome here." || len(got.Languages) != 1 || got.Languages[0] != "en" {
		t.Errorf("request %+v", got)
	}
	if _, ok := got.RequestedAttributes["TOXICITY"]; !ok {
		t.Error("TOXICITY not requested")
	}
}

// TestExternalClassifierPrivateAddressRefused: without the allow-list, a
// classifier on a private address is never called, and the built-in
// screen decides.
func TestExternalClassifierPrivateAddressRefused(t *testing.T) {
	var called atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		called.Store(true)
		w.Write([]byte(recordedResponse))
	}))
	defer srv.Close()
	s := NewScreen(Options{ExternalURL: srv.URL, ExternalTimeout: time.Second})
	h := signal(s.Screen(context.Background(), Input{Body: "Refugees are welcome here.", Language: "en"}), story.SignalHate)
	if called.Load() || h.ModelVersion == "external:perspective" {
		t.Errorf("a loopback classifier was called without the allow-list: %+v", h)
	}
}

func TestExternalClassifierFallsBack(t *testing.T) {
	slow := outboundtest.HangingServer(t)
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"attributeScores":{}}`))
	}))
	defer broken.Close()
	builtin := signal(NewScreen(Options{}).Screen(context.Background(), Input{Body: "Refugees are vermin.", Language: "en"}), story.SignalHate)
	for _, url := range []string{slow.URL, broken.URL, "http://127.0.0.1:1"} {
		s := NewScreen(Options{ExternalURL: url, ExternalTimeout: 50 * time.Millisecond, Client: loopbackClient(t)})
		start := time.Now()
		h := signal(s.Screen(context.Background(), Input{Body: "Refugees are vermin.", Language: "en"}), story.SignalHate)
		if h.Score != builtin.Score || h.ModelVersion != builtin.ModelVersion {
			t.Errorf("%s: got %+v, want the built-in %+v", url, h, builtin)
		}
		if time.Since(start) > 2*time.Second {
			t.Errorf("%s: timeout not applied", url)
		}
	}
}
