package web_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"chorus/internal/app"
	"chorus/internal/staff"
	"chorus/internal/testrig"
)

// TestTemplatesAskForKnownActions: a template's {{.Can "x"}} names an
// action of app's table; a misspelt one would hide its control from
// everybody without a word.
func TestTemplatesAskForKnownActions(t *testing.T) {
	files, err := filepath.Glob("templates/*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("templates: %v (%d files)", err, len(files))
	}
	asked := regexp.MustCompile(`\.Can "([a-z_]+)"`)
	found := 0
	for _, name := range files {
		text, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range asked.FindAllStringSubmatch(string(text), -1) {
			found++
			if !slices.Contains(app.Actions(), app.Action(m[1])) {
				t.Errorf("%s asks for the unknown action %q", name, m[1])
			}
		}
	}
	if found == 0 {
		t.Error("no template asks .Can: has the helper been renamed?")
	}
}

// TestControlsFollowTheTable: the staff pages offer a control only to the
// roles the authorisation table lets carry it out.
func TestControlsFollowTheTable(t *testing.T) {
	rig := testrig.New(t)
	id, _ := rig.Submit(testrig.Submission("Controls"))
	approver, _ := rig.Staff("approver@example.org", staff.RoleModerator)
	if _, err := rig.App.Decide(t.Context(), approver, id, appDecision(true, "", "")); err != nil {
		t.Fatal(err)
	}
	admin := rig.SignedIn("admin@example.org", staff.RoleAdmin)
	moderator := rig.SignedIn("mod@example.org", staff.RoleModerator)
	controls := []struct{ page, control string }{
		{"/en/staff/published", `action="/en/staff/stories/` + id + `/feature"`},
		{"/en/staff/replies", `href="/en/staff/replies/edit"`},
		{"/en/staff/translations", `href="/en/staff/translations/en/toolkit"`},
	}
	for _, c := range controls {
		if !strings.Contains(string(admin.Get(c.page).Body), c.control) {
			t.Errorf("%s: admins are not offered %s", c.page, c.control)
		}
	}
	for _, c := range controls[:2] {
		if strings.Contains(string(moderator.Get(c.page).Body), c.control) {
			t.Errorf("%s: moderators are offered %s", c.page, c.control)
		}
	}
}
