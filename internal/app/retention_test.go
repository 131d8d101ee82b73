package app_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"chorus/internal/app"
	"chorus/internal/staff"
	"chorus/internal/story"
	"chorus/internal/testrig"
)

// mediaFiles lists the files of the rig's media store.
func mediaFiles(t *testing.T, rig *testrig.Rig) []string {
	t.Helper()
	var files []string
	filepath.WalkDir(rig.MediaDir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, path)
		}
		return nil
	})
	return files
}

// TestRetentionErasesPrivateDataFromTheFiles: once the retention period
// after the end has passed, contact e-mails, rejected and undecided
// stories with their photos, and sign-in records leave the database files
// and the media store; the audit log keeps the counts only; published
// stories stay; the dashboard's story figures do not move (a rejected
// story still counts as rejected, neither counts as withdrawn) and the
// storytellers' pages say their stories were erased after the campaign; a
// second run erases nothing.
func TestRetentionErasesPrivateDataFromTheFiles(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	moderator, _ := rig.Staff("mod@example.org", staff.RoleModerator)

	publishedID, _ := rig.Submit(testrig.Submission("KeptPublished"))
	if _, err := rig.App.Decide(ctx, moderator, publishedID, app.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}
	rejectedID, rejectedToken := rig.Submit(testrig.Submission("RetainRejectZorblatt"))
	if res := rig.UploadPhoto(rejectedID, rejectedToken, "p.jpg", testrig.PhotoWithGPS(640, 480), "RetainAltQuendor"); res.Status >= 300 {
		t.Fatalf("photo: %d %s", res.Status, res.Body)
	}
	if _, err := rig.App.Decide(ctx, moderator, rejectedID, app.Decision{Reason: story.RejectReasons[0], Note: "RetainNoteVelquist"}); err != nil {
		t.Fatal(err)
	}
	pendingID, pendingToken := rig.Submit(testrig.Submission("RetainPendingVendrick"))
	admin := rig.SignedIn("admin@example.org", staff.RoleAdmin)
	campaigner, _ := rig.Staff("campaigner@example.org", staff.RoleAdmin)
	if res := admin.Get("/en/staff/dashboard"); res.Status != http.StatusOK {
		t.Fatalf("signed in before retention: %d", res.Status)
	}
	published, err := rig.Store.Story(ctx, publishedID)
	if err != nil || len(published.ContactSealed) == 0 {
		t.Fatalf("published story's sealed contact: %v", err)
	}
	sealed := string(published.ContactSealed)
	if len(mediaFiles(t, rig)) == 0 {
		t.Fatal("no photo files to erase")
	}

	today := rig.Clock.Now().UTC()
	setEnd := func(daysAgo int) {
		t.Helper()
		end := today.AddDate(0, 0, -daysAgo)
		if _, err := rig.App.SetCampaignDates(ctx, end.AddDate(-1, 0, 0).Format(time.DateOnly), end.Format(time.DateOnly)); err != nil {
			t.Fatal(err)
		}
	}
	setEnd(10)
	if erased, err := rig.App.EraseAfterRetention(ctx); err != nil || erased != (app.Erased{}) {
		t.Fatalf("within the retention period: %+v %v", erased, err)
	}
	if s, _ := rig.Store.Story(ctx, rejectedID); s.Body == "" {
		t.Fatal("a rejected story was erased within the retention period")
	}

	setEnd(app.DefaultRetentionDays + 1)
	figures := func() (*app.Panel, int, time.Duration) {
		t.Helper()
		d, err := rig.App.Dashboard(ctx, campaigner, app.CampaignToDate)
		if err != nil {
			t.Fatal(err)
		}
		return d.Panel("stories"), d.Decided, d.MedianDecision
	}
	storiesBefore, decidedBefore, medianBefore := figures()
	if storiesBefore.Total(slices.Index(storiesBefore.Columns, "rejected")) != 1 || decidedBefore != 2 {
		t.Fatalf("figures before retention: %+v, %d decided", storiesBefore, decidedBefore)
	}
	erased, err := rig.App.EraseAfterRetention(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if erased.Rejected != 1 || erased.Pending != 1 || erased.PhotosRejected != 1 || erased.Contacts != 1 || erased.SignInRecords < 1 {
		t.Errorf("erased %+v", erased)
	}
	for _, left := range rig.DatabaseFilesHold("RetainRejectZorblatt", "RetainAltQuendor", "RetainNoteVelquist", "RetainPendingVendrick", sealed) {
		t.Error(left)
	}
	if files := mediaFiles(t, rig); len(files) != 0 {
		t.Errorf("media files left: %v", files)
	}
	for _, id := range []string{rejectedID, pendingID} {
		if s, err := rig.Store.Story(ctx, id); err != nil || s.Status != story.StatusWithdrawn || s.Body != "" || s.ContactSealed != nil {
			t.Errorf("story %s after retention: %+v %v", id, s, err)
		}
	}
	if s, err := rig.Store.Story(ctx, publishedID); err != nil || s.Status != story.StatusPublished || s.ContactSealed != nil || !strings.Contains(s.Body, "KeptPublished") {
		t.Errorf("published story after retention: %v %v", s, err)
	}
	if storiesAfter, decidedAfter, medianAfter := figures(); !reflect.DeepEqual(storiesAfter, storiesBefore) || decidedAfter != decidedBefore || medianAfter != medianBefore {
		t.Errorf("retention moved the dashboard's figures:\n%+v, %d decided, median %s\n%+v, %d decided, median %s before",
			storiesAfter, decidedAfter, medianAfter, storiesBefore, decidedBefore, medianBefore)
	}
	for id, want := range map[string]string{
		rejectedID + "/" + rejectedToken: "We could not publish your story. The campaign has ended",
		pendingID + "/" + pendingToken:   "The campaign ended before your story could be read.",
	} {
		page := rig.Do("GET", "/en/my/"+id, nil, nil)
		if body := string(page.Body); page.Status != http.StatusOK || !strings.Contains(body, "erased after the campaign") || !strings.Contains(body, want) ||
			strings.Contains(body, "You withdrew") {
			t.Errorf("the storyteller's page after retention (%d) does not say the story was erased after the campaign:\n%s", page.Status, body)
		}
	}
	if res := admin.Get("/en/staff/dashboard"); res.Status != http.StatusSeeOther && res.Status != http.StatusUnauthorized {
		t.Errorf("a session after retention still signs in: %d", res.Status)
	}
	entries, err := rig.Store.Audit(ctx, "campaign.timeline")
	if err != nil {
		t.Fatal(err)
	}
	last := entries[len(entries)-1]
	if last.Action != "retention" || !strings.Contains(last.Note, "rejected=1") || !strings.Contains(last.Note, "pending=1") {
		t.Errorf("audit: %+v", last)
	}

	again, err := rig.App.EraseAfterRetention(ctx)
	if err != nil || again != (app.Erased{}) {
		t.Errorf("second run: %+v %v", again, err)
	}
	if n, _ := rig.Store.Audit(ctx, "campaign.timeline"); len(n) != len(entries) {
		t.Errorf("a run that erased nothing wrote to the audit log")
	}
}
