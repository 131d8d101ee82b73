package app

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/riverqueue/river"

	"chorus/internal/storage"
)

// JobRegistry collects the durable jobs of Chorus: the app's own and those
// of each feature package, which adds its workers with AddWorker and its
// periodic jobs with AddPeriodic in its Register function, before the
// queue starts.
type JobRegistry struct {
	mu       sync.Mutex
	workers  *river.Workers
	periodic []*river.PeriodicJob
	queues   map[string]int
	started  bool
}

func newJobRegistry() *JobRegistry { return &JobRegistry{workers: river.NewWorkers()} }

var errJobsStarted = errors.New("app: jobs must be registered before the queue starts")

// AddWorker registers the worker of one kind of job; a kind registered
// twice is an error.
func AddWorker[T river.JobArgs](r *JobRegistry, work func(ctx context.Context, job *river.Job[T]) error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.started {
		return errJobsStarted
	}
	if err := river.AddWorkerSafely(r.workers, river.WorkFunc(work)); err != nil {
		return fmt.Errorf("app: %w", err)
	}
	return nil
}

// AddPeriodic schedules a job to be enqueued periodically.
func (r *JobRegistry) AddPeriodic(job *river.PeriodicJob) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.started {
		return errJobsStarted
	}
	r.periodic = append(r.periodic, job)
	return nil
}

// AddQueue adds a named queue worked by its own workers, for jobs that
// wait on other servers; a job goes there by its InsertOpts' Queue.
func (r *JobRegistry) AddQueue(name string, workers int) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.started {
		return errJobsStarted
	}
	if _, ok := r.queues[name]; ok || name == river.QueueDefault {
		return fmt.Errorf("app: queue %q added twice", name)
	}
	if r.queues == nil {
		r.queues = map[string]int{}
	}
	r.queues[name] = workers
	return nil
}

// JobRegistry is where feature packages register their durable jobs.
func (a *App) JobRegistry() *JobRegistry { return a.jobs }

// Jobs returns the workers and periodic jobs the queue must run: the app's
// own and every feature's. Registering more afterwards is an error, since
// the queue would not run them.
func (a *App) Jobs() storage.JobsConfig {
	r := a.jobs
	r.mu.Lock()
	defer r.mu.Unlock()
	r.started = true
	return storage.JobsConfig{Workers: r.workers, MaxWorkers: 2, Log: a.Log, Periodic: r.periodic, Queues: r.queues}
}
