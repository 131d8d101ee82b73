package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"chorus/internal/story"
)

// CommonError does what every dialect's Error does alike: nil stays nil,
// domain errors pass through, no row is story.ErrNotFound and a cancelled
// request is unavailable. Otherwise it returns the error wrapped with the
// backend and operation, and done is false: the dialect then maps its
// driver's codes.
func CommonError(backend, op string, err error) (mapped error, done bool) {
	if err == nil {
		return nil, true
	}
	var se *story.Error
	if errors.As(err, &se) {
		return err, true
	}
	if errors.Is(err, sql.ErrNoRows) {
		return story.ErrNotFound, true
	}
	wrapped := fmt.Errorf("%s: %s: %w", backend, op, err)
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &story.Error{Code: story.CodeUnavailable, Key: "error.unavailable", Message: "The request was cancelled.", Err: wrapped}, true
	}
	return wrapped, false
}

// The domain errors each dialect maps its driver's codes to, around the
// error CommonError wrapped.

// Conflict is a constraint violation: the item clashes with a stored one.
func Conflict(wrapped error) error {
	return &story.Error{Code: story.CodeConflict, Key: "error.conflict", Message: "This item conflicts with an existing one.", Err: wrapped}
}

// StorageFull is a write refused for want of disk or memory.
func StorageFull(wrapped error) error {
	return &story.Error{Code: story.CodeUnavailable, Key: "error.storage_full", Message: "We cannot save right now. Nothing was lost; please try again later.", Err: wrapped}
}

// Busy is a write that lost a race for a lock and may be tried again.
func Busy(wrapped error) error {
	return &story.Error{Code: story.CodeUnavailable, Key: "error.busy", Message: "We are busy; please try again in a moment.", Err: wrapped}
}
