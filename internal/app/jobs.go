package app

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"

	"chorus/internal/storage"
)

// The durable jobs of Chorus. Each is idempotent: running it twice, or on
// two nodes at once, does no harm.

// SweepMediaArgs deletes media files whose deletion is due.
type SweepMediaArgs struct{}

// Kind names the job in the queue.
func (SweepMediaArgs) Kind() string { return "sweep_media" }

// PurgeErasedArgs makes erased text unrecoverable from the database files.
// Withdrawals purge at once; this job is the safety net if the process dies
// between the commit and the purge.
type PurgeErasedArgs struct{}

// Kind names the job in the queue.
func (PurgeErasedArgs) Kind() string { return "purge_erased" }

// CompactErasedArgs finishes erasures that could not be completed at once
// without blocking the site (PostgreSQL's table rewrite).
type CompactErasedArgs struct{}

// Kind names the job in the queue.
func (CompactErasedArgs) Kind() string { return "compact_erased" }

// CompactHour is the hour (UTC) of the daily compaction: a quiet hour for a
// campaign centred on the Americas and Europe.
const CompactHour = 3

// dailyAt schedules a periodic job once a day at an hour, UTC.
type dailyAt int

// Next is the next time at the hour after current.
func (h dailyAt) Next(current time.Time) time.Time {
	current = current.UTC()
	next := time.Date(current.Year(), current.Month(), current.Day(), int(h), 0, 0, 0, time.UTC)
	if !next.After(current) {
		next = next.AddDate(0, 0, 1)
	}
	return next
}

// ExpireCredentialsArgs removes expired sessions and sign-in links.
type ExpireCredentialsArgs struct{}

// Kind names the job in the queue.
func (ExpireCredentialsArgs) Kind() string { return "expire_credentials" }

// purgeSafetyNet is when the safety-net purge runs after an erasure; all
// erasures in that window share one job.
const purgeSafetyNet = 5 * time.Minute

func (a *App) enqueuePurge(ctx context.Context, tx storage.Tx, now time.Time) error {
	return tx.Enqueue(ctx, PurgeErasedArgs{}, &river.InsertOpts{
		ScheduledAt: now.Add(purgeSafetyNet),
		UniqueOpts:  river.UniqueOpts{ByArgs: true},
	})
}

// purge makes erased text unrecoverable now; the job enqueued with the
// erasure retries it if this fails.
func (a *App) purge(ctx context.Context) {
	if err := a.store.PurgeErased(context.WithoutCancel(ctx)); err != nil {
		a.Log.Warn("erased text may linger in the database log until the next purge", "err", err)
	}
}

// registerJobs adds the app's own workers and periodic jobs.
func (a *App) registerJobs(r *JobRegistry) error {
	return errors.Join(
		AddWorker(r, func(ctx context.Context, _ *river.Job[SweepMediaArgs]) error {
			return a.sweepBlobs(ctx)
		}),
		AddWorker(r, func(ctx context.Context, _ *river.Job[PurgeErasedArgs]) error {
			return a.store.PurgeErased(ctx)
		}),
		AddWorker(r, func(ctx context.Context, _ *river.Job[CompactErasedArgs]) error {
			return a.store.CompactErased(ctx)
		}),
		AddWorker(r, func(ctx context.Context, _ *river.Job[ExpireCredentialsArgs]) error {
			return a.store.WithTx(ctx, func(tx storage.Tx) error {
				n, err := tx.DeleteExpiredCredentials(ctx, a.now())
				if n > 0 {
					a.Log.Info("expired credentials removed", "count", n)
				}
				return err
			})
		}),
		r.AddPeriodic(river.NewPeriodicJob(river.PeriodicInterval(time.Minute),
			func() (river.JobArgs, *river.InsertOpts) { return SweepMediaArgs{}, nil },
			&river.PeriodicJobOpts{RunOnStart: true})),
		r.AddPeriodic(river.NewPeriodicJob(dailyAt(CompactHour),
			func() (river.JobArgs, *river.InsertOpts) { return CompactErasedArgs{}, nil }, nil)),
		r.AddPeriodic(river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
			func() (river.JobArgs, *river.InsertOpts) { return ExpireCredentialsArgs{}, nil },
			&river.PeriodicJobOpts{RunOnStart: true})),
		a.registerCampaignJobs(r),
	)
}
