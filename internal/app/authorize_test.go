package app_test

import (
	"slices"
	"testing"

	"chorus/internal/app"
	"chorus/internal/storage"
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
		for _, role := range storage.Roles {
			u := &storage.User{ID: 1, Role: role}
			if got, wanted := app.Allowed(u, action), slices.Contains(allowed, string(role)); got != wanted {
				t.Errorf("%s as %s: allowed %v, want %v", action, role, got, wanted)
			}
		}
		if app.Allowed(nil, action) {
			t.Errorf("%s as nobody: allowed", action)
		}
		if app.Allowed(&storage.User{ID: 2, Role: "owner"}, action) {
			t.Errorf("%s as an unknown role: allowed", action)
		}
	}
	if app.Allowed(&storage.User{ID: 1, Role: storage.RoleAdmin}, "unknown") {
		t.Error("an action missing from the table is allowed")
	}
}
