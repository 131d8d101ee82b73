package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"chorus/internal/audit"
	"chorus/internal/org"
	"chorus/internal/staff"
	"chorus/internal/storage"
	"chorus/internal/story"
)

// recordTable is where one type of storage.Record lives: how a dump reads
// it and a load writes it. recordTables, in storage.RecordTypes order (a
// test checks it), drives Dump, Load and the counts; a new record type is
// one entry here besides its entry in storage's record registry.
type recordTable struct {
	typ   storage.RecordType
	table string
	// dump reads every row in the canonical order.
	dump string
	scan func(Row) (storage.Record, error)
	// load inserts one record into an empty database.
	load func(ctx context.Context, t *Tx, r storage.Record) error
}

// tableOf ties a record type's field of storage.Record to its table.
func tableOf[T any](f storage.RecordField[T], table, dump string, scan func(Row) (*T, error), load func(context.Context, *Tx, *T) error) recordTable {
	return recordTable{
		typ: f.Type(), table: table, dump: dump,
		scan: func(row Row) (storage.Record, error) {
			v, err := scan(row)
			return f.Record(v), err
		},
		load: func(ctx context.Context, t *Tx, r storage.Record) error { return load(ctx, t, f.Of(r)) },
	}
}

var recordTables = []recordTable{
	tableOf(storage.UserRecords, "users", "SELECT "+UserColumns+" FROM users ORDER BY id", scanUser,
		func(ctx context.Context, t *Tx, u *staff.User) error {
			_, err := t.DB.Exec(ctx, "INSERT INTO users ("+UserColumns+")"+t.D.KeepIdentity()+" VALUES (?, ?, ?, ?, ?, ?)",
				u.ID, u.Email, string(u.Role), u.PasswordHash, u.TOTPSecret, t.D.NullTime(u.CreatedAt))
			return t.err("load user", err)
		}),
	tableOf(storage.CredentialRecords, "credentials", "SELECT "+CredentialColumns+" FROM credentials ORDER BY token_hash", scanCredential,
		func(ctx context.Context, t *Tx, c *staff.Credential) error { return t.InsertCredential(ctx, *c) }),
	// InsertStory fills the theme and search indexes of published stories.
	tableOf(storage.StoryRecords, "stories", "SELECT "+StoryColumns+", token_hash FROM stories ORDER BY id",
		func(row Row) (*storage.StoryRecord, error) {
			var hash []byte
			s, err := ScanStory(row, &hash)
			return &storage.StoryRecord{Story: s, TokenHash: hash}, err
		},
		func(ctx context.Context, t *Tx, s *storage.StoryRecord) error {
			return t.InsertStory(ctx, s.Story, s.TokenHash)
		}),
	tableOf(storage.StoryTranslationRecords, "story_translations",
		"SELECT "+StoryTranslationColumns+" FROM story_translations ORDER BY story_id, language", scanStoryTranslation,
		func(ctx context.Context, t *Tx, tr *story.Translation) error { return t.PutStoryTranslation(ctx, tr) }),
	tableOf(storage.AuditRecords, "audit_log", "SELECT "+AuditColumns+" FROM audit_log ORDER BY id",
		func(row Row) (*audit.Entry, error) {
			e, err := scanAuditEntry(row)
			return &e, err
		},
		func(ctx context.Context, t *Tx, e *audit.Entry) error {
			_, err := t.DB.Exec(ctx, "INSERT INTO audit_log ("+AuditColumns+")"+t.D.KeepIdentity()+" VALUES (?, ?, ?, ?, ?, ?, ?)",
				e.ID, t.D.NullTime(e.At), e.Actor, e.Action, e.SubjectID, e.Reason, e.Note)
			return t.err("load audit", err)
		}),
	tableOf(storage.BlobDeletionRecords, "blob_deletions", "SELECT key, due_at FROM blob_deletions ORDER BY key", scanBlobDeletion,
		func(ctx context.Context, t *Tx, b *storage.BlobDeletion) error {
			return t.ScheduleBlobDeletion(ctx, b.Key, b.DueAt)
		}),
	tableOf(storage.PostRecords, "social_posts", "SELECT "+PostColumns+" FROM social_posts ORDER BY id", scanPost,
		func(ctx context.Context, t *Tx, p *story.Post) error { return t.InsertPost(ctx, p) }),
	tableOf(storage.SettingRecords, "settings", "SELECT "+SettingColumns+" FROM settings ORDER BY key", scanSetting,
		func(ctx context.Context, t *Tx, s *storage.Setting) error { return t.PutSetting(ctx, *s) }),
	tableOf(storage.StoredReplyRecords, "stored_replies", "SELECT "+StoredReplyColumns+" FROM stored_replies ORDER BY id",
		func(row Row) (*storage.StoredReply, error) {
			sr, err := scanStoredReply(row)
			return &sr, err
		},
		func(ctx context.Context, t *Tx, sr *storage.StoredReply) error { return t.PutStoredReply(ctx, *sr) }),
	tableOf(storage.TranslationRecords, "translations", "SELECT "+TranslationColumns+" FROM translations ORDER BY catalog, lang, key",
		func(row Row) (*staff.Translation, error) {
			tr, err := scanTranslation(row)
			return &tr, err
		},
		func(ctx context.Context, t *Tx, tr *staff.Translation) error { return t.PutTranslation(ctx, *tr) }),
	tableOf(storage.OrganisationRecords, "organisations", "SELECT "+OrganisationColumns+" FROM organisations ORDER BY id", scanOrganisation,
		func(ctx context.Context, t *Tx, o *org.Organisation) error { return t.PutOrganisation(ctx, o) }),
	tableOf(storage.MemberRecords, "organisation_members", "SELECT "+memberColumns+" FROM organisation_members ORDER BY user_id",
		func(row Row) (*org.Member, error) {
			m, err := scanMember(row)
			return &m, err
		},
		func(ctx context.Context, t *Tx, m *org.Member) error { return t.PutMember(ctx, *m) }),
	tableOf(storage.ConsentRecordRecords, "consent_records", "SELECT "+ConsentRecordColumns+" FROM consent_records ORDER BY story_id", scanConsentRecord,
		func(ctx context.Context, t *Tx, c *org.ConsentRecord) error { return t.InsertConsentRecord(ctx, c) }),
	tableOf(storage.StoryOrganisationRecords, "story_organisations", "SELECT story_id, organisation_id FROM story_organisations ORDER BY story_id",
		func(row Row) (*storage.StoryOrganisation, error) {
			var l storage.StoryOrganisation
			err := row.Scan(&l.StoryID, &l.OrganisationID)
			return &l, err
		},
		func(ctx context.Context, t *Tx, l *storage.StoryOrganisation) error {
			return t.LinkStoryToOrganisation(ctx, l.StoryID, l.OrganisationID)
		}),
	tableOf(storage.CollectionRecords, "collections", collectionSelect+" ORDER BY id", scanCollection,
		func(ctx context.Context, t *Tx, c *org.Collection) error { return t.PutCollection(ctx, c) }),
	// AddDailyCounts writes a count that is not there yet as it is, the
	// visitors metric's included; a second record of the same count would
	// be added to (or, for visitors, compared with) the first, so it is
	// refused.
	tableOf(storage.AnalyticsDayRecords, "analytics_daily", "SELECT day, metric, dimension, count FROM analytics_daily ORDER BY metric, day, dimension",
		func(row Row) (*storage.DailyCount, error) {
			var d storage.DailyCount
			err := row.Scan(&d.Day, &d.Metric, &d.Dimension, &d.Count)
			return &d, err
		},
		func(ctx context.Context, t *Tx, d *storage.DailyCount) error {
			var n int
			err := t.DB.QueryRow(ctx, "SELECT count(*) FROM analytics_daily WHERE metric = ? AND day = ? AND dimension = ?",
				d.Metric, d.Day, d.Dimension).Scan(&n)
			if err != nil {
				return t.err("load daily count", err)
			}
			if n > 0 {
				return errors.New("the same count appears twice")
			}
			return t.AddDailyCounts(ctx, []storage.DailyCount{*d})
		}),
}

// RecordTables lists the tables of every record type, in dump order.
func RecordTables() []string {
	out := make([]string, len(recordTables))
	for i, rt := range recordTables {
		out[i] = rt.table
	}
	return out
}

func tableFor(t storage.RecordType) *recordTable {
	for i := range recordTables {
		if recordTables[i].typ == t {
			return &recordTables[i]
		}
	}
	return nil
}

// Counts reads how many records of each type the database holds, in one
// statement (one snapshot).
func (q Queries) Counts(ctx context.Context) (storage.Counts, error) {
	parts := make([]string, len(recordTables))
	ns := make([]int64, len(recordTables))
	dest := make([]any, len(recordTables))
	for i, rt := range recordTables {
		parts[i] = "(SELECT count(*) FROM " + rt.table + ")"
		dest[i] = &ns[i]
	}
	var c storage.Counts
	if err := q.DB.QueryRow(ctx, "SELECT "+strings.Join(parts, ", ")).Scan(dest...); err != nil {
		return c, q.err("counts", err)
	}
	for i, rt := range recordTables {
		c.Set(rt.typ, ns[i])
	}
	return c, nil
}

// Dump reads every record through q, which must be one snapshot (a read
// transaction): see storage.Dumper.
func (q Queries) Dump(ctx context.Context, counts func(storage.Counts) error, fn func(storage.Record) error) error {
	c, err := q.Counts(ctx)
	if err != nil {
		return err
	}
	if err := counts(c); err != nil {
		return err
	}
	for _, rt := range recordTables {
		if err := q.dumpTable(ctx, rt, fn); err != nil {
			return err
		}
	}
	return nil
}

func (q Queries) dumpTable(ctx context.Context, rt recordTable, fn func(storage.Record) error) error {
	op := "dump " + string(rt.typ)
	rows, err := q.DB.Query(ctx, rt.dump)
	if err != nil {
		return q.err(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := rt.scan(rows)
		if err != nil {
			return q.err(op, err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return q.err(op, rows.Err())
}

// Load writes records into the empty database through t, until next
// returns io.EOF: see storage.Loader. The caller owns the transaction
// (locks, commit).
func (t *Tx) Load(ctx context.Context, next func() (storage.Record, error)) error {
	c, err := t.Counts(ctx)
	if err != nil {
		return err
	}
	if c.Total() > 0 {
		return storage.NotEmptyError(c)
	}
	for {
		r, err := next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := storage.CheckRecord(r); err != nil {
			return err
		}
		rt := tableFor(r.Type())
		if rt == nil {
			return errors.New("empty record")
		}
		if err := rt.load(ctx, t, r); err != nil {
			return fmt.Errorf("load %s: %w", r.Name(), err)
		}
	}
}
