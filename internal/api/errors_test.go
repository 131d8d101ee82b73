package api

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"chorus/internal/story"
)

type waitFor time.Duration

func (w waitFor) Error() string             { return "busy" }
func (w waitFor) RetryAfter() time.Duration { return time.Duration(w) }

func TestWriteErrorSaysWhenToRetry(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	r := httptest.NewRequest("POST", "/api/v1/submissions/x/photo", nil)

	busy := &story.Error{Code: story.CodeUnavailable, Key: "error.busy", Message: "We are busy.", Err: waitFor(30 * time.Second)}
	w := httptest.NewRecorder()
	WriteError(w, r, log, busy)
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") != "30" {
		t.Errorf("busy: %d, Retry-After %q, want 503 and 30", w.Code, w.Header().Get("Retry-After"))
	}

	w = httptest.NewRecorder()
	WriteError(w, r, log, &story.Error{Code: story.CodeUnavailable, Key: "error.storage_full", Message: "Full."})
	if got := w.Header().Get("Retry-After"); got != "" {
		t.Errorf("an error without a wait got Retry-After %q", got)
	}
}
