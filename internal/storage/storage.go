// Package storage declares what the use-cases need from a database. Each
// backend (sqlite, postgres) implements it and passes the conformance suite
// in storagetest.
package storage

import (
	"context"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"chorus/internal/audit"
	"chorus/internal/staff"
	"chorus/internal/story"
)

// Store is a database holding stories, staff, sessions and the audit log.
type Store interface {
	// WithTx runs fn in one transaction: committed when fn returns nil,
	// rolled back otherwise.
	WithTx(ctx context.Context, fn func(Tx) error) error
	Reader
	// StartJobs works the durable job queue until the returned function is
	// called, which waits for running jobs to finish.
	StartJobs(ctx context.Context, cfg JobsConfig) (stop func(context.Context) error, err error)
	// FailedJobs lists jobs that exhausted their attempts, newest first;
	// RetryJob queues one again and DiscardJob deletes it.
	FailedJobs(ctx context.Context, limit int) ([]*rivertype.JobRow, error)
	RetryJob(ctx context.Context, id int64) error
	DiscardJob(ctx context.Context, id int64) error
	// PurgeErased makes data erased by committed transactions unrecoverable
	// from the database's files (write-ahead log, free pages).
	PurgeErased(ctx context.Context) error
	// CompactErased finishes what PurgeErased could not do at once without
	// blocking the site (PostgreSQL rewrites its tables); it runs daily.
	CompactErased(ctx context.Context) error
	SecondFactors
	Close() error
}

// Reader is what can be read outside a transaction.
type Reader interface {
	// Story returns any story by id, tombstones included.
	Story(ctx context.Context, id string) (*story.Story, error)
	// PublishedStories lists published stories, newest first, by filter.
	PublishedStories(ctx context.Context, f story.Filter) (story.Page, error)
	// Queue lists pending stories, oldest first.
	Queue(ctx context.Context, limit int) ([]*story.Story, error)
	CountByStatus(ctx context.Context, status story.Status) (int, error)
	// SubmissionTokenHash returns the hash of a story's private token.
	SubmissionTokenHash(ctx context.Context, id string) ([]byte, error)
	Countries(ctx context.Context) ([]string, error)

	UserByEmail(ctx context.Context, email string) (*staff.User, error)
	UserByID(ctx context.Context, id int64) (*staff.User, error)
	// CredentialUser returns the user owning a live credential of the kind.
	CredentialUser(ctx context.Context, kind staff.CredentialKind, tokenHash []byte, now time.Time) (*staff.User, error)
	// Audit lists the audit entries of the subjects, oldest first.
	Audit(ctx context.Context, subjectIDs ...string) ([]audit.Entry, error)
	// DecidedStories lists published and rejected stories by id after
	// afterID, for moderators' decisions to become training examples.
	DecidedStories(ctx context.Context, afterID string, limit int) ([]*story.Story, error)
	// DueBlobDeletions lists media keys whose deletion is due.
	DueBlobDeletions(ctx context.Context, now time.Time, limit int) ([]string, error)
	StoryTranslationReader
	PostReader
	CampaignReader
	FederationReader
	SourceReader
	OrganisationReader

	// Translations lists every saved translation by catalog, language and key.
	Translations(ctx context.Context) ([]staff.Translation, error)
	// Translation returns one saved translation.
	Translation(ctx context.Context, catalog, lang, key string) (*staff.Translation, error)
}

// Tx is one transaction's view of the store.
type Tx interface {
	Reader
	InsertStory(ctx context.Context, s *story.Story, tokenHash []byte) error
	// UpdateStory writes every mutable field of s.
	UpdateStory(ctx context.Context, s *story.Story) error
	// EraseStory removes the story's personal data, text and
	// translations, keeping a tombstone with id, dates and reason (with
	// story.ErasedRejected, a rejected story keeps its rejection's time).
	EraseStory(ctx context.Context, id, reason string, at time.Time) error
	AppendAudit(ctx context.Context, e audit.Entry) error
	// Enqueue adds a durable job that runs after this transaction commits.
	Enqueue(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error
	// DeleteExpiredCredentials removes sessions and links that have expired.
	DeleteExpiredCredentials(ctx context.Context, now time.Time) (int, error)

	InsertUser(ctx context.Context, u *staff.User) error
	UpdateUser(ctx context.Context, u *staff.User) error
	InsertCredential(ctx context.Context, c staff.Credential) error
	DeleteCredential(ctx context.Context, kind staff.CredentialKind, tokenHash []byte) error

	// ScheduleBlobDeletion records that a media key must be deleted at or
	// after due; CancelBlobDeletion forgets it (the blob is now referenced).
	ScheduleBlobDeletion(ctx context.Context, key string, due time.Time) error
	CancelBlobDeletion(ctx context.Context, key string) error
	DoneBlobDeletion(ctx context.Context, key string) error

	StoryTranslationWriter
	PostWriter
	CampaignWriter
	FederationWriter
	SourceWriter
	OrganisationWriter

	// PutTranslation saves a translation, replacing the one of the same
	// catalog, language and key; DeleteTranslation removes one.
	PutTranslation(ctx context.Context, t staff.Translation) error
	DeleteTranslation(ctx context.Context, catalog, lang, key string) error
}

// JobsConfig says how to work the job queue.
type JobsConfig struct {
	Workers    *river.Workers
	Periodic   []*river.PeriodicJob
	MaxWorkers int
	// Queues are named queues beside the default one, with their number
	// of workers: a feature whose jobs wait on other servers works them
	// apart, so they never hold up the site's own jobs.
	Queues map[string]int
	Log    *slog.Logger
}
