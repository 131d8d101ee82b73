package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"chorus/internal/org"
	"chorus/internal/story"
)

// OrganisationColumns are the columns scanOrganisation reads, in order.
const OrganisationColumns = `id, slug, kind, texts, logo, website, country, created_at, updated_at`

func scanOrganisation(row Row) (*org.Organisation, error) {
	var (
		o                org.Organisation
		kind, texts      string
		created, updated Time
	)
	if err := row.Scan(&o.ID, &o.Slug, &kind, &texts, &o.Logo, &o.Website, &o.Country, &created, &updated); err != nil {
		return nil, err
	}
	o.Kind, o.CreatedAt, o.UpdatedAt = org.Kind(kind), created.Time, updated.Time
	if err := json.Unmarshal([]byte(texts), &o.Texts); err != nil {
		return nil, fmt.Errorf("organisation %s: texts: %w", o.ID, err)
	}
	if len(o.Logo) == 0 {
		o.Logo = nil
	}
	return &o, nil
}

func (q Queries) Organisations(ctx context.Context) ([]*org.Organisation, error) {
	return queryAll(ctx, q, "organisations", scanOrganisation, "SELECT "+OrganisationColumns+" FROM organisations ORDER BY slug")
}

func (q Queries) Organisation(ctx context.Context, id string) (*org.Organisation, error) {
	o, err := scanOrganisation(q.DB.QueryRow(ctx, "SELECT "+OrganisationColumns+" FROM organisations WHERE id = ?"+q.forUpdate(), id))
	if err != nil {
		return nil, q.err("organisation", err)
	}
	return o, nil
}

func (q Queries) OrganisationBySlug(ctx context.Context, slug string) (*org.Organisation, error) {
	o, err := scanOrganisation(q.DB.QueryRow(ctx, "SELECT "+OrganisationColumns+" FROM organisations WHERE slug = ?", slug))
	if err != nil {
		return nil, q.err("organisation", err)
	}
	return o, nil
}

func (t *Tx) PutOrganisation(ctx context.Context, o *org.Organisation) error {
	texts, err := json.Marshal(o.Texts)
	if err != nil {
		return err
	}
	var logo any
	if o.Logo != nil {
		logo = o.Logo
	}
	_, err = t.DB.Exec(ctx, "INSERT INTO organisations ("+OrganisationColumns+") VALUES ("+Placeholders(9)+`)
		ON CONFLICT (id) DO UPDATE SET slug = excluded.slug, kind = excluded.kind, texts = excluded.texts, logo = excluded.logo,
		website = excluded.website, country = excluded.country, updated_at = excluded.updated_at`,
		o.ID, o.Slug, string(o.Kind), string(texts), logo, o.Website, o.Country, t.D.NullTime(o.CreatedAt), t.D.NullTime(o.UpdatedAt))
	return t.err("put organisation", err)
}

const memberColumns = `user_id, organisation_id, owner`

func scanMember(row Row) (org.Member, error) {
	var m org.Member
	err := row.Scan(&m.UserID, &m.OrganisationID, &m.Owner)
	return m, err
}

func (q Queries) Membership(ctx context.Context, userID int64) (*org.Member, error) {
	m, err := scanMember(q.DB.QueryRow(ctx, "SELECT "+memberColumns+" FROM organisation_members WHERE user_id = ?", userID))
	if err != nil {
		return nil, q.err("membership", err)
	}
	return &m, nil
}

func (q Queries) Members(ctx context.Context, organisationID string) ([]org.Member, error) {
	return queryAll(ctx, q, "members", scanMember,
		"SELECT "+memberColumns+" FROM organisation_members WHERE organisation_id = ? ORDER BY user_id", organisationID)
}

func (t *Tx) PutMember(ctx context.Context, m org.Member) error {
	_, err := t.DB.Exec(ctx, "INSERT INTO organisation_members ("+memberColumns+`) VALUES (?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET organisation_id = excluded.organisation_id, owner = excluded.owner`,
		m.UserID, m.OrganisationID, m.Owner)
	return t.err("put member", err)
}

func (t *Tx) DeleteMember(ctx context.Context, userID int64) error {
	n, err := t.DB.Exec(ctx, "DELETE FROM organisation_members WHERE user_id = ?", userID)
	return t.oneRow("delete member", n, err)
}

// ConsentRecordColumns are the columns scanConsentRecord reads, in order.
const ConsentRecordColumns = `story_id, organisation_id, submitted_by, consenter, method, consented_at, explained_in, scope, scan_key, created_at`

func scanConsentRecord(row Row) (*org.ConsentRecord, error) {
	var (
		c                org.ConsentRecord
		by               sql.NullInt64
		method, scope    string
		consented, added Time
	)
	if err := row.Scan(&c.StoryID, &c.OrganisationID, &by, &c.Consenter, &method, &consented, &c.ExplainedIn, &scope, &c.ScanKey, &added); err != nil {
		return nil, err
	}
	c.SubmittedBy, c.Method, c.ConsentedAt, c.CreatedAt = by.Int64, org.ConsentMethod(method), consented.Time, added.Time
	for _, s := range strings.Split(scope, ",") {
		if s != "" {
			c.Scope = append(c.Scope, org.Scope(s))
		}
	}
	return &c, nil
}

func joinScope(scope []org.Scope) string {
	parts := make([]string, len(scope))
	for i, s := range scope {
		parts[i] = string(s)
	}
	return strings.Join(parts, ",")
}

func (q Queries) ConsentRecord(ctx context.Context, storyID string) (*org.ConsentRecord, error) {
	c, err := scanConsentRecord(q.DB.QueryRow(ctx, "SELECT "+ConsentRecordColumns+" FROM consent_records WHERE story_id = ?"+q.forUpdate(), storyID))
	if err != nil {
		return nil, q.err("consent record", err)
	}
	return c, nil
}

func (q Queries) ConsentRecords(ctx context.Context, organisationID string, limit int) ([]*org.ConsentRecord, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	return queryAll(ctx, q, "consent records", scanConsentRecord, "SELECT "+ConsentRecordColumns+
		" FROM consent_records WHERE organisation_id = ? ORDER BY created_at DESC, story_id DESC LIMIT ?", organisationID, limit)
}

func (t *Tx) InsertConsentRecord(ctx context.Context, c *org.ConsentRecord) error {
	_, err := t.DB.Exec(ctx, "INSERT INTO consent_records ("+ConsentRecordColumns+") VALUES ("+Placeholders(10)+")",
		c.StoryID, c.OrganisationID, nullID(c.SubmittedBy), c.Consenter, string(c.Method), t.D.NullTime(c.ConsentedAt),
		c.ExplainedIn, joinScope(c.Scope), c.ScanKey, t.D.NullTime(c.CreatedAt))
	if err != nil {
		return t.err("insert consent record", err)
	}
	return t.LinkStoryToOrganisation(ctx, c.StoryID, c.OrganisationID)
}

// LinkStoryToOrganisation records that a story was told through an
// organisation; a story keeps its first link.
func (t *Tx) LinkStoryToOrganisation(ctx context.Context, storyID, organisationID string) error {
	n, err := t.DB.Exec(ctx, "INSERT INTO story_organisations (story_id, organisation_id) VALUES (?, ?) ON CONFLICT (story_id) DO NOTHING",
		storyID, organisationID)
	if err != nil || n == 0 {
		return t.err("link story to organisation", err)
	}
	// From now on the story counts in the organisation's figures too.
	f, _, err := t.storedFacts(ctx, storyID)
	if err != nil {
		return err
	}
	change := tallyChange{}
	change.add(storyTallies(organisationID, f), 1)
	return t.applyTallies(ctx, change)
}

// CollectionColumns are the columns scanCollection reads, in order; the
// stories are read apart.
const CollectionColumns = `id, slug, language, title, description, organisation_id, created_at, updated_at`

// collectionSelect reads a collection with its ordered story ids, joined
// by commas (story ids have none), in one row: string_agg with ORDER BY
// is the same in both databases.
const collectionSelect = "SELECT " + CollectionColumns + `, (SELECT string_agg(p.story_id, ',' ORDER BY p.position)
	FROM collection_stories p WHERE p.collection_id = collections.id) FROM collections`

func scanCollection(row Row) (*org.Collection, error) {
	var (
		c                     org.Collection
		organisation, stories sql.NullString
		created, updated      Time
	)
	if err := row.Scan(&c.ID, &c.Slug, &c.Language, &c.Title, &c.Description, &organisation, &created, &updated, &stories); err != nil {
		return nil, err
	}
	c.OrganisationID, c.CreatedAt, c.UpdatedAt = organisation.String, created.Time, updated.Time
	if stories.String != "" {
		c.StoryIDs = strings.Split(stories.String, ",")
	}
	return &c, nil
}

func (q Queries) Collections(ctx context.Context, organisationID, lang string) ([]*org.Collection, error) {
	var (
		conds []string
		args  []any
	)
	if organisationID != "" {
		conds, args = append(conds, "organisation_id = ?"), append(args, organisationID)
	}
	if lang != "" {
		conds, args = append(conds, "language = ?"), append(args, lang)
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	return queryAll(ctx, q, "collections", scanCollection, collectionSelect+where+" ORDER BY language, slug", args...)
}

func (q Queries) oneCollection(ctx context.Context, where string, args ...any) (*org.Collection, error) {
	c, err := scanCollection(q.DB.QueryRow(ctx, collectionSelect+" WHERE "+where, args...))
	if err != nil {
		return nil, q.err("collection", err)
	}
	return c, nil
}

func (q Queries) Collection(ctx context.Context, id string) (*org.Collection, error) {
	return q.oneCollection(ctx, "id = ?", id)
}

func (q Queries) CollectionBySlug(ctx context.Context, lang, slug string) (*org.Collection, error) {
	return q.oneCollection(ctx, "language = ? AND slug = ?", lang, slug)
}

func (q Queries) CollectionStories(ctx context.Context, collectionID string) ([]*story.Story, error) {
	l := Listing{Q: q, Limit: org.MaxCollectionStories,
		Join:  Cond{" JOIN collection_stories c ON c.story_id = s.id", nil},
		Where: []Cond{{"c.collection_id = ?", []any{collectionID}}, {SQL: "s.status = 'published'"}}}
	return l.Run(ctx, l.From(), l.Where, "c.position")
}

func (q Queries) OrganisationStories(ctx context.Context, organisationID string, limit int) ([]*story.Story, error) {
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	l := Listing{Q: q, Limit: limit,
		Join:  Cond{" JOIN consent_records r ON r.story_id = s.id", nil},
		Where: []Cond{{"r.organisation_id = ?", []any{organisationID}}, {SQL: "s.status = 'published'"}}}
	return l.Run(ctx, l.From(), l.Where, NewestFirst)
}

func (t *Tx) PutCollection(ctx context.Context, c *org.Collection) error {
	_, err := t.DB.Exec(ctx, "INSERT INTO collections ("+CollectionColumns+") VALUES ("+Placeholders(8)+`)
		ON CONFLICT (id) DO UPDATE SET slug = excluded.slug, language = excluded.language, title = excluded.title,
		description = excluded.description, organisation_id = excluded.organisation_id, updated_at = excluded.updated_at`,
		c.ID, c.Slug, c.Language, c.Title, c.Description, sql.NullString{String: c.OrganisationID, Valid: c.OrganisationID != ""},
		t.D.NullTime(c.CreatedAt), t.D.NullTime(c.UpdatedAt))
	if err != nil {
		return t.err("put collection", err)
	}
	if _, err := t.DB.Exec(ctx, "DELETE FROM collection_stories WHERE collection_id = ?", c.ID); err != nil {
		return t.err("put collection stories", err)
	}
	for i, id := range c.StoryIDs {
		if _, err := t.DB.Exec(ctx, "INSERT INTO collection_stories (collection_id, story_id, position) VALUES (?, ?, ?)", c.ID, id, i); err != nil {
			return t.err("put collection stories", err)
		}
	}
	return nil
}

func (t *Tx) DeleteCollection(ctx context.Context, id string) error {
	n, err := t.DB.Exec(ctx, "DELETE FROM collections WHERE id = ?", id)
	return t.oneRow("delete collection", n, err)
}

// eraseOrganisationTraces removes what ties a withdrawn story to a partner:
// its consent record and its places in collections.
func (t *Tx) eraseOrganisationTraces(ctx context.Context, storyID string) error {
	if _, err := t.DB.Exec(ctx, "DELETE FROM consent_records WHERE story_id = ?", storyID); err != nil {
		return t.err("erase consent record", err)
	}
	_, err := t.DB.Exec(ctx, "DELETE FROM collection_stories WHERE story_id = ?", storyID)
	return t.err("erase collection places", err)
}
