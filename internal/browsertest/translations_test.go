package browsertest

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"chorus/internal/app"
	"chorus/internal/staff"
	"chorus/internal/storage"
	"chorus/internal/story"
	"chorus/internal/testrig"
)

// translatedStories publishes two English stories whose authors agreed to
// translation: the first with a reviewed French translation and a checked
// machine translation into Arabic, the second with a French draft waiting
// for review.
func translatedStories(t *testing.T, rig *testrig.Rig) (translated, toReview string) {
	t.Helper()
	ctx := context.Background()
	sub := testrig.Submission("Traduitquokka")
	sub.Consent.Translate = true
	translated, _ = rig.Submit(sub)
	sub = testrig.Submission("Relirequokka")
	sub.Consent.Translate = true
	toReview, _ = rig.Submit(sub)
	publish(t, rig, translated)
	publish(t, rig, toReview)
	translator, _ := rig.Staff("offstage-translator@example.org", staff.RoleTranslator)
	reviewer, _ := rig.Staff("offstage-reviewer@example.org", staff.RoleModerator)
	save := func(id, lang string, text story.TranslationText, checked bool) {
		t.Helper()
		if _, err := rig.App.SaveStoryTranslation(ctx, translator, id, lang, app.StoryTranslationEdit{Text: text, Checked: checked}); err != nil {
			t.Fatal(err)
		}
	}
	save(translated, "fr", story.TranslationText{Title: "Notre premier hiver", Credit: "Léa Martin",
		Body: "Nous sommes arrivés en janvier et nos voisins nous ont aidés.\n\nAujourd’hui, nous aidons les autres."}, false)
	// A machine draft, as the service would have left it, checked.
	err := rig.Store.WithTx(ctx, func(tx storage.Tx) error {
		return tx.PutStoryTranslation(ctx, &story.Translation{StoryID: translated, Language: "ar", Title: "شتاؤنا الأول",
			Body: "وصلنا في يناير وساعدنا جيراننا.\n\nواليوم نساعد الآخرين.", TranslatorID: translator.ID,
			Origin: story.OriginMachine, Status: story.TranslationDraft, CreatedAt: rig.Clock.Now(), UpdatedAt: rig.Clock.Now()})
	})
	if err != nil {
		t.Fatal(err)
	}
	save(translated, "ar", story.TranslationText{Title: "شتاؤنا الأول", Body: "وصلنا في يناير وساعدنا جيراننا.\n\nواليوم نساعد الآخرين."}, true)
	for _, lang := range []string{"fr", "ar"} {
		if err := rig.App.PublishTranslation(ctx, reviewer, translated, lang); err != nil {
			t.Fatal(err)
		}
	}
	save(toReview, "fr", story.TranslationText{Title: "À relire", Body: "Un brouillon qui attend sa relecture.", Credit: "Partenaire Nord"}, false)
	return translated, toReview
}

// enrolWithoutSecondFactor signs a tab in as a new translator or partner
// through their welcome link.
func enrolWithoutSecondFactor(t *testing.T, tb *tab, email string, role staff.Role) {
	t.Helper()
	link, err := tb.rig.App.AddUser(context.Background(), email, role)
	if err != nil {
		t.Fatal(err)
	}
	tb.open("/en/staff/welcome/" + link)
	tb.typeInto("#f-password", "a long enough passphrase for translation")
	home := "/en/staff/story-translations" // partners start there
	if role == staff.RoleTranslator {
		home = "/en/staff/translations" // translators, at the interface's
	}
	if st := tb.press("enrol", "main form button[type=submit]", true); st != http.StatusOK || tb.location() != home {
		t.Fatalf("enrol: %d at %s", st, tb.location())
	}
	if home != "/en/staff/story-translations" {
		tb.press("open the staff menu", ".staff-menu summary", false)
		if st := tb.press("go to the stories to translate", `.staff-menu a[href="/en/staff/story-translations"]`, true); st != http.StatusOK {
			t.Fatalf("stories to translate: %d", st)
		}
	}
}

// A translator translates a story whose author agreed, a moderator reviews
// and publishes it, and a reader meets it with its credit and goes to the
// original.
func TestTranslationJourney(t *testing.T) {
	eachMode(t, "translation", func(t *testing.T, rig *testrig.Rig, open func() *tab) {
		sub := testrig.Submission("Journeyquokka")
		sub.Consent.Translate = true
		id, _ := rig.Submit(sub)
		publish(t, rig, id)

		tr := open()
		enrolWithoutSecondFactor(t, tr, "translator@example.org", staff.RoleTranslator)
		tr.shot("1-list")
		if st := tr.press("open the French desk", `a[href="/en/staff/story-translations/`+id+`/fr"]`, true); st != http.StatusOK {
			t.Fatalf("editor: %d", st)
		}
		if got := tr.attr("#f-body", "dir"); got != "ltr" {
			t.Errorf("French body field dir=%q", got)
		}
		tr.typeInto("#f-title", "Notre premier hiver")
		tr.typeInto("#f-body", "Nous sommes arrivés en janvier.")
		tr.typeInto("#f-credit", "Léa Martin")
		tr.shot("2-editor")
		if st := tr.press("save", "main form button[type=submit]", true); st != http.StatusOK {
			t.Fatalf("save: %d", st)
		}
		if got := tr.text("p.notice"); !strings.Contains(got, "moderator will review") {
			t.Errorf("notice after saving: %q", got)
		}

		mod := open()
		enrolModerator(t, mod, "mod@example.org")
		mod.open("/en/staff/story-translations")
		if st := mod.press("open the draft", `table a[href="/en/staff/story-translations/`+id+`/fr"]`, true); st != http.StatusOK {
			t.Fatalf("review: %d", st)
		}
		mod.shot("3-review")
		if st := mod.press("publish", `form[action$="/publish"] button`, true); st != http.StatusOK {
			t.Fatalf("publish: %d", st)
		}

		reader := open()
		if st := reader.open("/fr/stories/" + id); st != http.StatusOK {
			t.Fatalf("French page: %d", st)
		}
		if got := reader.text("article.story h1"); got != "Notre premier hiver" {
			t.Errorf("French page heading: %q", got)
		}
		if note := reader.text("p.translation-note"); !strings.Contains(note, "Traduit par") || !strings.Contains(note, "Léa Martin") {
			t.Errorf("translation note: %q", note)
		}
		reader.shot("4-translated")
		if st := reader.press("read the original", "p.translation-note a", true); st != http.StatusOK || reader.location() != "/fr/stories/"+id+"/original" {
			t.Fatalf("original: %d at %s", st, reader.location())
		}
		if got := reader.attr("article.story", "lang"); got != "en" {
			t.Errorf("original article lang=%q", got)
		}
		reader.shot("5-original")
	})
}
