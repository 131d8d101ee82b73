package story

import (
	"errors"
	"fmt"
)

// Code classifies an error so every surface can answer it the same way.
type Code string

const (
	CodeBadRequest   Code = "bad_request"  // malformed request: 400
	CodeInvalid      Code = "invalid"      // well-formed but invalid input: 422
	CodeNotFound     Code = "not_found"    // 404
	CodeGone         Code = "gone"         // withdrawn: 410
	CodeUnauthorized Code = "unauthorized" // 401
	CodeForbidden    Code = "forbidden"    // 403
	CodeConflict     Code = "conflict"     // 409
	CodeTooLarge     Code = "too_large"    // 413
	CodeUnsupported  Code = "unsupported"  // 415
	CodeRateLimited  Code = "rate_limited" // 429
	CodeUnavailable  Code = "unavailable"  // 503: storage full, shutting down
	CodeInternal     Code = "internal"     // 500
	// CodeCampaignClosed refuses a new story after the campaign's end: 403.
	CodeCampaignClosed Code = "campaign_closed"
)

// Error is a domain error: a code, a message safe to show, the catalog key
// that translates it, and optionally the field it concerns and the cause.
type Error struct {
	Code    Code
	Key     string // translation key, e.g. "error.title_required"
	Message string // English text, safe for users
	Field   string
	// Args are name/value pairs for the placeholders of the translated
	// message ("Limit", 280).
	Args []any
	Err  error // internal cause, never shown
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf makes a domain error with a translation key and an English message.
func Errorf(code Code, key, format string, args ...any) *Error {
	return &Error{Code: code, Key: key, Message: fmt.Sprintf(format, args...)}
}

// FieldError makes an invalid-input error tied to a form field.
func FieldError(field, key, message string) *Error {
	return &Error{Code: CodeInvalid, Key: key, Message: message, Field: field}
}

// ErrorCode returns the code of err, CodeInternal when it carries none.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// Sentinel errors adapters return; wrap them with context where useful.
var (
	ErrNotFound = &Error{Code: CodeNotFound, Key: "error.not_found", Message: "Not found."}
	ErrGone     = &Error{Code: CodeGone, Key: "error.gone", Message: "This story was withdrawn by its author."}
	ErrConflict = &Error{Code: CodeConflict, Key: "error.conflict", Message: "This item was changed in the meantime."}
)
