package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"chorus/internal/app"
	"chorus/internal/staff"
	"chorus/internal/story"
	"chorus/internal/testrig"
)

// zipHas tells whether any file of a ZIP holds needle, or is named so.
func zipHas(t *testing.T, data []byte, needle string) bool {
	t.Helper()
	for name, body := range unzip(t, data) {
		if strings.Contains(name, needle) || strings.Contains(body, needle) {
			return true
		}
	}
	return false
}

// TestConsentWithdrawnFromThePrivatePage: a storyteller who agreed to
// social networks and the toolkit withdraws each from the private page;
// the toolkit page and ZIP (served from cache before) lose the story, then
// the story page loses its share card, Open Graph image and share links,
// and the card's address answers 404. Given back, they return.
func TestConsentWithdrawnFromThePrivatePage(t *testing.T) {
	rig := testrig.New(t)
	sub := testrig.Submission("Skating")
	sub.Body = "Our neighbour taught my daughter to skate on the backyard rink. Skating"
	sub.Consent.Toolkit = true
	id, token := rig.Submit(sub)
	moderator, _ := rig.Staff("mod@example.org", staff.RoleModerator)
	if _, err := rig.App.Decide(context.Background(), moderator, id, app.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}
	quote := "taught my daughter to skate"
	storyPage, cardURL := "/en/stories/"+id, "/en/stories/"+id+"/card/og.png"
	voiceCard := "/en/toolkit/voices/" + id + "-square.png"

	kit := rig.Do("GET", "/en/toolkit", nil, nil)
	if !strings.Contains(string(kit.Body), quote) || !strings.Contains(string(kit.Body), voiceCard) {
		t.Fatalf("toolkit page without the story's voice:\n%s", kit.Body)
	}
	zipped := rig.Do("GET", "/en/toolkit.zip", nil, nil)
	if !zipHas(t, zipped.Body, quote) || !zipHas(t, zipped.Body, "cards/voice-1-square.png") {
		t.Fatal("toolkit zip without the story's voice")
	}
	if res := rig.Do("GET", voiceCard, nil, nil); res.Status != http.StatusOK || res.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("voice card: %d", res.Status)
	}
	page := string(rig.Do("GET", storyPage, nil, nil).Body)
	if !strings.Contains(page, `property="og:image"`) || !strings.Contains(page, "/share/bluesky") {
		t.Fatal("story page without its card and share links while consent is given")
	}
	if res := rig.Do("GET", cardURL, nil, nil); res.Status != http.StatusOK {
		t.Fatalf("story card: %d", res.Status)
	}

	b := rig.Browser()
	private := "/en/my/" + id + "/" + token
	form := b.Get(private)
	csrf := testrig.CSRF(t, form)
	for _, label := range []string{"Take my story out of the toolkit", "Stop sharing on social networks"} {
		if !strings.Contains(string(form.Body), label) {
			t.Errorf("private page lacks %q", label)
		}
	}
	post := func(field, value string) {
		t.Helper()
		res := b.PostForm(private+"/consent", url.Values{"csrf": {csrf}, field: {value}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("%s=%s: %d %.300s", field, value, res.Status, res.Body)
		}
		if after := b.Get(res.Header.Get("Location")); !strings.Contains(string(after.Body), "Your choice is saved") {
			t.Fatalf("%s=%s: no notice after the change", field, value)
		}
	}

	post("toolkit", "no")
	if body := string(rig.Do("GET", "/en/toolkit", nil, nil).Body); strings.Contains(body, quote) || strings.Contains(body, voiceCard) {
		t.Error("the toolkit page still quotes the story after toolkit consent was withdrawn")
	}
	if zipHas(t, rig.Do("GET", "/en/toolkit.zip", nil, nil).Body, quote) {
		t.Error("the toolkit zip still quotes the story after toolkit consent was withdrawn")
	}
	if res := rig.Do("GET", voiceCard, nil, nil); res.Status != http.StatusNotFound {
		t.Errorf("voice card after toolkit consent was withdrawn: %d", res.Status)
	}
	if res := rig.Do("GET", cardURL, nil, nil); res.Status != http.StatusOK {
		t.Errorf("share card gone with toolkit consent alone: %d", res.Status)
	}

	post("social", "no")
	page = string(rig.Do("GET", storyPage, nil, nil).Body)
	for _, gone := range []string{`property="og:image"`, "/card/", "/share/bluesky", "/share/facebook", `id="share-heading"`} {
		if strings.Contains(page, gone) {
			t.Errorf("story page still has %q after social consent was withdrawn", gone)
		}
	}
	if res := rig.Do("GET", cardURL, nil, nil); res.Status != http.StatusNotFound {
		t.Errorf("card after social consent was withdrawn: %d", res.Status)
	}

	post("social", "yes")
	post("toolkit", "yes")
	if !strings.Contains(string(rig.Do("GET", storyPage, nil, nil).Body), `property="og:image"`) {
		t.Error("no card after social consent was given back")
	}
	if !strings.Contains(string(rig.Do("GET", "/en/toolkit", nil, nil).Body), quote) {
		t.Error("not in the toolkit after toolkit consent was given back")
	}

	for _, bad := range []url.Values{{"csrf": {csrf}}, {"csrf": {csrf}, "toolkit": {"maybe"}}} {
		if res := b.PostForm(private+"/consent", bad); res.Status != http.StatusBadRequest {
			t.Errorf("%v: %d, want 400", bad, res.Status)
		}
	}
	if res := b.PostForm("/en/my/"+id+"/wrong/consent", url.Values{"csrf": {csrf}, "toolkit": {"no"}}); res.Status == http.StatusSeeOther || res.Status == http.StatusOK {
		t.Errorf("consent changed with a wrong token: %d", res.Status)
	}
}

// TestConsentThroughTheAPI: PUT /api/v1/submissions/{id}/consent takes
// social and toolkit as well as translate, answers the storyteller's own
// view, and refuses bad bodies with 400 and a missing token with 401.
func TestConsentThroughTheAPI(t *testing.T) {
	rig := testrig.New(t)
	sub := testrig.Submission("Api")
	sub.Consent.Toolkit = true
	id, token := rig.Submit(sub)
	moderator, _ := rig.Staff("mod@example.org", staff.RoleModerator)
	if _, err := rig.App.Decide(context.Background(), moderator, id, app.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}
	path := "/api/v1/submissions/" + id + "/consent"
	own := map[string]string{"Authorization": "Bearer " + token, "Content-Type": "application/json"}

	res := rig.Do("PUT", path, map[string]bool{"social": false, "toolkit": false}, own)
	var view struct {
		ID      string `json:"id"`
		Status  string `json:"status"`
		Consent map[string]bool
	}
	res.JSON(t, &view)
	want := map[string]bool{"publish": true, "social": false, "toolkit": false, "translate": false}
	if res.Status != http.StatusOK || view.ID != id || view.Status != "published" || len(view.Consent) != len(want) {
		t.Fatalf("%d %s", res.Status, res.Body)
	}
	for k, v := range want {
		if view.Consent[k] != v {
			t.Errorf("consent %s = %v, want %v", k, view.Consent[k], v)
		}
	}
	if res := rig.Do("GET", "/en/stories/"+id+"/card/og.png", nil, nil); res.Status != http.StatusNotFound {
		t.Errorf("card after social consent was withdrawn through the API: %d", res.Status)
	}

	for _, c := range []struct {
		body   any
		header map[string]string
		status int
		code   string
	}{
		{map[string]bool{"toolkit": true}, nil, http.StatusUnauthorized, "unauthorized"},
		{map[string]bool{"toolkit": true}, map[string]string{"Authorization": "Bearer nope"}, http.StatusUnauthorized, "unauthorized"},
		{map[string]any{"social": "no"}, own, http.StatusBadRequest, "bad_request"},
		{map[string]bool{"toolkit": true, "federation": true}, own, http.StatusBadRequest, "bad_request"},
		{`{"toolkit": true} {"social": true}`, own, http.StatusBadRequest, "bad_request"},
		{map[string]bool{"publish": false}, own, http.StatusBadRequest, "bad_request"},
		{`[true]`, own, http.StatusBadRequest, "bad_request"},
		{`{}`, own, http.StatusUnprocessableEntity, "invalid"},
	} {
		res := rig.Do("PUT", path, c.body, c.header)
		var e struct {
			Error struct{ Code, Message string }
		}
		res.JSON(t, &e)
		if res.Status != c.status || e.Error.Code != c.code || e.Error.Message == "" {
			t.Errorf("%v: %d %s, want %d %s", c.body, res.Status, res.Body, c.status, c.code)
		}
	}
	res = rig.Do("PUT", path, map[string]bool{"toolkit": true}, own)
	res.JSON(t, &view)
	if res.Status != http.StatusOK || !view.Consent["toolkit"] || view.Consent["social"] {
		t.Errorf("toolkit consent given back: %d %s", res.Status, res.Body)
	}
}

// TestToolkitVoiceInTranslation: a story whose author agreed to the
// toolkit and to translation is a voice of the French toolkit through its
// reviewed French translation, card included, until translation consent
// is withdrawn.
func TestToolkitVoiceInTranslation(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	sub := testrig.Submission("Traduction")
	sub.Consent.Toolkit, sub.Consent.Translate = true, true
	id, token := rig.Submit(sub)
	moderator, _ := rig.Staff("mod@example.org", staff.RoleModerator)
	translator, _ := rig.Staff("tr@example.org", staff.RoleTranslator)
	if _, err := rig.App.Decide(ctx, moderator, id, app.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}
	edit := app.StoryTranslationEdit{Text: story.TranslationText{Title: "Notre premier hiver", Body: "Nous sommes arrivés en janvier et nos voisins nous ont aidés.", Credit: "Léa"}}
	if _, err := rig.App.SaveStoryTranslation(ctx, translator, id, "fr", edit); err != nil {
		t.Fatal(err)
	}
	if err := rig.App.PublishTranslation(ctx, moderator, id, "fr"); err != nil {
		t.Fatal(err)
	}
	voiceCard := "/fr/toolkit/voices/" + id + "-og.png"
	kit := string(rig.Do("GET", "/fr/toolkit", nil, nil).Body)
	if !strings.Contains(kit, "nos voisins nous ont aidés") || strings.Contains(kit, "our neighbours helped us") {
		t.Errorf("French toolkit does not quote the translation:\n%s", kit)
	}
	if res := rig.Do("GET", voiceCard, nil, nil); res.Status != http.StatusOK {
		t.Errorf("card of the translated voice: %d", res.Status)
	}
	if res := rig.Do("GET", "/ar/toolkit/voices/"+id+"-og.png", nil, nil); res.Status != http.StatusNotFound {
		t.Errorf("card in a language with no translation: %d", res.Status)
	}
	if err := rig.App.SetTranslationConsent(ctx, id, token, false); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(rig.Do("GET", "/fr/toolkit", nil, nil).Body), "nos voisins nous ont aidés") {
		t.Error("the translation is still quoted after translation consent was withdrawn")
	}
	if res := rig.Do("GET", voiceCard, nil, nil); res.Status != http.StatusNotFound {
		t.Errorf("card of the deleted translation: %d", res.Status)
	}
}
