package federation

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/riverqueue/river"

	"chorus/internal/app"
	"chorus/internal/fediverse"
	"chorus/internal/storage"
	"chorus/internal/story"
)

// maxAttempts: River waits attempt⁴ seconds (±10%) after each failure, so
// 16 retries span at least two and a half days before a delivery is
// dead-lettered.
const maxAttempts = 17

// DeliverArgs sends one activity about a story to one inbox. The activity
// is built and signed when the job runs, so a story withdrawn meanwhile is
// not sent.
type DeliverArgs struct {
	StoryID  string `json:"story_id"`
	Inbox    string `json:"inbox"`
	Activity string `json:"activity"`
}

// Kind names the job in the queue.
func (DeliverArgs) Kind() string { return "federation_deliver" }

// InsertOpts puts deliveries on the federation queue.
func (DeliverArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: Queue, MaxAttempts: maxAttempts}
}

// AcceptArgs answers a Follow with a signed Accept.
type AcceptArgs struct {
	Inbox    string `json:"inbox"`
	FollowID string `json:"follow_id"`
	Follower string `json:"follower"`
}

// Kind names the job in the queue.
func (AcceptArgs) Kind() string { return "federation_accept" }

// InsertOpts puts accepts on the federation queue.
func (AcceptArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: Queue, MaxAttempts: maxAttempts}
}

func (f *Federation) registerJobs() error {
	r := f.app.JobRegistry()
	return errors.Join(
		r.AddQueue(Queue, queueWorkers),
		app.AddWorker(r, f.deliverStory),
		app.AddWorker(r, f.deliverAccept),
	)
}

// fanOutPage is how many inboxes are read at once while queuing a story's
// deliveries: memory stays bounded whatever the number of followers.
const fanOutPage = 500

// storyChanged queues, inside the decision's transaction, one delivery per
// inbox: Create to every follower's inbox (shared inboxes once), Update
// and Delete to every inbox the Create was queued for.
func (f *Federation) storyChanged(ctx context.Context, tx storage.Tx, change app.StoryChange, s *story.Story) error {
	ended, err := tx.InboxesSent(ctx, s.ID, fediverse.ActivityDelete, "", 1)
	if err != nil || len(ended) > 0 {
		return err // once deleted, a story is never sent again
	}
	switch change {
	case app.StoryPublished:
		if !s.Consent.Social {
			return nil
		}
		return f.queueEach(ctx, tx, s.ID, fediverse.ActivityCreate, func(after string) ([]string, error) {
			return tx.DeliveryInboxes(ctx, after, fanOutPage)
		})
	case app.StoryEdited:
		if !s.Consent.Social {
			return nil
		}
		return f.queueEach(ctx, tx, s.ID, fediverse.ActivityUpdate, func(after string) ([]string, error) {
			return tx.InboxesSent(ctx, s.ID, fediverse.ActivityCreate, after, fanOutPage)
		})
	case app.StoryRedacted, app.StoryRemoved:
		return f.queueEach(ctx, tx, s.ID, fediverse.ActivityDelete, func(after string) ([]string, error) {
			return tx.InboxesSent(ctx, s.ID, fediverse.ActivityCreate, after, fanOutPage)
		})
	}
	return nil
}

func (f *Federation) queueEach(ctx context.Context, tx storage.Tx, storyID, activity string, next func(after string) ([]string, error)) error {
	now := f.now()
	after := ""
	for {
		inboxes, err := next(after)
		if err != nil {
			return err
		}
		for _, inbox := range inboxes {
			d := fediverse.Delivery{StoryID: storyID, Inbox: inbox, Activity: activity, State: fediverse.DeliveryPending, UpdatedAt: now}
			if err := tx.PutDelivery(ctx, d); err != nil {
				return err
			}
			if err := tx.Enqueue(ctx, DeliverArgs{StoryID: storyID, Inbox: inbox, Activity: activity}, nil); err != nil {
				return err
			}
		}
		if len(inboxes) < fanOutPage {
			return nil
		}
		after = inboxes[len(inboxes)-1]
	}
}

// deliverStory builds, signs and sends one activity, and notes the result.
func (f *Federation) deliverStory(ctx context.Context, job *river.Job[DeliverArgs]) error {
	a := job.Args
	var doc map[string]any
	switch a.Activity {
	case fediverse.ActivityCreate, fediverse.ActivityUpdate:
		s, state, err := f.federable(ctx, a.StoryID)
		if err != nil {
			return err
		}
		if state != storyLive {
			return f.app.RecordDelivery(ctx, fediverse.Delivery{StoryID: a.StoryID, Inbox: a.Inbox, Activity: a.Activity,
				State: fediverse.DeliveryDropped, Attempts: job.Attempt})
		}
		obj, err := f.storyObject(ctx, s)
		if err != nil {
			return err
		}
		doc = f.activity(a.Activity, s, obj)
	case fediverse.ActivityDelete:
		doc = f.deleteActivity(a.StoryID)
	default:
		return river.JobCancel(fmt.Errorf("unknown activity %q", a.Activity))
	}
	sendErr := f.post(ctx, a.Inbox, doc)
	d := fediverse.Delivery{StoryID: a.StoryID, Inbox: a.Inbox, Activity: a.Activity, State: fediverse.DeliveryDelivered, Attempts: job.Attempt}
	if sendErr != nil {
		d.State, d.LastError = fediverse.DeliveryPending, sendErr.Error()
		if isPermanent(sendErr) || job.Attempt >= job.MaxAttempts {
			d.State = fediverse.DeliveryFailed
		}
	}
	if err := f.app.RecordDelivery(ctx, d); err != nil {
		f.log.Warn("federation: delivery state not saved", "story", a.StoryID, "err", err)
	}
	if sendErr == nil && a.Activity == fediverse.ActivityCreate {
		f.app.CountFederationView()
	}
	return jobResult(sendErr)
}

func (f *Federation) deliverAccept(ctx context.Context, job *river.Job[AcceptArgs]) error {
	a := job.Args
	doc := map[string]any{
		"@context": activityContext,
		"id":       f.actorURL() + "#accepts/" + fmt.Sprintf("%x", hashOf(a.FollowID)),
		"type":     "Accept",
		"actor":    f.actorURL(),
		"object": map[string]string{
			"id": a.FollowID, "type": "Follow", "actor": a.Follower, "object": f.actorURL(),
		},
	}
	return jobResult(f.post(ctx, a.Inbox, doc))
}

// permanentError is an answer that no retry will change: the inbox
// refused the activity (4xx other than 408 and 429).
type permanentError struct{ status int }

func (e permanentError) Error() string {
	return fmt.Sprintf("the inbox refused the activity (%d)", e.status)
}

func isPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// jobResult dead-letters a permanent refusal at once and retries the rest.
func jobResult(err error) error {
	if isPermanent(err) {
		return river.JobCancel(err)
	}
	return err
}

// post signs and sends an activity to an inbox.
func (f *Federation) post(ctx context.Context, inbox string, doc map[string]any) error {
	body, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, inbox, bytes.NewReader(body))
	if err != nil {
		return permanentError{status: 0}
	}
	req.Header.Set("Content-Type", ldContentType)
	req.Header.Set("Accept", ContentType)
	key, err := f.actorKey(ctx)
	if err != nil {
		return err
	}
	if err := sign(req, body, f.keyID(), key, f.now()); err != nil {
		return err
	}
	res, err := f.app.Outbound.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	switch {
	case res.StatusCode >= 200 && res.StatusCode < 300:
		return nil
	case res.StatusCode >= 400 && res.StatusCode < 500 && res.StatusCode != http.StatusRequestTimeout && res.StatusCode != http.StatusTooManyRequests:
		return permanentError{status: res.StatusCode}
	}
	return fmt.Errorf("the inbox answered %d", res.StatusCode)
}
