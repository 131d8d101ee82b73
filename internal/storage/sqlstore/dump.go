package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"chorus/internal/storage"
)

// recordTable is where one type of storage.Record lives: how a dump reads
// it and a load writes it. recordTables, in storage.RecordTypes order,
// drives Dump, Load and the counts; a new record type is one entry here.
type recordTable struct {
	typ   storage.RecordType
	table string
	// dump reads every row in the canonical order.
	dump string
	scan func(Row) (storage.Record, error)
	// load inserts one record into an empty database; name names it in errors.
	load func(ctx context.Context, t *Tx, r storage.Record) error
	name func(r storage.Record) string
}

var recordTables = []recordTable{
	{
		typ: storage.RecordUser, table: "users", dump: "SELECT " + UserColumns + " FROM users ORDER BY id",
		scan: func(row Row) (storage.Record, error) {
			u, err := scanUser(row)
			return storage.Record{User: u}, err
		},
		load: func(ctx context.Context, t *Tx, r storage.Record) error {
			u := r.User
			_, err := t.DB.Exec(ctx, "INSERT INTO users ("+UserColumns+")"+t.D.KeepIdentity()+" VALUES (?, ?, ?, ?, ?, ?)",
				u.ID, u.Email, string(u.Role), u.PasswordHash, u.TOTPSecret, t.D.NullTime(u.CreatedAt))
			return t.err("load user", err)
		},
		name: func(r storage.Record) string { return "user " + fmt.Sprint(r.User.ID) },
	},
	{
		typ: storage.RecordCredential, table: "credentials", dump: "SELECT " + CredentialColumns + " FROM credentials ORDER BY token_hash",
		scan: func(row Row) (storage.Record, error) {
			c, err := scanCredential(row)
			return storage.Record{Credential: c}, err
		},
		load: func(ctx context.Context, t *Tx, r storage.Record) error {
			return t.InsertCredential(ctx, *r.Credential)
		},
		name: func(r storage.Record) string { return "credential of user " + fmt.Sprint(r.Credential.UserID) },
	},
	{
		typ: storage.RecordStory, table: "stories", dump: "SELECT " + StoryColumns + ", token_hash FROM stories ORDER BY id",
		scan: func(row Row) (storage.Record, error) {
			var hash []byte
			s, err := ScanStory(row, &hash)
			return storage.Record{Story: &storage.StoryRecord{Story: s, TokenHash: hash}}, err
		},
		// InsertStory fills the theme and search indexes of published stories.
		load: func(ctx context.Context, t *Tx, r storage.Record) error {
			return t.InsertStory(ctx, r.Story.Story, r.Story.TokenHash)
		},
		name: func(r storage.Record) string { return "story " + r.Story.Story.ID },
	},
	{
		typ: storage.RecordStoryTranslation, table: "story_translations",
		dump: "SELECT " + StoryTranslationColumns + " FROM story_translations ORDER BY story_id, language",
		scan: func(row Row) (storage.Record, error) {
			tr, err := scanStoryTranslation(row)
			return storage.Record{StoryTranslation: tr}, err
		},
		load: func(ctx context.Context, t *Tx, r storage.Record) error {
			return t.PutStoryTranslation(ctx, r.StoryTranslation)
		},
		name: func(r storage.Record) string { return "translation of story " + r.StoryTranslation.StoryID },
	},
	{
		typ: storage.RecordAudit, table: "audit_log", dump: "SELECT " + AuditColumns + " FROM audit_log ORDER BY id",
		scan: func(row Row) (storage.Record, error) {
			e, err := scanAuditEntry(row)
			return storage.Record{Audit: &e}, err
		},
		load: func(ctx context.Context, t *Tx, r storage.Record) error {
			e := r.Audit
			_, err := t.DB.Exec(ctx, "INSERT INTO audit_log ("+AuditColumns+")"+t.D.KeepIdentity()+" VALUES (?, ?, ?, ?, ?, ?, ?)",
				e.ID, t.D.NullTime(e.At), e.Actor, e.Action, e.SubjectID, e.Reason, e.Note)
			return t.err("load audit", err)
		},
		name: func(r storage.Record) string { return "audit entry " + fmt.Sprint(r.Audit.ID) },
	},
	{
		typ: storage.RecordBlobDeletion, table: "blob_deletions", dump: "SELECT key, due_at FROM blob_deletions ORDER BY key",
		scan: func(row Row) (storage.Record, error) {
			b, err := scanBlobDeletion(row)
			return storage.Record{BlobDeletion: b}, err
		},
		load: func(ctx context.Context, t *Tx, r storage.Record) error {
			return t.ScheduleBlobDeletion(ctx, r.BlobDeletion.Key, r.BlobDeletion.DueAt)
		},
		name: func(r storage.Record) string { return "blob deletion " + r.BlobDeletion.Key },
	},
	{
		typ: storage.RecordPost, table: "social_posts", dump: "SELECT " + PostColumns + " FROM social_posts ORDER BY id",
		scan: func(row Row) (storage.Record, error) {
			p, err := scanPost(row)
			return storage.Record{Post: p}, err
		},
		load: func(ctx context.Context, t *Tx, r storage.Record) error { return t.InsertPost(ctx, r.Post) },
		name: func(r storage.Record) string { return "social post " + r.Post.ID },
	},
	{
		typ: storage.RecordSetting, table: "settings", dump: "SELECT " + SettingColumns + " FROM settings ORDER BY key",
		scan: func(row Row) (storage.Record, error) {
			s, err := scanSetting(row)
			return storage.Record{Setting: s}, err
		},
		load: func(ctx context.Context, t *Tx, r storage.Record) error { return t.PutSetting(ctx, *r.Setting) },
		name: func(r storage.Record) string { return "setting " + r.Setting.Key },
	},
	{
		typ: storage.RecordStoredReply, table: "stored_replies", dump: "SELECT " + StoredReplyColumns + " FROM stored_replies ORDER BY id",
		scan: func(row Row) (storage.Record, error) {
			sr, err := scanStoredReply(row)
			return storage.Record{StoredReply: &sr}, err
		},
		load: func(ctx context.Context, t *Tx, r storage.Record) error { return t.PutStoredReply(ctx, *r.StoredReply) },
		name: func(r storage.Record) string { return "reply " + r.StoredReply.ID },
	},
	{
		typ: storage.RecordTranslation, table: "translations",
		dump: "SELECT " + TranslationColumns + " FROM translations ORDER BY catalog, lang, key",
		scan: func(row Row) (storage.Record, error) {
			tr, err := scanTranslation(row)
			return storage.Record{Translation: &tr}, err
		},
		load: func(ctx context.Context, t *Tx, r storage.Record) error { return t.PutTranslation(ctx, *r.Translation) },
		name: func(r storage.Record) string {
			return "translation " + r.Translation.Catalog + "/" + r.Translation.Lang + "/" + r.Translation.Key
		},
	},
}

// RecordTables lists the tables of every record type, in dump order.
func RecordTables() []string {
	out := make([]string, len(recordTables))
	for i, rt := range recordTables {
		out[i] = rt.table
	}
	return out
}

func tableOf(t storage.RecordType) *recordTable {
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
		rt := tableOf(r.Type())
		if rt == nil {
			return errors.New("empty record")
		}
		if err := rt.load(ctx, t, r); err != nil {
			return fmt.Errorf("load %s: %w", rt.name(r), err)
		}
	}
}
