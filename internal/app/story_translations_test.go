package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"chorus/internal/app"
	"chorus/internal/staff"
	"chorus/internal/story"
	"chorus/internal/testrig"
)

// machine is a stand-in translation service.
type machine func(source, target string, texts []string) ([]string, error)

func (m machine) Translate(_ context.Context, source, target string, texts ...string) ([]string, error) {
	return m(source, target, texts)
}

func shouting(_, target string, texts []string) ([]string, error) {
	out := make([]string, len(texts))
	for i, t := range texts {
		out[i] = "[" + target + "] " + strings.ToUpper(t)
	}
	return out, nil
}

type serviceDown struct{}

func (serviceDown) Error() string       { return "machine translation timeout" }
func (serviceDown) MachineKind() string { return "timeout" }

// published submits and approves a story; translate is the author's
// consent to translation.
func published(t *testing.T, rig *testrig.Rig, marker string, translate bool) string {
	t.Helper()
	sub := testrig.Submission(marker)
	sub.Consent.Translate = translate
	id, _ := rig.Submit(sub)
	mod, _ := rig.Staff("approver@example.org", staff.RoleModerator)
	if _, err := rig.App.Decide(context.Background(), mod, id, app.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}
	return id
}

func frenchText() app.StoryTranslationEdit {
	return app.StoryTranslationEdit{Text: story.TranslationText{Title: "Notre premier hiver", Body: "Nous sommes arrivés en janvier.", Credit: "Léa"}}
}

func publicTranslations(t *testing.T, rig *testrig.Rig, id string) []*story.Translation {
	t.Helper()
	s, err := rig.Store.Story(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	all, err := rig.App.PublishedTranslations(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	return all[id]
}

func code(err error) story.Code {
	var verrs story.ValidationErrors
	switch {
	case err == nil:
		return ""
	case errors.As(err, &verrs):
		return story.CodeInvalid
	}
	return story.ErrorCode(err)
}

func TestTranslationNeedsConsentAPublishedStoryAndASiteLanguage(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	translator, _ := rig.Staff("tr@example.org", staff.RoleTranslator)
	closed := published(t, rig, "Closed", false)
	open := published(t, rig, "Open", true)
	sub := testrig.Submission("Pending")
	sub.Consent.Translate = true
	pending, _ := rig.Submit(sub)

	cases := []struct {
		id, lang string
		want     story.Code
	}{
		{closed, "fr", story.CodeConflict},
		{pending, "fr", story.CodeConflict},
		{"nosuchstory", "fr", story.CodeNotFound},
		{open, "en", story.CodeInvalid}, // the story's own language
		{open, "pt", story.CodeInvalid}, // a story language, not a site language
		{open, "fr", ""},
		{open, "ar", ""},
	}
	for _, c := range cases {
		_, err := rig.App.SaveStoryTranslation(ctx, translator, c.id, c.lang, frenchText())
		if code(err) != c.want {
			t.Errorf("%s into %s: %v, want %q", c.id, c.lang, err, c.want)
		}
	}
	bad := frenchText()
	bad.Text.Credit = ""
	if _, err := rig.App.SaveStoryTranslation(ctx, translator, open, "fr", bad); code(err) != story.CodeInvalid {
		t.Errorf("a human translation without a credit: %v", err)
	}
}

func TestWhoMayTranslateAndPublish(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	id := published(t, rig, "Roles", true)
	users := map[staff.Role]*staff.User{}
	for _, r := range staff.Roles {
		users[r], _ = rig.Staff(string(r)+"@example.org", r)
	}
	for _, c := range []struct {
		role staff.Role
		want story.Code
	}{{staff.RoleTranslator, ""}, {staff.RolePartner, ""}, {staff.RoleModerator, story.CodeForbidden}, {staff.RoleAdmin, ""}} {
		if _, err := rig.App.SaveStoryTranslation(ctx, users[c.role], id, "fr", frenchText()); code(err) != c.want {
			t.Errorf("%s saves: %v, want %q", c.role, err, c.want)
		}
	}
	// The admin wrote last: the admin may not publish their own work.
	if err := rig.App.PublishTranslation(ctx, users[staff.RoleAdmin], id, "fr"); code(err) != story.CodeForbidden {
		t.Errorf("admin publishes own translation: %v", err)
	}
	for _, role := range []staff.Role{staff.RoleTranslator, staff.RolePartner} {
		if err := rig.App.PublishTranslation(ctx, users[role], id, "fr"); code(err) != story.CodeForbidden {
			t.Errorf("%s publishes: %v", role, err)
		}
	}
	if err := rig.App.PublishTranslation(ctx, users[staff.RoleModerator], id, "fr"); err != nil {
		t.Fatal(err)
	}
	if tr := publicTranslations(t, rig, id); len(tr) != 1 || tr[0].ReviewedBy != users[staff.RoleModerator].ID || tr[0].Credit != "Léa" {
		t.Fatalf("published: %+v", tr)
	}
	var actions []string
	entries, _ := rig.Store.Audit(ctx, id)
	for _, e := range entries {
		if strings.HasPrefix(e.Action, "translation_") {
			actions = append(actions, e.Action+":"+e.Reason)
		}
	}
	if strings.Join(actions, " ") != "translation_save:fr translation_save:fr translation_save:fr translation_publish:fr" {
		t.Errorf("audit: %v", actions)
	}

	// An edit takes it back to review.
	if _, err := rig.App.SaveStoryTranslation(ctx, users[staff.RoleTranslator], id, "fr", frenchText()); err != nil {
		t.Fatal(err)
	}
	if got := publicTranslations(t, rig, id); len(got) != 0 {
		t.Error("an edited translation stays public before review")
	}
}

func TestMachineDraftsAreMarkedAndCheckedBeforePublishing(t *testing.T) {
	ctx := context.Background()
	off := testrig.New(t)
	translator, _ := off.Staff("tr@example.org", staff.RoleTranslator)
	if _, err := off.App.MachineTranslate(ctx, translator, published(t, off, "Off", true), "fr"); code(err) != story.CodeNotFound {
		t.Errorf("machine translation while off: %v", err)
	}

	rig := testrig.New(t, testrig.WithTranslator(machine(shouting)))
	id := published(t, rig, "Machine", true)
	translator, _ = rig.Staff("tr@example.org", staff.RoleTranslator)
	moderator, _ := rig.Staff("mod@example.org", staff.RoleModerator)
	draft, err := rig.App.MachineTranslate(ctx, translator, id, "fr")
	if err != nil {
		t.Fatal(err)
	}
	if draft.Origin != story.OriginMachine || draft.Status != story.TranslationDraft || draft.CheckedBy != 0 ||
		!strings.HasPrefix(draft.Title, "[fr] OUR FIRST WINTER") {
		t.Fatalf("machine draft: %+v", draft)
	}
	if _, err := rig.App.MachineTranslate(ctx, translator, id, "fr"); code(err) != story.CodeConflict {
		t.Errorf("a second machine draft over the first: %v", err)
	}
	if err := rig.App.PublishTranslation(ctx, moderator, id, "fr"); code(err) != story.CodeConflict {
		t.Fatalf("unchecked machine output published: %v", err)
	}
	edit := app.StoryTranslationEdit{Text: story.TranslationText{Title: "Notre premier hiver", Body: draft.Body}}
	saved, err := rig.App.SaveStoryTranslation(ctx, translator, id, "fr", edit)
	if err != nil || saved.Origin != story.OriginMachine || saved.CheckedBy != 0 {
		t.Fatalf("edited without the check: %+v %v", saved, err)
	}
	if err := rig.App.PublishTranslation(ctx, moderator, id, "fr"); code(err) != story.CodeConflict {
		t.Fatalf("edited but unchecked machine output published: %v", err)
	}
	edit.Checked = true
	if saved, err = rig.App.SaveStoryTranslation(ctx, translator, id, "fr", edit); err != nil || saved.Origin != story.OriginMachine || saved.CheckedBy != translator.ID {
		t.Fatalf("checked: %+v %v", saved, err)
	}
	if err := rig.App.PublishTranslation(ctx, moderator, id, "fr"); err != nil {
		t.Fatal(err)
	}
	if got := publicTranslations(t, rig, id); len(got) != 1 || got[0].Origin != story.OriginMachine {
		t.Errorf("the published translation lost its machine mark: %+v", got)
	}

	down := testrig.New(t, testrig.WithTranslator(machine(func(string, string, []string) ([]string, error) { return nil, serviceDown{} })))
	translator, _ = down.Staff("tr@example.org", staff.RoleTranslator)
	_, err = down.App.MachineTranslate(ctx, translator, published(t, down, "Down", true), "ar")
	var de *story.Error
	if !errors.As(err, &de) || de.Key != "error.mt_timeout" || de.Code != story.CodeUnavailable {
		t.Errorf("service down: %v", err)
	}
}

func TestWithdrawingConsentRedactingOrWithdrawingRemovesTranslations(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	translator, _ := rig.Staff("tr@example.org", staff.RoleTranslator)
	moderator, _ := rig.Staff("mod@example.org", staff.RoleModerator)
	translate := func(id string) {
		t.Helper()
		for _, lang := range []string{"fr", "ar"} {
			if _, err := rig.App.SaveStoryTranslation(ctx, translator, id, lang, frenchText()); err != nil {
				t.Fatal(err)
			}
		}
		if err := rig.App.PublishTranslation(ctx, moderator, id, "fr"); err != nil {
			t.Fatal(err)
		}
	}
	count := func(id string) int {
		list, err := rig.Store.StoryTranslations(ctx, []string{id}, "")
		if err != nil {
			t.Fatal(err)
		}
		return len(list)
	}

	sub := testrig.Submission("Consent")
	sub.Consent.Translate = true
	id, token := rig.Submit(sub)
	if _, err := rig.App.Decide(ctx, moderator, id, app.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}
	translate(id)
	if err := rig.App.SetTranslationConsent(ctx, id, "wrong", false); code(err) != story.CodeUnauthorized {
		t.Errorf("consent changed with a wrong token: %v", err)
	}
	if err := rig.App.SetTranslationConsent(ctx, id, token, false); err != nil {
		t.Fatal(err)
	}
	if n := count(id); n != 0 {
		t.Errorf("%d translations after consent was withdrawn", n)
	}
	if s, _ := rig.Store.Story(ctx, id); s.Consent.Translate {
		t.Error("consent not recorded")
	}
	if _, err := rig.App.SaveStoryTranslation(ctx, translator, id, "fr", frenchText()); code(err) != story.CodeConflict {
		t.Errorf("translated after consent was withdrawn: %v", err)
	}
	if err := rig.App.SetTranslationConsent(ctx, id, token, true); err != nil {
		t.Fatal(err)
	}
	translate(id)

	if err := rig.App.Redact(ctx, moderator, id, app.Redaction{Title: "Our first winter", Body: "We arrived in January and [name removed] helped us.", Note: "A neighbour's name."}); err != nil {
		t.Fatal(err)
	}
	if n := count(id); n != 0 {
		t.Errorf("%d translations of the text before redaction remain", n)
	}

	translate(id)
	if err := rig.App.Withdraw(ctx, id, token, ""); err != nil {
		t.Fatal(err)
	}
	if n := count(id); n != 0 {
		t.Errorf("%d translations after withdrawal", n)
	}
	if err := rig.App.SetTranslationConsent(ctx, id, token, true); code(err) != story.CodeConflict {
		t.Errorf("consent given to a withdrawn story: %v", err)
	}
	var actions []string
	entries, _ := rig.Store.Audit(ctx, id)
	for _, e := range entries {
		if e.Action == "consent_translate" || e.Action == "translations_removed" || e.Action == "withdraw" {
			actions = append(actions, e.Action+":"+e.Reason)
		}
	}
	if strings.Join(actions, " ") != "consent_translate:withdrawn consent_translate:given translations_removed:redacted withdraw:" {
		t.Errorf("audit: %v", actions)
	}
}
