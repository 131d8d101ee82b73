package sqlite

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"chorus/internal/storage"
	"chorus/internal/storage/jobqueue"
	"chorus/internal/story"
)

type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// queries implements storage.Reader over a pool or a transaction.
type queries struct{ db querier }

type txStore struct {
	queries
	tx   *sql.Tx
	jobs *jobqueue.Jobs[*sql.Tx]
}

func (t *txStore) Enqueue(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
	return t.jobs.Enqueue(ctx, t.tx, args, opts)
}

func (t *txStore) DeleteExpiredCredentials(ctx context.Context, now time.Time) (int, error) {
	res, err := t.db.ExecContext(ctx, "DELETE FROM credentials WHERE expires_at <> 0 AND expires_at <= ?", micros(now))
	if err != nil {
		return 0, domainError("expire credentials", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

var _ storage.Tx = (*txStore)(nil)

const storyColumns = `id, status, title, body, language, country, city, themes, identity,
	display_name, anonymous, contact_sealed, consent_publish, consent_social, consent_toolkit, consent_translate,
	photo, demo, featured, signals, reject_reason, reject_note, withdraw_reason,
	created_at, updated_at, published_at, withdrawn_at`

func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func fromMicros(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMicro(v).UTC()
}

type scanner interface{ Scan(dest ...any) error }

// queryAll runs a query and scans every row it returns.
func queryAll[T any](ctx context.Context, db querier, op string, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, domainError(op, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, domainError(op, err)
		}
		out = append(out, v)
	}
	return out, domainError(op, rows.Err())
}

func scanStory(row scanner) (*story.Story, error) {
	var (
		s                                  story.Story
		themes, identity, status           string
		photo, signals                     sql.NullString
		created, updated, published, wdrwn int64
	)
	err := row.Scan(&s.ID, &status, &s.Title, &s.Body, &s.Language, &s.Country, &s.City, &themes, &identity,
		&s.DisplayName, &s.Anonymous, &s.ContactSealed, &s.Consent.Publish, &s.Consent.Social, &s.Consent.Toolkit, &s.Consent.Translate,
		&photo, &s.Demo, &s.Featured, &signals, &s.RejectReason, &s.RejectNote, &s.WithdrawReason,
		&created, &updated, &published, &wdrwn)
	if err != nil {
		return nil, err
	}
	s.Status = story.Status(status)
	s.Identity = story.Identity(identity)
	if themes != "" {
		s.Themes = strings.Split(themes, ",")
	}
	if photo.Valid && photo.String != "" {
		s.Photo = new(story.Photo)
		if err := json.Unmarshal([]byte(photo.String), s.Photo); err != nil {
			return nil, fmt.Errorf("decode photo of %s: %w", s.ID, err)
		}
	}
	if signals.Valid && signals.String != "" {
		if err := json.Unmarshal([]byte(signals.String), &s.Signals); err != nil {
			return nil, fmt.Errorf("decode signals of %s: %w", s.ID, err)
		}
	}
	s.CreatedAt, s.UpdatedAt = fromMicros(created), fromMicros(updated)
	s.PublishedAt, s.WithdrawnAt = fromMicros(published), fromMicros(wdrwn)
	return &s, nil
}

func (q queries) Story(ctx context.Context, id string) (*story.Story, error) {
	s, err := scanStory(q.db.QueryRowContext(ctx, "SELECT "+storyColumns+" FROM stories WHERE id = ?", id))
	if err != nil {
		return nil, domainError("story", err)
	}
	return s, nil
}

// A cursor is the (published_at, id) of the last story of a page.
func encodeCursor(s *story.Story) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(micros(s.PublishedAt), 10) + ":" + s.ID))
}

func decodeCursor(c string) (int64, string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, "", err
	}
	at, id, ok := strings.Cut(string(raw), ":")
	if !ok {
		return 0, "", fmt.Errorf("no separator")
	}
	v, err := strconv.ParseInt(at, 10, 64)
	return v, id, err
}

// ftsQuery turns free text into an FTS5 query matching every word, the last
// one as a prefix, with FTS syntax characters neutralised.
func ftsQuery(text string) string {
	words := strings.FieldsFunc(text, func(r rune) bool {
		return r == '"' || r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '*' || r == '^' || r == ':' || r == '(' || r == ')' || r == '+' || r == '-'
	})
	if len(words) > 12 {
		words = words[:12]
	}
	for i, w := range words {
		words[i] = `"` + w + `"`
	}
	if len(words) > 0 {
		words[len(words)-1] += "*"
	}
	return strings.Join(words, " ")
}

func (q queries) PublishedStories(ctx context.Context, f storage.StoryFilter) (storage.StoryPage, error) {
	limit := f.Limit
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	var (
		where = []string{"s.status = 'published'"}
		args  []any
		from  = "stories s"
	)
	if f.Language != "" {
		where = append(where, "s.language = ?")
		args = append(args, f.Language)
	}
	if f.Country != "" {
		where = append(where, "s.country = ?")
		args = append(args, f.Country)
	}
	if f.Featured {
		where = append(where, "s.featured = 1")
	}
	if f.Toolkit {
		where = append(where, "s.consent_toolkit = 1")
	}
	if f.Theme != "" {
		from += " JOIN story_themes t ON t.story_id = s.id AND t.theme = ?"
		args = append([]any{f.Theme}, args...)
	}
	if f.Query != "" {
		match := ftsQuery(f.Query)
		if match == "" {
			return storage.StoryPage{}, nil
		}
		// A rare word is answered from its few matches; a common one by
		// walking the stories in date order and testing each against the
		// index, which stops as soon as a page is full.
		rowids, err := q.matchingRowids(ctx, match, searchFetchLimit+1)
		if err != nil {
			return storage.StoryPage{}, err
		}
		switch {
		case len(rowids) == 0:
			return storage.StoryPage{}, nil
		case len(rowids) <= searchFetchLimit:
			// The unary + keeps SQLite from walking the status index: the
			// few matches are fetched by rowid and sorted instead.
			where[0] = "+s.status = 'published'"
			where = append(where, "s.rowid IN (?"+strings.Repeat(", ?", len(rowids)-1)+")")
			args = append(args, rowids...)
		default:
			where = append(where, "s.rowid IN (SELECT rowid FROM story_search WHERE story_search MATCH ?)")
			args = append(args, match)
		}
	}
	if f.Cursor != "" {
		at, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return storage.StoryPage{}, story.FieldError("cursor", "error.bad_cursor", "The page link is not valid.")
		}
		where = append(where, "(s.published_at < ? OR (s.published_at = ? AND s.id < ?))")
		args = append(args, at, at, id)
	}
	query := "SELECT " + prefixed("s.", storyColumns) + " FROM " + from + " WHERE " + strings.Join(where, " AND ") +
		" ORDER BY s.published_at DESC, s.id DESC LIMIT ?"
	args = append(args, limit+1)
	rows, err := q.db.QueryContext(ctx, query, args...)
	if err != nil {
		return storage.StoryPage{}, domainError("list stories", err)
	}
	defer rows.Close()
	var page storage.StoryPage
	for rows.Next() {
		s, err := scanStory(rows)
		if err != nil {
			return storage.StoryPage{}, domainError("list stories", err)
		}
		page.Stories = append(page.Stories, s)
	}
	if err := rows.Err(); err != nil {
		return storage.StoryPage{}, domainError("list stories", err)
	}
	if len(page.Stories) > limit {
		page.Stories = page.Stories[:limit]
		page.NextCursor = encodeCursor(page.Stories[limit-1])
	}
	return page, nil
}

// searchFetchLimit is the most matches fetched by rowid and sorted; above
// it, walking the date index is cheaper.
const searchFetchLimit = 500

func (q queries) matchingRowids(ctx context.Context, match string, limit int) ([]any, error) {
	rows, err := q.db.QueryContext(ctx, "SELECT rowid FROM story_search WHERE story_search MATCH ? LIMIT ?", match, limit)
	if err != nil {
		return nil, domainError("search", err)
	}
	defer rows.Close()
	var out []any
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, domainError("search", err)
		}
		out = append(out, id)
	}
	return out, domainError("search", rows.Err())
}

func prefixed(prefix, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = prefix + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

func (q queries) Queue(ctx context.Context, limit int) ([]*story.Story, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	return queryAll(ctx, q.db, "queue", scanStory,
		"SELECT "+storyColumns+" FROM stories WHERE status = 'pending' ORDER BY created_at, id LIMIT ?", limit)
}

func (q queries) DecidedStories(ctx context.Context, afterID string, limit int) ([]*story.Story, error) {
	return queryAll(ctx, q.db, "decided stories", scanStory,
		"SELECT "+storyColumns+" FROM stories WHERE status IN ('published', 'rejected') AND id > ? ORDER BY id LIMIT ?", afterID, limit)
}

func (q queries) CountByStatus(ctx context.Context, status story.Status) (int, error) {
	var n int
	err := q.db.QueryRowContext(ctx, "SELECT count(*) FROM stories WHERE status = ?", string(status)).Scan(&n)
	return n, domainError("count", err)
}

func (q queries) SubmissionTokenHash(ctx context.Context, id string) ([]byte, error) {
	var h []byte
	err := q.db.QueryRowContext(ctx, "SELECT token_hash FROM stories WHERE id = ?", id).Scan(&h)
	return h, domainError("token", err)
}

func (q queries) Countries(ctx context.Context) ([]string, error) {
	// One index seek per country, rather than reading every published
	// story's index entry.
	rows, err := q.db.QueryContext(ctx, `WITH RECURSIVE c(country) AS (
		SELECT (SELECT min(country) FROM stories WHERE status = 'published')
		UNION ALL
		SELECT (SELECT min(country) FROM stories WHERE status = 'published' AND country > c.country) FROM c WHERE c.country IS NOT NULL)
		SELECT country FROM c WHERE country IS NOT NULL`)
	if err != nil {
		return nil, domainError("countries", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, domainError("countries", err)
		}
		out = append(out, c)
	}
	return out, domainError("countries", rows.Err())
}

const userColumns = "id, email, role, password_hash, totp_secret, created_at"

func scanUser(row scanner) (*storage.User, error) {
	var u storage.User
	var role string
	var created int64
	if err := row.Scan(&u.ID, &u.Email, &role, &u.PasswordHash, &u.TOTPSecret, &created); err != nil {
		return nil, domainError("user", err)
	}
	u.Role = storage.Role(role)
	u.CreatedAt = fromMicros(created)
	return &u, nil
}

func (q queries) UserByEmail(ctx context.Context, email string) (*storage.User, error) {
	return scanUser(q.db.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE email = ?", email))
}

func (q queries) UserByID(ctx context.Context, id int64) (*storage.User, error) {
	return scanUser(q.db.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE id = ?", id))
}

func (q queries) CredentialUser(ctx context.Context, kind storage.CredentialKind, tokenHash []byte, now time.Time) (*storage.User, error) {
	return scanUser(q.db.QueryRowContext(ctx, "SELECT "+prefixed("u.", userColumns)+
		" FROM credentials c JOIN users u ON u.id = c.user_id WHERE c.token_hash = ? AND c.kind = ? AND (c.expires_at = 0 OR c.expires_at > ?)",
		tokenHash, string(kind), micros(now)))
}

func (q queries) Audit(ctx context.Context, subjectIDs ...string) ([]storage.AuditEntry, error) {
	if len(subjectIDs) == 0 {
		return nil, nil
	}
	args := make([]any, len(subjectIDs))
	for i, id := range subjectIDs {
		args[i] = id
	}
	marks := strings.Repeat("?, ", len(args))
	return queryAll(ctx, q.db, "audit", scanAuditEntry,
		"SELECT id, at, actor, action, subject_id, reason, note FROM audit_log WHERE subject_id IN ("+marks[:len(marks)-2]+") ORDER BY id", args...)
}

func scanAuditEntry(row scanner) (storage.AuditEntry, error) {
	var e storage.AuditEntry
	var at int64
	err := row.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.SubjectID, &e.Reason, &e.Note)
	e.At = fromMicros(at)
	return e, err
}

func (q queries) DueBlobDeletions(ctx context.Context, now time.Time, limit int) ([]string, error) {
	rows, err := q.db.QueryContext(ctx, "SELECT key FROM blob_deletions WHERE due_at <= ? ORDER BY due_at LIMIT ?", micros(now), limit)
	if err != nil {
		return nil, domainError("blob deletions", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, domainError("blob deletions", err)
		}
		out = append(out, k)
	}
	return out, domainError("blob deletions", rows.Err())
}

func storyArgs(s *story.Story) ([]any, error) {
	var photo, signals any
	if s.Photo != nil {
		b, err := json.Marshal(s.Photo)
		if err != nil {
			return nil, err
		}
		photo = string(b)
	}
	if len(s.Signals) > 0 {
		b, err := json.Marshal(s.Signals)
		if err != nil {
			return nil, err
		}
		signals = string(b)
	}
	return []any{s.ID, string(s.Status), s.Title, s.Body, s.Language, s.Country, s.City, strings.Join(s.Themes, ","), string(s.Identity),
		s.DisplayName, s.Anonymous, s.ContactSealed, s.Consent.Publish, s.Consent.Social, s.Consent.Toolkit, s.Consent.Translate,
		photo, s.Demo, s.Featured, signals, s.RejectReason, s.RejectNote, s.WithdrawReason,
		micros(s.CreatedAt), micros(s.UpdatedAt), micros(s.PublishedAt), micros(s.WithdrawnAt)}, nil
}

func (t *txStore) InsertStory(ctx context.Context, s *story.Story, tokenHash []byte) error {
	args, err := storyArgs(s)
	if err != nil {
		return err
	}
	_, err = t.db.ExecContext(ctx, "INSERT INTO stories ("+storyColumns+", token_hash) VALUES (?"+strings.Repeat(", ?", len(args))+")", append(args, tokenHash)...)
	if err != nil {
		return domainError("insert story", err)
	}
	return t.syncPublicIndexes(ctx, s)
}

func (t *txStore) UpdateStory(ctx context.Context, s *story.Story) error {
	args, err := storyArgs(s)
	if err != nil {
		return err
	}
	cols := strings.Split(storyColumns, ",")
	sets := make([]string, 0, len(cols)-1)
	for _, c := range cols[1:] {
		sets = append(sets, strings.TrimSpace(c)+" = ?")
	}
	res, err := t.db.ExecContext(ctx, "UPDATE stories SET "+strings.Join(sets, ", ")+" WHERE id = ?", append(args[1:], s.ID)...)
	if err != nil {
		return domainError("update story", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return story.ErrNotFound
	}
	return t.syncPublicIndexes(ctx, s)
}

// unindex removes a story from the search index. The index keeps the
// removed words as keys until it is rewritten, so the removal marks it for
// the next purge.
func (t *txStore) unindex(ctx context.Context, id string) error {
	res, err := t.db.ExecContext(ctx, "DELETE FROM story_search WHERE rowid = (SELECT rowid FROM stories WHERE id = ?)", id)
	if err != nil {
		return domainError("search index", err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		if _, err := t.db.ExecContext(ctx, "UPDATE maintenance SET value = 1 WHERE key = 'search_dirty'"); err != nil {
			return domainError("search index", err)
		}
	}
	return nil
}

// syncPublicIndexes keeps the theme and search indexes holding exactly the
// published stories.
func (t *txStore) syncPublicIndexes(ctx context.Context, s *story.Story) error {
	if _, err := t.db.ExecContext(ctx, "DELETE FROM story_themes WHERE story_id = ?", s.ID); err != nil {
		return domainError("themes", err)
	}
	if err := t.unindex(ctx, s.ID); err != nil {
		return err
	}
	if s.Status != story.StatusPublished {
		return nil
	}
	for _, theme := range s.Themes {
		if _, err := t.db.ExecContext(ctx, "INSERT OR IGNORE INTO story_themes (theme, published_at, story_id) VALUES (?, ?, ?)", theme, micros(s.PublishedAt), s.ID); err != nil {
			return domainError("themes", err)
		}
	}
	_, err := t.db.ExecContext(ctx, "INSERT INTO story_search (rowid, title, body) SELECT rowid, ?, ? FROM stories WHERE id = ?", s.Title, s.Body, s.ID)
	return domainError("search index", err)
}

func (t *txStore) EraseStory(ctx context.Context, id, reason string, at time.Time) error {
	if err := t.unindex(ctx, id); err != nil {
		return err
	}
	if _, err := t.db.ExecContext(ctx, "DELETE FROM story_themes WHERE story_id = ?", id); err != nil {
		return domainError("erase themes", err)
	}
	if _, err := t.DeleteStoryTranslations(ctx, id); err != nil {
		return err
	}
	res, err := t.db.ExecContext(ctx, `UPDATE stories SET status = 'withdrawn', title = '', body = '', city = '', themes = '',
		display_name = '', anonymous = 1, contact_sealed = NULL, photo = NULL, signals = NULL, reject_note = '',
		featured = 0, consent_translate = 0, withdraw_reason = ?, updated_at = ?, withdrawn_at = ?,
		language = '', country = '', identity = '', consent_publish = 0, consent_social = 0, consent_toolkit = 0,
		demo = 0, reject_reason = '', published_at = 0 WHERE id = ?`, reason, micros(at), micros(at), id)
	if err != nil {
		return domainError("erase story", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return story.ErrNotFound
	}
	_, err = t.db.ExecContext(ctx, "UPDATE audit_log SET note = '' WHERE subject_id = ? AND note <> ''", id)
	return domainError("erase audit notes", err)
}

func (t *txStore) AppendAudit(ctx context.Context, e storage.AuditEntry) error {
	_, err := t.db.ExecContext(ctx, "INSERT INTO audit_log (at, actor, action, subject_id, reason, note) VALUES (?, ?, ?, ?, ?, ?)",
		micros(e.At), e.Actor, e.Action, e.SubjectID, e.Reason, e.Note)
	return domainError("audit", err)
}

func (t *txStore) InsertUser(ctx context.Context, u *storage.User) error {
	res, err := t.db.ExecContext(ctx, "INSERT INTO users (email, role, password_hash, totp_secret, created_at) VALUES (?, ?, ?, ?, ?)",
		u.Email, string(u.Role), u.PasswordHash, u.TOTPSecret, micros(u.CreatedAt))
	if err != nil {
		return domainError("insert user", err)
	}
	u.ID, err = res.LastInsertId()
	return err
}

func (t *txStore) UpdateUser(ctx context.Context, u *storage.User) error {
	_, err := t.db.ExecContext(ctx, "UPDATE users SET email = ?, role = ?, password_hash = ?, totp_secret = ? WHERE id = ?",
		u.Email, string(u.Role), u.PasswordHash, u.TOTPSecret, u.ID)
	return domainError("update user", err)
}

func (t *txStore) InsertCredential(ctx context.Context, c storage.Credential) error {
	_, err := t.db.ExecContext(ctx, "INSERT INTO credentials (token_hash, kind, user_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
		c.TokenHash, string(c.Kind), c.UserID, micros(c.CreatedAt), micros(c.ExpiresAt))
	return domainError("insert credential", err)
}

func (t *txStore) DeleteCredential(ctx context.Context, kind storage.CredentialKind, tokenHash []byte) error {
	res, err := t.db.ExecContext(ctx, "DELETE FROM credentials WHERE token_hash = ? AND kind = ?", tokenHash, string(kind))
	if err != nil {
		return domainError("delete credential", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return story.ErrNotFound
	}
	return nil
}

func (t *txStore) ScheduleBlobDeletion(ctx context.Context, key string, due time.Time) error {
	_, err := t.db.ExecContext(ctx, "INSERT INTO blob_deletions (key, due_at) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET due_at = excluded.due_at", key, micros(due))
	return domainError("schedule blob deletion", err)
}

func (t *txStore) CancelBlobDeletion(ctx context.Context, key string) error {
	_, err := t.db.ExecContext(ctx, "DELETE FROM blob_deletions WHERE key = ?", key)
	return domainError("cancel blob deletion", err)
}

func (t *txStore) DoneBlobDeletion(ctx context.Context, key string) error {
	return t.CancelBlobDeletion(ctx, key)
}
