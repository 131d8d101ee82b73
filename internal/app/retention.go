package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/riverqueue/river"

	"chorus/internal/audit"
	"chorus/internal/storage"
	"chorus/internal/story"
)

// RetentionArgs erases, once the retention period after the campaign's
// end has passed, the private data nobody needs any more.
type RetentionArgs struct{}

// Kind names the job in the queue.
func (RetentionArgs) Kind() string { return "campaign_retention" }

// CampaignDayArgs marks the start of a day (UTC): the home page's
// scheduled stories and monthly theme, and archive mode, follow the date.
type CampaignDayArgs struct{}

// Kind names the job in the queue.
func (CampaignDayArgs) Kind() string { return "campaign_day" }

// RetentionHour is the hour (UTC) of the daily retention job, after the
// compaction.
const RetentionHour = 4

// Erased counts what the retention job erased; never what it was.
type Erased struct {
	Contacts       int // stories' contact e-mails
	Rejected       int // rejected stories: text, photo, everything but the tombstone
	Pending        int // stories never decided, which can no longer be published
	SignInRecords  int // sessions and sign-in links
	PhotosRejected int
}

func (e Erased) total() int { return e.Contacts + e.Rejected + e.Pending + e.SignInRecords }

// retentionBatch is how many stories one transaction erases.
const retentionBatch = 200

// EraseAfterRetention erases, when the retention period after the
// campaign's end has passed, contact e-mails, rejected stories (text and
// photos), stories never decided, and every session and sign-in link, so
// that their bytes leave the database files and the media store. It
// writes the counts to the audit log. Running it again erases nothing
// more.
func (a *App) EraseAfterRetention(ctx context.Context) (Erased, error) {
	var e Erased
	t, err := a.Timeline(ctx)
	if err != nil || !t.RetentionDue(a.now()) {
		return e, err
	}
	now := a.now()
	// Each tombstone says what the story had come to (story.ErasedRejected).
	for _, erasing := range []struct {
		status story.Status
		reason string
	}{{story.StatusRejected, story.ErasedRejected}, {story.StatusPending, story.ErasedUndecided}} {
		status, reason := erasing.status, erasing.reason
		for {
			var n, photos int
			err := a.store.WithTx(ctx, func(tx storage.Tx) error {
				n, photos = 0, 0
				ids, err := tx.StoryIDsWithStatus(ctx, status, retentionBatch)
				if err != nil {
					return err
				}
				for _, id := range ids {
					s, err := tx.Story(ctx, id)
					if err != nil {
						return err
					}
					if s.Photo != nil {
						for _, size := range s.Photo.Sizes {
							if err := tx.ScheduleBlobDeletion(ctx, size.Key, now); err != nil {
								return err
							}
						}
						photos++
					}
					if err := tx.EraseStory(ctx, id, reason, now); err != nil {
						return err
					}
					n++
				}
				if n == 0 {
					return nil
				}
				return a.enqueuePurge(ctx, tx, now)
			})
			if err != nil {
				return e, err
			}
			if status == story.StatusRejected {
				e.Rejected += n
				e.PhotosRejected += photos
			} else {
				e.Pending += n
			}
			if n < retentionBatch {
				break
			}
		}
	}
	err = a.store.WithTx(ctx, func(tx storage.Tx) error {
		if e.Contacts, err = tx.EraseContacts(ctx); err != nil {
			return err
		}
		if e.SignInRecords, err = tx.DeleteSignInRecords(ctx); err != nil {
			return err
		}
		if e.total() == 0 {
			return nil
		}
		if err := a.enqueuePurge(ctx, tx, now); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Entry{At: now, Actor: "retention", Action: "retention", SubjectID: timelineKey,
			Note: fmt.Sprintf("contacts=%d rejected=%d rejected_photos=%d pending=%d sign_in_records=%d",
				e.Contacts, e.Rejected, e.PhotosRejected, e.Pending, e.SignInRecords)})
	})
	if err != nil {
		return e, err
	}
	if e.total() == 0 {
		return e, nil
	}
	a.Log.Info("retention: private data erased", "contacts", e.Contacts, "rejected", e.Rejected, "pending", e.Pending, "sign_in_records", e.SignInRecords)
	a.queueChanged()
	a.publish(PublicChanged{})
	a.SweepBlobs(ctx)
	if err := a.store.PurgeErased(ctx); err != nil {
		return e, err
	}
	return e, a.store.CompactErased(ctx)
}

// registerCampaignJobs adds the retention job and the start of each day.
func (a *App) registerCampaignJobs(r *JobRegistry) error {
	return errors.Join(
		AddWorker(r, func(ctx context.Context, _ *river.Job[RetentionArgs]) error {
			_, err := a.EraseAfterRetention(ctx)
			return err
		}),
		AddWorker(r, func(ctx context.Context, _ *river.Job[CampaignDayArgs]) error {
			a.publish(PublicChanged{})
			return nil
		}),
		r.AddPeriodic(river.NewPeriodicJob(dailyAt(RetentionHour),
			func() (river.JobArgs, *river.InsertOpts) { return RetentionArgs{}, nil }, nil)),
		r.AddPeriodic(river.NewPeriodicJob(dailyAt(0),
			func() (river.JobArgs, *river.InsertOpts) { return CampaignDayArgs{}, nil }, nil)),
	)
}
