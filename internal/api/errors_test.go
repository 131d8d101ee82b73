package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
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

func TestServeAnswersAnInternalErrorWithoutItsDetail(t *testing.T) {
	var logged strings.Builder
	a := &API{Log: slog.New(slog.NewTextHandler(&logged, nil))}
	failing := a.Serve(func(w http.ResponseWriter, r *http.Request) error {
		return fmt.Errorf("query stories: %w", errors.New("pq: relation secret_table does not exist"))
	})
	w := httptest.NewRecorder()
	failing(w, httptest.NewRequest("GET", "/api/v1/stories", nil))

	var body struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatalf("body %q: %v", w.Body, err)
	}
	if w.Code != http.StatusInternalServerError || body.Error.Code != string(story.CodeInternal) || body.Error.Message == "" {
		t.Errorf("got %d %+v, want 500 internal with a message", w.Code, body.Error)
	}
	if strings.Contains(w.Body.String(), "secret_table") {
		t.Errorf("the answer leaks the error's detail: %s", w.Body)
	}
	if !strings.Contains(logged.String(), "secret_table") {
		t.Errorf("the error's detail was not logged: %q", logged.String())
	}

	w = httptest.NewRecorder()
	a.Serve(func(w http.ResponseWriter, r *http.Request) error {
		w.WriteHeader(http.StatusNoContent)
		return nil
	})(w, httptest.NewRequest("DELETE", "/api/v1/posts", nil))
	if w.Code != http.StatusNoContent || w.Body.Len() != 0 {
		t.Errorf("a handler that succeeded was answered %d %q", w.Code, w.Body)
	}
}
