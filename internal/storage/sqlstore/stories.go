package sqlstore

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"chorus/internal/story"
)

// StoryColumns are the columns ScanStory reads, in order.
const StoryColumns = `id, status, title, body, language, country, city, themes, identity,
	display_name, anonymous, contact_sealed, consent_publish, consent_social, consent_toolkit, consent_translate,
	photo, demo, featured, signals, reject_reason, reject_note, withdraw_reason,
	created_at, updated_at, published_at, withdrawn_at`

// ScanStory reads the StoryColumns of a row, then extra.
func ScanStory(row Row, extra ...any) (*story.Story, error) {
	var (
		s                                  story.Story
		themes                             List
		identity, status                   string
		photo, signals                     []byte
		created, updated, published, wdrwn Time
	)
	err := row.Scan(append([]any{&s.ID, &status, &s.Title, &s.Body, &s.Language, &s.Country, &s.City, &themes, &identity,
		&s.DisplayName, &s.Anonymous, &s.ContactSealed, &s.Consent.Publish, &s.Consent.Social, &s.Consent.Toolkit, &s.Consent.Translate,
		&photo, &s.Demo, &s.Featured, &signals, &s.RejectReason, &s.RejectNote, &s.WithdrawReason,
		&created, &updated, &published, &wdrwn}, extra...)...)
	if err != nil {
		return nil, err
	}
	s.Status = story.Status(status)
	s.Identity = story.Identity(identity)
	s.Themes = themes
	if len(photo) > 0 && string(photo) != "null" {
		s.Photo = new(story.Photo)
		if err := json.Unmarshal(photo, s.Photo); err != nil {
			return nil, fmt.Errorf("decode photo of %s: %w", s.ID, err)
		}
	}
	if s.Signals, err = decodeSignals(signals, s.ID); err != nil {
		return nil, err
	}
	s.CreatedAt, s.UpdatedAt = created.Time, updated.Time
	s.PublishedAt, s.WithdrawnAt = published.Time, wdrwn.Time
	return &s, nil
}

func scanStoryRow(row Row) (*story.Story, error) { return ScanStory(row) }

func (q Queries) Story(ctx context.Context, id string) (*story.Story, error) {
	s, err := ScanStory(q.DB.QueryRow(ctx, "SELECT "+StoryColumns+" FROM stories WHERE id = ?"+q.forUpdate(), id))
	if err != nil {
		return nil, q.err("story", err)
	}
	return s, nil
}

// A cursor is the (published_at, id) of the last story of a page.
func encodeCursor(s *story.Story) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(Micros(s.PublishedAt), 10) + ":" + s.ID))
}

// Cursor is where a page starts: after the story published at At with ID.
type Cursor struct {
	At time.Time
	ID string
}

func decodeCursor(c string) (*Cursor, error) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return nil, err
	}
	at, id, ok := strings.Cut(string(raw), ":")
	if !ok {
		return nil, fmt.Errorf("no separator")
	}
	v, err := strconv.ParseInt(at, 10, 64)
	return &Cursor{At: FromMicros(v), ID: id}, err
}

var errBadCursor = story.FieldError("cursor", "error.bad_cursor", "The page link is not valid.")

// Cond is a piece of SQL with the arguments of its placeholders.
type Cond struct {
	SQL  string
	Args []any
}

// Listing is one page of published stories being read: stories s, joined
// by Join, filtered by Where, after Cursor, Limit rows (one more than the
// page, to tell whether another follows).
type Listing struct {
	Q      Queries
	Join   Cond
	Where  []Cond
	Cursor *Cursor
	Limit  int
}

// listedStoryColumns are StoryColumns of stories aliased s, built once: a
// listing is a hot path.
var listedStoryColumns = Prefixed("s.", StoryColumns)

// NewestFirst orders a listing of stories aliased s.
const NewestFirst = "s.published_at DESC, s.id DESC"

// FromWhere is "from WHERE c1 AND c2 ...", with the arguments in order.
func FromWhere(from Cond, where []Cond) Cond {
	args := slices.Clone(from.Args)
	conds := make([]string, len(where))
	for i, c := range where {
		conds[i] = c.SQL
		args = append(args, c.Args...)
	}
	return Cond{SQL: from.SQL + " WHERE " + strings.Join(conds, " AND "), Args: args}
}

// Run lists the stories of the table expression from matching where.
func (l Listing) Run(ctx context.Context, from Cond, where []Cond, order string) ([]*story.Story, error) {
	q := FromWhere(from, where)
	query := "SELECT " + listedStoryColumns + " FROM " + q.SQL + " ORDER BY " + order + " LIMIT ?"
	return queryAll(ctx, l.Q, "list stories", scanStoryRow, query, append(q.Args, l.Limit)...)
}

// From is stories s with the listing's join.
func (l Listing) From() Cond {
	return Cond{"stories s" + l.Join.SQL, l.Join.Args}
}

func (q Queries) PublishedStories(ctx context.Context, f story.Filter) (story.Page, error) {
	limit := f.Limit
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	l := Listing{Q: q, Where: []Cond{{SQL: "s.status = 'published'"}}, Limit: limit + 1}
	if f.Theme != "" {
		l.Join = Cond{" JOIN story_themes t ON t.story_id = s.id AND t.theme = ?", []any{f.Theme}}
	}
	if f.Language != "" {
		l.Where = append(l.Where, Cond{"s.language = ?", []any{f.Language}})
	}
	if f.Country != "" {
		l.Where = append(l.Where, Cond{"s.country = ?", []any{f.Country}})
	}
	if f.Featured {
		l.Where = append(l.Where, Cond{SQL: q.D.IsTrue("s.featured")})
	}
	if f.Toolkit {
		l.Where = append(l.Where, Cond{SQL: q.D.IsTrue("s.consent_toolkit")})
	}
	if f.Cursor != "" {
		c, err := decodeCursor(f.Cursor)
		if err != nil {
			return story.Page{}, errBadCursor
		}
		l.Cursor = c
		l.Where = append(l.Where, q.D.Before("s.", c))
	}
	var (
		page story.Page
		err  error
	)
	if f.Query == "" {
		page.Stories, err = l.Run(ctx, l.From(), l.Where, NewestFirst)
	} else {
		page.Stories, err = q.D.SearchStories(ctx, q.DB, l, f.Query)
	}
	if err != nil {
		return story.Page{}, q.err("list stories", err)
	}
	return pageOf(page.Stories, limit), nil
}

// pageOf cuts the extra story fetched off a page and makes the cursor.
func pageOf(stories []*story.Story, limit int) story.Page {
	page := story.Page{Stories: stories}
	if len(stories) > limit {
		page.Stories = stories[:limit]
		page.NextCursor = encodeCursor(page.Stories[limit-1])
	}
	return page
}

func (q Queries) Queue(ctx context.Context, limit int) ([]*story.Story, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	return queryAll(ctx, q, "queue", scanStoryRow,
		"SELECT "+StoryColumns+" FROM stories WHERE status = 'pending' ORDER BY created_at, id LIMIT ?", limit)
}

func (q Queries) DecidedStories(ctx context.Context, afterID string, limit int) ([]*story.Story, error) {
	return queryAll(ctx, q, "decided stories", scanStoryRow,
		"SELECT "+StoryColumns+" FROM stories WHERE status IN ('published', 'rejected') AND id > ? ORDER BY id LIMIT ?", afterID, limit)
}

func (q Queries) CountByStatus(ctx context.Context, status story.Status) (int, error) {
	var n int
	err := q.DB.QueryRow(ctx, "SELECT count(*) FROM stories WHERE status = ?", string(status)).Scan(&n)
	return n, q.err("count", err)
}

func (q Queries) SubmissionTokenHash(ctx context.Context, id string) ([]byte, error) {
	var h []byte
	err := q.DB.QueryRow(ctx, "SELECT token_hash FROM stories WHERE id = ?", id).Scan(&h)
	return h, q.err("token", err)
}

func (q Queries) Countries(ctx context.Context) ([]string, error) {
	// One index seek per country, rather than reading every published
	// story's index entry.
	return queryAll(ctx, q, "countries", scanString, `WITH RECURSIVE c(country) AS (
		SELECT (SELECT min(country) FROM stories WHERE status = 'published')
		UNION ALL
		SELECT (SELECT min(country) FROM stories WHERE status = 'published' AND country > c.country) FROM c WHERE c.country IS NOT NULL)
		SELECT country FROM c WHERE country IS NOT NULL`)
}

// storyArgs are the values of StoryColumns.
func (q Queries) storyArgs(s *story.Story) ([]any, error) {
	var photo any
	if s.Photo != nil {
		b, err := json.Marshal(s.Photo)
		if err != nil {
			return nil, err
		}
		photo = string(b)
	}
	signals, err := signalsValue(s.Signals)
	if err != nil {
		return nil, err
	}
	d := q.D
	return []any{s.ID, string(s.Status), s.Title, s.Body, s.Language, s.Country, s.City, d.List(s.Themes), string(s.Identity),
		s.DisplayName, s.Anonymous, s.ContactSealed, s.Consent.Publish, s.Consent.Social, s.Consent.Toolkit, s.Consent.Translate,
		photo, s.Demo, s.Featured, signals, s.RejectReason, s.RejectNote, s.WithdrawReason,
		d.NullTime(s.CreatedAt), d.NullTime(s.UpdatedAt), d.SortedTime(s.PublishedAt), d.NullTime(s.WithdrawnAt)}, nil
}

func (t *Tx) InsertStory(ctx context.Context, s *story.Story, tokenHash []byte) error {
	args, err := t.storyArgs(s)
	if err != nil {
		return err
	}
	columns, values := StoryColumns+", token_hash", Placeholders(len(args)+1)
	args = append(args, tokenHash)
	if column, expr := t.D.SearchColumn(); column != "" {
		columns, values = columns+", "+column, values+", "+expr
		args = append(args, t.D.SearchValue(s))
	}
	if _, err := t.DB.Exec(ctx, "INSERT INTO stories ("+columns+") VALUES ("+values+")", args...); err != nil {
		return t.err("insert story", err)
	}
	change := tallyChange{}
	change.scopes("", factsOf(s), 1)
	if err := t.applyTallies(ctx, change); err != nil {
		return err
	}
	return t.syncPublicIndexes(ctx, s)
}

func (t *Tx) UpdateStory(ctx context.Context, s *story.Story) error {
	args, err := t.storyArgs(s)
	if err != nil {
		return err
	}
	cols := strings.Split(StoryColumns, ",")
	sets := make([]string, 0, len(cols))
	for _, c := range cols[1:] {
		sets = append(sets, strings.TrimSpace(c)+" = ?")
	}
	args = args[1:]
	if column, expr := t.D.SearchColumn(); column != "" {
		sets = append(sets, column+" = "+expr)
		args = append(args, t.D.SearchValue(s))
	}
	// The update sets every column the tallies read.
	written := factsOf(s)
	err = t.retally(ctx, s.ID, &written, func() error {
		n, err := t.DB.Exec(ctx, "UPDATE stories SET "+strings.Join(sets, ", ")+" WHERE id = ?", append(args, s.ID)...)
		return t.oneRow("update story", n, err)
	})
	if err != nil {
		return err
	}
	return t.syncPublicIndexes(ctx, s)
}

// syncPublicIndexes keeps the theme and search indexes holding exactly the
// published stories.
func (t *Tx) syncPublicIndexes(ctx context.Context, s *story.Story) error {
	if _, err := t.DB.Exec(ctx, "DELETE FROM story_themes WHERE story_id = ?", s.ID); err != nil {
		return t.err("themes", err)
	}
	if s.Status == story.StatusPublished && len(s.Themes) > 0 {
		themes := slices.Compact(slices.Sorted(slices.Values(s.Themes)))
		rows := make([]string, len(themes))
		args := make([]any, 0, 3*len(themes))
		at := t.D.SortedTime(s.PublishedAt)
		for i, theme := range themes {
			rows[i] = "(?, ?, ?)"
			args = append(args, theme, at, s.ID)
		}
		if _, err := t.DB.Exec(ctx, "INSERT INTO story_themes (theme, published_at, story_id) VALUES "+strings.Join(rows, ", ")+
			" ON CONFLICT DO NOTHING", args...); err != nil {
			return t.err("themes", err)
		}
	}
	return t.D.Reindex(ctx, t.DB, s)
}

func (t *Tx) EraseStory(ctx context.Context, id, reason string, at time.Time) error {
	if err := t.D.Unindex(ctx, t.DB, id); err != nil {
		return err
	}
	if _, err := t.DB.Exec(ctx, "DELETE FROM story_themes WHERE story_id = ?", id); err != nil {
		return t.err("erase themes", err)
	}
	if _, err := t.DeleteStoryTranslations(ctx, id); err != nil {
		return err
	}
	if err := t.eraseOrganisationTraces(ctx, id); err != nil {
		return err
	}
	clearSearch := ""
	if column, _ := t.D.SearchColumn(); column != "" {
		clearSearch = ", " + column + " = NULL"
	}
	// What stays is the tombstone (story.Tombstone): id, dates, reason
	// code; a rejected story erased by the retention job keeps the time of
	// its rejection.
	updated := "?"
	if reason == story.ErasedRejected {
		updated = "CASE WHEN status = 'rejected' THEN updated_at ELSE ? END"
	}
	err := t.retally(ctx, id, nil, func() error {
		n, err := t.DB.Exec(ctx, `UPDATE stories SET status = 'withdrawn', title = '', body = '', city = '', themes = ?,
		display_name = '', anonymous = ?, contact_sealed = NULL, photo = NULL, signals = NULL, reject_note = '',
		featured = ?, consent_translate = ?`+clearSearch+`, withdraw_reason = ?, updated_at = `+updated+`, withdrawn_at = ?,
		language = '', country = '', identity = '', consent_publish = ?, consent_social = ?, consent_toolkit = ?,
		demo = ?, reject_reason = '', published_at = ? WHERE id = ?`,
			t.D.List(nil), true, false, false, reason, t.D.NullTime(at), t.D.NullTime(at),
			false, false, false, false, t.D.SortedTime(time.Time{}), id)
		return t.oneRow("erase story", n, err)
	})
	if err != nil {
		return err
	}
	_, err = t.DB.Exec(ctx, "UPDATE audit_log SET note = '' WHERE subject_id = ? AND note <> ''", id)
	return t.err("erase audit notes", err)
}
