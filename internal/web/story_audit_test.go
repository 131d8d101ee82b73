package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"chorus/internal/audit"
	"chorus/internal/staff"
	"chorus/internal/testrig"
)

var spanForm = regexp.MustCompile(`(?s)<form method="post" action="(/\w+/staff/stories/[^/"]+/redact-span)">(.*?)</form>`)
var hiddenField = regexp.MustCompile(`<input type="hidden" name="(\w+)" value="([^"]*)">`)

// spanForms returns the one-click removal forms of a queue page, by label.
func spanForms(t *testing.T, page testrig.Response) map[string]struct {
	action string
	form   url.Values
} {
	t.Helper()
	out := map[string]struct {
		action string
		form   url.Values
	}{}
	for _, m := range spanForm.FindAllStringSubmatch(string(page.Body), -1) {
		form := url.Values{}
		for _, f := range hiddenField.FindAllStringSubmatch(m[2], -1) {
			form.Set(f[1], strings.ReplaceAll(f[2], "&#43;", "+"))
		}
		out[form.Get("label")] = struct {
			action string
			form   url.Values
		}{m[1], form}
	}
	return out
}

func TestOneClickSpanRedaction(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	const iban, phone = "GB82 WEST 1234 5698 7654 32", "+44 20 7946 0958"
	sub := testrig.Submission("Bank")
	sub.Body = "People sent money to help us: " + iban + " was my account then. Call me on " + phone + " if you want to help."
	id, _ := rig.Submit(sub)
	mod := rig.SignedIn("mod@example.org", staff.RoleModerator)
	queue := mod.Get("/en/staff/queue")
	forms := spanForms(t, queue)
	bank, ok := forms["iban"]
	if !ok {
		t.Fatalf("no removal button for the IBAN; forms %v in %s", forms, queue.Body)
	}
	if _, ok := forms["phone"]; !ok {
		t.Errorf("no removal button for the phone number: %v", forms)
	}

	if res := mod.PostForm(bank.action, url.Values{"field": {"body"}, "start": {bank.form.Get("start")}}); res.Status != http.StatusForbidden {
		t.Errorf("without the form token: %d, want 403", res.Status)
	}
	if res := mod.PostForm(bank.action, bank.form); res.Status != http.StatusSeeOther {
		t.Fatalf("removal: %d %s", res.Status, res.Body)
	}
	s, err := rig.Store.Story(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(sub.Body, iban, "[removed]", 1)
	if s.Body != want {
		t.Errorf("body after removal:\n%q\nwant\n%q", s.Body, want)
	}

	// The same button again: the text changed under it.
	res := mod.PostForm(bank.action, bank.form)
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(string(res.Body), "nothing was removed") {
		t.Errorf("stale removal: %d, want 422 with a message", res.Status)
	}
	if again, _ := rig.Store.Story(ctx, id); again.Body != want {
		t.Errorf("stale removal changed the text: %q", again.Body)
	}

	entries, err := rig.Store.Audit(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var redact *audit.Entry
	for i, e := range entries {
		if strings.Contains(e.Note+e.Reason, "WEST") || strings.Contains(e.Note+e.Reason, "7654") {
			t.Errorf("audit entry %+v holds the removed text", e)
		}
		if e.Action == "redact" {
			redact = &entries[i]
		}
	}
	if redact == nil || redact.Reason != "iban" || !strings.Contains(redact.Note, "body 30–57 (27 bytes)") {
		t.Fatalf("redact entry %+v, want the kind and body 30–57 (27 bytes)", redact)
	}

	// The phone button drawn before the first removal is stale too; a
	// fresh page offers it at its new place.
	if res := mod.PostForm(forms["phone"].action, forms["phone"].form); res.Status != http.StatusUnprocessableEntity {
		t.Errorf("phone button from the old page: %d", res.Status)
	}
	fresh := spanForms(t, mod.Get("/fr/staff/queue"))["phone"]
	if res := mod.PostForm(fresh.action, fresh.form); res.Status != http.StatusSeeOther {
		t.Fatalf("fresh phone removal: %d", res.Status)
	}
	if s, _ := rig.Store.Story(ctx, id); strings.Contains(s.Body, phone) || !strings.Contains(s.Body, "Call me on [removed] if") {
		t.Errorf("body after the phone removal: %q (the marker is in the story's language, not the page's)", s.Body)
	}
}

func TestSpanRedactionMarkerInTheStorysLanguage(t *testing.T) {
	rig := testrig.New(t)
	sub := testrig.Submission("Appel")
	sub.Language = "fr"
	sub.Title = "Notre premier hiver"
	sub.Body = "Nous sommes arrivés en janvier. Appelez-moi au 06 12 34 56 78 pour aider l'association."
	id, _ := rig.Submit(sub)
	mod := rig.SignedIn("mod@example.org", staff.RoleModerator)
	phone, ok := spanForms(t, mod.Get("/ar/staff/queue"))["phone"]
	if !ok {
		t.Fatal("no removal button for the phone number")
	}
	if res := mod.PostForm(phone.action, phone.form); res.Status != http.StatusSeeOther {
		t.Fatalf("removal: %d", res.Status)
	}
	s, _ := rig.Store.Story(context.Background(), id)
	if want := "Appelez-moi au [retiré] pour aider"; !strings.Contains(s.Body, want) {
		t.Errorf("body %q, want %q", s.Body, want)
	}
}

func TestStoryAuditPage(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	const phone = "+44 20 7946 0958"
	sub := testrig.Submission("Trail")
	sub.Body = "We arrived in January and our neighbours helped us. Call me on " + phone + " any time."
	id, _ := rig.Submit(sub)
	mod := rig.SignedIn("mod@example.org", staff.RoleModerator)
	queue := mod.Get("/en/staff/queue")
	if !strings.Contains(string(queue.Body), `href="/en/staff/stories/`+id+`/audit"`) {
		t.Error("the queue does not link to the story's history")
	}
	removal := spanForms(t, queue)["phone"]
	if res := mod.PostForm(removal.action, removal.form); res.Status != http.StatusSeeOther {
		t.Fatalf("removal: %d", res.Status)
	}
	moderator, err := rig.Store.UserByEmail(ctx, "mod@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rig.App.Decide(ctx, moderator, id, appDecision(true, "", "Lovely story")); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(mod.Get("/en/staff/published").Body), "/en/staff/stories/"+id+"/audit") {
		t.Error("the published list does not link to the story's history")
	}
	page := mod.Get("/en/staff/stories/" + id + "/audit")
	if page.Status != http.StatusOK {
		t.Fatalf("audit page: %d", page.Status)
	}
	body := string(page.Body)
	for _, want := range []string{"Shared", "the storyteller", "Personal details removed", "phone number", "Approved and published", "mod@example.org", "Lovely story"} {
		if !strings.Contains(body, want) {
			t.Errorf("audit page lacks %q", want)
		}
	}
	if strings.Contains(body, "7946") || strings.Contains(body, "neighbours helped") {
		t.Error("audit page shows the story's text or the removed data")
	}
	for _, lang := range []string{"fr", "ar"} {
		if res := mod.Get("/" + lang + "/staff/stories/" + id + "/audit"); res.Status != http.StatusOK || strings.Contains(string(res.Body), "audit.") {
			t.Errorf("%s audit page: %d or untranslated", lang, res.Status)
		}
	}
	if res := mod.Get("/en/staff/stories/unknown/audit"); res.Status != http.StatusNotFound {
		t.Errorf("unknown story: %d", res.Status)
	}
}
