package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/mail"
	"slices"
	"strings"

	"chorus/internal/audit"
	"chorus/internal/auth"
	"chorus/internal/media"
	"chorus/internal/org"
	"chorus/internal/staff"
	"chorus/internal/storage"
	"chorus/internal/story"
)

// membership returns the organisation u belongs to; nil when none.
func membership(ctx context.Context, r storage.Reader, u *staff.User) (*org.Member, error) {
	if u == nil {
		return nil, nil
	}
	m, err := r.Membership(ctx, u.ID)
	if errors.Is(err, story.ErrNotFound) {
		return nil, nil
	}
	return m, err
}

// Membership returns the organisation a staff member belongs to and its
// membership; both nil when none.
func (a *App) Membership(ctx context.Context, by *staff.User) (*org.Organisation, *org.Member, error) {
	m, err := membership(ctx, a.store, by)
	if err != nil || m == nil {
		return nil, nil, err
	}
	o, err := a.store.Organisation(ctx, m.OrganisationID)
	if err != nil {
		return nil, nil, err
	}
	return o, m, nil
}

// checkOn loads by's membership and checks an organisation action.
func (a *App) checkOn(ctx context.Context, r storage.Reader, by *staff.User, action Action, organisationID string) error {
	if err := can(by, action); err != nil {
		return err
	}
	m, err := membership(ctx, r, by)
	if err != nil {
		return err
	}
	return canOn(by, m, action, organisationID)
}

// Organisations lists the campaign's partners, grouped by kind in the
// order of org.Kinds, by slug within a kind. It is public.
func (a *App) Organisations(ctx context.Context) ([]*org.Organisation, error) {
	list, err := a.store.Organisations(ctx)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(list, func(x, y *org.Organisation) int {
		return slices.Index(org.Kinds, x.Kind) - slices.Index(org.Kinds, y.Kind)
	})
	return list, nil
}

// PartnerPage is what a partner's public page shows.
type PartnerPage struct {
	Organisation *org.Organisation
	Stories      []*story.Story
	Collections  []*org.Collection
}

// Partner returns an organisation's public page: its published stories
// and its collections in lang.
func (a *App) PartnerPage(ctx context.Context, slug, lang string) (PartnerPage, error) {
	if !org.ValidSlug(slug) {
		return PartnerPage{}, story.ErrNotFound
	}
	o, err := a.store.OrganisationBySlug(ctx, slug)
	if err != nil {
		return PartnerPage{}, err
	}
	stories, err := a.store.OrganisationStories(ctx, o.ID, 20)
	if err != nil {
		return PartnerPage{}, err
	}
	collections, err := a.store.Collections(ctx, o.ID, lang)
	if err != nil {
		return PartnerPage{}, err
	}
	return PartnerPage{Organisation: o, Stories: stories, Collections: collections}, nil
}

// PartnerLogo returns an organisation's logo, a PNG, for its public page;
// ErrNotFound when it has none.
func (a *App) PartnerLogo(ctx context.Context, slug string) ([]byte, error) {
	if !org.ValidSlug(slug) {
		return nil, story.ErrNotFound
	}
	o, err := a.store.OrganisationBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	if o.Logo == nil {
		return nil, story.ErrNotFound
	}
	return o.Logo, nil
}

// OrganisationUpdate creates (ID empty) or changes an organisation. Logo,
// when not nil, is an upload to check and re-encode; RemoveLogo drops the
// saved one.
type OrganisationUpdate struct {
	Organisation org.Organisation
	Logo         io.Reader
	RemoveLogo   bool
}

// SaveOrganisation creates an organisation (admins) or changes one (admins,
// and its owners); it returns the organisation's id. The change is audited.
func (a *App) SaveOrganisation(ctx context.Context, by *staff.User, u OrganisationUpdate) (string, error) {
	o := u.Organisation
	if o.ID == "" {
		if err := can(by, ActionManageOrganisations); err != nil {
			return "", err
		}
	} else if err := a.checkOn(ctx, a.store, by, ActionEditOrganisation, o.ID); err != nil {
		return "", err
	}
	o.Texts = cloneTexts(o.Texts)
	o.Normalize()
	if err := o.Validate(); err != nil {
		return "", err
	}
	screened, err := a.screenOrganisation(ctx, by, &o)
	if err != nil {
		return "", err
	}
	var logo []byte
	if u.Logo != nil {
		if logo, err = media.ProcessLogo(ctx, u.Logo); err != nil {
			var se *story.Error
			if errors.As(err, &se) {
				e := *se
				e.Field = "logo"
				return "", &e
			}
			return "", err
		}
	}
	now := a.now()
	action := "organisation_update"
	err = a.store.WithTx(ctx, func(tx storage.Tx) error {
		if o.ID == "" {
			o.ID, o.CreatedAt, action = newID(), now, "organisation_add"
		} else {
			old, err := tx.Organisation(ctx, o.ID)
			if err != nil {
				return err
			}
			o.CreatedAt, o.Logo = old.CreatedAt, old.Logo
		}
		switch {
		case logo != nil:
			o.Logo = logo
		case u.RemoveLogo:
			o.Logo = nil
		}
		o.UpdatedAt = now
		if other, err := tx.OrganisationBySlug(ctx, o.Slug); err == nil && other.ID != o.ID {
			return story.FieldError("slug", "error.org_slug_taken", "Another organisation has this address.")
		}
		if err := tx.PutOrganisation(ctx, &o); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Entry{At: now, Actor: actor(by), Action: action, SubjectID: "organisation:" + o.ID,
			Reason: screened, Note: o.Slug})
	})
	if err != nil {
		return "", err
	}
	a.publish(PublicChanged{})
	return o.ID, nil
}

// screenOrganisation screens the names and descriptions a save changes,
// before anything is written (see heedPartnerScreen). A text already saved
// was screened then, or published by an admin.
func (a *App) screenOrganisation(ctx context.Context, by *staff.User, o *org.Organisation) (auditReason string, err error) {
	subject := "organisation " + o.ID
	var saved map[string]org.Text
	if o.ID == "" {
		subject = "new organisation " + o.Slug
	} else {
		old, err := a.store.Organisation(ctx, o.ID)
		if err != nil {
			return "", err
		}
		saved = old.Texts
	}
	var texts []partnerText
	for _, lang := range slices.Sorted(maps.Keys(o.Texts)) {
		t, before := o.Texts[lang], saved[lang]
		if t.Name != before.Name {
			texts = append(texts, partnerText{text: t.Name, language: lang, what: "name", field: "name-" + lang, key: "error.org_name_harmful"})
		}
		if t.Description != before.Description {
			texts = append(texts, partnerText{text: t.Description, language: lang, what: "description", field: "description-" + lang,
				key: "error.org_description_harmful"})
		}
	}
	return heedPartnerScreen(by, a.screenPartnerTexts(ctx, subject, texts))
}

func cloneTexts(texts map[string]org.Text) map[string]org.Text {
	out := make(map[string]org.Text, len(texts))
	for k, v := range texts {
		out[k] = v
	}
	return out
}

// Invitation is a new member's one-time sign-in link token.
type Invitation struct {
	UserID int64
	Token  string // for the sign-in link; empty when the account was already a member
}

// InviteMember makes the account of email a partner member (or owner) of
// the organisation, creating the account when there is none, and returns
// a one-time sign-in token for it. Admins, and the organisation's owners,
// may invite; an account with another role, or a member of another
// organisation, is refused: only an admin moves people between roles.
func (a *App) InviteMember(ctx context.Context, by *staff.User, organisationID, email string, owner bool) (Invitation, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if addr, err := mail.ParseAddress(email); err != nil || addr.Address != email {
		return Invitation{}, story.FieldError("email", "error.email_invalid", "This e-mail address does not look right.")
	}
	token := auth.NewToken()
	now := a.now()
	var inv Invitation
	err := a.store.WithTx(ctx, func(tx storage.Tx) error {
		if err := a.checkOn(ctx, tx, by, ActionManageMembers, organisationID); err != nil {
			return err
		}
		if _, err := tx.Organisation(ctx, organisationID); err != nil {
			return err
		}
		u, err := tx.UserByEmail(ctx, email)
		switch {
		case errors.Is(err, story.ErrNotFound):
			u = &staff.User{Email: email, Role: staff.RolePartner, CreatedAt: now}
			if err := tx.InsertUser(ctx, u); err != nil {
				return err
			}
		case err != nil:
			return err
		case u.Role != staff.RolePartner:
			return story.FieldError("email", "error.member_other_role", "This person already has another role on the site; ask an admin.")
		default:
			m, err := membership(ctx, tx, u)
			if err != nil {
				return err
			}
			if m != nil && m.OrganisationID != organisationID {
				return story.FieldError("email", "error.member_elsewhere", "This person belongs to another organisation; ask an admin.")
			}
		}
		if err := tx.PutMember(ctx, org.Member{UserID: u.ID, OrganisationID: organisationID, Owner: owner}); err != nil {
			return err
		}
		if err := tx.InsertCredential(ctx, staff.Credential{Kind: staff.CredentialSignInLink, TokenHash: auth.HashToken(token),
			UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(SignInLinkLifetime)}); err != nil {
			return err
		}
		inv = Invitation{UserID: u.ID, Token: token}
		note := "member"
		if owner {
			note = "owner"
		}
		return tx.AppendAudit(ctx, audit.Entry{At: now, Actor: actor(by), Action: "member_add",
			SubjectID: "organisation:" + organisationID, Reason: fmt.Sprint("user:", u.ID), Note: note})
	})
	return inv, err
}

// Members lists an organisation's members with their accounts, for its
// owners and admins.
func (a *App) Members(ctx context.Context, by *staff.User, organisationID string) ([]MemberAccount, error) {
	if err := a.checkOn(ctx, a.store, by, ActionManageMembers, organisationID); err != nil {
		return nil, err
	}
	ms, err := a.store.Members(ctx, organisationID)
	if err != nil {
		return nil, err
	}
	out := make([]MemberAccount, 0, len(ms))
	for _, m := range ms {
		u, err := a.store.UserByID(ctx, m.UserID)
		if err != nil {
			return nil, err
		}
		out = append(out, MemberAccount{Member: m, Email: u.Email})
	}
	return out, nil
}

// MemberAccount is a member with its e-mail address.
type MemberAccount struct {
	org.Member
	Email string
}

// RemoveMember takes a member out of the organisation: admins and its
// owners may. The account stays, with nothing of any organisation to see.
func (a *App) RemoveMember(ctx context.Context, by *staff.User, organisationID string, userID int64) error {
	now := a.now()
	return a.store.WithTx(ctx, func(tx storage.Tx) error {
		if err := a.checkOn(ctx, tx, by, ActionManageMembers, organisationID); err != nil {
			return err
		}
		m, err := tx.Membership(ctx, userID)
		if err != nil {
			return err
		}
		if m.OrganisationID != organisationID {
			return story.ErrNotFound
		}
		if err := tx.DeleteMember(ctx, userID); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Entry{At: now, Actor: actor(by), Action: "member_remove",
			SubjectID: "organisation:" + organisationID, Reason: fmt.Sprint("user:", userID)})
	})
}

// ToldStory is a story a partner member collected from a storyteller,
// with the storyteller's consent record and an optional scan of the
// signed form.
type ToldStory struct {
	OrganisationID string
	Submission     story.Submission
	Consent        org.ConsentRecord
	Scan           io.Reader // nil when none
}

// scanPrefix is where consent scans live in the media store: never under
// photos/, so no public route can reach them.
const scanPrefix = "consent/"

// SubmitForStoryteller stores a story told through a partner as pending,
// with its consent record, and returns the storyteller's private link
// token, shown once. The story's consent is the record's scope. The scan
// passes the same checks as photos (real format, size, no metadata) and is
// stored as a private file.
func (a *App) SubmitForStoryteller(ctx context.Context, by *staff.User, t ToldStory) (Receipt, error) {
	if err := a.checkOn(ctx, a.store, by, ActionSubmitForStoryteller, t.OrganisationID); err != nil {
		return Receipt{}, err
	}
	now := a.now()
	record := t.Consent
	if err := record.Validate(a.Campaign.Languages, now); err != nil {
		return Receipt{}, err
	}
	sub := t.Submission
	sub.Consent = record.Consent()
	sub.Normalize()
	if err := sub.Validate(a.rules()); err != nil {
		return Receipt{}, err
	}
	var scan []byte
	if t.Scan != nil {
		renditions, err := a.Photos(ctx, t.Scan)
		if err != nil {
			var se *story.Error
			if errors.As(err, &se) {
				e := *se
				e.Field = "scan"
				return Receipt{}, &e
			}
			return Receipt{}, err
		}
		largest := renditions[0]
		for _, r := range renditions[1:] {
			if r.Width > largest.Width {
				largest = r
			}
		}
		scan = largest.Data
	}
	s := &story.Story{ID: newID(), Status: story.StatusPending, CreatedAt: now, UpdatedAt: now,
		Consent: sub.Consent, Identity: sub.Identity, DisplayName: sub.DisplayName, Anonymous: sub.Anonymous}
	a.applySubmission(s, sub, a.screenSubmission(ctx, s.ID, sub))
	record.StoryID, record.OrganisationID, record.SubmittedBy, record.CreatedAt = s.ID, t.OrganisationID, by.ID, now
	if scan != nil {
		record.ScanKey = scanPrefix + s.ID + "/" + newID() + ".jpg"
		// As with photos: the file is written before the row that refers to
		// it, scheduled for deletion until that row commits.
		if err := a.store.WithTx(ctx, func(tx storage.Tx) error {
			return tx.ScheduleBlobDeletion(ctx, record.ScanKey, now.Add(orphanGrace))
		}); err != nil {
			return Receipt{}, err
		}
		if err := a.Blobs.Put(ctx, record.ScanKey, scan, "image/jpeg"); err != nil {
			return Receipt{}, &story.Error{Code: story.CodeUnavailable, Key: "error.scan_not_saved", Message: "We could not save the scan right now; nothing was stored. Please try again later.", Err: err}
		}
	}
	token := auth.NewToken()
	err := a.store.WithTx(ctx, func(tx storage.Tx) error {
		o, err := tx.Organisation(ctx, t.OrganisationID)
		if err != nil {
			return err
		}
		if err := tx.InsertStory(ctx, s, auth.HashToken(token)); err != nil {
			return err
		}
		if err := tx.InsertConsentRecord(ctx, &record); err != nil {
			return err
		}
		if record.ScanKey != "" {
			if err := tx.CancelBlobDeletion(ctx, record.ScanKey); err != nil {
				return err
			}
		}
		return tx.AppendAudit(ctx, audit.Entry{At: now, Actor: actor(by), Action: "submit_for_storyteller", SubjectID: s.ID, Note: o.Slug})
	})
	if err != nil {
		if record.ScanKey != "" {
			a.SweepBlobs(ctx)
		}
		return Receipt{}, err
	}
	a.queueChanged()
	return Receipt{ID: s.ID, Token: token}, nil
}

// ConsentRecord returns the consent record of a story told through a
// partner, for that partner's members and admins.
func (a *App) ConsentRecord(ctx context.Context, by *staff.User, storyID string) (*org.ConsentRecord, error) {
	record, err := a.store.ConsentRecord(ctx, storyID)
	if err != nil {
		return nil, err
	}
	if err := a.checkOn(ctx, a.store, by, ActionSeeConsentRecords, record.OrganisationID); err != nil {
		return nil, err
	}
	return record, nil
}

// ConsentRecords lists an organisation's consent records, newest first,
// with their stories.
func (a *App) ConsentRecords(ctx context.Context, by *staff.User, organisationID string) ([]ToldStoryRecord, error) {
	if err := a.checkOn(ctx, a.store, by, ActionSeeConsentRecords, organisationID); err != nil {
		return nil, err
	}
	records, err := a.store.ConsentRecords(ctx, organisationID, 200)
	if err != nil {
		return nil, err
	}
	out := make([]ToldStoryRecord, 0, len(records))
	for _, r := range records {
		s, err := a.store.Story(ctx, r.StoryID)
		if err != nil {
			return nil, err
		}
		out = append(out, ToldStoryRecord{Record: r, Story: s})
	}
	return out, nil
}

// ToldStoryRecord is a consent record with its story.
type ToldStoryRecord struct {
	Record *org.ConsentRecord
	Story  *story.Story
}

// ConsentScan returns the scan of a consent record's signed form, for the
// partner's members and admins; ErrNotFound when there is none.
func (a *App) ConsentScan(ctx context.Context, by *staff.User, storyID string) ([]byte, error) {
	record, err := a.ConsentRecord(ctx, by, storyID)
	if err != nil {
		return nil, err
	}
	if record.ScanKey == "" {
		return nil, story.ErrNotFound
	}
	f, err := a.Blobs.Open(ctx, record.ScanKey)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, media.MaxLogoBytes*4))
}

// WithdrawForStoryteller withdraws a story told through a partner at the
// storyteller's request: a member of that partner (or an admin) does it;
// the story is erased as if the storyteller withdrew it, and the audit
// names the partner organisation.
func (a *App) WithdrawForStoryteller(ctx context.Context, by *staff.User, storyID, reason string) error {
	if reason != "" && !slices.Contains(story.WithdrawReasons, reason) {
		return story.ErrUnknownWithdrawReason
	}
	now := a.now()
	err := a.store.WithTx(ctx, func(tx storage.Tx) error {
		record, err := tx.ConsentRecord(ctx, storyID)
		if err != nil {
			return err
		}
		if err := a.checkOn(ctx, tx, by, ActionWithdrawForStoryteller, record.OrganisationID); err != nil {
			return err
		}
		o, err := tx.Organisation(ctx, record.OrganisationID)
		if err != nil {
			return err
		}
		s, err := tx.Story(ctx, storyID)
		if err != nil {
			return err
		}
		if err := a.eraseStory(ctx, tx, s, reason, now); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Entry{At: now, Actor: actor(by), Action: "withdraw_through_partner", SubjectID: storyID,
			Reason: reason, Note: o.In("en", "fr").Name})
	})
	if err != nil {
		return err
	}
	a.afterErasure(ctx, storyID)
	return nil
}

// SeedPartners stores demonstration organisations and collections as
// they are, for a fresh site's demo content: no one signs in to create
// them, so nothing is checked but what the database itself refuses.
func (a *App) SeedPartners(ctx context.Context, organisations []*org.Organisation, collections []*org.Collection) error {
	now := a.now()
	err := a.store.WithTx(ctx, func(tx storage.Tx) error {
		for _, o := range organisations {
			o.CreatedAt, o.UpdatedAt = now, now
			if err := tx.PutOrganisation(ctx, o); err != nil {
				return err
			}
		}
		for _, c := range collections {
			c.CreatedAt, c.UpdatedAt = now, now
			if err := tx.PutCollection(ctx, c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	a.publish(PublicChanged{})
	return nil
}
