// Package jobqueue wires River, the durable job queue, to a storage
// backend: jobs are inserted in the same transaction as the change that
// causes them, and run after commit, once, on whichever node takes them.
package jobqueue

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"chorus/internal/storage"
	"chorus/internal/story"
)

// Jobs is River on one database. TTx is the driver's transaction type.
type Jobs[TTx any] struct {
	driver riverdriver.Driver[TTx]
	insert *river.Client[TTx]
	poll   time.Duration
}

// New migrates River's tables and returns a queue that can insert jobs;
// StartJobs makes it work them too. A store embeds it to offer the job
// methods of storage.Store.
func New[TTx any](ctx context.Context, driver riverdriver.Driver[TTx], poll time.Duration) (*Jobs[TTx], error) {
	migrator, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: quietLogger()})
	if err != nil {
		return nil, fmt.Errorf("jobqueue: %w", err)
	}
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return nil, fmt.Errorf("jobqueue: migrate: %w", err)
	}
	insert, err := river.NewClient(driver, &river.Config{Logger: quietLogger()})
	if err != nil {
		return nil, fmt.Errorf("jobqueue: %w", err)
	}
	return &Jobs[TTx]{driver: driver, insert: insert, poll: poll}, nil
}

func quietLogger() *slog.Logger {
	return slog.New(slog.DiscardHandler)
}

// routineAtDebug lowers River's routine messages (such as the lines it
// writes every minute about periodic jobs) from info to debug; its
// warnings and errors keep their level.
type routineAtDebug struct{ slog.Handler }

func (h routineAtDebug) Enabled(ctx context.Context, level slog.Level) bool {
	return h.Handler.Enabled(ctx, demoted(level))
}

func (h routineAtDebug) Handle(ctx context.Context, r slog.Record) error {
	r.Level = demoted(r.Level)
	return h.Handler.Handle(ctx, r)
}

func (h routineAtDebug) WithAttrs(attrs []slog.Attr) slog.Handler {
	return routineAtDebug{h.Handler.WithAttrs(attrs)}
}

func (h routineAtDebug) WithGroup(name string) slog.Handler {
	return routineAtDebug{h.Handler.WithGroup(name)}
}

func demoted(level slog.Level) slog.Level {
	if level == slog.LevelInfo {
		return slog.LevelDebug
	}
	return level
}

// Enqueue inserts a job in tx; it runs only if tx commits.
func (q *Jobs[TTx]) Enqueue(ctx context.Context, tx TTx, args river.JobArgs, opts *river.InsertOpts) error {
	if _, err := q.insert.InsertTx(ctx, tx, args, opts); err != nil {
		return fmt.Errorf("jobqueue: enqueue %s: %w", args.Kind(), err)
	}
	return nil
}

// StartJobs works jobs until the returned stop function is called; stop waits
// for running jobs to finish (up to its context's deadline).
func (q *Jobs[TTx]) StartJobs(ctx context.Context, cfg storage.JobsConfig) (func(context.Context) error, error) {
	log := cfg.Log
	if log == nil {
		log = quietLogger()
	}
	log = slog.New(routineAtDebug{log.Handler()})
	workers := cfg.Workers
	if workers == nil {
		workers = river.NewWorkers()
	}
	queues := map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: max(1, cfg.MaxWorkers)}}
	for name, workers := range cfg.Queues {
		queues[name] = river.QueueConfig{MaxWorkers: max(1, workers)}
	}
	client, err := river.NewClient(q.driver, &river.Config{
		Logger:            log,
		Queues:            queues,
		Workers:           workers,
		PeriodicJobs:      cfg.Periodic,
		FetchPollInterval: q.poll,
		FetchCooldown:     min(q.poll, 100*time.Millisecond),
		JobTimeout:        5 * time.Minute,
		SoftStopTimeout:   20 * time.Second,
	})
	if err != nil {
		return nil, fmt.Errorf("jobqueue: %w", err)
	}
	if err := client.Start(ctx); err != nil {
		return nil, fmt.Errorf("jobqueue: start: %w", err)
	}
	return client.Stop, nil
}

// FailedJobs lists jobs that exhausted their attempts, newest first.
func (q *Jobs[TTx]) FailedJobs(ctx context.Context, limit int) ([]*rivertype.JobRow, error) {
	res, err := q.insert.JobList(ctx, river.NewJobListParams().
		States(rivertype.JobStateDiscarded).
		OrderBy(river.JobListOrderByTime, river.SortOrderDesc).
		First(limit))
	if err != nil {
		return nil, fmt.Errorf("jobqueue: list failed jobs: %w", err)
	}
	return res.Jobs, nil
}

// RetryJob puts a failed job back in the queue.
func (q *Jobs[TTx]) RetryJob(ctx context.Context, id int64) error {
	_, err := q.insert.JobRetry(ctx, id)
	return jobError("retry", err)
}

// DiscardJob deletes a failed job for good.
func (q *Jobs[TTx]) DiscardJob(ctx context.Context, id int64) error {
	_, err := q.insert.JobDelete(ctx, id)
	return jobError("discard", err)
}

func jobError(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, river.ErrNotFound) {
		return fmt.Errorf("jobqueue: %s: %w", op, story.ErrNotFound)
	}
	return fmt.Errorf("jobqueue: %s: %w", op, err)
}
