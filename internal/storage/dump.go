package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"chorus/internal/story"
)

// A whole site moves between backends as a stream of Records: a Dumper
// reads every row of the database in one consistent snapshot, a Loader
// writes such a stream into an empty database. Both are optional: a backend
// that cannot dump or load simply does not implement them, and callers
// check with a type assertion.

// Dumper reads the whole database.
type Dumper interface {
	// Dump reads one consistent snapshot of the database. It first calls
	// counts with the number of records of each type that follow, then fn
	// for each record, in the canonical order (RecordTypes): users by id,
	// credentials by token hash, stories by id, story translations by story
	// id and language, audit entries by id, blob deletions by key, social
	// posts by id, settings by key, edited replies by id, saved
	// translations by catalog, language and key, organisations by id,
	// members by user id, consent records and story organisation links by
	// story id, collections by id, and daily analytics counts by metric,
	// day and dimension. Rows are read as they are handed over, never all
	// at once. An error from counts or fn stops the dump and is returned as
	// is.
	Dump(ctx context.Context, counts func(Counts) error, fn func(Record) error) error
}

// Loader writes a dump into an empty database.
type Loader interface {
	// Load inserts the records returned by next until next returns io.EOF
	// (any other error from next is returned as is). It refuses, with an
	// error wrapping ErrNotEmpty, a database holding any record of any
	// type. Everything is written in one transaction: when Load returns an
	// error the database is left as empty as it was. Ids of users and
	// audit entries are kept, and the database's id generators continue
	// after the largest; the theme and search indexes are built for
	// published stories as they are inserted. Records must come in an
	// order that satisfies references (a credential after its user);
	// Dump's order does. A story organisation link whose story is already
	// linked (its consent record, loaded before, linked it) changes
	// nothing.
	Load(ctx context.Context, next func() (Record, error)) error
}

// ErrNotEmpty is wrapped by Load's error when the target holds data.
var ErrNotEmpty = errors.New("the database is not empty: load a site only into a new, empty database")

// NotEmptyError builds Load's refusal from the target's counts.
func NotEmptyError(c Counts) error {
	return fmt.Errorf("%w (it holds %s)", ErrNotEmpty, c.Describe())
}

// StoryRecord is a story, tombstones included, with the hash of its private
// token (the storyteller's link keeps working after a move).
type StoryRecord struct {
	Story     *story.Story
	TokenHash []byte
}

// StoryOrganisation links a story to the organisation it was told through.
// The link outlives the story's consent record: a withdrawn story keeps it,
// so the organisation's figures keep counting the story.
type StoryOrganisation struct {
	StoryID        string
	OrganisationID string
}

// BlobDeletion is a media key scheduled for deletion.
type BlobDeletion struct {
	Key   string
	DueAt time.Time
}

// Counts is how many records of each type a database holds.
type Counts struct {
	Users              int64
	Credentials        int64
	Stories            int64
	StoryTranslations  int64
	Audit              int64
	BlobDeletions      int64
	Posts              int64
	Settings           int64
	StoredReplies      int64
	Translations       int64
	Organisations      int64
	Members            int64
	ConsentRecords     int64
	StoryOrganisations int64
	Collections        int64
	AnalyticsDays      int64
}
