package storage

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"chorus/internal/audit"
	"chorus/internal/org"
	"chorus/internal/staff"
	"chorus/internal/story"
)

// The record registry: every type of Record is one entry of recordKinds,
// which says its name (in dumps and in export files), the field of Record
// that holds it, its count in Counts and what a loader checks. Dump, Load,
// the counts and the export format all walk this table; a new record type
// is one entry here, one in the backends' dump table (sqlstore) and one in
// the export format (transfer).

// RecordType names the kind of a Record; it is also the record's "type" in
// export files.
type RecordType string

const (
	RecordUser              RecordType = "user"
	RecordCredential        RecordType = "credential"
	RecordStory             RecordType = "story"
	RecordStoryTranslation  RecordType = "story_translation"
	RecordAudit             RecordType = "audit"
	RecordBlobDeletion      RecordType = "blob_deletion"
	RecordPost              RecordType = "post"
	RecordSetting           RecordType = "setting"
	RecordStoredReply       RecordType = "stored_reply"
	RecordTranslation       RecordType = "translation"
	RecordOrganisation      RecordType = "organisation"
	RecordMember            RecordType = "organisation_member"
	RecordConsentRecord     RecordType = "consent_record"
	RecordStoryOrganisation RecordType = "story_organisation"
	RecordCollection        RecordType = "collection"
	RecordAnalyticsDay      RecordType = "analytics_day"
)

// Record is one row of a site: exactly one field is set.
type Record struct {
	User              *staff.User
	Credential        *staff.Credential
	Story             *StoryRecord
	StoryTranslation  *story.Translation
	Audit             *audit.Entry
	BlobDeletion      *BlobDeletion
	Post              *story.Post
	Setting           *Setting
	StoredReply       *StoredReply
	Translation       *staff.Translation
	Organisation      *org.Organisation
	Member            *org.Member
	ConsentRecord     *org.ConsentRecord
	StoryOrganisation *StoryOrganisation
	Collection        *org.Collection
	AnalyticsDay      *DailyCount
}

// RecordField is typed access to the field of Record that holds one record
// type.
type RecordField[T any] struct {
	typ   RecordType
	field func(*Record) **T
}

// Type is the record type the field holds.
func (f RecordField[T]) Type() RecordType { return f.typ }

// Of returns the field of r (nil when r holds another type).
func (f RecordField[T]) Of(r Record) *T { return *f.field(&r) }

// Record wraps v as a Record.
func (f RecordField[T]) Record(v *T) Record {
	var r Record
	*f.field(&r) = v
	return r
}

// The fields of Record, one per record type.
var (
	UserRecords              = RecordField[staff.User]{RecordUser, func(r *Record) **staff.User { return &r.User }}
	CredentialRecords        = RecordField[staff.Credential]{RecordCredential, func(r *Record) **staff.Credential { return &r.Credential }}
	StoryRecords             = RecordField[StoryRecord]{RecordStory, func(r *Record) **StoryRecord { return &r.Story }}
	StoryTranslationRecords  = RecordField[story.Translation]{RecordStoryTranslation, func(r *Record) **story.Translation { return &r.StoryTranslation }}
	AuditRecords             = RecordField[audit.Entry]{RecordAudit, func(r *Record) **audit.Entry { return &r.Audit }}
	BlobDeletionRecords      = RecordField[BlobDeletion]{RecordBlobDeletion, func(r *Record) **BlobDeletion { return &r.BlobDeletion }}
	PostRecords              = RecordField[story.Post]{RecordPost, func(r *Record) **story.Post { return &r.Post }}
	SettingRecords           = RecordField[Setting]{RecordSetting, func(r *Record) **Setting { return &r.Setting }}
	StoredReplyRecords       = RecordField[StoredReply]{RecordStoredReply, func(r *Record) **StoredReply { return &r.StoredReply }}
	TranslationRecords       = RecordField[staff.Translation]{RecordTranslation, func(r *Record) **staff.Translation { return &r.Translation }}
	OrganisationRecords      = RecordField[org.Organisation]{RecordOrganisation, func(r *Record) **org.Organisation { return &r.Organisation }}
	MemberRecords            = RecordField[org.Member]{RecordMember, func(r *Record) **org.Member { return &r.Member }}
	ConsentRecordRecords     = RecordField[org.ConsentRecord]{RecordConsentRecord, func(r *Record) **org.ConsentRecord { return &r.ConsentRecord }}
	StoryOrganisationRecords = RecordField[StoryOrganisation]{RecordStoryOrganisation, func(r *Record) **StoryOrganisation { return &r.StoryOrganisation }}
	CollectionRecords        = RecordField[org.Collection]{RecordCollection, func(r *Record) **org.Collection { return &r.Collection }}
	AnalyticsDayRecords      = RecordField[DailyCount]{RecordAnalyticsDay, func(r *Record) **DailyCount { return &r.AnalyticsDay }}
)

// recordKind is one entry of the registry, its typed parts closed over.
type recordKind struct {
	typ    RecordType
	plural string // names the records in messages: "12 stories"
	isSet  func(Record) bool
	check  func(Record) error
	name   func(Record) string
	count  func(*Counts) *int64
}

func kindOf[T any](f RecordField[T], plural string, count func(*Counts) *int64, check func(*T) error, name func(*T) string) recordKind {
	return recordKind{
		typ: f.typ, plural: plural, count: count,
		isSet: func(r Record) bool { return f.Of(r) != nil },
		check: func(r Record) error { return check(f.Of(r)) },
		name:  func(r Record) string { return name(f.Of(r)) },
	}
}

// recordKinds is the registry, in the canonical order of a dump (references
// first: a credential after its user, a translation after its story).
var recordKinds = []recordKind{
	kindOf(UserRecords, "users", func(c *Counts) *int64 { return &c.Users },
		func(u *staff.User) error {
			if u.ID <= 0 || u.Email == "" {
				return errors.New("user without id or e-mail")
			}
			return nil
		},
		func(u *staff.User) string { return fmt.Sprint("user ", u.ID) }),
	kindOf(CredentialRecords, "credentials", func(c *Counts) *int64 { return &c.Credentials },
		func(c *staff.Credential) error {
			if len(c.TokenHash) == 0 || c.Kind == "" {
				return errors.New("credential without token hash or kind")
			}
			return nil
		},
		func(c *staff.Credential) string { return fmt.Sprint("credential of user ", c.UserID) }),
	kindOf(StoryRecords, "stories", func(c *Counts) *int64 { return &c.Stories },
		func(s *StoryRecord) error {
			if s.Story == nil || s.Story.ID == "" {
				return errors.New("story without id")
			}
			if len(s.TokenHash) == 0 {
				return fmt.Errorf("story %s without token hash", s.Story.ID)
			}
			return nil
		},
		func(s *StoryRecord) string { return "story " + s.Story.ID }),
	kindOf(StoryTranslationRecords, "story translations", func(c *Counts) *int64 { return &c.StoryTranslations },
		func(t *story.Translation) error {
			if t.StoryID == "" || t.Language == "" {
				return errors.New("translation without story id or language")
			}
			if t.Origin != story.OriginHuman && t.Origin != story.OriginMachine {
				return fmt.Errorf("translation %s/%s: unknown origin %q", t.StoryID, t.Language, t.Origin)
			}
			if t.Status != story.TranslationDraft && t.Status != story.TranslationPublished {
				return fmt.Errorf("translation %s/%s: unknown status %q", t.StoryID, t.Language, t.Status)
			}
			return nil
		},
		func(t *story.Translation) string { return "translation of story " + t.StoryID }),
	kindOf(AuditRecords, "audit entries", func(c *Counts) *int64 { return &c.Audit },
		func(e *audit.Entry) error {
			if e.ID <= 0 {
				return errors.New("audit entry without id")
			}
			return nil
		},
		func(e *audit.Entry) string { return fmt.Sprint("audit entry ", e.ID) }),
	kindOf(BlobDeletionRecords, "blob deletions", func(c *Counts) *int64 { return &c.BlobDeletions },
		func(b *BlobDeletion) error {
			if b.Key == "" {
				return errors.New("blob deletion without key")
			}
			return nil
		},
		func(b *BlobDeletion) string { return "blob deletion " + b.Key }),
	kindOf(PostRecords, "social posts", func(c *Counts) *int64 { return &c.Posts },
		func(p *story.Post) error {
			if p.ID == "" || p.Network == "" || p.SourceID == "" || !slices.Contains(story.PostStatuses, p.Status) {
				return errors.New("social post without id, source or known status")
			}
			return nil
		},
		func(p *story.Post) string { return "social post " + p.ID }),
	kindOf(SettingRecords, "settings", func(c *Counts) *int64 { return &c.Settings },
		func(s *Setting) error {
			if s.Key == "" || !json.Valid(s.Value) {
				return errors.New("setting without key or with a value that is not JSON")
			}
			return nil
		},
		func(s *Setting) string { return "setting " + s.Key }),
	kindOf(StoredReplyRecords, "edited replies", func(c *Counts) *int64 { return &c.StoredReplies },
		func(r *StoredReply) error {
			if r.ID == "" || !json.Valid(r.Data) {
				return errors.New("reply without id or with data that is not JSON")
			}
			return nil
		},
		func(r *StoredReply) string { return "reply " + r.ID }),
	kindOf(TranslationRecords, "saved translations", func(c *Counts) *int64 { return &c.Translations },
		func(t *staff.Translation) error {
			if (t.Catalog != staff.CatalogInterface && t.Catalog != staff.CatalogToolkit) || t.Lang == "" || t.Key == "" || len(t.Forms) == 0 {
				return errors.New("translation without catalog, language, key or text")
			}
			return nil
		},
		func(t *staff.Translation) string { return "translation " + t.Catalog + "/" + t.Lang + "/" + t.Key }),
	kindOf(OrganisationRecords, "organisations", func(c *Counts) *int64 { return &c.Organisations },
		func(o *org.Organisation) error {
			if o.ID == "" {
				return errors.New("organisation without id")
			}
			return o.Validate()
		},
		func(o *org.Organisation) string { return "organisation " + o.ID }),
	kindOf(MemberRecords, "organisation members", func(c *Counts) *int64 { return &c.Members },
		func(m *org.Member) error {
			if m.UserID <= 0 || m.OrganisationID == "" {
				return errors.New("member without user or organisation")
			}
			return nil
		},
		func(m *org.Member) string { return fmt.Sprint("membership of user ", m.UserID) }),
	kindOf(ConsentRecordRecords, "consent records", func(c *Counts) *int64 { return &c.ConsentRecords },
		func(r *org.ConsentRecord) error {
			if r.StoryID == "" || r.OrganisationID == "" || !slices.Contains(org.ConsentMethods, r.Method) || !r.Has(org.ScopeSite) {
				return errors.New("consent record without story, organisation, known method or consent to publish")
			}
			return nil
		},
		func(r *org.ConsentRecord) string { return "consent record of story " + r.StoryID }),
	// After the consent records, which link their stories as they load: the
	// link of a story whose record was loaded is already there.
	kindOf(StoryOrganisationRecords, "story organisation links", func(c *Counts) *int64 { return &c.StoryOrganisations },
		func(l *StoryOrganisation) error {
			if l.StoryID == "" || l.OrganisationID == "" {
				return errors.New("story organisation link without story or organisation")
			}
			return nil
		},
		func(l *StoryOrganisation) string { return "organisation link of story " + l.StoryID }),
	kindOf(CollectionRecords, "collections", func(c *Counts) *int64 { return &c.Collections },
		func(c *org.Collection) error {
			if c.ID == "" || c.Language == "" || c.Title == "" || !org.ValidSlug(c.Slug) {
				return errors.New("collection without id, language, title or slug")
			}
			return nil
		},
		func(c *org.Collection) string { return "collection " + c.ID }),
	kindOf(AnalyticsDayRecords, "daily analytics counts", func(c *Counts) *int64 { return &c.AnalyticsDays },
		func(d *DailyCount) error {
			if _, err := time.Parse(time.DateOnly, d.Day); err != nil {
				return fmt.Errorf("%s: day %q is not a YYYY-MM-DD date", d.name(), d.Day)
			}
			if d.Metric == "" {
				return fmt.Errorf("%s without metric", d.name())
			}
			if d.Count < 0 {
				return fmt.Errorf("%s: negative count %d", d.name(), d.Count)
			}
			return nil
		},
		(*DailyCount).name),
}

// RecordTypes lists the types in the canonical order of a dump.
var RecordTypes = func() []RecordType {
	out := make([]RecordType, len(recordKinds))
	for i, k := range recordKinds {
		out[i] = k.typ
	}
	return out
}()

func kindByType(t RecordType) *recordKind {
	for i := range recordKinds {
		if recordKinds[i].typ == t {
			return &recordKinds[i]
		}
	}
	return nil
}

// Type tells which field of r is set ("" when none is).
func (r Record) Type() RecordType {
	for _, k := range recordKinds {
		if k.isSet(r) {
			return k.typ
		}
	}
	return ""
}

// Name names r in messages, such as "story s123".
func (r Record) Name() string {
	if k := kindByType(r.Type()); k != nil {
		return k.name(r)
	}
	return "empty record"
}

// CheckRecord rejects a record that no backend could store faithfully; both
// loaders call it before inserting.
func CheckRecord(r Record) error {
	k := kindByType(r.Type())
	if k == nil {
		return errors.New("empty record")
	}
	return k.check(r)
}

// Of returns the count for one record type.
func (c Counts) Of(t RecordType) int64 {
	if k := kindByType(t); k != nil {
		return *k.count(&c)
	}
	return 0
}

// Set sets the count for one record type.
func (c *Counts) Set(t RecordType, n int64) {
	if k := kindByType(t); k != nil {
		*k.count(c) = n
	}
}

// Add counts one more record of type t.
func (c *Counts) Add(t RecordType) {
	if k := kindByType(t); k != nil {
		*k.count(c)++
	}
}

// Total is the number of records.
func (c Counts) Total() int64 {
	var n int64
	for _, k := range recordKinds {
		n += *k.count(&c)
	}
	return n
}

// Describe spells the counts out, every type in order: "2 users, 3
// credentials, ...".
func (c Counts) Describe() string {
	parts := make([]string, len(recordKinds))
	for i, k := range recordKinds {
		parts[i] = fmt.Sprintf("%d %s", *k.count(&c), k.plural)
	}
	return strings.Join(parts, ", ")
}
