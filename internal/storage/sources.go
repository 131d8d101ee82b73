package storage

import (
	"context"
	"time"

	"chorus/internal/story"
)

// SourceReader reads hashtag sources and the figures of posts.
type SourceReader interface {
	// Sources lists every source, oldest first.
	Sources(ctx context.Context) ([]*story.Source, error)
	// Source returns one source, story.ErrNotFound if none.
	Source(ctx context.Context, id string) (*story.Source, error)
	// PostFigures lists the daily counts of posts taken in since the day
	// (YYYY-MM-DD), by day, network and language.
	PostFigures(ctx context.Context, sinceDay string) ([]PostFigure, error)
}

// SourceWriter changes sources, leases and figures.
type SourceWriter interface {
	InsertSource(ctx context.Context, s *story.Source) error
	// UpdateSourceRun writes what a connector's run left: its state, its
	// error (empty when it went well), when, and how many posts it added.
	UpdateSourceRun(ctx context.Context, id string, state []byte, lastError string, at time.Time, added int) error
	DeleteSource(ctx context.Context, id string) error
	// TakeLease gives the lease name to holder until expires, when it is
	// free, expired at now, or already held by holder; it reports whether
	// holder has it.
	TakeLease(ctx context.Context, name, holder string, now, expires time.Time) (bool, error)
	// CountPostFigure adds one post taken in (and whether policy hid it)
	// to the day's figures.
	CountPostFigure(ctx context.Context, day, network, language string, hidden bool) error
}

// PostFigure is the count of posts of one network and language on a day.
type PostFigure struct {
	Day      string
	Network  string
	Language string
	Taken    int64
	Hidden   int64
}
