package app_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"chorus/internal/app"
	"chorus/internal/staff"
	"chorus/internal/story"
	"chorus/internal/testrig"
)

func voiceIDs(t *testing.T, rig *testrig.Rig, lang string) []string {
	t.Helper()
	voices, err := rig.App.ToolkitVoices(context.Background(), lang)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, v := range voices {
		id := v.Story.ID
		if v.Translation != nil {
			id += "/" + v.Translation.Language
		}
		out = append(out, id)
	}
	return out
}

// TestConsentChangesAfterPublication: social and toolkit consent are
// withdrawn and given back on a published story, each change audited
// without personal data and clearing the public caches; nothing changes
// with a wrong token, on a withdrawn story, or when the choice is the same.
func TestConsentChangesAfterPublication(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	changes := 0
	defer rig.App.Events.Subscribe(func(ev app.Event) {
		if _, ok := ev.(app.StoryChanged); ok {
			changes++
		}
	})()
	sub := testrig.Submission("Voices")
	sub.Consent.Toolkit = true
	id, token := rig.Submit(sub)
	moderator, _ := rig.Staff("mod@example.org", staff.RoleModerator)
	if _, err := rig.App.Decide(ctx, moderator, id, app.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}
	consent := func() story.Consent {
		t.Helper()
		s, err := rig.Store.Story(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return s.Consent
	}
	no, yes := false, true
	step := func(change app.ConsentChange, wantChanges int, want story.Consent) {
		t.Helper()
		before := changes
		if err := rig.App.SetConsent(ctx, id, token, change); err != nil {
			t.Fatal(err)
		}
		if got := consent(); got != want {
			t.Errorf("consent %+v, want %+v", got, want)
		}
		if changes-before != wantChanges {
			t.Errorf("public caches cleared %d times, want %d", changes-before, wantChanges)
		}
	}

	if got := voiceIDs(t, rig, "en"); len(got) != 1 || got[0] != id {
		t.Fatalf("voices %v, want the story", got)
	}
	step(app.ConsentChange{Toolkit: &no}, 1, story.Consent{Publish: true, Social: true})
	if got := voiceIDs(t, rig, "en"); len(got) != 0 {
		t.Errorf("voices after toolkit consent was withdrawn: %v", got)
	}
	step(app.ConsentChange{Social: &no}, 1, story.Consent{Publish: true})
	step(app.ConsentChange{Social: &no, Toolkit: &no}, 0, story.Consent{Publish: true})
	step(app.ConsentChange{Toolkit: &yes, Social: &yes}, 1, story.Consent{Publish: true, Social: true, Toolkit: true})
	if got := voiceIDs(t, rig, "en"); len(got) != 1 {
		t.Errorf("voices after toolkit consent was given back: %v", got)
	}

	if err := rig.App.SetConsent(ctx, id, "wrong", app.ConsentChange{Toolkit: &no}); code(err) != story.CodeUnauthorized {
		t.Errorf("consent changed with a wrong token: %v", err)
	}
	if err := rig.App.Withdraw(ctx, id, token, ""); err != nil {
		t.Fatal(err)
	}
	if err := rig.App.SetConsent(ctx, id, token, app.ConsentChange{Toolkit: &yes}); code(err) != story.CodeConflict {
		t.Errorf("consent given to a withdrawn story: %v", err)
	}

	entries, err := rig.Store.Audit(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range entries {
		if strings.HasPrefix(e.Action, "consent_") {
			actions = append(actions, e.Action+":"+e.Reason)
			if e.Actor != "storyteller" || e.Note != "" {
				t.Errorf("audit entry %+v", e)
			}
		}
		for _, personal := range []string{"Amal", "amal.", "Winnipeg", "neighbours"} {
			if strings.Contains(fmt.Sprint(e), personal) {
				t.Errorf("audit entry holds personal data %q: %+v", personal, e)
			}
		}
	}
	want := "consent_toolkit:withdrawn consent_social:withdrawn consent_social:given consent_toolkit:given"
	if strings.Join(actions, " ") != want {
		t.Errorf("audit %v, want %s", actions, want)
	}
}

// TestToolkitVoicesByLanguage: a kit's voices are the stories published in
// its language and the reviewed translations into it, of authors who
// agreed to the toolkit, and nothing pending or without that consent.
func TestToolkitVoicesByLanguage(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	moderator, _ := rig.Staff("mod@example.org", staff.RoleModerator)
	translator, _ := rig.Staff("tr@example.org", staff.RoleTranslator)
	submit := func(marker, lang string, consent story.Consent, approve bool) string {
		t.Helper()
		sub := testrig.Submission(marker)
		sub.Language, sub.Consent = lang, consent
		id, _ := rig.Submit(sub)
		if approve {
			if _, err := rig.App.Decide(ctx, moderator, id, app.Decision{Approve: true}); err != nil {
				t.Fatal(err)
			}
		}
		return id
	}
	english := submit("English", "en", story.Consent{Publish: true, Toolkit: true, Translate: true}, true)
	submit("Pending", "en", story.Consent{Publish: true, Toolkit: true}, false)
	private := submit("Private", "en", story.Consent{Publish: true, Social: true, Translate: true}, true)
	frenchID := submit("Francais", "fr", story.Consent{Publish: true, Toolkit: true}, true)
	for _, id := range []string{english, private} {
		if _, err := rig.App.SaveStoryTranslation(ctx, translator, id, "fr", frenchText()); err != nil {
			t.Fatal(err)
		}
		if err := rig.App.PublishTranslation(ctx, moderator, id, "fr"); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := strings.Join(voiceIDs(t, rig, "en"), " "), english; got != want {
		t.Errorf("English voices %q, want %q", got, want)
	}
	french := voiceIDs(t, rig, "fr")
	slices.Sort(french)
	if got, want := strings.Join(french, " "), strings.Join(slices.Sorted(slices.Values([]string{english + "/fr", frenchID})), " "); got != want {
		t.Errorf("French voices %q, want %q", got, want)
	}
	if got := voiceIDs(t, rig, "ar"); len(got) != 0 {
		t.Errorf("Arabic voices %v", got)
	}
}
