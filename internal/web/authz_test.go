package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"chorus/internal/staff"
	"chorus/internal/testrig"
)

// TestAuthorizationMatrix tries every staff and private endpoint as every
// role and as nobody.
func TestAuthorizationMatrix(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	ownID, ownToken := rig.Submit(testrig.Submission("Own"))
	otherID, otherToken := rig.Submit(testrig.Submission("Other"))
	translatable := testrig.Submission("Translatable")
	translatable.Consent.Translate = true
	openID, _ := rig.Submit(translatable)
	approver, _ := rig.Staff("approver@example.org", staff.RoleModerator)
	if _, err := rig.App.Decide(ctx, approver, openID, appDecision(true, "", "")); err != nil {
		t.Fatal(err)
	}
	desk := "/en/staff/story-translations/" + openID + "/fr"
	if res := rig.UploadPhoto(ownID, ownToken, "p.jpg", testrig.PhotoWithGPS(120, 90), "alt"); res.Status != http.StatusOK {
		t.Fatalf("photo: %d", res.Status)
	}
	own, _ := rig.App.Submission(ctx, ownID, ownToken)
	photoFile := own.Photo.Sizes[0].Key[strings.LastIndexByte(own.Photo.Sizes[0].Key, '/')+1:]
	_ = otherToken

	roles := []staff.Role{staff.RolePartner, staff.RoleTranslator, staff.RoleModerator, staff.RoleAdmin}
	browsers := map[string]*testrig.Browser{"nobody": rig.Browser()}
	apiTokens := map[string]string{"nobody": ""}
	for _, role := range roles {
		email := string(role) + "@example.org"
		browsers[string(role)] = rig.SignedIn(email, role)
		token, err := rig.App.AddAPIToken(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		apiTokens[string(role)] = token
	}

	type expect map[string]int // who → status
	staffOnly := func(ok int) expect {
		return expect{"nobody": http.StatusSeeOther, "partner": http.StatusForbidden, "translator": http.StatusForbidden, "moderator": ok, "admin": ok}
	}
	adminOnly := func(ok int) expect {
		return expect{"nobody": http.StatusSeeOther, "partner": http.StatusForbidden, "translator": http.StatusForbidden, "moderator": http.StatusForbidden, "admin": ok}
	}
	translators := func(ok int) expect {
		return expect{"nobody": http.StatusSeeOther, "partner": http.StatusForbidden, "translator": ok, "moderator": http.StatusForbidden, "admin": ok}
	}
	pages := []struct {
		method, path string
		want         expect
	}{
		{"GET", "/en/staff/queue", staffOnly(http.StatusOK)},
		{"GET", "/en/staff/published", expect{"nobody": http.StatusSeeOther, "partner": 200, "translator": 200, "moderator": 200, "admin": 200}},
		{"POST", "/en/staff/stories/" + otherID + "/redact", expect{"nobody": 401, "partner": 403, "translator": 403, "moderator": 422, "admin": 422}},
		// The form posted names no span: refused after the role check.
		{"POST", "/en/staff/stories/" + otherID + "/redact-span", expect{"nobody": 401, "partner": 403, "translator": 403, "moderator": 400, "admin": 400}},
		{"GET", "/en/staff/stories/" + otherID + "/audit", staffOnly(http.StatusOK)},
		{"POST", "/en/staff/stories/" + otherID + "/feature", expect{"nobody": 401, "partner": 403, "translator": 403, "moderator": 403, "admin": 404}},
		{"POST", "/en/staff/stories/" + otherID + "/decision", expect{"nobody": 401, "partner": 403, "translator": 403, "moderator": 422, "admin": 422}},
		{"GET", "/en/staff/posts", staffOnly(http.StatusOK)},
		{"POST", "/en/staff/posts/unknown/decision", expect{"nobody": 401, "partner": 403, "translator": 403, "moderator": 400, "admin": 400}},
		{"GET", "/en/staff/policy", adminOnly(http.StatusOK)},
		{"GET", "/en/staff/partner", expect{"nobody": http.StatusSeeOther, "partner": 200, "translator": 403, "moderator": 403, "admin": 200}},
		{"POST", "/en/staff/partner", expect{"nobody": 401, "partner": 422, "translator": 403, "moderator": 403, "admin": 422}},
		{"GET", "/en/staff/partner/logo.png", expect{"nobody": http.StatusSeeOther, "partner": 404, "translator": 403, "moderator": 403, "admin": 404}},
		{"GET", "/en/staff/partner/toolkit.zip", expect{"nobody": http.StatusSeeOther, "partner": 404, "translator": 403, "moderator": 403, "admin": 404}},
		{"POST", "/en/staff/policy", expect{"nobody": 401, "partner": 403, "translator": 403, "moderator": 403, "admin": 422}},
		{"GET", "/en/staff/replies", expect{"nobody": http.StatusSeeOther, "partner": 200, "translator": 200, "moderator": 200, "admin": 200}},
		{"GET", "/en/staff/replies/edit", adminOnly(http.StatusOK)},
		{"POST", "/en/staff/replies", expect{"nobody": 401, "partner": 403, "translator": 403, "moderator": 403, "admin": 422}},
		{"POST", "/en/staff/replies/en-refugees-neighbours/restore", expect{"nobody": 401, "partner": 403, "translator": 403, "moderator": 403, "admin": 303}},
		{"GET", "/staff/media/" + ownID + "/" + photoFile, expect{"nobody": 403, "partner": 403, "translator": 403, "moderator": 200, "admin": 200}},
		{"GET", "/en/staff/story-translations", expect{"nobody": 303, "partner": 200, "translator": 200, "moderator": 200, "admin": 200}},
		{"GET", desk, expect{"nobody": 303, "partner": 200, "translator": 200, "moderator": 200, "admin": 200}},
		// The form posted lacks the translation: writers get their form back.
		{"POST", desk, expect{"nobody": 401, "partner": 422, "translator": 422, "moderator": 403, "admin": 422}},
		// Machine translation is off on this site.
		{"POST", desk + "/machine", expect{"nobody": 401, "partner": 404, "translator": 404, "moderator": 404, "admin": 404}},
		// Nothing to publish or delete yet.
		{"POST", desk + "/publish", expect{"nobody": 401, "partner": 403, "translator": 403, "moderator": 404, "admin": 404}},
		{"POST", desk + "/delete", expect{"nobody": 401, "partner": 404, "translator": 404, "moderator": 404, "admin": 404}},
		// Translators and admins translate; moderators and partners do not.
		// A form without a text is refused as invalid, after the role check.
		{"GET", "/en/staff/translations", translators(http.StatusOK)},
		{"GET", "/en/staff/translations/fr", translators(http.StatusOK)},
		{"POST", "/en/staff/translations/fr", expect{"nobody": 401, "partner": 403, "translator": 422, "moderator": 403, "admin": 422}},
		{"GET", "/fr/staff/translations/ar/toolkit", translators(http.StatusOK)},
		{"POST", "/fr/staff/translations/ar/toolkit", expect{"nobody": 401, "partner": 403, "translator": 422, "moderator": 403, "admin": 422}},
		{"GET", "/en/staff/translations/en", translators(http.StatusNotFound)},
		{"GET", "/en/staff/translations/xx", translators(http.StatusNotFound)},
		// The toolkit's English, the source of its translations, is the admins'.
		{"GET", "/en/staff/translations/en/toolkit", expect{"nobody": http.StatusSeeOther, "partner": 403, "translator": 403, "moderator": 403, "admin": 200}},
		{"POST", "/en/staff/translations/en/toolkit", expect{"nobody": 401, "partner": 403, "translator": 403, "moderator": 403, "admin": 422}},
		// Organisations: this partner belongs to none, and no story here
		// was told through one; which organisation's things a partner may
		// touch is app's TestPartnerAuthorisationMatrix.
		{"GET", "/en/staff/organisation", expect{"nobody": 303, "partner": 200, "translator": 403, "moderator": 403, "admin": 200}},
		{"POST", "/en/staff/organisation", expect{"nobody": 401, "partner": 403, "translator": 403, "moderator": 403, "admin": 422}},
		{"POST", "/en/staff/organisation/stories", expect{"nobody": 401, "partner": 403, "translator": 403, "moderator": 403, "admin": 403}},
		{"POST", "/en/staff/organisation/stories/" + otherID + "/withdraw", expect{"nobody": 401, "partner": 404, "translator": 403, "moderator": 403, "admin": 404}},
		{"GET", "/en/staff/organisation/stories/" + otherID + "/scan", expect{"nobody": 303, "partner": 404, "translator": 403, "moderator": 403, "admin": 404}},
		{"POST", "/en/staff/organisation/members", expect{"nobody": 401, "partner": 403, "translator": 403, "moderator": 403, "admin": 403}},
		{"POST", "/en/staff/organisation/members/1/remove", expect{"nobody": 401, "partner": 403, "translator": 403, "moderator": 403, "admin": 403}},
		{"GET", "/en/staff/collections", expect{"nobody": 303, "partner": 200, "translator": 403, "moderator": 403, "admin": 200}},
		{"POST", "/en/staff/collections", expect{"nobody": 401, "partner": 403, "translator": 403, "moderator": 403, "admin": 422}},
		{"POST", "/en/staff/collections/none/delete", expect{"nobody": 401, "partner": 404, "translator": 403, "moderator": 403, "admin": 404}},
	}
	for _, p := range pages {
		for who, want := range p.want {
			b := browsers[who]
			var res testrig.Response
			if p.method == "GET" {
				res = b.Get(p.path)
			} else {
				csrf := testrig.CSRF(t, b.Get("/en/share"))
				res = b.PostForm(p.path, url.Values{"csrf": {csrf}, "decision": {"reject"}, "confirm": {"yes"}})
			}
			if res.Status != want {
				t.Errorf("%s %s as %s: %d, want %d", p.method, p.path, who, res.Status, want)
			}
		}
	}

	apis := []struct {
		method, path string
		body         any
		want         expect
	}{
		{"GET", "/api/v1/moderation/queue", nil, expect{"nobody": 401, "partner": 403, "translator": 403, "moderator": 200, "admin": 200}},
		{"POST", "/api/v1/moderation/items/" + otherID + "/decision", map[string]string{"decision": "reject"}, expect{"nobody": 401, "partner": 403, "translator": 403, "moderator": 422, "admin": 422}},
		{"POST", "/api/v1/posts", map[string]string{"decision": "reject"}, expect{"nobody": 401, "partner": 403, "translator": 403, "moderator": 403, "admin": 422}},
		{"DELETE", "/api/v1/posts?network=mastodon&source_id=none", nil, expect{"nobody": 401, "partner": 403, "translator": 403, "moderator": 403, "admin": 404}},
	}
	for _, a := range apis {
		for who, want := range a.want {
			header := map[string]string{}
			if tok := apiTokens[who]; tok != "" {
				header["Authorization"] = "Bearer " + tok
			}
			if got := rig.Do(a.method, a.path, a.body, header).Status; got != want {
				t.Errorf("%s %s as %s: %d, want %d", a.method, a.path, who, got, want)
			}
		}
	}

	// Private endpoints answer only to the story's own token; staff tokens
	// and other storytellers' tokens are refused alike.
	private := []struct{ method, path string }{
		{"GET", "/api/v1/submissions/" + ownID},
		{"PUT", "/api/v1/submissions/" + ownID},
		{"POST", "/api/v1/submissions/" + ownID + "/photo"},
		{"DELETE", "/api/v1/stories/" + ownID},
		{"PUT", "/api/v1/submissions/" + ownID + "/consent"},
	}
	for _, p := range private {
		for who, token := range map[string]string{"nobody": "", "another storyteller": otherToken, "admin": apiTokens["admin"], "garbage": strings.Repeat("x", 5000)} {
			header := map[string]string{}
			if token != "" {
				header["Authorization"] = "Bearer " + token
			}
			if got := rig.Do(p.method, p.path, nil, header).Status; got != http.StatusUnauthorized {
				t.Errorf("%s %s as %s: %d, want 401", p.method, p.path, who, got)
			}
		}
	}
	for _, path := range []string{"/en/my/" + ownID + "/" + otherToken, "/en/my/" + ownID + "/" + otherToken + "/photo/" + photoFile, fmt.Sprintf("/en/my/%s/x", ownID)} {
		if got := rig.Do("GET", path, nil, nil).Status; got != http.StatusUnauthorized {
			t.Errorf("GET %s: %d, want 401", path, got)
		}
	}
	visitor := rig.Browser()
	csrf := testrig.CSRF(t, visitor.Get("/en/share"))
	if got := visitor.PostForm("/en/my/"+ownID+"/"+otherToken+"/translation", url.Values{"csrf": {csrf}, "translate": {"yes"}}).Status; got != http.StatusUnauthorized {
		t.Errorf("consent changed with another story's token: %d, want 401", got)
	}
	if got, _ := rig.App.Submission(ctx, ownID, ownToken); got.Status != "pending" {
		t.Errorf("the story changed under refused requests: %s", got.Status)
	}
}

func TestTranslationsPageForTranslatorsAndAdmins(t *testing.T) {
	rig := testrig.New(t)
	for role, want := range map[staff.Role]int{staff.RoleTranslator: 200, staff.RoleAdmin: 200, staff.RoleModerator: 403, staff.RolePartner: 403} {
		res := rig.SignedIn(string(role)+"@example.org", role).Get("/en/staff/translations")
		if res.Status != want {
			t.Errorf("%s: %d, want %d", role, res.Status, want)
		}
		if want == 200 && (!strings.Contains(string(res.Body), "Українська") || !strings.Contains(string(res.Body), "100%")) {
			t.Errorf("%s: coverage table incomplete", role)
		}
	}
}
