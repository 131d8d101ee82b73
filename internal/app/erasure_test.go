package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"chorus/internal/app"
	"chorus/internal/staff"
	"chorus/internal/story"
	"chorus/internal/testrig"
)

const secretBody = "We arrived in January. My passport number is QX7719Zorblatt and we live at 14 Vendrickmoor Lane, flat 2."

// TestRedactingAPendingStoryPurgesTheRemovedText: the ID number and the
// address a moderator removes from a pending story are in no database file
// afterwards.
func TestRedactingAPendingStoryPurgesTheRemovedText(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	sub := testrig.Submission("Redactpending")
	sub.Body = secretBody
	id, _ := rig.Submit(sub)
	mod, _ := rig.Staff("mod@example.org", staff.RoleModerator)
	err := rig.App.Redact(ctx, mod, id, app.Redaction{Title: "Our first winter",
		Body: "We arrived in January. My passport number is [removed] and we live at [address removed].", Note: "ID number and address"})
	if err != nil {
		t.Fatal(err)
	}
	for _, left := range rig.LeftInDatabase("QX7719Zorblatt", "Vendrickmoor") {
		t.Error(left)
	}
}

// TestEditingAPendingStoryPurgesTheOldText: what a storyteller takes out of
// their own pending story is in no database file afterwards.
func TestEditingAPendingStoryPurgesTheOldText(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	sub := testrig.Submission("Editpending")
	sub.Body = secretBody
	id, token := rig.Submit(sub)
	sub.Body = "We arrived in January. I would rather not say where we live now."
	if err := rig.App.EditSubmission(ctx, id, token, sub); err != nil {
		t.Fatal(err)
	}
	for _, left := range rig.LeftInDatabase("QX7719Zorblatt", "Vendrickmoor") {
		t.Error(left)
	}
}

// TestWithdrawReasonIsAChoiceFromAList: free text as a withdrawal reason is
// refused with a clear error and the story stays as it was; a reason from
// the list, or none, is kept as its code.
func TestWithdrawReasonIsAChoiceFromAList(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	id, token := rig.Submit(testrig.Submission("Reasonfree"))
	auth := map[string]string{"Authorization": "Bearer " + token}
	for _, reason := range []string{"My+ex-husband+found+it", strings.Repeat("x", 900_000), "author_request", "OTHER"} {
		res := rig.Do("DELETE", "/api/v1/stories/"+id+"?reason="+reason, nil, auth)
		var body struct {
			Error struct{ Code, Message string }
		}
		res.JSON(t, &body)
		if res.Status != http.StatusBadRequest || body.Error.Code != "bad_request" || !strings.Contains(body.Error.Message, "changed_mind") {
			t.Errorf("reason %.30q: %d %s", reason, res.Status, res.Body)
		}
	}
	if s, _ := rig.Store.Story(ctx, id); s.Status != story.StatusPending || s.Body == "" {
		t.Fatalf("a refused withdrawal changed the story: %s", s.Status)
	}

	for _, reason := range append([]string{""}, story.WithdrawReasons...) {
		id, token := rig.Submit(testrig.Submission("Reason" + reason))
		res := rig.Do("DELETE", "/api/v1/stories/"+id+"?reason="+reason, nil, map[string]string{"Authorization": "Bearer " + token})
		if res.Status != http.StatusOK {
			t.Fatalf("reason %q: %d %s", reason, res.Status, res.Body)
		}
		s, err := rig.Store.Story(ctx, id)
		if err != nil || s.WithdrawReason != reason {
			t.Errorf("reason %q stored as %q (%v)", reason, s.WithdrawReason, err)
		}
		entries, err := rig.Store.Audit(ctx, id)
		if err != nil || entries[len(entries)-1].Action != "withdraw" || entries[len(entries)-1].Reason != reason {
			t.Errorf("reason %q audited as %+v (%v)", reason, entries, err)
		}
	}
}

// TestWithdrawFormOffersTheReasons: the private page's withdrawal form
// lists the reasons, translated, and the one chosen is kept.
func TestWithdrawFormOffersTheReasons(t *testing.T) {
	rig := testrig.New(t)
	id, token := rig.Submit(testrig.Submission("Reasonform"))
	b := rig.Browser()
	page := b.Get("/fr/my/" + id + "/" + token)
	for _, want := range []string{`name="reason"`, `value="privacy"`, "J&#39;ai changé d&#39;avis"} {
		if !strings.Contains(string(page.Body), want) {
			t.Errorf("the French withdrawal form lacks %s", want)
		}
	}
	res := b.PostForm("/fr/my/"+id+"/"+token+"/withdraw", url.Values{"csrf": {testrig.CSRF(t, page)}, "confirm": {"yes"}, "reason": {"parce que mon frère l'a vue"}})
	if res.Status != http.StatusBadRequest || !strings.Contains(string(res.Body), "ne figure pas dans la liste") {
		t.Errorf("free text through the form: %d %.300s", res.Status, res.Body)
	}
	if s, _ := rig.Store.Story(context.Background(), id); s.Status != story.StatusPending {
		t.Fatalf("a refused withdrawal changed the story: %s", s.Status)
	}
	res = b.PostForm("/fr/my/"+id+"/"+token+"/withdraw", url.Values{"csrf": {testrig.CSRF(t, page)}, "confirm": {"yes"}, "reason": {"privacy"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("withdraw: %d %.300s", res.Status, res.Body)
	}
	if s, _ := rig.Store.Story(context.Background(), id); s.Status != story.StatusWithdrawn || s.WithdrawReason != "privacy" {
		t.Errorf("withdrawn through the form: %s %q", s.Status, s.WithdrawReason)
	}
}

// BenchmarkEditPendingWithPurge measures a storyteller's edit of a pending
// story, the purge of the superseded text included, with 500 stories in
// the queue.
func BenchmarkEditPendingWithPurge(b *testing.B) {
	rig := testrig.New(b)
	ctx := context.Background()
	for i := range 500 {
		rig.Submit(testrig.Submission(fmt.Sprintf("Queued%d", i)))
	}
	sub := testrig.Submission("Edited")
	id, token := rig.Submit(sub)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sub.Body = fmt.Sprintf("We arrived in January, version %d of the story, and our neighbours helped us.", i)
		if err := rig.App.EditSubmission(ctx, id, token, sub); err != nil {
			b.Fatal(err)
		}
	}
}

// TestReplacingAPhotoPurgesItsOldDescription: a photo's description can
// name people and places; when the storyteller replaces the photo, the old
// description is in no database file.
func TestReplacingAPhotoPurgesItsOldDescription(t *testing.T) {
	rig := testrig.New(t)
	id, token := rig.Submit(testrig.Submission("Rephoto"))
	if res := rig.UploadPhoto(id, token, "a.jpg", testrig.PhotoWithGPS(300, 200), "My sister Yzolthea outside 9 Brambleworth Court"); res.Status != http.StatusOK {
		t.Fatalf("photo: %d %s", res.Status, res.Body)
	}
	if res := rig.UploadPhoto(id, token, "b.jpg", testrig.PhotoWithGPS(300, 200), "A street in the snow"); res.Status != http.StatusOK {
		t.Fatalf("second photo: %d %s", res.Status, res.Body)
	}
	for _, left := range rig.LeftInDatabase("Yzolthea", "Brambleworth") {
		t.Error(left)
	}
}

// TestEditingATranslationPurgesTheOldText: what a translator takes out of
// a story's translation is in no database file afterwards.
func TestEditingATranslationPurgesTheOldText(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	id := published(t, rig, "Retranslate", true)
	tr, _ := rig.Staff("translator@example.org", staff.RoleTranslator)
	for _, body := range []string{"Nous sommes arrivés en janvier chez Grumbaldine, 3 impasse Quervilloux.", "Nous sommes arrivés en janvier chez des amis."} {
		edit := app.StoryTranslationEdit{Text: story.TranslationText{Title: "Notre premier hiver", Body: body, Credit: "Léa"}}
		if _, err := rig.App.SaveStoryTranslation(ctx, tr, id, "fr", edit); err != nil {
			t.Fatal(err)
		}
	}
	for _, left := range rig.LeftInDatabase("Grumbaldine", "Quervilloux") {
		t.Error(left)
	}
}
