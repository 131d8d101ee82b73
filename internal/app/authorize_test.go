package app_test

import (
	"context"
	"slices"
	"testing"

	"chorus/internal/app"
	"chorus/internal/staff"
	"chorus/internal/story"
	"chorus/internal/testrig"
)

// TestWhoMayDoWhat checks the authorisation table action by action and role
// by role, and that nobody (no user) may do anything.
func TestWhoMayDoWhat(t *testing.T) {
	const (
		admin      = "admin"
		moderator  = "moderator"
		partner    = "partner"
		translator = "translator"
	)
	want := map[app.Action][]string{
		app.ActionModerate:                {admin, moderator},
		app.ActionFeature:                 {admin},
		app.ActionSetPolicy:               {admin},
		app.ActionEditReplies:             {admin},
		app.ActionManageJobs:              {admin},
		app.ActionConnect:                 {admin},
		app.ActionPartnerProfile:          {admin, partner},
		app.ActionTranslateInterface:      {admin, translator},
		app.ActionEditToolkitSource:       {admin},
		app.ActionTranslateStories:        {admin, partner, translator},
		app.ActionSeeStoryTranslations:    {admin, moderator, partner, translator},
		app.ActionPublishStoryTranslation: {admin, moderator},
		app.ActionManageOrganisations:     {admin},
		// Which organisation's things a partner may touch is checked by
		// AllowedOn: TestPartnerAuthorisationMatrix.
		app.ActionEditOrganisation:       {admin, partner},
		app.ActionManageMembers:          {admin, partner},
		app.ActionSubmitForStoryteller:   {admin, partner},
		app.ActionSeeConsentRecords:      {admin, partner},
		app.ActionWithdrawForStoryteller: {admin, partner},
		app.ActionCurateCollections:      {admin, partner},
	}
	actions := app.Actions()
	if len(actions) != len(want) {
		t.Errorf("the table has %d actions, this test knows %d: %v", len(actions), len(want), actions)
	}
	for _, action := range actions {
		allowed, known := want[action]
		if !known {
			t.Errorf("%s: not in this test", action)
			continue
		}
		for _, role := range staff.Roles {
			u := &staff.User{ID: 1, Role: role}
			if got, wanted := app.Allowed(u, action), slices.Contains(allowed, string(role)); got != wanted {
				t.Errorf("%s as %s: allowed %v, want %v", action, role, got, wanted)
			}
		}
		if app.Allowed(nil, action) {
			t.Errorf("%s as nobody: allowed", action)
		}
		if app.Allowed(&staff.User{ID: 2, Role: "owner"}, action) {
			t.Errorf("%s as an unknown role: allowed", action)
		}
	}
	if app.Allowed(&staff.User{ID: 1, Role: staff.RoleAdmin}, "unknown") {
		t.Error("an action missing from the table is allowed")
	}
}

// TestUseCasesCheckTheTable runs the use-cases handlers reach for staff
// pages as nobody and as every role: each refuses exactly whom the table
// refuses, and serves the others.
func TestUseCasesCheckTheTable(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	storyID, _ := rig.Submit(testrig.Submission("Pending"))
	post := ingest(t, rig.App, incoming("1", warmPost))
	callers := map[string]*staff.User{"nobody": nil}
	for _, role := range staff.Roles {
		callers[string(role)], _ = rig.Staff(string(role)+"@example.org", role)
	}
	for who, u := range callers {
		// mustServe: allowed callers get no error at all; mayFail: allowed
		// callers may get another error (the item does not exist), never
		// a refusal.
		check := func(name string, action app.Action, err error, mustServe bool) {
			t.Helper()
			refused := story.ErrorCode(err) == story.CodeForbidden
			switch allowed := app.Allowed(u, action); {
			case !allowed && !refused:
				t.Errorf("%s as %s: %v, want forbidden", name, who, err)
			case allowed && refused:
				t.Errorf("%s as %s: refused", name, who)
			case allowed && mustServe && err != nil:
				t.Errorf("%s as %s: %v", name, who, err)
			}
		}
		_, err := rig.App.FailedJobs(ctx, u)
		check("FailedJobs", app.ActionManageJobs, err, true)
		check("RetryJob", app.ActionManageJobs, rig.App.RetryJob(ctx, u, 1<<40), false)
		check("DiscardJob", app.ActionManageJobs, rig.App.DiscardJob(ctx, u, 1<<40), false)
		_, _, err = rig.App.IngestPostFrom(ctx, u, incoming("from-"+who, warmPost))
		check("IngestPostFrom", app.ActionConnect, err, true)
		check("RemovePostFrom", app.ActionConnect, rig.App.RemovePostFrom(ctx, u, "mastodon", "none"), false)
		s, err := rig.App.StaffStory(ctx, u, storyID)
		check("StaffStory", app.ActionModerate, err, true)
		if err == nil && s.Status != story.StatusPending {
			t.Errorf("StaffStory as %s: %s, want the pending story", who, s.Status)
		}
		_, err = rig.App.StaffPost(ctx, u, post.ID)
		check("StaffPost", app.ActionModerate, err, true)
		_, err = rig.App.SavedTranslations(ctx, u)
		check("SavedTranslations", app.ActionTranslateInterface, err, true)
		_, err = rig.App.TranslatorEmail(ctx, u, callers["admin"].ID)
		check("TranslatorEmail", app.ActionTranslateInterface, err, true)
		_, err = app.TranslationTarget(u, "fr", false)
		check("TranslationTarget fr", app.ActionTranslateInterface, err, true)
		_, err = app.TranslationTarget(u, "en", true)
		check("TranslationTarget toolkit en", app.ActionEditToolkitSource, err, true)
	}
}
