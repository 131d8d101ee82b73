package postgres

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"

	"chorus/internal/storage/sqlstore"
	"chorus/internal/story"
)

// domainError turns driver errors into domain errors; nil stays nil and
// domain errors pass through. Codes are PostgreSQL's SQLSTATEs.
func domainError(op string, err error) error {
	wrapped, done := sqlstore.CommonError("postgres", op, err)
	if done {
		return wrapped
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code[:2] == "23":
			// Class 23, integrity constraint violation: unique_violation
			// (23505) above all, and the audit log's append-only trigger
			// (restrict_violation). SQLite maps every constraint error alike.
			return sqlstore.Conflict(wrapped)
		case pe.Code == "53100" || pe.Code == "53200" || pe.Code == "53000":
			// disk_full, out_of_memory, insufficient_resources.
			return sqlstore.StorageFull(wrapped)
		case pe.Code == "40001" || pe.Code == "40P01" || pe.Code == "55P03":
			// serialization_failure, deadlock_detected, lock_not_available:
			// nothing was written, the same request can simply be retried.
			return sqlstore.Busy(&retryable{wrapped})
		case pe.Code == "53300" || pe.Code[:2] == "57" || pe.Code[:2] == "08":
			// too_many_connections, operator intervention (admin_shutdown
			// 57P01, crash_shutdown, cannot_connect_now, query_canceled),
			// connection exceptions.
			return unavailable(wrapped)
		}
		return wrapped
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) || pgconn.Timeout(err) || pgconn.SafeToRetry(err) {
		return unavailable(wrapped)
	}
	return wrapped
}

// unavailable is a server or connection that cannot serve for a moment.
func unavailable(wrapped error) error {
	return &story.Error{Code: story.CodeUnavailable, Key: "error.unavailable", Message: "The service is unavailable for a moment. Please try again.", Err: wrapped}
}

// retryable marks a cause after which the whole transaction may be run again.
type retryable struct{ err error }

func (r *retryable) Error() string { return r.err.Error() + " (retry the transaction)" }
func (r *retryable) Unwrap() error { return r.err }

// Retryable tells whether err came from a transaction that PostgreSQL
// aborted to resolve a conflict with another (serialization failure,
// deadlock, lock timeout), so that running it again may succeed.
func Retryable(err error) bool {
	var r *retryable
	return errors.As(err, &r)
}
