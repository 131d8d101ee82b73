package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"chorus/internal/staff"
	"chorus/internal/testrig"
)

// postReview presses "Mark as reviewed" on one text of an editor.
func postReview(t *testing.T, b *testrig.Browser, editor, key string) testrig.Response {
	t.Helper()
	page := b.Get(editor + "?show=review")
	form := url.Values{"csrf": {testrig.CSRF(t, page)}, "key": {key}, "show": {"review"}, "action": {"review"}}
	return b.PostForm(editor, form)
}

// A text written without a native speaker waits for review, is listed as
// such to translators, and is marked reviewed, with who reviewed it; a
// text saved in the browser waits for someone else's review. Public
// pages never show the review state.
func TestTranslatorsReviewTexts(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	amina := rig.SignedIn("amina@example.org", staff.RoleTranslator)
	editor := "/en/staff/translations/so"

	waiting := amina.Get(editor + "?area=share&show=review")
	for _, want := range []string{`id="m-share.title"`, "Needs review by a native speaker", `value="review"`} {
		if !bytes.Contains(waiting.Body, []byte(want)) {
			t.Errorf("the texts waiting for review lack %q", want)
		}
	}
	if overview := amina.Get("/en/staff/translations"); !bytes.Contains(overview.Body, []byte(`/en/staff/translations/so?show=review`)) {
		t.Error("the coverage page does not link to the Somali texts waiting for review")
	}

	res := postReview(t, amina, editor, "share.title")
	if res.Status != http.StatusSeeOther {
		t.Fatalf("review: %d %.500s", res.Status, res.Body)
	}
	tr, err := rig.Store.Translation(ctx, staff.CatalogInterface, "so", "share.title")
	user, _ := rig.Store.UserByEmail(ctx, "amina@example.org")
	if err != nil || tr.ReviewedBy != user.ID || tr.ReviewedAt.IsZero() || tr.Forms["other"] != "La wadaag sheekadaada" {
		t.Fatalf("reviewed text: %+v %v", tr, err)
	}
	after := amina.Get(editor + "?area=share&show=all")
	if !bytes.Contains(after.Body, []byte("Reviewed by amina@example.org")) {
		t.Errorf("the editor does not say who reviewed the text: %.3000s", after.Body)
	}
	if again := amina.Get(editor + "?area=share&show=review"); bytes.Contains(again.Body, []byte(`id="m-share.title"`)) {
		t.Error("a reviewed text is still listed as waiting for review")
	}

	// A text saved in the browser waits for review again, by someone else.
	if res := postTranslation(t, amina, editor, "share.title", other("Nala wadaag sheekadaada")); res.Status != http.StatusSeeOther {
		t.Fatalf("save: %d", res.Status)
	}
	if tr, _ := rig.Store.Translation(ctx, staff.CatalogInterface, "so", "share.title"); tr.ReviewedBy != 0 {
		t.Errorf("a new text kept its former review: %+v", tr)
	}
	if res := postReview(t, amina, editor, "share.title"); res.Status == http.StatusSeeOther || !bytes.Contains(res.Body, []byte("Someone other than the person who saved this text must review it.")) {
		t.Errorf("reviewing one's own text: %d", res.Status)
	}
	omar := rig.SignedIn("omar@example.org", staff.RoleTranslator)
	if res := postReview(t, omar, editor, "share.title"); res.Status != http.StatusSeeOther {
		t.Errorf("another translator's review: %d %.300s", res.Status, res.Body)
	}

	public := rig.Browser().Get("/so/share")
	if public.Status != http.StatusOK || !bytes.Contains(public.Body, []byte("Nala wadaag sheekadaada")) {
		t.Fatalf("the Somali share page: %d", public.Status)
	}
	for _, word := range []string{"review", "Review"} {
		if strings.Contains(string(public.Body), word) {
			t.Errorf("the public page speaks of %q", word)
		}
	}
}
