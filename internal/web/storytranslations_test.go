package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"chorus/internal/app"
	"chorus/internal/outbound"
	"chorus/internal/staff"
	"chorus/internal/story"
	"chorus/internal/testrig"
	"chorus/internal/translate"
)

// libreTranslate stands in for a LibreTranslate server: it answers as
// LibreTranslate does, translating by tagging the text with the target.
type libreTranslate struct {
	*httptest.Server
	mu       sync.Mutex
	requests int
}

func newLibreTranslate(t *testing.T) *libreTranslate {
	lt := &libreTranslate{}
	lt.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct{ Q, Source, Target, Format string }
		if r.URL.Path != "/translate" || json.NewDecoder(r.Body).Decode(&req) != nil || req.Format != "text" {
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"error": "Invalid request: missing q parameter"}`))
			return
		}
		lt.mu.Lock()
		lt.requests++
		lt.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if strings.Contains(req.Q, "Unsupported") {
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(map[string]string{"error": req.Target + " is not supported"})
			return
		}
		json.NewEncoder(w).Encode(map[string]string{"translatedText": "[" + req.Source + "→" + req.Target + "] " + req.Q})
	}))
	t.Cleanup(lt.Close)
	return lt
}

func machineRig(t *testing.T) (*testrig.Rig, *libreTranslate) {
	t.Helper()
	lt := newLibreTranslate(t)
	// The service runs on loopback, which the allow-list opens.
	allow, err := outbound.ParseAllowList(strings.TrimPrefix(lt.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	mt, err := translate.New(translate.Options{URL: lt.URL, Client: outbound.New(outbound.Options{AllowPrivate: allow})})
	if err != nil {
		t.Fatal(err)
	}
	return testrig.New(t, testrig.WithTranslator(mt)), lt
}

func mustContain(t *testing.T, what string, body []byte, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !bytes.Contains(body, []byte(w)) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

func mustNotContain(t *testing.T, what string, body []byte, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if bytes.Contains(body, []byte(w)) {
			t.Errorf("%s has %q", what, w)
		}
	}
}

var consentBox = regexp.MustCompile(`<input type="checkbox" name="consent_translate"[^>]*>`)

// TestStoryTranslationJourney follows a story told in French from the share
// form, where its author agrees to translation, through a translator's
// English version and a machine-drafted Arabic one, their reviews, the
// public pages and the API, to the author stopping translations.
func TestStoryTranslationJourney(t *testing.T) {
	rig, lt := machineRig(t)
	ctx := context.Background()

	author := rig.Browser()
	form := author.Get("/fr/share")
	box := consentBox.Find(form.Body)
	if box == nil || bytes.Contains(box, []byte("checked")) {
		t.Fatalf("the consent to translation is not offered unchecked: %s", box)
	}
	mustContain(t, "share form", form.Body, "traduit dans les autres langues", `aria-describedby="h-translate"`)
	fields := shareForm(testrig.CSRF(t, form), "Traduisible")
	fields.Set("consent_translate", "yes")
	res := author.PostMultipart("/fr/share", fields, "", "", nil)
	m := privateLink.FindStringSubmatch(res.Header.Get("Location"))
	if m == nil {
		t.Fatalf("submit: %d %s", res.Status, res.Header.Get("Location"))
	}
	id, token := m[1], m[2]
	private := "/fr/my/" + id + "/" + token

	moderator := rig.SignedIn("mod@example.org", staff.RoleModerator)
	queue := moderator.Get("/en/staff/queue")
	mustContain(t, "queue", queue.Body, "toolkit", "· translation")
	res = moderator.PostForm("/en/staff/stories/"+id+"/decision", url.Values{"csrf": {testrig.CSRF(t, queue)}, "decision": {"approve"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("approve: %d", res.Status)
	}
	mustContain(t, "private page", author.Get(private).Body, "Vous autorisez la traduction", "Arrêter les traductions")

	// A translator writes the English version.
	translator := rig.SignedIn("tr@example.org", staff.RoleTranslator)
	list := translator.Get("/en/staff/story-translations")
	desk := "/en/staff/story-translations/" + id + "/en"
	mustContain(t, "translations list", list.Body, "Ma première rentrée Traduisible", `href="`+desk+`"`, "to translate")
	mustNotContain(t, "translations list", list.Body, `/story-translations/`+id+`/fr"`)
	editor := translator.Get(desk)
	if editor.Status != http.StatusOK {
		t.Fatalf("editor: %d", editor.Status)
	}
	mustContain(t, "editor", editor.Body, "Une autre maman nous a accueillis", `lang="fr"`, `name="credit"`, "Start from a machine translation")
	save := url.Values{"csrf": {testrig.CSRF(t, editor)}, "title": {"My first school year"}, "body": {"My children were afraid.\n\nAnother mother welcomed us."}, "credit": {"Léa B."}}
	bad := url.Values{"csrf": save["csrf"], "title": save["title"], "body": save["body"]}
	if res := translator.PostForm(desk, bad); res.Status != http.StatusUnprocessableEntity || !bytes.Contains(res.Body, []byte("Another mother welcomed us.")) {
		t.Errorf("a translation without a credit: %d, or the text was lost", res.Status)
	}
	if res := translator.PostForm(desk, save); res.Status != http.StatusSeeOther {
		t.Fatalf("save: %d %.300s", res.Status, res.Body)
	}
	if page := rig.Do("GET", "/en/stories/"+id, nil, nil); bytes.Contains(page.Body, []byte("My first school year")) {
		t.Fatal("a draft is public")
	}
	if res := translator.PostForm(desk+"/publish", url.Values{"csrf": save["csrf"]}); res.Status != http.StatusForbidden {
		t.Errorf("a translator published: %d", res.Status)
	}

	// A moderator reviews and publishes it.
	review := moderator.Get(desk)
	mustContain(t, "review", review.Body, "My first school year", "Léa B.", "Publish this translation")
	mustNotContain(t, "review", review.Body, `name="title"`)
	if res := moderator.PostForm(desk+"/publish", url.Values{"csrf": {testrig.CSRF(t, review)}}); res.Status != http.StatusSeeOther {
		t.Fatalf("publish: %d %.300s", res.Status, res.Body)
	}
	page := rig.Do("GET", "/en/stories/"+id, nil, nil)
	mustContain(t, "English page", page.Body, "<h1>My first school year</h1>", `<article class="story" lang="en"`,
		"Translated by \u2068Léa B.\u2069. Original language: French.", `href="/en/stories/`+id+`/original" hreflang="fr"`,
		`<link rel="alternate" hreflang="fr" href="`+rig.URL+`/fr/stories/`+id+`">`,
		`<link rel="alternate" hreflang="en" href="`+rig.URL+`/en/stories/`+id+`">`,
		`<link rel="alternate" hreflang="x-default" href="`+rig.URL+`/fr/stories/`+id+`">`)
	mustNotContain(t, "English page", page.Body, `<link rel="alternate" hreflang="ar"`, "Une autre maman")
	original := rig.Do("GET", "/en/stories/"+id+"/original", nil, nil)
	mustContain(t, "original in English", original.Body, "Une autre maman", `<article class="story" lang="fr"`,
		`<link rel="canonical" href="`+rig.URL+`/fr/stories/`+id+`">`, `href="/en/stories/`+id+`" hreflang="en">English</a>`)
	french := rig.Do("GET", "/fr/stories/"+id, nil, nil)
	mustContain(t, "French page", french.Body, "Une autre maman", "Aussi en :", `href="/en/stories/`+id+`" hreflang="en">Anglais</a>`)
	arabic := rig.Do("GET", "/ar/stories/"+id, nil, nil)
	mustContain(t, "Arabic page", arabic.Body, "Une autre maman", "القصة كما كتبها صاحبها")

	var apiStory struct {
		Translations []struct{ Language, Title, Body, Origin, Credit, URL string }
	}
	rig.Do("GET", "/api/v1/stories/"+id, nil, nil).JSON(t, &apiStory)
	if tr := apiStory.Translations; len(tr) != 1 || tr[0].Language != "en" || tr[0].Origin != "human" || tr[0].Credit != "Léa B." ||
		tr[0].URL != rig.URL+"/en/stories/"+id || tr[0].Title != "My first school year" {
		t.Errorf("API translations: %+v", tr)
	}
	var listed struct {
		Stories []struct {
			ID           string
			Translations []struct{ Language string }
		}
	}
	rig.Do("GET", "/api/v1/stories", nil, nil).JSON(t, &listed)
	if len(listed.Stories) != 1 || len(listed.Stories[0].Translations) != 1 {
		t.Errorf("API list: %+v", listed)
	}

	// Arabic starts from a machine draft, which is never published
	// before a translator checks it.
	arDesk := "/en/staff/story-translations/" + id + "/ar"
	editor = translator.Get(arDesk)
	if res := translator.PostForm(arDesk+"/machine", url.Values{"csrf": {testrig.CSRF(t, editor)}}); res.Status != http.StatusSeeOther {
		t.Fatalf("machine draft: %d %.300s", res.Status, res.Body)
	}
	editor = translator.Get(arDesk)
	mustContain(t, "machine draft", editor.Body, "[fr→ar] Ma première rentrée Traduisible", "machine draft, not checked yet",
		"stays marked as one", `name="checked"`, `dir="rtl"`)
	review = moderator.Get(arDesk)
	mustNotContain(t, "review of an unchecked machine draft", review.Body, "Publish this translation")
	if res := moderator.PostForm(arDesk+"/publish", url.Values{"csrf": {testrig.CSRF(t, review)}}); res.Status != http.StatusConflict ||
		!bytes.Contains(res.Body, []byte("must be checked against the original")) {
		t.Errorf("unchecked machine draft published: %d", res.Status)
	}
	check := url.Values{"csrf": {testrig.CSRF(t, editor)}, "title": {"سنتي الدراسية الأولى"}, "body": {"كان أطفالي خائفين."}, "checked": {"yes"}}
	if res := translator.PostForm(arDesk, check); res.Status != http.StatusSeeOther {
		t.Fatalf("checked: %d %.300s", res.Status, res.Body)
	}
	if res := moderator.PostForm(arDesk+"/publish", url.Values{"csrf": {testrig.CSRF(t, review)}}); res.Status != http.StatusSeeOther {
		t.Fatalf("publish the checked machine draft: %d", res.Status)
	}
	arabic = rig.Do("GET", "/ar/stories/"+id, nil, nil)
	mustContain(t, "Arabic translation", arabic.Body, "سنتي الدراسية الأولى", "ترجمة آلية راجعها فريق الحملة")
	mustNotContain(t, "Arabic translation", arabic.Body, "ترجمة: ")
	apiStory.Translations = nil
	rig.Do("GET", "/api/v1/stories/"+id, nil, nil).JSON(t, &apiStory)
	if len(apiStory.Translations) != 2 || apiStory.Translations[0].Language != "ar" || apiStory.Translations[0].Origin != "machine" || apiStory.Translations[0].Credit != "" {
		t.Errorf("API machine translation: %+v", apiStory.Translations)
	}
	entries, _ := rig.Store.Audit(ctx, id)
	var actions []string
	for _, e := range entries {
		if strings.HasPrefix(e.Action, "translation") {
			actions = append(actions, e.Action+":"+e.Reason+":"+e.Note)
		}
	}
	if strings.Join(actions, " ") != "translation_save:en:human translation_publish:en:human translation_machine:ar:machine translation_save:ar:machine translation_publish:ar:machine" {
		t.Errorf("audit: %v", actions)
	}

	// The author stops translations: both are gone at once.
	privatePage := author.Get(private)
	mustContain(t, "private page", privatePage.Body, "My first school year", "سنتي الدراسية الأولى")
	res = author.PostForm(private+"/translation", url.Values{"csrf": {testrig.CSRF(t, privatePage)}, "translate": {"no"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("stop translations: %d", res.Status)
	}
	mustContain(t, "private page after", author.Get(res.Header.Get("Location")).Body, "Votre choix concernant les traductions est enregistré", "Vous n’autorisez pas")
	page = rig.Do("GET", "/en/stories/"+id, nil, nil)
	mustContain(t, "English page after", page.Body, "Une autre maman")
	mustNotContain(t, "English page after", page.Body, "My first school year", "Translated by")
	apiStory.Translations = nil
	rig.Do("GET", "/api/v1/stories/"+id, nil, nil).JSON(t, &apiStory)
	if len(apiStory.Translations) != 0 {
		t.Errorf("API after consent was withdrawn: %+v", apiStory.Translations)
	}
	if res := translator.Get(desk); res.Status != http.StatusConflict {
		t.Errorf("editor after consent was withdrawn: %d", res.Status)
	}
	for _, needle := range []string{"Another mother welcomed us", "كان أطفالي خائفين"} {
		if files := testrig.FilesContaining(t, rig.DataDir, []byte(needle)); len(files) > 0 {
			t.Errorf("%q still in %v after consent was withdrawn", needle, files)
		}
	}
	if lt.requests != 2 {
		t.Errorf("%d requests to the machine translation service, want 2 (title and body)", lt.requests)
	}
}

func TestMachineTranslationFailureIsExplained(t *testing.T) {
	rig, _ := machineRig(t)
	sub := testrig.Submission("Unsupported")
	sub.Consent.Translate = true
	id, _ := rig.Submit(sub)
	mod, _ := rig.Staff("approver@example.org", staff.RoleModerator)
	if _, err := rig.App.Decide(context.Background(), mod, id, appDecision(true, "", "")); err != nil {
		t.Fatal(err)
	}
	partner := rig.SignedIn("partner@example.org", staff.RolePartner)
	desk := "/fr/staff/story-translations/" + id + "/ar"
	editor := partner.Get(desk)
	res := partner.PostForm(desk+"/machine", url.Values{"csrf": {testrig.CSRF(t, editor)}})
	if res.Status != http.StatusServiceUnavailable {
		t.Fatalf("a refused machine translation: %d", res.Status)
	}
	mustContain(t, "editor after the refusal", res.Body, "a refusé de traduire ce récit", "Le service a répondu :", "ar is not supported", `role="alert"`)
	if list, _ := rig.Store.StoryTranslations(context.Background(), []string{id}, ""); len(list) != 0 {
		t.Errorf("a failed machine translation left a draft: %v", list)
	}

	off := testrig.New(t)
	sub.Consent.Translate = true
	id, _ = off.Submit(sub)
	mod, _ = off.Staff("approver@example.org", staff.RoleModerator)
	off.App.Decide(context.Background(), mod, id, appDecision(true, "", ""))
	editor = off.SignedIn("tr@example.org", staff.RoleTranslator).Get("/en/staff/story-translations/" + id + "/fr")
	mustNotContain(t, "editor without machine translation", editor.Body, "Start from a machine translation")
}

// TestTranslationNeedsConsent: without its author's agreement, a story is
// not offered for translation and its editor refuses.
func TestTranslationNeedsConsent(t *testing.T) {
	rig := testrig.New(t)
	id, _ := rig.Submit(testrig.Submission("Private"))
	mod, _ := rig.Staff("approver@example.org", staff.RoleModerator)
	if _, err := rig.App.Decide(context.Background(), mod, id, appDecision(true, "", "")); err != nil {
		t.Fatal(err)
	}
	translator := rig.SignedIn("tr@example.org", staff.RoleTranslator)
	mustNotContain(t, "translations list", translator.Get("/en/staff/story-translations").Body, id)
	desk := "/en/staff/story-translations/" + id + "/fr"
	if res := translator.Get(desk); res.Status != http.StatusConflict {
		t.Errorf("editor of a story without consent: %d", res.Status)
	}
	csrf := testrig.CSRF(t, translator.Get("/en/share"))
	res := translator.PostForm(desk, url.Values{"csrf": {csrf}, "title": {"Titre"}, "body": {"Texte"}, "credit": {"Léa"}})
	if res.Status != http.StatusConflict {
		t.Errorf("saving a translation without consent: %d", res.Status)
	}

	// Into a site language other than the story's own, only.
	open := testrig.Submission("Open")
	open.Consent.Translate = true
	openID, _ := rig.Submit(open)
	if _, err := rig.App.Decide(context.Background(), mod, openID, appDecision(true, "", "")); err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string]int{"en": http.StatusUnprocessableEntity, "pt": http.StatusNotFound, "xx": http.StatusNotFound, "fr": http.StatusOK} {
		if res := translator.Get("/en/staff/story-translations/" + openID + "/" + lang); res.Status != want {
			t.Errorf("editor into %s: %d, want %d", lang, res.Status, want)
		}
	}
	if list, _ := rig.Store.StoryTranslations(context.Background(), []string{id}, ""); len(list) != 0 {
		t.Errorf("translations of a story without consent: %v", list)
	}
}

func TestTranslationConsentThroughTheAPI(t *testing.T) {
	rig := testrig.New(t)
	sub := testrig.Submission("Api")
	id, token := rig.Submit(sub)
	own := map[string]string{"Authorization": "Bearer " + token}
	var view struct {
		Consent struct{ Publish, Social, Toolkit, Translate bool }
	}
	rig.Do("GET", "/api/v1/submissions/"+id, nil, own).JSON(t, &view)
	if view.Consent.Translate {
		t.Fatal("consent to translation given by default")
	}
	cases := []struct {
		body   any
		status int
	}{
		{map[string]bool{"translate": true}, http.StatusOK},
		{map[string]bool{"publish": false}, http.StatusBadRequest},
		{map[string]any{"translate": "yes"}, http.StatusBadRequest},
		{`{}`, http.StatusUnprocessableEntity},
		{`not json`, http.StatusBadRequest},
		{strings.Repeat(" ", 5<<10) + `{"translate": true}`, http.StatusBadRequest},
	}
	for _, c := range cases {
		res := rig.Do("PUT", "/api/v1/submissions/"+id+"/consent", c.body, map[string]string{"Authorization": "Bearer " + token, "Content-Type": "application/json"})
		if res.Status != c.status || !bytes.HasPrefix(res.Body, []byte("{")) {
			t.Errorf("%v: %d %s, want %d", c.body, res.Status, res.Body, c.status)
		}
	}
	rig.Do("GET", "/api/v1/submissions/"+id, nil, own).JSON(t, &view)
	if !view.Consent.Translate || !view.Consent.Publish || !view.Consent.Social {
		t.Errorf("consents after the change: %+v", view.Consent)
	}
	if res := rig.Do("DELETE", "/api/v1/stories/"+id, nil, own); res.Status != http.StatusOK {
		t.Fatal(res.Status)
	}
	if res := rig.Do("PUT", "/api/v1/submissions/"+id+"/consent", map[string]bool{"translate": true}, own); res.Status != http.StatusConflict {
		t.Errorf("consent to translate a withdrawn story: %d", res.Status)
	}
}

// TestNoInjectionThroughTranslations puts every payload into a
// translation's title, text and credit, and parses every page that shows
// them.
func TestNoInjectionThroughTranslations(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	translatorUser, _ := rig.Staff("tr@example.org", staff.RoleTranslator)
	modUser, _ := rig.Staff("approver@example.org", staff.RoleModerator)
	translator := rig.SignedIn("tr2@example.org", staff.RoleTranslator)
	moderator := rig.SignedIn("mod@example.org", staff.RoleModerator)
	pages := []string{"/en/staff/story-translations"}
	for i, p := range xssPayloads {
		sub := testrig.Submission("Inject")
		sub.Consent.Translate = true
		id, token := rig.Submit(sub)
		if _, err := rig.App.Decide(ctx, modUser, id, appDecision(true, "", "")); err != nil {
			t.Fatal(err)
		}
		edit := app.StoryTranslationEdit{Text: story.TranslationText{Title: "T " + p, Body: "Texte " + p + "\n\n" + p, Credit: p}}
		if _, err := rig.App.SaveStoryTranslation(ctx, translatorUser, id, "fr", edit); err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			if err := rig.App.PublishTranslation(ctx, modUser, id, "fr"); err != nil {
				t.Fatal(err)
			}
		}
		pages = append(pages, "/fr/stories/"+id, "/en/stories/"+id, "/ar/stories/"+id+"/original", "/fr/my/"+id+"/"+token,
			"/en/staff/story-translations/"+id+"/fr", "/ar/staff/story-translations/"+id+"/fr")
	}
	for _, p := range pages {
		for name, b := range map[string]*testrig.Browser{"translator": translator, "moderator": moderator} {
			res := b.Get(p)
			if res.Status != http.StatusOK {
				t.Errorf("%s as %s: %d", p, name, res.Status)
			}
			checkNoInjection(t, p+" as "+name, res.Body)
		}
	}
	res := rig.Do("GET", "/api/v1/stories", nil, nil)
	if !json.Valid(res.Body) || bytes.Contains(res.Body, []byte("<script>")) {
		t.Errorf("API list: %.200s", res.Body)
	}
}
