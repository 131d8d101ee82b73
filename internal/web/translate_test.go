package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"chorus/internal/app"
	"chorus/internal/i18n"
	"chorus/internal/staff"
	"chorus/internal/storage"
	"chorus/internal/story"
	"chorus/internal/testrig"
)

// postTranslation posts one text of an editor as its form does.
func postTranslation(t *testing.T, b *testrig.Browser, editor, key string, forms map[string]string) testrig.Response {
	t.Helper()
	page := b.Get(editor + "?show=all")
	if page.Status != http.StatusOK {
		page = b.Get("/en/share") // for its form token
	}
	form := url.Values{"csrf": {testrig.CSRF(t, page)}, "key": {key}, "show": {"all"}}
	if m := regexp.MustCompile(`name="key" value="` + regexp.QuoteMeta(key) + `">\s*<input type="hidden" name="made_from" value="([^"]+)"`).FindSubmatch(page.Body); m != nil {
		form.Set("made_from", string(m[1]))
	}
	for name, text := range forms {
		form.Set("form-"+name, text)
	}
	return b.PostForm(editor, form)
}

func other(text string) map[string]string { return map[string]string{"other": text} }

func TestTranslatorSavesAStringThePublicPageShowsIt(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	translator := rig.SignedIn("tr@example.org", staff.RoleTranslator)
	visitor := rig.Browser()
	if home := visitor.Get("/fr/"); !bytes.Contains(home.Body, []byte("Partagez votre récit")) {
		t.Fatal("the French home page lacks its shipped text")
	}

	editor := translator.Get("/en/staff/translations/fr?area=home&show=all")
	for _, want := range []string{`id="m-home.cta"`, "Share your story", "Partagez votre récit", `lang="fr" dir="ltr"`, `lang="en" dir="ltr"`} {
		if !bytes.Contains(editor.Body, []byte(want)) {
			t.Errorf("editor lacks %q", want)
		}
	}
	res := postTranslation(t, translator, "/en/staff/translations/fr", "home.cta", other("Racontez <votre> parcours"))
	if res.Status != http.StatusSeeOther || !strings.HasSuffix(res.Header.Get("Location"), "#m-home.cta") {
		t.Fatalf("save: %d %q %.300s", res.Status, res.Header.Get("Location"), res.Body)
	}
	home := visitor.Get("/fr/")
	if !bytes.Contains(home.Body, []byte("Racontez &lt;votre&gt; parcours")) {
		t.Errorf("the French home page does not show the saved text, escaped: %.2000s", home.Body)
	}
	if en := visitor.Get("/en/"); !bytes.Contains(en.Body, []byte("Share your story")) {
		t.Error("the English page changed")
	}

	tr, err := rig.Store.Translation(ctx, staff.CatalogInterface, "fr", "home.cta")
	user, _ := rig.Store.UserByEmail(ctx, "tr@example.org")
	source, _ := i18n.SourceMessage("home.cta")
	if err != nil || tr.SourceHash != source.SourceHash() || tr.UpdatedBy != user.ID || tr.Forms["other"] != "Racontez <votre> parcours" {
		t.Fatalf("stored translation: %+v %v", tr, err)
	}
	audit, err := rig.Store.Audit(ctx, app.TranslationSubject(staff.CatalogInterface, "fr", "home.cta"))
	if err != nil || len(audit) != 1 || audit[0].Action != "translate" || audit[0].Actor != fmt.Sprintf("user:%d", user.ID) || !strings.Contains(audit[0].Note, "parcours") {
		t.Fatalf("audit: %+v %v", audit, err)
	}
	back := translator.Get(res.Header.Get("Location"))
	if !bytes.Contains(back.Body, []byte("tr@example.org")) || !bytes.Contains(back.Body, []byte(`role="status"`)) {
		t.Errorf("the editor does not say who saved it, or that it was saved")
	}

	// Removed, the shipped text shows again (once committed, or when the
	// catalog has a newer one).
	res = translator.PostForm("/en/staff/translations/fr", url.Values{"csrf": {testrig.CSRF(t, back)}, "key": {"home.cta"}, "action": {"remove"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("remove: %d", res.Status)
	}
	if home := visitor.Get("/fr/"); !bytes.Contains(home.Body, []byte("Partagez votre récit")) {
		t.Error("the shipped text does not show again")
	}
	if _, err := rig.Store.Translation(ctx, staff.CatalogInterface, "fr", "home.cta"); !errors.Is(err, story.ErrNotFound) {
		t.Errorf("still saved: %v", err)
	}
	audit, _ = rig.Store.Audit(ctx, app.TranslationSubject(staff.CatalogInterface, "fr", "home.cta"))
	if len(audit) != 2 || audit[1].Action != "translate_remove" || !strings.Contains(audit[1].Note, "parcours") {
		t.Errorf("removal audit: %+v", audit)
	}
}

func TestPluralFormsOfTheLanguageAreEditable(t *testing.T) {
	rig := testrig.New(t)
	admin := rig.SignedIn("admin@example.org", staff.RoleAdmin)
	editor := admin.Get("/fr/staff/translations/ar?area=queue&show=all")
	for _, form := range []string{"zero", "one", "two", "few", "many", "other"} {
		if !bytes.Contains(editor.Body, []byte(`name="form-`+form+`"`)) {
			t.Errorf("Arabic queue.count has no %s form", form)
		}
	}
	if !bytes.Contains(editor.Body, []byte(`dir="rtl"`)) || !bytes.Contains(editor.Body, []byte("Forme « few », pour 3, 4, 5, 6, …")) {
		t.Errorf("the Arabic fields are not right to left, or their forms not explained in French")
	}
	forms := map[string]string{"zero": "لا قصص", "one": "قصة", "two": "قصتان اثنتان", "few": "{{.Count}} قصص قليلة", "many": "{{.Count}} قصة كثيرة", "other": "{{.Count}} قصة أخرى"}
	if res := postTranslation(t, admin, "/fr/staff/translations/ar", "queue.count", forms); res.Status != http.StatusSeeOther {
		t.Fatalf("save plural: %d %.500s", res.Status, res.Body)
	}
	rig.Submit(testrig.Submission("One"))
	rig.Submit(testrig.Submission("Two"))
	if queue := admin.Get("/ar/staff/queue"); !bytes.Contains(queue.Body, []byte("قصتان اثنتان")) {
		t.Error("the queue does not use the saved dual form")
	}
}

func TestRefusedTranslationsKeepTheTextAndSaveNothing(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	translator := rig.SignedIn("tr@example.org", staff.RoleTranslator)

	// French "one" is taken by 0 and 1: it must keep {{.Count}}.
	forms := map[string]string{"one": "un récit attend", "many": "{{.Count}} récits attendent", "other": "{{.Count}} récits attendent"}
	res := postTranslation(t, translator, "/en/staff/translations/fr", "queue.count", forms)
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("placeholder dropped: %d", res.Status)
	}
	for _, want := range []string{"must keep the placeholder \u2066{{.Count}}\u2069", "un récit attend", `aria-invalid="true"`} {
		if !bytes.Contains(res.Body, []byte(want)) {
			t.Errorf("refused page lacks %q", want)
		}
	}
	res = postTranslation(t, translator, "/fr/staff/translations/fr", "home.cta", other("Racontez {{.Name}}"))
	if res.Status != http.StatusUnprocessableEntity || !bytes.Contains(res.Body, []byte("{{.Name}}\u2069 n’est pas un paramètre")) {
		t.Errorf("unknown placeholder: %d", res.Status)
	}
	res = postTranslation(t, translator, "/en/staff/translations/fr", "no.such.key", other("x"))
	if res.Status != http.StatusUnprocessableEntity || !bytes.Contains(res.Body, []byte("does not exist in English")) {
		t.Errorf("unknown key: %d", res.Status)
	}
	// The English changed since the page was opened.
	page := translator.Get("/en/staff/translations/fr?area=home")
	res = translator.PostForm("/en/staff/translations/fr", url.Values{"csrf": {testrig.CSRF(t, page)}, "key": {"home.cta"},
		"made_from": {i18n.SourceHash("an older text")}, "form-other": {"Racontez"}})
	if res.Status != http.StatusConflict || !bytes.Contains(res.Body, []byte("changed since this page was opened")) {
		t.Errorf("changed source: %d", res.Status)
	}
	res = translator.PostForm("/en/staff/translations/fr", url.Values{"csrf": {testrig.CSRF(t, page)}, "key": {"home.cta"},
		"form-other": {strings.Repeat("é", 100000)}})
	if res.Status != http.StatusRequestEntityTooLarge && res.Status != http.StatusUnprocessableEntity {
		t.Errorf("an oversized form: %d", res.Status)
	}

	if list, _ := rig.Store.Translations(ctx); len(list) != 0 {
		t.Errorf("refused translations were saved: %+v", list)
	}
	for _, key := range []string{"queue.count", "home.cta"} {
		if a, _ := rig.Store.Audit(ctx, app.TranslationSubject(staff.CatalogInterface, "fr", key)); len(a) != 0 {
			t.Errorf("refused translation audited: %+v", a)
		}
	}
}

func TestStaleWhenTheSourceChanged(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	translator := rig.SignedIn("tr@example.org", staff.RoleTranslator)
	err := rig.Store.WithTx(ctx, func(tx storage.Tx) error {
		return tx.PutTranslation(ctx, staff.Translation{Catalog: staff.CatalogInterface, Lang: "es", Key: "home.cta",
			Forms: other("Comparte tu historia antigua"), SourceHash: i18n.SourceHash("Share your old story"), UpdatedBy: 1, UpdatedAt: rig.Clock.Now()})
	})
	if err != nil {
		t.Fatal(err)
	}
	editor := translator.Get("/en/staff/translations/es?area=home")
	item := between(editor.Body, `id="m-home.cta"`, "</article>")
	if !strings.Contains(item, "Out of date") || !strings.Contains(item, "Comparte tu historia antigua") {
		t.Errorf("a translation made from an older English text is not marked stale: %s", item)
	}
	if bytes.Contains(editor.Body, []byte(`id="m-home.browse"`)) {
		t.Error("a done text is listed among those to do")
	}
	if res := postTranslation(t, translator, "/en/staff/translations/es", "home.cta", other("Comparte tu historia")); res.Status != http.StatusSeeOther {
		t.Fatalf("save: %d", res.Status)
	}
	if item := between(translator.Get("/en/staff/translations/es?area=home&show=all").Body, `id="m-home.cta"`, "</article>"); !strings.Contains(item, "Done") {
		t.Errorf("saved again, still stale: %s", item)
	}
}

func between(body []byte, start, end string) string {
	s := string(body)
	i := strings.Index(s, start)
	if i < 0 {
		return ""
	}
	s = s[i:]
	if j := strings.Index(s, end); j >= 0 {
		s = s[:j]
	}
	return s
}

func TestCoverageCountsSavedTranslations(t *testing.T) {
	rig := testrig.New(t)
	translator := rig.SignedIn("tr@example.org", staff.RoleTranslator)
	total := len(i18n.SourceKeys())
	shipped, err := i18n.MeasureCoverage(i18n.Locales(), []i18n.Language{{Code: "en"}, {Code: "es"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The page writes its numbers as English does (1,000).
	english := message.NewPrinter(language.English)
	before := english.Sprintf("(%d/%d)", shipped[0].Translated, total)
	after := english.Sprintf("(%d/%d)", shipped[0].Translated+1, total)
	if page := translator.Get("/en/staff/translations"); !bytes.Contains(page.Body, []byte(before)) || bytes.Contains(page.Body, []byte(after)) {
		t.Fatalf("coverage before: %s", between(page.Body, "<tbody>", "</tbody>"))
	}
	if res := postTranslation(t, translator, "/en/staff/translations/es", "home.lead", other("Personas migrantes, refugiadas y sus vecinos construyen juntos nuestras comunidades.")); res.Status != http.StatusSeeOther {
		t.Fatalf("save: %d", res.Status)
	}
	if page := translator.Get("/en/staff/translations"); !bytes.Contains(page.Body, []byte(after)) {
		t.Errorf("coverage does not count the saved translation: %s", between(page.Body, "<tbody>", "</tbody>"))
	}
}

func TestToolkitTranslation(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	translator := rig.SignedIn("tr@example.org", staff.RoleTranslator)
	admin := rig.SignedIn("admin@example.org", staff.RoleAdmin)
	visitor := rig.Browser()
	visitor.Get("/fr/toolkit")
	zipBefore := visitor.Get("/fr/toolkit.zip")

	// A post too long for X, as X counts it, is refused with the count.
	long := strings.Repeat("Nos communautés se construisent ensemble. ", 8) + "#ItTakesaCommunity {url}"
	res := postTranslation(t, translator, "/en/staff/translations/fr/toolkit", "posts.x", other(long))
	if res.Status != http.StatusUnprocessableEntity || !bytes.Contains(res.Body, []byte("X allows 280")) || !bytes.Contains(res.Body, []byte("Nos communautés se construisent ensemble. Nos")) {
		t.Fatalf("a post too long for X: %d %s", res.Status, between(res.Body, `class="error"`, "</p>"))
	}
	if _, err := rig.Store.Translation(ctx, staff.CatalogToolkit, "fr", "posts.x"); !errors.Is(err, story.ErrNotFound) {
		t.Fatalf("a refused post was saved: %v", err)
	}

	post := "Lisez les récits de vos voisins et partagez le vôtre. #ItTakesaCommunity {url}"
	if res := postTranslation(t, translator, "/en/staff/translations/fr/toolkit", "posts.x", other(post)); res.Status != http.StatusSeeOther {
		t.Fatalf("save post: %d %s", res.Status, between(res.Body, `class="error"`, "</p>"))
	}
	want := strings.ReplaceAll(post, "{url}", rig.URL+"/fr/")
	if page := visitor.Get("/fr/toolkit"); !bytes.Contains(page.Body, []byte("Lisez les récits de vos voisins et partagez le vôtre.")) {
		t.Error("the toolkit page does not show the saved post")
	}
	zipAfter := visitor.Get("/fr/toolkit.zip")
	if zipAfter.Header.Get("ETag") == zipBefore.Header.Get("ETag") || !strings.Contains(unzip(t, zipAfter.Body)["posts.csv"], want) {
		t.Error("the toolkit package does not carry the saved post")
	}
	if again := rig.Do("GET", "/fr/toolkit.zip", nil, map[string]string{"If-None-Match": zipAfter.Header.Get("ETag")}); again.Status != http.StatusNotModified {
		t.Errorf("an unchanged package: %d", again.Status)
	}

	// Only admins edit the English, which makes the French stale.
	if res := postTranslation(t, translator, "/en/staff/translations/en/toolkit", "key_messages.1", other("x")); res.Status != http.StatusForbidden {
		t.Errorf("a translator edited the English toolkit: %d", res.Status)
	}
	english := "Migrants and refugees are neighbours and friends: our communities are built together."
	if res := postTranslation(t, admin, "/en/staff/translations/en/toolkit", "key_messages.1", other(english)); res.Status != http.StatusSeeOther {
		t.Fatalf("admin edits English: %d %s", res.Status, between(res.Body, `class="error"`, "</p>"))
	}
	if page := visitor.Get("/en/toolkit"); !bytes.Contains(page.Body, []byte(english)) {
		t.Error("the English toolkit does not show the edited message")
	}
	editor := translator.Get("/en/staff/translations/fr/toolkit")
	item := between(editor.Body, `id="m-key_messages.1"`, "</article>")
	if !strings.Contains(item, "Out of date") || !strings.Contains(item, english) {
		t.Errorf("the French key message is not stale after the English changed: %s", item)
	}
	if strings.Contains(between(translator.Get("/en/staff/translations/fr/toolkit?show=all").Body, `id="m-posts.x"`, "</article>"), "Out of date") {
		t.Error("an untouched text turned stale")
	}
	if a, _ := rig.Store.Audit(ctx, app.TranslationSubject(staff.CatalogToolkit, "en", "key_messages.1")); len(a) != 1 {
		t.Errorf("the English edit is not audited: %+v", a)
	}
}

// unzip reads every file of a ZIP, by name.
func unzip(t *testing.T, data []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	out := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		out[f.Name] = string(b)
	}
	return out
}

func TestTranslatorsStartFromTheTranslations(t *testing.T) {
	rig := testrig.New(t)
	translator := rig.SignedIn("tr@example.org", staff.RoleTranslator)
	page := translator.Get("/en/staff/translations")
	if bytes.Contains(page.Body, []byte(`href="/en/staff/queue"`)) {
		t.Error("translators are shown the moderation queue")
	}
	if !bytes.Contains(page.Body, []byte(`href="/en/staff/translations/ar"`)) || !bytes.Contains(page.Body, []byte(`href="/en/staff/translations/uk/toolkit"`)) {
		t.Error("the overview does not link to the editors")
	}
	if bytes.Contains(page.Body, []byte(`/en/staff/translations/en/toolkit`)) {
		t.Error("translators are offered the English toolkit")
	}
	signin := rig.Browser()
	form := url.Values{"csrf": {testrig.CSRF(t, signin.Get("/en/staff/signin"))}, "email": {"tr@example.org"}, "password": {"a long enough passphrase"}}
	if res := signin.PostForm("/en/staff/signin", form); res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/en/staff/translations" {
		t.Errorf("translator signs in to %d %q", res.Status, res.Header.Get("Location"))
	}
}
