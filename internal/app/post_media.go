package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/riverqueue/river"

	"chorus/internal/media"
	"chorus/internal/storage"
	"chorus/internal/story"
)

// FetchPostMediaArgs fetches a new post's images once, through the guarded
// client, and keeps them re-encoded without metadata on our origin, so
// readers' browsers never contact the post's network.
type FetchPostMediaArgs struct {
	PostID string `json:"post_id"`
}

// Kind names the job in the queue.
func (FetchPostMediaArgs) Kind() string { return "fetch_post_media" }

// fetchPostMedia is the job's work. An image that cannot be fetched or
// decoded is dropped (the post shows without it); a post gone meanwhile
// needs nothing.
func (a *App) fetchPostMedia(ctx context.Context, postID string) error {
	p, err := a.store.Post(ctx, postID)
	if errors.Is(err, story.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	var kept []story.PostMedia
	var keys []string
	for i, m := range p.Media {
		if m.Remote == "" {
			kept = append(kept, m)
			continue
		}
		data, err := a.fetchImage(ctx, m.Remote)
		if err != nil {
			a.Log.Info("post image dropped", "post", postID, "err", err)
			continue
		}
		key := fmt.Sprintf("posts/%s/%d.jpg", postID, i)
		if err := a.Blobs.Put(ctx, key, data, "image/jpeg"); err != nil {
			return err // retried by the queue
		}
		keys = append(keys, key)
		kept = append(kept, story.PostMedia{Key: key, Alt: m.Alt})
	}
	gone := false
	err = a.store.WithTx(ctx, func(tx storage.Tx) error {
		current, err := tx.Post(ctx, postID)
		if errors.Is(err, story.ErrNotFound) {
			gone = true
			for _, k := range keys {
				if err := tx.ScheduleBlobDeletion(ctx, k, a.now()); err != nil {
					return err
				}
			}
			return nil
		}
		if err != nil {
			return err
		}
		current.Media = kept
		return tx.UpdatePost(ctx, current)
	})
	if err != nil {
		return err
	}
	if gone {
		a.SweepBlobs(ctx)
	} else {
		a.publish(WallChanged{})
	}
	return nil
}

// fetchImage gets one remote image and re-encodes it at the list size.
func (a *App) fetchImage(ctx context.Context, rawURL string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, err
	}
	res, err := a.Outbound.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("image answered %d", res.StatusCode)
	}
	renditions, err := a.Photos(ctx, res.Body)
	if err != nil {
		return nil, err
	}
	for _, r := range renditions {
		if r.Name == media.RenditionList {
			return r.Data, nil
		}
	}
	if len(renditions) == 0 {
		return nil, errors.New("no image")
	}
	return renditions[0].Data, nil
}

func (a *App) registerPostJobs(r *JobRegistry) error {
	return AddWorker(r, func(ctx context.Context, job *river.Job[FetchPostMediaArgs]) error {
		return a.fetchPostMedia(ctx, job.Args.PostID)
	})
}
