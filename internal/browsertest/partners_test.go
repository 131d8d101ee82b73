package browsertest

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"chorus/internal/app"
	"chorus/internal/org"
	"chorus/internal/staff"
	"chorus/internal/testrig"
)

// phone390 is a common phone's width, where the partner pages must hold.
var phone390 = viewport{"phone390", 390, 844, true}

// TestPartnerPagesOnAPhone: the public partner pages, a collection and the
// partner's own staff pages, the slip included, in English, French and
// Arabic on a 390-pixel phone, with no WCAG 2.1 A or AA violation axe-core
// finds; a screenshot of each is saved.
func TestPartnerPagesOnAPhone(t *testing.T) {
	needBrowser(t)
	needAxe(t)
	rig := testrig.New(t)
	ctx := context.Background()
	admin, _ := rig.Staff("admin@example.org", staff.RoleAdmin)
	moderator, _ := rig.Staff("mod@example.org", staff.RoleModerator)
	orgID, err := rig.App.SaveOrganisation(ctx, admin, app.OrganisationUpdate{
		Organisation: org.Organisation{Slug: "harbour-youth", Kind: org.KindYouthNetwork, Website: "https://harbour.example.org", Country: "CA",
			Texts: map[string]org.Text{
				"en": {Name: "Harbour Youth Network", Description: "Young people who welcome newcomers to the harbour district."},
				"fr": {Name: "Réseau jeunesse du port", Description: "Des jeunes qui accueillent les nouveaux arrivants du quartier du port."},
				"ar": {Name: "شبكة شباب الميناء", Description: "شباب يرحبون بالقادمين الجدد إلى حي الميناء."}}},
		Logo: bytes.NewReader(testrig.PhotoWithGPS(320, 120))})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rig.App.SaveOrganisation(ctx, admin, app.OrganisationUpdate{Organisation: org.Organisation{Slug: "city-hall", Kind: org.KindGovernment,
		Texts: map[string]org.Text{"en": {Name: "City Hall Welcome Office"}, "fr": {Name: "Bureau d’accueil de la mairie"}}}}); err != nil {
		t.Fatal(err)
	}
	var published []string
	for _, marker := range []string{"Harbourtea", "Harbourboat"} {
		sub := testrig.Submission(marker)
		sub.ContactEmail = ""
		r, err := rig.App.SubmitForStoryteller(ctx, admin, app.ToldStory{OrganisationID: orgID, Submission: sub, Consent: org.ConsentRecord{
			Consenter: "Consenter " + marker, Method: org.MethodSignedForm, ConsentedAt: time.Now().Add(-time.Hour), ExplainedIn: "ar",
			Scope: []org.Scope{org.ScopeSite, org.ScopeTranslation}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := rig.App.Decide(ctx, moderator, r.ID, app.Decision{Approve: true}); err != nil {
			t.Fatal(err)
		}
		published = append(published, r.ID)
	}
	titles := map[string]string{"en": "First winters by the harbour", "fr": "Premiers hivers au port", "ar": "الشتاء الأول عند الميناء"}
	for _, lang := range languages {
		if _, err := rig.App.SaveCollection(ctx, admin, org.Collection{Slug: "first-winters", Language: lang, Title: titles[lang],
			OrganisationID: orgID, StoryIDs: published}); err != nil {
			t.Fatal(err)
		}
	}

	tb := newTab(t, rig, phone390, true, "partners-"+phone390.name)
	check := func(t *testing.T, tb *tab, lang, name, path string) {
		t.Helper()
		if st := tb.open(path); st != http.StatusOK {
			t.Fatalf("%s: status %d", path, st)
		}
		tb.shot(lang + "-" + name)
		if vs := axeViolations(tb); len(vs) > 0 {
			t.Errorf("%s has %d axe violations:%s", path, len(vs), formatViolations(vs))
		}
		if wide := eval[bool](tb, `document.documentElement.scrollWidth > window.innerWidth + 1`); wide {
			t.Errorf("%s scrolls sideways at %d pixels", path, phone390.w)
		}
	}
	for _, lang := range languages {
		t.Run(lang+"/public", func(t *testing.T) {
			check(t, tb, lang, "partners", "/"+lang+"/partners")
			check(t, tb, lang, "partner", "/"+lang+"/partners/harbour-youth")
			check(t, tb, lang, "collection", "/"+lang+"/collections/first-winters")
		})
	}

	staffTab := newTab(t, rig, phone390, true, "partners-"+phone390.name)
	enrolWithoutSecondFactor(t, staffTab, "owner@harbour.example.org", staff.RolePartner)
	if _, err := rig.App.InviteMember(ctx, admin, orgID, "owner@harbour.example.org", true); err != nil {
		t.Fatal(err)
	}
	for _, lang := range languages {
		t.Run(lang+"/staff", func(t *testing.T) {
			check(t, staffTab, lang, "organisation", "/"+lang+"/staff/organisation")
			check(t, staffTab, lang, "collections", "/"+lang+"/staff/collections")
			// The slip: a told story sent through the form.
			staffTab.open("/" + lang + "/staff/organisation")
			staffTab.typeInto("#f-title", "Tea at the harbour")
			staffTab.typeInto("#f-body", "We met every Thursday at the harbour and the neighbours brought tea for everyone.")
			staffTab.choose("#f-country", "CA")
			staffTab.press("choose an identity", `input[name=identity][value=refugee]`, false)
			staffTab.typeInto("#f-display_name", "Samir")
			staffTab.typeInto("#f-consenter", "Samir Q.")
			staffTab.press("choose a method", `input[name=method][value=signed_form]`, false)
			if st := staffTab.press("send the told story", ".told form button[type=submit]", true); st != http.StatusOK {
				t.Fatalf("told story: %d at %s: %s", st, staffTab.location(), staffTab.text("main"))
			}
			if staffTab.count(".slip-qr svg") != 1 {
				t.Fatal("no QR code on the slip")
			}
			staffTab.shot(lang + "-slip")
			if vs := axeViolations(staffTab); len(vs) > 0 {
				t.Errorf("slip has %d axe violations:%s", len(vs), formatViolations(vs))
			}

			// A profile the screen reads as hate comes back refused, as typed.
			staffTab.open("/" + lang + "/staff/organisation")
			hateful := "Migrants are rats and vermin. They should all be driven out of this country."
			staffTab.typeInto("#f-description-en", hateful)
			if st := staffTab.press("save the profile", `form[action$="/staff/organisation"] button[type=submit]`, true); st != http.StatusUnprocessableEntity && st != http.StatusBadRequest {
				t.Fatalf("hateful profile: status %d", st)
			}
			if staffTab.attr("#f-description-en", "aria-invalid") != "true" || !strings.Contains(eval[string](staffTab, `document.querySelector("#f-description-en").value`), "vermin") {
				t.Errorf("the refused description is not marked or not kept: %s", staffTab.text("main"))
			}
			staffTab.shot(lang + "-organisation-refused")
			if vs := axeViolations(staffTab); len(vs) > 0 {
				t.Errorf("refused profile has %d axe violations:%s", len(vs), formatViolations(vs))
			}
			if wide := eval[bool](staffTab, `document.documentElement.scrollWidth > window.innerWidth + 1`); wide {
				t.Errorf("the refused profile scrolls sideways at %d pixels", phone390.w)
			}
		})
	}
}
