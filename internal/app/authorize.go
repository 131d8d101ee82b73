package app

import (
	"slices"

	"chorus/internal/org"
	"chorus/internal/staff"
	"chorus/internal/story"
)

// Audience is a set of staff roles. Routes name the audience they are for;
// use-cases check the action they carry out. Both read the table below.
type Audience []staff.Role

// The audiences of Chorus.
var (
	Staff            = Audience{staff.RoleAdmin, staff.RoleModerator, staff.RolePartner, staff.RoleTranslator}
	Moderators       = Audience{staff.RoleAdmin, staff.RoleModerator}
	Admins           = Audience{staff.RoleAdmin}
	Translators      = Audience{staff.RoleAdmin, staff.RoleTranslator}
	StoryTranslators = Audience{staff.RoleAdmin, staff.RoleTranslator, staff.RolePartner}
	Partners         = Audience{staff.RoleAdmin, staff.RolePartner}
)

// Has reports whether the role belongs to the audience.
func (au Audience) Has(r staff.Role) bool { return slices.Contains(au, r) }

// Includes reports whether a signed-in user belongs to the audience; nobody
// (nil) belongs to none.
func (au Audience) Includes(u *staff.User) bool { return u != nil && au.Has(u.Role) }

// Action is something only some staff may do.
type Action string

// The actions of Chorus that only some roles may carry out.
const (
	ActionModerate                Action = "moderate" // pending stories, social posts, audit trails, pending photos
	ActionFeature                 Action = "feature"  // feature a published story on the home page
	ActionSetPolicy               Action = "set_policy"
	ActionEditReplies             Action = "edit_replies"
	ActionManageJobs              Action = "manage_jobs"
	ActionConnect                 Action = "connect" // connectors hand over and remove social posts
	ActionPartnerProfile          Action = "partner_profile"
	ActionTranslateInterface      Action = "translate_interface" // the interface's and the toolkit's texts
	ActionEditToolkitSource       Action = "edit_toolkit_source" // the toolkit's English
	ActionTranslateStories        Action = "translate_stories"
	ActionSeeStoryTranslations    Action = "see_story_translations"
	ActionPublishStoryTranslation Action = "publish_story_translation"
	ActionManageOrganisations     Action = "manage_organisations" // create organisations, name their first owner
)

// Organisation actions are carried out on one organisation's things:
// admins on any organisation's, partners on their own organisation's only,
// and the owner-only ones by its owners only (OrganisationRule).
const (
	ActionEditOrganisation       Action = "edit_organisation" // owners: name, description, logo, website
	ActionManageMembers          Action = "manage_members"    // owners: invite and remove members
	ActionSubmitForStoryteller   Action = "submit_for_storyteller"
	ActionSeeConsentRecords      Action = "see_consent_records"
	ActionWithdrawForStoryteller Action = "withdraw_for_storyteller"
	ActionCurateCollections      Action = "curate_collections"
)

// permissions says which audience may carry out each action. It is the one
// place that says so: use-cases check it, routes refuse early with it, pages
// show or hide controls with it.
var permissions = map[Action]Audience{
	ActionModerate:                Moderators,
	ActionFeature:                 Admins,
	ActionSetPolicy:               Admins,
	ActionEditReplies:             Admins,
	ActionManageJobs:              Admins,
	ActionConnect:                 Admins,
	ActionPartnerProfile:          Partners,
	ActionTranslateInterface:      Translators,
	ActionEditToolkitSource:       Admins,
	ActionTranslateStories:        StoryTranslators,
	ActionSeeStoryTranslations:    Staff,
	ActionPublishStoryTranslation: Moderators,
	ActionManageOrganisations:     Admins,
	ActionEditOrganisation:        Partners,
	ActionManageMembers:           Partners,
	ActionSubmitForStoryteller:    Partners,
	ActionSeeConsentRecords:       Partners,
	ActionWithdrawForStoryteller:  Partners,
	ActionCurateCollections:       Partners,
}

// ownersOnly are the organisation actions a partner may carry out only as
// an owner of the organisation.
var ownersOnly = map[Action]bool{ActionEditOrganisation: true, ActionManageMembers: true}

// AllowedOn reports whether u, whose membership is m (nil when none), may
// carry out an organisation action on the things of the organisation
// organisationID ("" for the campaign's own, which only admins touch).
func AllowedOn(u *staff.User, m *org.Member, action Action, organisationID string) bool {
	if !Allowed(u, action) {
		return false
	}
	if u.Role == staff.RoleAdmin {
		return true
	}
	if m == nil || m.UserID != u.ID || organisationID == "" || m.OrganisationID != organisationID {
		return false
	}
	return !ownersOnly[action] || m.Owner
}

// canOn returns a forbidden error unless AllowedOn.
func canOn(u *staff.User, m *org.Member, action Action, organisationID string) error {
	if !AllowedOn(u, m, action, organisationID) {
		return ErrForbidden
	}
	return nil
}

// Actions lists every action, for tests and documentation.
func Actions() []Action {
	out := make([]Action, 0, len(permissions))
	for a := range permissions {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

// ErrForbidden refuses a role what it may not do: the use-cases, the
// routes' early refusals and the API answer with this one error.
var ErrForbidden = &story.Error{Code: story.CodeForbidden, Key: "error.forbidden", Message: "Your role does not allow this."}

// Allowed reports whether u may carry out the action. Pages use it to decide
// what to show; use-cases use can.
func Allowed(u *staff.User, action Action) bool {
	return permissions[action].Includes(u)
}

// can returns a forbidden error unless u may carry out the action.
func can(u *staff.User, action Action) error {
	if !Allowed(u, action) {
		return ErrForbidden
	}
	return nil
}
