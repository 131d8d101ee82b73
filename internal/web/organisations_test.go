package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"chorus/internal/app"
	"chorus/internal/demo"
	"chorus/internal/org"
	"chorus/internal/paths"
	"chorus/internal/staff"
	"chorus/internal/story"
	"chorus/internal/testrig"
)

// TestPartnerJourney: an admin adds an organisation with its logo through
// the form; it appears on the public partner pages in every language; its
// owner shares a story told in a workshop with a consent record and gets
// the slip to hand over, whose link is the storyteller's private page;
// after publication the story is on the partner's page; the owner
// withdraws it at the storyteller's request and it leaves that page.
func TestPartnerJourney(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	admin := rig.SignedIn("admin@example.org", staff.RoleAdmin)
	adminUser, _ := rig.Store.UserByEmail(ctx, "admin@example.org")

	page := admin.Get("/en/staff/organisation")
	if page.Status != http.StatusOK || !strings.Contains(string(page.Body), `name="slug"`) {
		t.Fatalf("admin's organisation page: %d %.300s", page.Status, page.Body)
	}
	form := url.Values{"csrf": {testrig.CSRF(t, page)}, "slug": {"harbour-youth"}, "kind": {"youth_network"},
		"name_en": {"Harbour Youth"}, "description_en": {"Young people welcoming newcomers."},
		"name_fr": {"Jeunesse du port"}, "name_ar": {"شباب الميناء"}, "website": {"https://harbour.example.org"}, "country": {"CA"}}
	res := admin.PostMultipart("/en/staff/organisation", form, "logo", "logo.jpg", testrig.PhotoWithGPS(300, 120))
	if res.Status != http.StatusSeeOther {
		t.Fatalf("add organisation: %d %.500s", res.Status, res.Body)
	}
	o, err := rig.Store.OrganisationBySlug(ctx, "harbour-youth")
	if err != nil || o.Logo == nil || o.Texts["ar"].Name != "شباب الميناء" {
		t.Fatalf("stored organisation: %+v %v", o, err)
	}
	// A bad website is a clear error, not a 500, and stores nothing.
	form.Set("slug", "other-org")
	form.Set("website", "javascript:alert(1)")
	if res := admin.PostForm("/en/staff/organisation", form); res.Status != http.StatusUnprocessableEntity || !strings.Contains(string(res.Body), "https://") {
		t.Errorf("bad website: %d", res.Status)
	}
	if _, err := rig.Store.OrganisationBySlug(ctx, "other-org"); err == nil {
		t.Error("an organisation with a bad website was stored")
	}

	for lang, name := range map[string]string{"en": "Harbour Youth", "fr": "Jeunesse du port", "ar": "شباب الميناء"} {
		list := rig.Do("GET", paths.PartnersPath(lang), nil, nil)
		if list.Status != http.StatusOK || !strings.Contains(string(list.Body), name) || !strings.Contains(string(list.Body), paths.PartnerPath(lang, "harbour-youth")) {
			t.Errorf("%s partners page: %d", lang, list.Status)
		}
	}
	if res := rig.Do("GET", paths.PartnerLogoPath("harbour-youth"), nil, nil); res.Status != http.StatusOK || res.Header.Get("Content-Type") != "image/png" {
		t.Errorf("public logo: %d %s", res.Status, res.Header.Get("Content-Type"))
	}
	for _, missing := range []string{"/en/partners/nobody", "/en/partners/Bad..Slug", "/en/collections/none"} {
		if res := rig.Do("GET", missing, nil, nil); res.Status != http.StatusNotFound {
			t.Errorf("%s: %d", missing, res.Status)
		}
	}

	owner := rig.SignedIn("owner@harbour.example.org", staff.RolePartner)
	ownerUser, _ := rig.Store.UserByEmail(ctx, "owner@harbour.example.org")
	if _, err := rig.App.InviteMember(ctx, adminUser, o.ID, ownerUser.Email, true); err != nil {
		t.Fatal(err)
	}
	page = owner.Get("/fr/staff/organisation")
	if page.Status != http.StatusOK || !strings.Contains(string(page.Body), `name="consenter"`) {
		t.Fatalf("owner's page: %d %.300s", page.Status, page.Body)
	}
	told := url.Values{"csrf": {testrig.CSRF(t, page)}, "title": {"Tea at the harbour Toldmarker"},
		"body":     {"We met every Thursday at the harbour and the neighbours brought tea. Toldmarker"},
		"language": {"en"}, "country": {"CA"}, "identity": {"refugee"}, "display_name": {"Samir"},
		"consenter": {"Samir Q. Vantablue"}, "method": {"signed_form"}, "consented_on": {time.Now().UTC().Format("2006-01-02")},
		"explained_in": {"ar"}, "scope": {"site", "social"}}
	bad := url.Values{}
	for k, v := range told {
		bad[k] = v
	}
	bad["scope"] = []string{"social"}
	if res := owner.PostForm("/fr/staff/organisation/stories", bad); res.Status != http.StatusUnprocessableEntity || !strings.Contains(string(res.Body), "publication sur le site") {
		t.Errorf("consent without publication: %d", res.Status)
	}
	slip := owner.PostMultipart("/fr/staff/organisation/stories", told, "scan", "form.jpg", testrig.PhotoWithGPS(400, 600))
	if slip.Status != http.StatusOK || !strings.Contains(string(slip.Body), "<svg") || !strings.Contains(string(slip.Body), `role="img"`) {
		t.Fatalf("slip: %d %.500s", slip.Status, slip.Body)
	}
	if slip.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("the slip may be cached: %q", slip.Header.Get("Cache-Control"))
	}
	// The link opens in Arabic, the language consent was explained in.
	m := regexp.MustCompile(`<code dir="ltr">` + regexp.QuoteMeta(rig.URL) + `(/ar/my/([a-z0-9]+)/[^<]+)</code>`).FindStringSubmatch(string(slip.Body))
	if m == nil {
		t.Fatalf("no private link on the slip: %.1500s", slip.Body)
	}
	private, id := m[1], m[2]
	if res := rig.Do("GET", private, nil, nil); res.Status != http.StatusOK || !strings.Contains(string(res.Body), "Toldmarker") {
		t.Errorf("the slip's link does not open the private page: %d", res.Status)
	}
	// The consent record's scan is seen by the organisation, nobody else.
	if res := owner.Get("/fr/staff/organisation/stories/" + id + "/scan"); res.Status != http.StatusOK || res.Header.Get("Cache-Control") != "private, no-store" {
		t.Errorf("owner's scan: %d %q", res.Status, res.Header.Get("Cache-Control"))
	}
	moderator := rig.SignedIn("mod@example.org", staff.RoleModerator)
	for _, path := range []string{"/en/staff/organisation/stories/" + id + "/scan", "/en/staff/organisation", "/en/staff/collections"} {
		if res := moderator.Get(path); res.Status != http.StatusForbidden {
			t.Errorf("moderator %s: %d", path, res.Status)
		}
	}
	if res := rig.Do("GET", "/en/staff/organisation/stories/"+id+"/scan", nil, nil); res.Status == http.StatusOK {
		t.Errorf("anonymous scan: %d", res.Status)
	}

	modUser, _ := rig.Store.UserByEmail(ctx, "mod@example.org")
	if _, err := rig.App.Decide(ctx, modUser, id, app.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}
	if res := rig.Do("GET", paths.PartnerPath("en", "harbour-youth"), nil, nil); !strings.Contains(string(res.Body), "Toldmarker") {
		t.Errorf("the partner's page lacks its published story: %d", res.Status)
	}

	page = owner.Get("/en/staff/organisation")
	if !strings.Contains(string(page.Body), "Samir Q. Vantablue") {
		t.Errorf("the owner does not see the consent record")
	}
	res = owner.PostForm("/en/staff/organisation/stories/"+id+"/withdraw", url.Values{"csrf": {testrig.CSRF(t, page)}, "organisation": {o.ID}, "confirm": {"yes"}, "reason": {"safety"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("withdraw: %d %.300s", res.Status, res.Body)
	}
	if s, _ := rig.Store.Story(ctx, id); s.Status != story.StatusWithdrawn {
		t.Errorf("story after the partner's withdrawal: %s", s.Status)
	}
	if res := rig.Do("GET", paths.PartnerPath("en", "harbour-youth"), nil, nil); strings.Contains(string(res.Body), "Toldmarker") {
		t.Error("the partner's page still shows the withdrawn story")
	}

	// The owner invites a member and is shown the sign-in link once.
	page = owner.Get("/en/staff/organisation")
	res = owner.PostForm("/en/staff/organisation/members", url.Values{"csrf": {testrig.CSRF(t, page)}, "organisation": {o.ID}, "email": {"new@harbour.example.org"}})
	link := regexp.MustCompile(regexp.QuoteMeta(rig.URL) + `(/en/staff/welcome/[^<"]+)`).FindStringSubmatch(string(res.Body))
	if res.Status != http.StatusOK || link == nil {
		t.Fatalf("invite: %d, link shown: %v", res.Status, link != nil)
	}
	if res := rig.Do("GET", link[1], nil, nil); res.Status != http.StatusOK {
		t.Errorf("the new member's sign-in link: %d", res.Status)
	}
	if res := owner.PostForm("/en/staff/organisation/members", url.Values{"csrf": {testrig.CSRF(t, page)}, "organisation": {o.ID}, "email": {"mod@example.org"}}); res.Status != http.StatusUnprocessableEntity {
		t.Errorf("an owner invited the moderator: %d", res.Status)
	}
}

// partnerMember creates organisation o as an admin does and signs email in
// as its member, its owner when owner is set.
func partnerMember(t *testing.T, rig *testrig.Rig, o org.Organisation, email string, owner bool) (orgID string, member *testrig.Browser) {
	t.Helper()
	ctx := context.Background()
	admin, _ := rig.Staff("admin@example.org", staff.RoleAdmin)
	orgID, err := rig.App.SaveOrganisation(ctx, admin, app.OrganisationUpdate{Organisation: o})
	if err != nil {
		t.Fatal(err)
	}
	member = rig.SignedIn(email, staff.RolePartner)
	if _, err := rig.App.InviteMember(ctx, admin, orgID, email, owner); err != nil {
		t.Fatal(err)
	}
	return orgID, member
}

// TestCollectionsThroughTheForms: a partner member curates a collection
// from links to published stories; its public page lists them in order
// and names the curator; a pending story is refused with a clear message.
func TestCollectionsThroughTheForms(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	moderator, _ := rig.Staff("mod@example.org", staff.RoleModerator)
	orgID, member := partnerMember(t, rig, org.Organisation{
		Slug: "city-hall", Kind: org.KindGovernment, Texts: map[string]org.Text{"en": {Name: "City Hall"}}}, "member@city.example.org", false)
	var ids []string
	for _, marker := range []string{"Colone", "Coltwo"} {
		id, _ := rig.Submit(testrig.Submission(marker))
		if _, err := rig.App.Decide(ctx, moderator, id, app.Decision{Approve: true}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	pending, _ := rig.Submit(testrig.Submission("Colpending"))

	page := member.Get("/fr/staff/collections")
	if page.Status != http.StatusOK {
		t.Fatalf("collections page: %d", page.Status)
	}
	form := url.Values{"csrf": {testrig.CSRF(t, page)}, "title": {"Nos premiers hivers"}, "slug": {"premiers-hivers"}, "language": {"fr"},
		"organisation": {orgID}, "stories": {rig.URL + paths.StoryPath("en", ids[1]) + "\n" + ids[0] + "\n" + pending}}
	if res := member.PostForm("/fr/staff/collections", form); res.Status != http.StatusUnprocessableEntity || !strings.Contains(string(res.Body), "Seules les histoires publiées") {
		t.Errorf("a pending story in a collection: %d", res.Status)
	}
	form.Set("stories", rig.URL+paths.StoryPath("en", ids[1])+"\n"+ids[0])
	if res := member.PostForm("/fr/staff/collections", form); res.Status != http.StatusSeeOther {
		t.Fatalf("save collection: %d %.400s", res.Status, res.Body)
	}
	res := rig.Do("GET", paths.CollectionPath("fr", "premiers-hivers"), nil, nil)
	body := string(res.Body)
	if res.Status != http.StatusOK || !strings.Contains(body, "City Hall") || strings.Index(body, "Coltwo") > strings.Index(body, "Colone") || !strings.Contains(body, "Coltwo") {
		t.Errorf("collection page: %d, in order with its curator: %.400s", res.Status, body)
	}
	// A member may not curate for the campaign itself.
	form.Set("organisation", "")
	form.Set("slug", "campaign-pick")
	if res := member.PostForm("/fr/staff/collections", form); res.Status != http.StatusForbidden {
		t.Errorf("a member curated the campaign's own collection: %d", res.Status)
	}
}

// TestDemoPartnerPages: a fresh site's demo content has a partner with a
// collection in each of English, French and Arabic, all shown.
func TestDemoPartnerPages(t *testing.T) {
	rig := testrig.New(t)
	if _, err := demo.Seed(context.Background(), rig.App); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ lang, slug, story string }{
		{"en", "first-steps", "A library card was my first document here"},
		{"fr", "premiers-pas", "Ma première rentrée au Québec"},
		{"ar", "first-steps", "جارتي التي علّمتني اللغة"},
	} {
		if res := rig.Do("GET", paths.CollectionPath(c.lang, c.slug), nil, nil); res.Status != http.StatusOK || !strings.Contains(string(res.Body), c.story) {
			t.Errorf("%s demo collection: %d", c.lang, res.Status)
		}
		res := rig.Do("GET", paths.PartnerPath(c.lang, "demo-youth-network"), nil, nil)
		if res.Status != http.StatusOK || !strings.Contains(string(res.Body), paths.CollectionPath(c.lang, c.slug)) {
			t.Errorf("%s demo partner: %d", c.lang, res.Status)
		}
	}
	o, err := rig.Store.OrganisationBySlug(context.Background(), "demo-youth-network")
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Validate(); err != nil {
		t.Errorf("the demo partner would not pass the form's checks: %v", err)
	}
}

// TestRefusedPartnerTextsComeBackInTheForm: an owner's profile whose
// description the screen finds hateful comes back, translated, naming the
// field and its language, with everything typed still in the form and
// nothing saved; a member's collection with a threatening title likewise.
func TestRefusedPartnerTextsComeBackInTheForm(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	moderator, _ := rig.Staff("mod@example.org", staff.RoleModerator)
	orgID, owner := partnerMember(t, rig, org.Organisation{
		Slug: "harbour-youth", Kind: org.KindYouthNetwork, Texts: map[string]org.Text{"en": {Name: "Harbour Youth", Description: "We welcome newcomers."}},
		Website: "https://harbour.example.org", Country: "CA"}, "owner@harbour.example.org", true)

	page := owner.Get("/fr/staff/organisation")
	hateful := "Migrants are rats and vermin. They should all be driven out of this country."
	form := url.Values{"csrf": {testrig.CSRF(t, page)}, "organisation": {orgID}, "slug": {"harbour-youth"}, "kind": {"civil_society"},
		"name_en": {"Harbour Youth"}, "description_en": {hateful}, "name_ar": {"شباب الميناء"},
		"website": {"https://typed.example.org"}, "country": {"FR"}}
	res := owner.PostForm("/fr/staff/organisation", form)
	body := string(res.Body)
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a hateful description: %d %.400s", res.Status, body)
	}
	for what, want := range map[string]string{
		"the translated refusal":     "La description (English) se lit comme de la haine ou une menace",
		"a link to the field":        `href="#f-description-en"`,
		"the field marked":           `name="description_en" rows="3" maxlength="4000" dir="auto" lang="en" aria-invalid="true">`,
		"the typed description":      ">" + hateful + "</textarea>",
		"the typed Arabic name":      `value="شباب الميناء"`,
		"the typed website":          `value="https://typed.example.org"`,
		"the typed kind":             `<option value="civil_society" selected>`,
		"the typed country":          `<option value="FR" selected>`,
		"the organisation it is for": `name="organisation" value="` + orgID + `"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the form does not show %s (%s)", what, want)
		}
	}
	o, err := rig.Store.Organisation(ctx, orgID)
	if err != nil || o.Texts["en"].Description != "We welcome newcomers." || o.Website != "https://harbour.example.org" || o.Texts["ar"].Name != "" {
		t.Errorf("the refused profile was saved: %+v %v", o, err)
	}

	published, _ := rig.Submit(testrig.Submission("Refusedcol"))
	if _, err := rig.App.Decide(ctx, moderator, published, app.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}
	page = owner.Get("/en/staff/collections")
	threat := "We will kill every migrant in this town."
	res = owner.PostForm("/en/staff/collections", url.Values{"csrf": {testrig.CSRF(t, page)}, "title": {threat}, "slug": {"winters"},
		"language": {"en"}, "organisation": {orgID}, "description": {"Our first winters."}, "stories": {published}})
	body = string(res.Body)
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(body, "The title (English) reads as hate or a threat") ||
		!strings.Contains(body, `value="`+threat+`" aria-invalid="true"`) || !strings.Contains(body, "Our first winters.</textarea>") {
		t.Errorf("a threatening collection title: %d %.600s", res.Status, body)
	}
	if _, err := rig.Store.CollectionBySlug(ctx, "en", "winters"); err == nil {
		t.Error("the refused collection was saved")
	}
}
