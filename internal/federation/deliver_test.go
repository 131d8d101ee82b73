package federation

import (
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// TestRetriesSpanTwoDays: with River's retry policy (exponential, with
// jitter), a delivery is retried for at least two days before it is
// dead-lettered, even when every jitter falls short.
func TestRetriesSpanTwoDays(t *testing.T) {
	opts := DeliverArgs{}.InsertOpts()
	if opts.Queue != Queue {
		t.Errorf("queue %q", opts.Queue)
	}
	policy := &river.DefaultClientRetryPolicy{}
	var shortest time.Duration
	for failures := range opts.MaxAttempts - 1 {
		job := &rivertype.JobRow{Attempt: failures + 1, Errors: make([]rivertype.AttemptError, failures)}
		wait := time.Until(policy.NextRetry(job))
		// The jitter is at most 10% either way: the shortest this wait
		// could have been is 0.9/1.1 of the one drawn.
		shortest += wait * 9 / 11
	}
	if shortest < 48*time.Hour {
		t.Errorf("retries span %v at least, want two days", shortest)
	}
	if (AcceptArgs{}).InsertOpts().MaxAttempts != opts.MaxAttempts {
		t.Error("accepts are retried less")
	}
}
