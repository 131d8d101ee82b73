package web_test

import (
	"bytes"
	"html"
	"net/http"
	"testing"

	"chorus/internal/paths"
	"chorus/internal/staff"
	"chorus/internal/testrig"
	"chorus/internal/toolkit/card"
)

// TestPathsAreServed: every path the paths package builds is served, and
// the pages link to photos and cards by those paths.
func TestPathsAreServed(t *testing.T) {
	rig := testrig.New(t)
	ctx := t.Context()
	id, token := rig.Submit(testrig.Submission("Paths"))
	if res := rig.UploadPhoto(id, token, "p.jpg", testrig.PhotoWithGPS(120, 90), "a street"); res.Status != http.StatusOK {
		t.Fatalf("photo: %d", res.Status)
	}
	sub, err := rig.App.Submission(ctx, id, token)
	if err != nil || sub.Photo == nil || len(sub.Photo.Sizes) == 0 {
		t.Fatalf("submission photo: %+v %v", sub, err)
	}
	file := paths.PhotoFile(sub.Photo.Sizes[0].Key)
	moderatorBrowser := rig.SignedIn("mod@example.org", staff.RoleModerator)
	if res := moderatorBrowser.Get(paths.StaffPhotoPath(id, file)); res.Status != http.StatusOK {
		t.Errorf("%s: %d", paths.StaffPhotoPath(id, file), res.Status)
	}
	moderator, _ := rig.Staff("approver@example.org", staff.RoleModerator)
	if _, err := rig.App.Decide(ctx, moderator, id, appDecision(true, "", "")); err != nil {
		t.Fatal(err)
	}

	served := []string{
		paths.HomePath("fr"),
		paths.StoryPath("en", id),
		paths.OriginalStoryPath("ar", id),
		paths.PhotoPath(id, file),
		paths.ToolkitCardPath("fr", 1, card.Sizes[0].Name),
	}
	for _, size := range card.Sizes {
		served = append(served, paths.StoryCardPath("en", id, size.Name))
	}
	for _, p := range served {
		if res := rig.Do("GET", p, nil, nil); res.Status != http.StatusOK {
			t.Errorf("%s: %d", p, res.Status)
		}
	}

	page := rig.Do("GET", paths.StoryPath("en", id), nil, nil).Body
	for _, link := range []string{paths.PhotosPath(id), paths.StoryCardPath("en", id, "og")} {
		if !bytes.Contains(page, []byte(html.EscapeString(link))) {
			t.Errorf("the story page does not link to %s", link)
		}
	}
}
