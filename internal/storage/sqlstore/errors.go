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
