package postgres

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"chorus/internal/storage"
	"chorus/internal/storage/jobqueue"
	"chorus/internal/story"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/riverqueue/river"
)

// querier is what a pool and a transaction have in common.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// queries implements storage.Reader over a pool or a transaction.
type queries struct {
	db     querier
	lock   bool // in a transaction: single-row reads lock the row
	goFold bool // fold accents in Go for the search index (no unaccent)
}

type txStore struct {
	queries
	tx   pgx.Tx
	jobs *jobqueue.Jobs[pgx.Tx]
}

func (t *txStore) Enqueue(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
	return t.jobs.Enqueue(ctx, t.tx, args, opts)
}

func (t *txStore) DeleteExpiredCredentials(ctx context.Context, now time.Time) (int, error) {
	tag, err := t.db.Exec(ctx, "DELETE FROM credentials WHERE expires_at IS NOT NULL AND expires_at <= $1", now)
	if err != nil {
		return 0, domainError("expire credentials", err)
	}
	return int(tag.RowsAffected()), nil
}

var _ storage.Tx = (*txStore)(nil)

func (q queries) forUpdate() string {
	if q.lock {
		return " FOR UPDATE"
	}
	return ""
}

const storyColumns = `id, status, title, body, language, country, city, themes, identity,
	display_name, anonymous, contact_sealed, consent_publish, consent_social, consent_toolkit, consent_translate,
	photo, demo, featured, signals, reject_reason, reject_note, withdraw_reason,
	created_at, updated_at, published_at, withdrawn_at`

// Zero times are stored as NULL, except where a time must sort and compare
// (published_at, due_at): there zero is -infinity. Both read back as zero.
// Times are kept to the microsecond and read back in UTC.
func nullTime(t time.Time) pgtype.Timestamptz {
	if t.IsZero() {
		return pgtype.Timestamptz{}
	}
	return pgtype.Timestamptz{Time: t, Valid: true}
}

func sortedTime(t time.Time) pgtype.Timestamptz {
	if t.IsZero() {
		return pgtype.Timestamptz{InfinityModifier: pgtype.NegativeInfinity, Valid: true}
	}
	return pgtype.Timestamptz{Time: t, Valid: true}
}

func fromTime(v pgtype.Timestamptz) time.Time {
	if !v.Valid || v.InfinityModifier != pgtype.Finite {
		return time.Time{}
	}
	return v.Time.UTC()
}

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

func scanStory(row pgx.Row) (*story.Story, error) {
	var (
		s                                  story.Story
		themes                             []string
		identity, status                   string
		photo, signals                     []byte
		created, updated, published, wdrwn pgtype.Timestamptz
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
	if len(themes) > 0 {
		s.Themes = themes
	}
	if len(photo) > 0 && string(photo) != "null" {
		s.Photo = new(story.Photo)
		if err := json.Unmarshal(photo, s.Photo); err != nil {
			return nil, fmt.Errorf("decode photo of %s: %w", s.ID, err)
		}
	}
	if len(signals) > 0 && string(signals) != "null" {
		if err := json.Unmarshal(signals, &s.Signals); err != nil {
			return nil, fmt.Errorf("decode signals of %s: %w", s.ID, err)
		}
	}
	s.CreatedAt, s.UpdatedAt = fromTime(created), fromTime(updated)
	s.PublishedAt, s.WithdrawnAt = fromTime(published), fromTime(wdrwn)
	return &s, nil
}

func (q queries) Story(ctx context.Context, id string) (*story.Story, error) {
	s, err := scanStory(q.db.QueryRow(ctx, "SELECT "+storyColumns+" FROM stories WHERE id = $1"+q.forUpdate(), id))
	if err != nil {
		return nil, domainError("story", err)
	}
	return s, nil
}

// A cursor is the (published_at, id) of the last story of a page, in the
// same format as the SQLite backend's.
func encodeCursor(s *story.Story) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(micros(s.PublishedAt), 10) + ":" + s.ID))
}

func decodeCursor(c string) (time.Time, string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return time.Time{}, "", err
	}
	at, id, ok := strings.Cut(string(raw), ":")
	if !ok {
		return time.Time{}, "", fmt.Errorf("no separator")
	}
	v, err := strconv.ParseInt(at, 10, 64)
	return fromMicros(v), id, err
}

// args numbers query parameters as they are added.
type args []any

func (a *args) add(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}

func (q queries) PublishedStories(ctx context.Context, f storage.StoryFilter) (storage.StoryPage, error) {
	limit := f.Limit
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	var (
		where = []string{"s.status = 'published'"}
		a     args
		join  string
	)
	if f.Theme != "" {
		join = " JOIN story_themes t ON t.story_id = s.id AND t.theme = " + a.add(f.Theme)
	}
	if f.Language != "" {
		where = append(where, "s.language = "+a.add(f.Language))
	}
	if f.Country != "" {
		where = append(where, "s.country = "+a.add(f.Country))
	}
	if f.Featured {
		where = append(where, "s.featured")
	}
	if f.Toolkit {
		where = append(where, "s.consent_toolkit")
	}
	var window string
	if f.Cursor != "" {
		at, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return storage.StoryPage{}, story.FieldError("cursor", "error.bad_cursor", "The page link is not valid.")
		}
		after := "(" + a.add(sortedTime(at)) + ", " + a.add(id) + ")"
		where = append(where, "(s.published_at, s.id) < "+after)
		window = " AND (published_at, id) < " + after
	}
	order := " ORDER BY s.published_at DESC, s.id DESC LIMIT " + a.add(limit+1)
	var page storage.StoryPage
	var err error
	from := "stories s" + join
	if f.Query == "" {
		page.Stories, err = q.listStories(ctx, "SELECT "+prefixed("s.", storyColumns)+" FROM "+from+" WHERE "+strings.Join(where, " AND ")+order, a)
	} else {
		words := queryWords(f.Query, q.goFold)
		if len(words) == 0 {
			return storage.StoryPage{}, nil
		}
		where = append(where, "s.search @@ chorus_tsquery("+a.add(words)+"::text[])")
		// The planner cannot tell a rare word from a common one, and walks
		// the stories newest first testing each: quick for a common word,
		// a walk of the whole table for a rare one. So search the newest
		// searchWindow stories that way first; if that does not fill the
		// page, take every match from the search index and sort them (the
		// OFFSET 0 keeps the planner from turning it back into the walk).
		// Only the columns the test needs are read for the window; the
		// few stories found are then fetched whole.
		newest := "(SELECT id, published_at, search FROM stories WHERE status = 'published'" + window +
			" ORDER BY published_at DESC, id DESC LIMIT " + strconv.Itoa(searchWindow) + ") w JOIN stories s ON s.id = w.id"
		last := len(where) - 1
		recent := "SELECT " + prefixed("s.", storyColumns) + " FROM " + newest + join + " WHERE " +
			strings.Join(where[:last], " AND ") + " AND " + strings.Replace(where[last], "s.search", "w.search", 1) +
			strings.Replace(order, "s.published_at DESC, s.id DESC", "w.published_at DESC, w.id DESC", 1)
		page.Stories, err = q.listStories(ctx, recent, a)
		if err == nil && len(page.Stories) <= limit {
			matches := "SELECT * FROM (SELECT " + prefixed("s.", storyColumns) + " FROM " + from + " WHERE " +
				strings.Join(where, " AND ") + " OFFSET 0) s" + order
			page.Stories, err = q.listStories(ctx, matches, a)
		}
	}
	if err != nil {
		return storage.StoryPage{}, err
	}
	if len(page.Stories) > limit {
		page.Stories = page.Stories[:limit]
		page.NextCursor = encodeCursor(page.Stories[limit-1])
	}
	return page, nil
}

// searchWindow is how many of the newest stories a search tests one by one
// before asking the search index for every match.
const searchWindow = 5000

func (q queries) listStories(ctx context.Context, query string, a args) ([]*story.Story, error) {
	rows, err := q.db.Query(ctx, query, a...)
	if err != nil {
		return nil, domainError("list stories", err)
	}
	return collect(rows, "list stories", scanStory)
}

func prefixed(prefix, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = prefix + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

func collect[T any](rows pgx.Rows, op string, scan func(pgx.Row) (T, error)) ([]T, error) {
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

func (q queries) Queue(ctx context.Context, limit int) ([]*story.Story, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := q.db.Query(ctx, "SELECT "+storyColumns+" FROM stories WHERE status = 'pending' ORDER BY created_at, id LIMIT $1", limit)
	if err != nil {
		return nil, domainError("queue", err)
	}
	return collect(rows, "queue", scanStory)
}

func (q queries) DecidedStories(ctx context.Context, afterID string, limit int) ([]*story.Story, error) {
	rows, err := q.db.Query(ctx, "SELECT "+storyColumns+` FROM stories WHERE status IN ('published', 'rejected') AND id COLLATE "C" > $1 ORDER BY id COLLATE "C" LIMIT $2`, afterID, limit)
	if err != nil {
		return nil, domainError("decided stories", err)
	}
	return collect(rows, "decided stories", scanStory)
}

func (q queries) CountByStatus(ctx context.Context, status story.Status) (int, error) {
	var n int
	err := q.db.QueryRow(ctx, "SELECT count(*) FROM stories WHERE status = $1", string(status)).Scan(&n)
	return n, domainError("count", err)
}

func (q queries) SubmissionTokenHash(ctx context.Context, id string) ([]byte, error) {
	var h []byte
	err := q.db.QueryRow(ctx, "SELECT token_hash FROM stories WHERE id = $1", id).Scan(&h)
	return h, domainError("token", err)
}

func scanString(row pgx.Row) (string, error) {
	var s string
	err := row.Scan(&s)
	return s, err
}

func (q queries) Countries(ctx context.Context) ([]string, error) {
	// One index seek per country, rather than reading every published story.
	rows, err := q.db.Query(ctx, `WITH RECURSIVE c(country) AS (
		SELECT (SELECT min(country) FROM stories WHERE status = 'published')
		UNION ALL
		SELECT (SELECT min(country) FROM stories WHERE status = 'published' AND country > c.country) FROM c WHERE c.country IS NOT NULL)
		SELECT country FROM c WHERE country IS NOT NULL`)
	if err != nil {
		return nil, domainError("countries", err)
	}
	return collect(rows, "countries", scanString)
}

const userColumns = "id, email, role, password_hash, totp_secret, created_at"

func scanUser(row pgx.Row) (*storage.User, error) {
	var u storage.User
	var role string
	var created pgtype.Timestamptz
	if err := row.Scan(&u.ID, &u.Email, &role, &u.PasswordHash, &u.TOTPSecret, &created); err != nil {
		return nil, domainError("user", err)
	}
	u.Role = storage.Role(role)
	u.CreatedAt = fromTime(created)
	return &u, nil
}

// E-mail addresses compare without regard to case, as SQLite's NOCASE
// column does; the unique index is on lower(email).
func (q queries) UserByEmail(ctx context.Context, email string) (*storage.User, error) {
	return scanUser(q.db.QueryRow(ctx, "SELECT "+userColumns+" FROM users WHERE lower(email) = lower($1)"+q.forUpdate(), email))
}

func (q queries) UserByID(ctx context.Context, id int64) (*storage.User, error) {
	return scanUser(q.db.QueryRow(ctx, "SELECT "+userColumns+" FROM users WHERE id = $1"+q.forUpdate(), id))
}

func (q queries) CredentialUser(ctx context.Context, kind storage.CredentialKind, tokenHash []byte, now time.Time) (*storage.User, error) {
	return scanUser(q.db.QueryRow(ctx, "SELECT "+prefixed("u.", userColumns)+
		" FROM credentials c JOIN users u ON u.id = c.user_id WHERE c.token_hash = $1 AND c.kind = $2 AND (c.expires_at IS NULL OR c.expires_at > $3)",
		tokenHash, string(kind), now))
}

func (q queries) Audit(ctx context.Context, subjectIDs ...string) ([]storage.AuditEntry, error) {
	if len(subjectIDs) == 0 {
		return nil, nil
	}
	rows, err := q.db.Query(ctx, "SELECT id, at, actor, action, subject_id, reason, note FROM audit_log WHERE subject_id = ANY($1) ORDER BY id", subjectIDs)
	if err != nil {
		return nil, domainError("audit", err)
	}
	return collect(rows, "audit", func(row pgx.Row) (storage.AuditEntry, error) {
		var e storage.AuditEntry
		var at pgtype.Timestamptz
		err := row.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.SubjectID, &e.Reason, &e.Note)
		e.At = fromTime(at)
		return e, err
	})
}

func (q queries) DueBlobDeletions(ctx context.Context, now time.Time, limit int) ([]string, error) {
	rows, err := q.db.Query(ctx, "SELECT key FROM blob_deletions WHERE due_at <= $1 ORDER BY due_at LIMIT $2", sortedTime(now), limit)
	if err != nil {
		return nil, domainError("blob deletions", err)
	}
	return collect(rows, "blob deletions", scanString)
}

// storyArgs are the values of storyColumns, then the search text (NULL
// unless the story is published: the index holds exactly the published
// stories).
func (q queries) storyArgs(s *story.Story) ([]any, error) {
	var photo, signals, search any
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
	if s.Status == story.StatusPublished {
		search = searchText(s.Title+"\n"+s.Body, q.goFold)
	}
	themes := s.Themes
	if themes == nil {
		themes = []string{}
	}
	return []any{s.ID, string(s.Status), s.Title, s.Body, s.Language, s.Country, s.City, themes, string(s.Identity),
		s.DisplayName, s.Anonymous, s.ContactSealed, s.Consent.Publish, s.Consent.Social, s.Consent.Toolkit, s.Consent.Translate,
		photo, s.Demo, s.Featured, signals, s.RejectReason, s.RejectNote, s.WithdrawReason,
		nullTime(s.CreatedAt), nullTime(s.UpdatedAt), sortedTime(s.PublishedAt), nullTime(s.WithdrawnAt), search}, nil
}

const searchVector = "to_tsvector('simple', chorus_fold(%s::text))"

func (t *txStore) InsertStory(ctx context.Context, s *story.Story, tokenHash []byte) error {
	vals, err := t.storyArgs(s)
	if err != nil {
		return err
	}
	n := len(vals)
	params := make([]string, n-1)
	for i := range params {
		params[i] = "$" + strconv.Itoa(i+1)
	}
	_, err = t.db.Exec(ctx, "INSERT INTO stories ("+storyColumns+", search, token_hash) VALUES ("+strings.Join(params, ", ")+
		", "+fmt.Sprintf(searchVector, "$"+strconv.Itoa(n))+", $"+strconv.Itoa(n+1)+")", append(vals, tokenHash)...)
	if err != nil {
		return domainError("insert story", err)
	}
	return t.syncThemes(ctx, s)
}

func (t *txStore) UpdateStory(ctx context.Context, s *story.Story) error {
	vals, err := t.storyArgs(s)
	if err != nil {
		return err
	}
	cols := strings.Split(storyColumns, ",")
	sets := make([]string, 0, len(cols))
	for i, c := range cols[1:] {
		sets = append(sets, strings.TrimSpace(c)+" = $"+strconv.Itoa(i+2))
	}
	sets = append(sets, "search = "+fmt.Sprintf(searchVector, "$"+strconv.Itoa(len(vals))))
	tag, err := t.db.Exec(ctx, "UPDATE stories SET "+strings.Join(sets, ", ")+" WHERE id = $1", vals...)
	if err != nil {
		return domainError("update story", err)
	}
	if tag.RowsAffected() == 0 {
		return story.ErrNotFound
	}
	return t.syncThemes(ctx, s)
}

// syncThemes keeps the theme index holding exactly the published stories.
func (t *txStore) syncThemes(ctx context.Context, s *story.Story) error {
	if _, err := t.db.Exec(ctx, "DELETE FROM story_themes WHERE story_id = $1", s.ID); err != nil {
		return domainError("themes", err)
	}
	if s.Status != story.StatusPublished || len(s.Themes) == 0 {
		return nil
	}
	_, err := t.db.Exec(ctx, `INSERT INTO story_themes (theme, published_at, story_id)
		SELECT DISTINCT theme, $2::timestamptz, $3 FROM unnest($1::text[]) AS theme ON CONFLICT DO NOTHING`,
		s.Themes, sortedTime(s.PublishedAt), s.ID)
	return domainError("themes", err)
}

func (t *txStore) EraseStory(ctx context.Context, id, reason string, at time.Time) error {
	if _, err := t.db.Exec(ctx, "DELETE FROM story_themes WHERE story_id = $1", id); err != nil {
		return domainError("erase themes", err)
	}
	if _, err := t.DeleteStoryTranslations(ctx, id); err != nil {
		return err
	}
	tag, err := t.db.Exec(ctx, `UPDATE stories SET status = 'withdrawn', title = '', body = '', city = '', themes = '{}',
		display_name = '', anonymous = true, contact_sealed = NULL, photo = NULL, signals = NULL, reject_note = '',
		featured = false, consent_translate = false, search = NULL, withdraw_reason = $1, updated_at = $2, withdrawn_at = $2,
		language = '', country = '', identity = '', consent_publish = false, consent_social = false, consent_toolkit = false,
		demo = false, reject_reason = '', published_at = '-infinity' WHERE id = $3`,
		reason, nullTime(at), id)
	if err != nil {
		return domainError("erase story", err)
	}
	if tag.RowsAffected() == 0 {
		return story.ErrNotFound
	}
	_, err = t.db.Exec(ctx, "UPDATE audit_log SET note = '' WHERE subject_id = $1 AND note <> ''", id)
	return domainError("erase audit notes", err)
}

func (t *txStore) AppendAudit(ctx context.Context, e storage.AuditEntry) error {
	_, err := t.db.Exec(ctx, "INSERT INTO audit_log (at, actor, action, subject_id, reason, note) VALUES ($1, $2, $3, $4, $5, $6)",
		nullTime(e.At), e.Actor, e.Action, e.SubjectID, e.Reason, e.Note)
	return domainError("audit", err)
}

func (t *txStore) InsertUser(ctx context.Context, u *storage.User) error {
	err := t.db.QueryRow(ctx, "INSERT INTO users (email, role, password_hash, totp_secret, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
		u.Email, string(u.Role), u.PasswordHash, u.TOTPSecret, nullTime(u.CreatedAt)).Scan(&u.ID)
	return domainError("insert user", err)
}

func (t *txStore) UpdateUser(ctx context.Context, u *storage.User) error {
	_, err := t.db.Exec(ctx, "UPDATE users SET email = $1, role = $2, password_hash = $3, totp_secret = $4 WHERE id = $5",
		u.Email, string(u.Role), u.PasswordHash, u.TOTPSecret, u.ID)
	return domainError("update user", err)
}

func (t *txStore) InsertCredential(ctx context.Context, c storage.Credential) error {
	_, err := t.db.Exec(ctx, "INSERT INTO credentials (token_hash, kind, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
		c.TokenHash, string(c.Kind), c.UserID, nullTime(c.CreatedAt), nullTime(c.ExpiresAt))
	return domainError("insert credential", err)
}

func (t *txStore) DeleteCredential(ctx context.Context, kind storage.CredentialKind, tokenHash []byte) error {
	tag, err := t.db.Exec(ctx, "DELETE FROM credentials WHERE token_hash = $1 AND kind = $2", tokenHash, string(kind))
	if err != nil {
		return domainError("delete credential", err)
	}
	if tag.RowsAffected() == 0 {
		return story.ErrNotFound
	}
	return nil
}

func (t *txStore) ScheduleBlobDeletion(ctx context.Context, key string, due time.Time) error {
	_, err := t.db.Exec(ctx, "INSERT INTO blob_deletions (key, due_at) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET due_at = excluded.due_at", key, sortedTime(due))
	return domainError("schedule blob deletion", err)
}

func (t *txStore) CancelBlobDeletion(ctx context.Context, key string) error {
	_, err := t.db.Exec(ctx, "DELETE FROM blob_deletions WHERE key = $1", key)
	return domainError("cancel blob deletion", err)
}

func (t *txStore) DoneBlobDeletion(ctx context.Context, key string) error {
	return t.CancelBlobDeletion(ctx, key)
}
