package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"chorus/internal/audit"
	"chorus/internal/media"
	"chorus/internal/staff"
	"chorus/internal/storage"
	"chorus/internal/story"
)

// PartnerProfile is how a partner organisation appears on its co-branded
// toolkit: its name and its logo, a PNG from media.ProcessLogo.
type PartnerProfile struct {
	Organisation string `json:"organisation"`
	Logo         []byte `json:"logo,omitempty"`
}

// MaxOrganisation bounds an organisation's name.
const MaxOrganisation = 120

func partnerKey(u *staff.User) string { return "partner." + strconv.FormatInt(u.ID, 10) }

// Partner returns the profile of a partner (or an admin, who may make a
// co-branded kit too); an empty one when none was saved.
func (a *App) Partner(ctx context.Context, by *staff.User) (PartnerProfile, error) {
	if err := can(by, ActionPartnerProfile); err != nil {
		return PartnerProfile{}, err
	}
	p, err := partnerFrom(ctx, a.store, by)
	if err != nil || p.Organisation != "" || p.Logo != nil {
		return p, err
	}
	// A member of an organisation who saved no profile of their own
	// co-brands with the organisation's name and logo.
	o, _, err := a.Membership(ctx, by)
	if err != nil || o == nil {
		return p, err
	}
	return PartnerProfile{Organisation: o.In("en", "fr").Name, Logo: o.Logo}, nil
}

func partnerFrom(ctx context.Context, r storage.Reader, by *staff.User) (PartnerProfile, error) {
	var p PartnerProfile
	s, err := r.Setting(ctx, partnerKey(by))
	if errors.Is(err, story.ErrNotFound) {
		return p, nil
	}
	if err != nil {
		return p, err
	}
	if err := json.Unmarshal(s.Value, &p); err != nil {
		return p, fmt.Errorf("partner profile of user %d: %w", by.ID, err)
	}
	return p, nil
}

// PartnerUpdate is a change to a partner's profile. Logo, when not nil, is
// an upload to check and re-encode; RemoveLogo drops the saved one.
type PartnerUpdate struct {
	Organisation string
	Logo         io.Reader
	RemoveLogo   bool
}

// SavePartner changes a partner's profile; the change is audited.
func (a *App) SavePartner(ctx context.Context, by *staff.User, u PartnerUpdate) error {
	if err := can(by, ActionPartnerProfile); err != nil {
		return err
	}
	name := story.CleanLine(u.Organisation)
	if name == "" || utf8.RuneCountInString(name) > MaxOrganisation {
		return story.FieldError("organisation", "error.organisation", "Give your organisation's name (120 characters at most).")
	}
	var logo []byte
	if u.Logo != nil {
		var err error
		if logo, err = media.ProcessLogo(ctx, u.Logo); err != nil {
			var se *story.Error
			if errors.As(err, &se) {
				e := *se
				e.Field = "logo"
				return &e
			}
			return err
		}
	}
	now := a.now()
	return a.store.WithTx(ctx, func(tx storage.Tx) error {
		old, err := partnerFrom(ctx, tx, by)
		if err != nil {
			return err
		}
		p := PartnerProfile{Organisation: name, Logo: old.Logo}
		switch {
		case logo != nil:
			p.Logo = logo
		case u.RemoveLogo:
			p.Logo = nil
		}
		value, err := json.Marshal(p)
		if err != nil {
			return err
		}
		if err := tx.PutSetting(ctx, storage.Setting{Key: partnerKey(by), Value: value, UpdatedAt: now, UpdatedBy: actor(by)}); err != nil {
			return err
		}
		note := "name"
		if logo != nil {
			note = "name and logo"
		} else if u.RemoveLogo && old.Logo != nil {
			note = "name; logo removed"
		}
		return tx.AppendAudit(ctx, audit.Entry{At: now, Actor: actor(by), Action: "partner_profile", SubjectID: partnerKey(by), Note: note})
	})
}
