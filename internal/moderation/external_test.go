package moderation

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

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
	s := NewScreen(Options{ExternalURL: srv.URL, ExternalTimeout: time.Second})
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

func TestExternalClassifierFallsBack(t *testing.T) {
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	defer close(release)
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"attributeScores":{}}`))
	}))
	defer broken.Close()
	builtin := signal(NewScreen(Options{}).Screen(context.Background(), Input{Body: "Refugees are vermin.", Language: "en"}), story.SignalHate)
	for _, url := range []string{slow.URL, broken.URL, "http://127.0.0.1:1"} {
		s := NewScreen(Options{ExternalURL: url, ExternalTimeout: 50 * time.Millisecond})
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
