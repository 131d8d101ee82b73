package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
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
	// id and language, audit entries by id, blob
	// deletions by key. Rows are read as they are handed over, never all at
	// once. Social posts (by id), settings (by key) and edited replies (by
	// id) follow, then saved translations by catalog, language and key. An
	// error from counts or fn stops the dump and is returned as is.
	Dump(ctx context.Context, counts func(Counts) error, fn func(Record) error) error
}

// Loader writes a dump into an empty database.
type Loader interface {
	// Load inserts the records returned by next until next returns io.EOF
	// (any other error from next is returned as is). It refuses, with an
	// error wrapping ErrNotEmpty, a database holding any story, user,
	// credential, audit entry, blob deletion or saved translation. Everything is written in
	// one transaction: when Load returns an error the database is left as
	// empty as it was. Ids of users and audit entries are kept, and the
	// database's id generators continue after the largest; the theme and
	// search indexes are built for published stories as they are inserted.
	// Records must come in an order that satisfies references (a
	// credential after its user); Dump's order does.
	Load(ctx context.Context, next func() (Record, error)) error
}

// ErrNotEmpty is wrapped by Load's error when the target holds data.
var ErrNotEmpty = errors.New("the database is not empty: load a site only into a new, empty database")

// NotEmptyError builds Load's refusal from the target's counts.
func NotEmptyError(c Counts) error {
	return fmt.Errorf("%w (it holds %d stories, %d story translations, %d users, %d credentials, %d audit entries, %d blob deletions, %d social posts, %d settings, %d edited replies, %d saved translations)",
		ErrNotEmpty, c.Stories, c.StoryTranslations, c.Users, c.Credentials, c.Audit, c.BlobDeletions, c.Posts, c.Settings, c.StoredReplies, c.Translations)
}

// RecordType names the kind of a Record.
type RecordType string

const (
	RecordUser             RecordType = "user"
	RecordCredential       RecordType = "credential"
	RecordStory            RecordType = "story"
	RecordStoryTranslation RecordType = "story_translation"
	RecordAudit            RecordType = "audit"
	RecordBlobDeletion     RecordType = "blob_deletion"
	RecordPost             RecordType = "post"
	RecordSetting          RecordType = "setting"
	RecordStoredReply      RecordType = "stored_reply"
	RecordTranslation      RecordType = "translation"
)

// RecordTypes lists the types in the canonical order of a dump.
var RecordTypes = []RecordType{RecordUser, RecordCredential, RecordStory, RecordStoryTranslation, RecordAudit, RecordBlobDeletion,
	RecordPost, RecordSetting, RecordStoredReply, RecordTranslation}

// Record is one row of a site: exactly one field is set.
type Record struct {
	User             *User
	Credential       *Credential
	Story            *StoryRecord
	StoryTranslation *story.Translation
	Audit            *AuditEntry
	BlobDeletion     *BlobDeletion
	Post             *story.Post
	Setting          *Setting
	StoredReply      *StoredReply
	Translation      *Translation
}

// Type tells which field of r is set ("" when none is).
func (r Record) Type() RecordType {
	switch {
	case r.User != nil:
		return RecordUser
	case r.Credential != nil:
		return RecordCredential
	case r.Story != nil:
		return RecordStory
	case r.StoryTranslation != nil:
		return RecordStoryTranslation
	case r.Audit != nil:
		return RecordAudit
	case r.BlobDeletion != nil:
		return RecordBlobDeletion
	case r.Post != nil:
		return RecordPost
	case r.Setting != nil:
		return RecordSetting
	case r.StoredReply != nil:
		return RecordStoredReply
	case r.Translation != nil:
		return RecordTranslation
	}
	return ""
}

// StoryRecord is a story, tombstones included, with the hash of its private
// token (the storyteller's link keeps working after a move).
type StoryRecord struct {
	Story     *story.Story
	TokenHash []byte
}

// BlobDeletion is a media key scheduled for deletion.
type BlobDeletion struct {
	Key   string
	DueAt time.Time
}

// Counts is how many records of each type a database holds.
type Counts struct {
	Users             int64
	Credentials       int64
	Stories           int64
	StoryTranslations int64
	Audit             int64
	BlobDeletions     int64
	Posts             int64
	Settings          int64
	StoredReplies     int64
	Translations      int64
}

// field is the count of one record type, nil for an unknown type.
func (c *Counts) field(t RecordType) *int64 {
	switch t {
	case RecordUser:
		return &c.Users
	case RecordCredential:
		return &c.Credentials
	case RecordStory:
		return &c.Stories
	case RecordStoryTranslation:
		return &c.StoryTranslations
	case RecordAudit:
		return &c.Audit
	case RecordBlobDeletion:
		return &c.BlobDeletions
	case RecordPost:
		return &c.Posts
	case RecordSetting:
		return &c.Settings
	case RecordStoredReply:
		return &c.StoredReplies
	case RecordTranslation:
		return &c.Translations
	}
	return nil
}

// Of returns the count for one record type.
func (c Counts) Of(t RecordType) int64 {
	if f := c.field(t); f != nil {
		return *f
	}
	return 0
}

// Set sets the count for one record type.
func (c *Counts) Set(t RecordType, n int64) {
	if f := c.field(t); f != nil {
		*f = n
	}
}

// Add counts one more record of type t.
func (c *Counts) Add(t RecordType) {
	if f := c.field(t); f != nil {
		*f++
	}
}

// Total is the number of records.
func (c Counts) Total() int64 {
	var n int64
	for _, t := range RecordTypes {
		n += c.Of(t)
	}
	return n
}

// CheckRecord rejects a record that no backend could store faithfully; both
// loaders call it before inserting.
func CheckRecord(r Record) error {
	switch r.Type() {
	case RecordUser:
		if r.User.ID <= 0 || r.User.Email == "" {
			return errors.New("user without id or e-mail")
		}
	case RecordCredential:
		if len(r.Credential.TokenHash) == 0 || r.Credential.Kind == "" {
			return errors.New("credential without token hash or kind")
		}
	case RecordStory:
		if r.Story.Story == nil || r.Story.Story.ID == "" {
			return errors.New("story without id")
		}
		if len(r.Story.TokenHash) == 0 {
			return fmt.Errorf("story %s without token hash", r.Story.Story.ID)
		}
	case RecordStoryTranslation:
		t := r.StoryTranslation
		if t.StoryID == "" || t.Language == "" {
			return errors.New("translation without story id or language")
		}
		if t.Origin != story.OriginHuman && t.Origin != story.OriginMachine {
			return fmt.Errorf("translation %s/%s: unknown origin %q", t.StoryID, t.Language, t.Origin)
		}
		if t.Status != story.TranslationDraft && t.Status != story.TranslationPublished {
			return fmt.Errorf("translation %s/%s: unknown status %q", t.StoryID, t.Language, t.Status)
		}
	case RecordAudit:
		if r.Audit.ID <= 0 {
			return errors.New("audit entry without id")
		}
	case RecordBlobDeletion:
		if r.BlobDeletion.Key == "" {
			return errors.New("blob deletion without key")
		}
	case RecordPost:
		if r.Post.ID == "" || r.Post.Network == "" || r.Post.SourceID == "" || !slices.Contains(story.PostStatuses, r.Post.Status) {
			return errors.New("social post without id, source or known status")
		}
	case RecordSetting:
		if r.Setting.Key == "" || !json.Valid(r.Setting.Value) {
			return errors.New("setting without key or with a value that is not JSON")
		}
	case RecordStoredReply:
		if r.StoredReply.ID == "" || !json.Valid(r.StoredReply.Data) {
			return errors.New("reply without id or with data that is not JSON")
		}
	case RecordTranslation:
		tr := r.Translation
		if (tr.Catalog != CatalogInterface && tr.Catalog != CatalogToolkit) || tr.Lang == "" || tr.Key == "" || len(tr.Forms) == 0 {
			return errors.New("translation without catalog, language, key or text")
		}
	default:
		return errors.New("empty record")
	}
	return nil
}
