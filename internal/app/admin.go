package app

import (
	"context"

	"github.com/riverqueue/river/rivertype"

	"chorus/internal/auth"
	"chorus/internal/staff"
	"chorus/internal/storage"
	"chorus/internal/story"
)

// maxFailedJobs bounds the failed jobs listed at once.
const maxFailedJobs = 100

// FailedJobs lists the jobs that exhausted their retries, newest first; only
// admins may see them.
func (a *App) FailedJobs(ctx context.Context, by *staff.User) ([]*rivertype.JobRow, error) {
	if err := can(by, ActionManageJobs); err != nil {
		return nil, err
	}
	return a.store.FailedJobs(ctx, maxFailedJobs)
}

// RetryJob runs a failed job again.
func (a *App) RetryJob(ctx context.Context, by *staff.User, id int64) error {
	if err := can(by, ActionManageJobs); err != nil {
		return err
	}
	return a.store.RetryJob(ctx, id)
}

// DiscardJob gives up on a failed job.
func (a *App) DiscardJob(ctx context.Context, by *staff.User, id int64) error {
	if err := can(by, ActionManageJobs); err != nil {
		return err
	}
	return a.store.DiscardJob(ctx, id)
}

// IngestPostFrom is IngestPost for a connector acting with a staff token:
// only admins' tokens may hand over posts.
func (a *App) IngestPostFrom(ctx context.Context, by *staff.User, in story.IncomingPost) (*story.Post, bool, error) {
	if err := can(by, ActionConnect); err != nil {
		return nil, false, err
	}
	return a.IngestPost(ctx, in)
}

// RemovePostFrom is RemovePostAtSource for a connector acting with a staff
// token: only admins' tokens may remove posts.
func (a *App) RemovePostFrom(ctx context.Context, by *staff.User, network, sourceID string) error {
	if err := can(by, ActionConnect); err != nil {
		return err
	}
	return a.RemovePostAtSource(ctx, network, sourceID)
}

// PendingCount counts the stories waiting for a moderator. It also tells
// whether the database answers: health checks and metrics use it.
func (a *App) PendingCount(ctx context.Context) (int, error) {
	return a.store.CountByStatus(ctx, story.StatusPending)
}

// Countries lists the countries published stories come from, for filters.
func (a *App) Countries(ctx context.Context) ([]string, error) {
	return a.store.Countries(ctx)
}

// StaffStory returns any story, whatever its status, for moderators (for
// example to show a pending story's photo).
func (a *App) StaffStory(ctx context.Context, by *staff.User, id string) (*story.Story, error) {
	if err := can(by, ActionModerate); err != nil {
		return nil, err
	}
	return a.store.Story(ctx, id)
}

// StaffPost returns a social post, whatever its status, for moderators.
func (a *App) StaffPost(ctx context.Context, by *staff.User, id string) (*story.Post, error) {
	if err := can(by, ActionModerate); err != nil {
		return nil, err
	}
	return a.store.Post(ctx, id)
}

// SeedStories stores stories already published (demo content) in one
// transaction, each with a private link nobody holds, and tells the
// subscribers that the public pages changed.
func (a *App) SeedStories(ctx context.Context, stories []*story.Story) error {
	err := a.store.WithTx(ctx, func(tx storage.Tx) error {
		for _, s := range stories {
			if err := tx.InsertStory(ctx, s, auth.HashToken(auth.NewToken())); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	a.publish(PublicChanged{})
	return nil
}
