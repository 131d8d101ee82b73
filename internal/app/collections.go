package app

import (
	"context"
	"errors"

	"chorus/internal/audit"
	"chorus/internal/org"
	"chorus/internal/staff"
	"chorus/internal/storage"
	"chorus/internal/story"
)

// SaveCollection creates (ID empty) or changes a collection: admins any,
// partners their own organisation's only (OrganisationID is the curating
// organisation, empty for the campaign's own, which only admins curate).
// Every story must be published when it is added. It returns the
// collection's id.
func (a *App) SaveCollection(ctx context.Context, by *staff.User, c org.Collection) (string, error) {
	c.StoryIDs = append([]string(nil), c.StoryIDs...)
	c.Normalize()
	if err := a.checkOn(ctx, a.store, by, ActionCurateCollections, c.OrganisationID); err != nil {
		return "", err
	}
	if err := c.Validate(a.TranslationLanguages); err != nil {
		return "", err
	}
	screened, err := a.screenCollection(ctx, by, &c)
	if err != nil {
		return "", err
	}
	now := a.now()
	action := "collection_update"
	err = a.store.WithTx(ctx, func(tx storage.Tx) error {
		if c.ID == "" {
			c.ID, c.CreatedAt, action = newID(), now, "collection_add"
		} else {
			old, err := tx.Collection(ctx, c.ID)
			if err != nil {
				return err
			}
			// Moving a collection needs the right on both organisations.
			if err := a.checkOn(ctx, tx, by, ActionCurateCollections, old.OrganisationID); err != nil {
				return err
			}
			c.CreatedAt = old.CreatedAt
		}
		c.UpdatedAt = now
		if other, err := tx.CollectionBySlug(ctx, c.Language, c.Slug); err == nil && other.ID != c.ID {
			return story.FieldError("slug", "error.org_slug_taken", "Another collection in this language has this address.")
		} else if err != nil && !errors.Is(err, story.ErrNotFound) {
			return err
		}
		for _, id := range c.StoryIDs {
			s, err := tx.Story(ctx, id)
			if err != nil && !errors.Is(err, story.ErrNotFound) {
				return err
			}
			if err != nil || s.Status != story.StatusPublished {
				return story.FieldError("stories", "error.collection_unpublished", "Only published stories can join a collection.")
			}
		}
		if err := tx.PutCollection(ctx, &c); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Entry{At: now, Actor: actor(by), Action: action, SubjectID: "collection:" + c.ID,
			Reason: screened, Note: c.Language + "/" + c.Slug})
	})
	if err != nil {
		return "", err
	}
	a.publish(PublicChanged{})
	return c.ID, nil
}

// screenCollection screens the title and description a save changes,
// before anything is written (see heedPartnerScreen). A text already saved
// was screened then, or published by an admin.
func (a *App) screenCollection(ctx context.Context, by *staff.User, c *org.Collection) (auditReason string, err error) {
	subject := "collection " + c.ID
	var saved org.Collection
	if c.ID == "" {
		subject = "new collection " + c.Language + "/" + c.Slug
	} else if old, err := a.store.Collection(ctx, c.ID); err == nil {
		saved = *old
	} else if !errors.Is(err, story.ErrNotFound) {
		return "", err
	}
	// The language is the screen's reading of the texts.
	moved := c.Language != saved.Language
	var texts []partnerText
	if moved || c.Title != saved.Title {
		texts = append(texts, partnerText{text: c.Title, language: c.Language, what: "title", field: "title", key: "error.collection_title_harmful"})
	}
	if moved || c.Description != saved.Description {
		texts = append(texts, partnerText{text: c.Description, language: c.Language, what: "description", field: "description",
			key: "error.collection_description_harmful"})
	}
	return heedPartnerScreen(by, a.screenPartnerTexts(ctx, subject, texts))
}

// DeleteCollection removes a collection, with the same rights as saving it.
func (a *App) DeleteCollection(ctx context.Context, by *staff.User, id string) error {
	now := a.now()
	err := a.store.WithTx(ctx, func(tx storage.Tx) error {
		c, err := tx.Collection(ctx, id)
		if err != nil {
			return err
		}
		if err := a.checkOn(ctx, tx, by, ActionCurateCollections, c.OrganisationID); err != nil {
			return err
		}
		if err := tx.DeleteCollection(ctx, id); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Entry{At: now, Actor: actor(by), Action: "collection_delete", SubjectID: "collection:" + id, Note: c.Language + "/" + c.Slug})
	})
	if err != nil {
		return err
	}
	a.publish(PublicChanged{})
	return nil
}

// CuratedCollections lists the collections by may curate: every one for
// admins, its organisation's for a partner.
func (a *App) CuratedCollections(ctx context.Context, by *staff.User) ([]*org.Collection, error) {
	if err := can(by, ActionCurateCollections); err != nil {
		return nil, err
	}
	if by.Role == staff.RoleAdmin {
		return a.store.Collections(ctx, "", "")
	}
	m, err := membership(ctx, a.store, by)
	if err != nil {
		return nil, err
	}
	if m == nil {
		return nil, nil
	}
	return a.store.Collections(ctx, m.OrganisationID, "")
}

// Collections lists the public collections in a language.
func (a *App) Collections(ctx context.Context, lang string) ([]*org.Collection, error) {
	return a.store.Collections(ctx, "", lang)
}

// PublicCollection returns a collection by its language and slug, with
// its published stories in order (CollectionStories).
func (a *App) PublicCollection(ctx context.Context, lang, slug string) (*org.Collection, []*story.Story, error) {
	if !org.ValidSlug(slug) {
		return nil, nil, story.ErrNotFound
	}
	c, err := a.store.CollectionBySlug(ctx, lang, slug)
	if err != nil {
		return nil, nil, err
	}
	stories, err := a.CollectionStories(ctx, c.ID)
	return c, stories, err
}

// CollectionStories lists a collection's published stories in its order;
// a story withdrawn, or no longer published, is not among them. Pages,
// feeds and embeds of a collection all read it from here.
func (a *App) CollectionStories(ctx context.Context, collectionID string) ([]*story.Story, error) {
	return a.store.CollectionStories(ctx, collectionID)
}
