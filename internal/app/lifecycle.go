package app

import (
	"context"
	"errors"
	"sync"

	"chorus/internal/storage"
	"chorus/internal/story"
)

// StoryChange is what a decision did to a published story's public life.
type StoryChange string

const (
	// StoryPublished: the story became public (approved, or social
	// consent given again while published).
	StoryPublished StoryChange = "published"
	// StoryEdited: a public story's text or public translations changed.
	StoryEdited StoryChange = "edited"
	// StoryRedacted: personal details were removed from a public story's
	// text; copies elsewhere must go, since an edit would keep the old
	// text in their history.
	StoryRedacted StoryChange = "redacted"
	// StoryRemoved: the story left the public, or may no longer be shared
	// beyond the site (withdrawn, social consent withdrawn).
	StoryRemoved StoryChange = "removed"
)

// StoryHook runs inside the transaction of the decision that changed a
// story, so the jobs it enqueues commit or roll back with the decision.
// The story is as the decision left it (a removed story may already be
// erased). An error rolls the decision back.
type StoryHook func(ctx context.Context, tx storage.Tx, change StoryChange, s *story.Story) error

// storyHooks are the feature packages' hooks, registered before serving.
type storyHooks struct {
	mu    sync.Mutex
	hooks []StoryHook
}

var errHooksStarted = errors.New("app: story hooks must be registered before the queue starts")

// OnStoryChange registers a hook run inside the transaction of every
// decision that publishes, edits or removes a public story: publish,
// redact, withdraw, consent changes, story translations.
func (a *App) OnStoryChange(h StoryHook) error {
	a.jobs.mu.Lock()
	started := a.jobs.started
	a.jobs.mu.Unlock()
	if started {
		return errHooksStarted
	}
	a.storyHooks.mu.Lock()
	defer a.storyHooks.mu.Unlock()
	a.storyHooks.hooks = append(a.storyHooks.hooks, h)
	return nil
}

// storyChanged runs the hooks in the decision's transaction.
func (a *App) storyChanged(ctx context.Context, tx storage.Tx, change StoryChange, s *story.Story) error {
	a.storyHooks.mu.Lock()
	hooks := a.storyHooks.hooks
	a.storyHooks.mu.Unlock()
	for _, h := range hooks {
		if err := h(ctx, tx, change, s); err != nil {
			return err
		}
	}
	return nil
}
