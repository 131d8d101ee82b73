package storagetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"chorus/internal/storage"
	"chorus/internal/story"
)

type probeArgs struct {
	Label string `json:"label"`
	Fail  bool   `json:"fail"`
}

func (probeArgs) Kind() string { return "storagetest_probe" }

type probeWorker struct {
	river.WorkerDefaults[probeArgs]
	mu   sync.Mutex
	runs map[string]int
}

func (w *probeWorker) Work(ctx context.Context, job *river.Job[probeArgs]) error {
	w.mu.Lock()
	w.runs[job.Args.Label]++
	w.mu.Unlock()
	if job.Args.Fail {
		return errors.New("probe asked to fail")
	}
	return nil
}

func (w *probeWorker) count(label string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.runs[label]
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s: not within 20 s", what)
}

func testJobs(t *testing.T, st storage.Store) {
	ctx := context.Background()
	worker := &probeWorker{runs: map[string]int{}}
	workers := river.NewWorkers()
	river.AddWorker(workers, worker)
	stop, err := st.StartJobs(ctx, storage.JobsConfig{Workers: workers, MaxWorkers: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer stop(ctx)

	boom := errors.New("roll back")
	err = st.WithTx(ctx, func(tx storage.Tx) error {
		if err := tx.Enqueue(ctx, probeArgs{Label: "rolled back"}, nil); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	err = st.WithTx(ctx, func(tx storage.Tx) error {
		if err := tx.InsertStory(ctx, sample("with-job", story.StatusPending, epoch), []byte("h")); err != nil {
			return err
		}
		return tx.Enqueue(ctx, probeArgs{Label: "committed"}, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "committed job runs", func() bool { return worker.count("committed") == 1 })

	err = st.WithTx(ctx, func(tx storage.Tx) error {
		return tx.Enqueue(ctx, probeArgs{Label: "failing", Fail: true}, &river.InsertOpts{MaxAttempts: 1})
	})
	if err != nil {
		t.Fatal(err)
	}
	var failedID int64
	eventually(t, "failed job listed", func() bool {
		failed, err := st.FailedJobs(ctx, 10)
		if err != nil || len(failed) == 0 {
			return false
		}
		failedID = failed[0].ID
		return failed[0].Kind == "storagetest_probe"
	})
	if err := st.RetryJob(ctx, failedID); err != nil {
		t.Fatal(err)
	}
	eventually(t, "retried job runs again", func() bool { return worker.count("failing") == 2 })
	eventually(t, "retried job fails again", func() bool {
		failed, _ := st.FailedJobs(ctx, 10)
		return len(failed) == 1
	})
	if err := st.DiscardJob(ctx, failedID); err != nil {
		t.Fatal(err)
	}
	if failed, _ := st.FailedJobs(ctx, 10); len(failed) != 0 {
		t.Errorf("discarded job still listed: %d", len(failed))
	}
	if err := st.DiscardJob(ctx, failedID); !errors.Is(err, story.ErrNotFound) {
		t.Errorf("discarding twice: %v", err)
	}
	if n := worker.count("rolled back"); n != 0 {
		t.Errorf("a job enqueued in a rolled-back transaction ran %d times", n)
	}
	if n := worker.count("committed"); n != 1 {
		t.Errorf("the committed job ran %d times", n)
	}
}
