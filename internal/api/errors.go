// Package api serves the JSON API v1 and its OpenAPI document.
package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"chorus/internal/story"
)

// statusByCode is the HTTP status of each domain error code; any other
// code is a 500.
var statusByCode = map[story.Code]int{
	story.CodeBadRequest:     http.StatusBadRequest,
	story.CodeInvalid:        http.StatusUnprocessableEntity,
	story.CodeNotFound:       http.StatusNotFound,
	story.CodeGone:           http.StatusGone,
	story.CodeUnauthorized:   http.StatusUnauthorized,
	story.CodeForbidden:      http.StatusForbidden,
	story.CodeConflict:       http.StatusConflict,
	story.CodeTooLarge:       http.StatusRequestEntityTooLarge,
	story.CodeUnsupported:    http.StatusUnsupportedMediaType,
	story.CodeRateLimited:    http.StatusTooManyRequests,
	story.CodeUnavailable:    http.StatusServiceUnavailable,
	story.CodeCampaignClosed: http.StatusForbidden,
}

// StatusFor maps a domain error code to its HTTP status, for every surface.
func StatusFor(code story.Code) int {
	if status, ok := statusByCode[code]; ok {
		return status
	}
	return http.StatusInternalServerError
}

// retryAfter is an error that says how long the client should wait.
type retryAfter interface {
	error
	RetryAfter() time.Duration
}

// rateLimitedRetry is the wait a refusal for too many attempts suggests
// when it does not say: the shortest window of the limits (a minute).
const rateLimitedRetry = time.Minute

// SetRetryAfter sets the Retry-After header when err says how long the
// client should wait, as a busy image memory budget does, and to a minute
// for the other refusals of too many attempts (RFC 6585).
func SetRetryAfter(w http.ResponseWriter, err error) {
	wait := time.Duration(0)
	if ra, ok := errors.AsType[retryAfter](err); ok && ra.RetryAfter() > 0 {
		wait = ra.RetryAfter()
	} else if story.ErrorCode(err) == story.CodeRateLimited {
		wait = rateLimitedRetry
	}
	if wait > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Round(time.Second)/time.Second)))
	}
}

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string       `json:"code"`
	Message string       `json:"message"`
	Fields  []fieldError `json:"fields,omitempty"`
}

type fieldError struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Handler serves one API request; an error it returns is answered by Serve.
type Handler func(w http.ResponseWriter, r *http.Request) error

// Serve adapts h to net/http: the one place an API handler's error is
// answered, as WriteError does.
func (a *API) Serve(h Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			WriteError(w, r, a.Log, err)
		}
	}
}

// WriteError answers err as JSON; internal details are logged, never sent.
func WriteError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	var verrs story.ValidationErrors
	if errors.As(err, &verrs) {
		body := errorBody{Error: errorDetail{Code: string(story.CodeInvalid), Message: "The submission has problems; see fields."}}
		for _, e := range verrs {
			body.Error.Fields = append(body.Error.Fields, fieldError{Field: e.Field, Code: e.Key, Message: e.Message})
		}
		writeJSON(w, http.StatusUnprocessableEntity, body)
		return
	}
	var de *story.Error
	if errors.As(err, &de) {
		status := StatusFor(de.Code)
		SetRetryAfter(w, err)
		if status >= 500 {
			log.Error("request failed", "route", r.Pattern, "err", err)
		}
		body := errorBody{Error: errorDetail{Code: string(de.Code), Message: de.Message}}
		if de.Field != "" {
			body.Error.Fields = []fieldError{{Field: de.Field, Code: de.Key, Message: de.Message}}
		}
		writeJSON(w, status, body)
		return
	}
	log.Error("request failed", "route", r.Pattern, "err", err)
	writeJSON(w, http.StatusInternalServerError, errorBody{Error: errorDetail{Code: string(story.CodeInternal), Message: "Something went wrong on our side. Nothing you sent was lost."}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	enc.Encode(v)
}
