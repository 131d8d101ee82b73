package storage

import (
	"context"

	"chorus/internal/org"
	"chorus/internal/story"
)

// OrganisationReader reads partner organisations, their members, consent
// records and collections.
type OrganisationReader interface {
	// Organisations lists every organisation by slug.
	Organisations(ctx context.Context) ([]*org.Organisation, error)
	Organisation(ctx context.Context, id string) (*org.Organisation, error)
	OrganisationBySlug(ctx context.Context, slug string) (*org.Organisation, error)
	// Membership returns the organisation a user belongs to; ErrNotFound
	// when none.
	Membership(ctx context.Context, userID int64) (*org.Member, error)
	// Members lists an organisation's members by user id.
	Members(ctx context.Context, organisationID string) ([]org.Member, error)
	// ConsentRecord returns the consent record of a story; ErrNotFound when
	// the story was not collected by a partner (or is withdrawn).
	ConsentRecord(ctx context.Context, storyID string) (*org.ConsentRecord, error)
	// ConsentRecords lists an organisation's records, newest first.
	ConsentRecords(ctx context.Context, organisationID string, limit int) ([]*org.ConsentRecord, error)
	// Collections lists collections by language and slug: those of one
	// organisation, or every one when organisationID is empty; lang ""
	// means any language.
	Collections(ctx context.Context, organisationID, lang string) ([]*org.Collection, error)
	Collection(ctx context.Context, id string) (*org.Collection, error)
	CollectionBySlug(ctx context.Context, lang, slug string) (*org.Collection, error)
	// CollectionStories lists the published stories of a collection in its
	// order; whatever is not published is left out.
	CollectionStories(ctx context.Context, collectionID string) ([]*story.Story, error)
	// OrganisationStories lists the published stories an organisation
	// collected, newest first.
	OrganisationStories(ctx context.Context, organisationID string, limit int) ([]*story.Story, error)
}

// OrganisationWriter changes them within a transaction.
type OrganisationWriter interface {
	// PutOrganisation inserts or replaces an organisation by id; a slug
	// taken by another is ErrConflict.
	PutOrganisation(ctx context.Context, o *org.Organisation) error
	// PutMember makes a user a member (or owner) of an organisation,
	// replacing any previous membership; DeleteMember ends it.
	PutMember(ctx context.Context, m org.Member) error
	DeleteMember(ctx context.Context, userID int64) error
	InsertConsentRecord(ctx context.Context, c *org.ConsentRecord) error
	// PutCollection inserts or replaces a collection and its ordered
	// stories; a slug taken in its language is ErrConflict.
	PutCollection(ctx context.Context, c *org.Collection) error
	DeleteCollection(ctx context.Context, id string) error
}
