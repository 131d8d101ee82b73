package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"chorus/internal/app"
	"chorus/internal/audit"
	"chorus/internal/moderation"
	"chorus/internal/org"
	"chorus/internal/story"
	"chorus/internal/testrig"
)

// Texts the real screen scores: hate and a threat well above the bar a
// partner's text must stay under, and a description whose phone number
// and e-mail address the screen finds as personal data.
const (
	hatefulDescription = "Migrants are rats and vermin. They should all be driven out of this country."
	threateningName    = "We will kill every migrant in this town."
	contactDescription = "We welcome newcomers to the harbour district. Call us on +1 204 555 0199 or write to hello@harbour.example.org."
)

func domainError(t *testing.T, err error) *story.Error {
	t.Helper()
	var de *story.Error
	if !errors.As(err, &de) {
		t.Fatalf("want a domain error, got %v", err)
	}
	return de
}

func (p *partnerSite) organisation(t *testing.T, id string) *org.Organisation {
	t.Helper()
	o, err := p.rig.Store.Organisation(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func (p *partnerSite) audit(t *testing.T, subject string) []audit.Entry {
	t.Helper()
	entries, err := p.rig.Store.Audit(context.Background(), subject)
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

// TestPartnersHarmfulTextsAreRefused: an owner's profile whose description
// is hate, or whose name is a threat, is refused naming the field and its
// language, and nothing of it is written; contact details are no reason to
// refuse. The same goes for a member's collection.
func TestPartnersHarmfulTextsAreRefused(t *testing.T) {
	p := newPartnerSite(t)
	ctx := context.Background()
	before := p.organisation(t, p.own)
	audited := len(p.audit(t, "organisation:"+p.own))

	for _, c := range []struct {
		lang, field, key string
		text             org.Text
	}{
		{"en", "description-en", "error.org_description_harmful", org.Text{Name: "Harbour Youth Network", Description: hatefulDescription}},
		{"fr", "name-fr", "error.org_name_harmful", org.Text{Name: threateningName}},
	} {
		changed := *before
		changed.Texts = map[string]org.Text{"en": before.Texts["en"], "fr": before.Texts["fr"], c.lang: c.text}
		changed.Website = "https://changed.example.org"
		_, err := p.rig.App.SaveOrganisation(ctx, p.owner, app.OrganisationUpdate{Organisation: changed})
		de := domainError(t, err)
		if de.Code != story.CodeInvalid || de.Key != c.key || de.Field != c.field {
			t.Errorf("%s: refused with %+v", c.field, de)
		}
		if lang := map[string]string{"en": "English", "fr": "Français"}[c.lang]; len(de.Args) != 2 || de.Args[1] != lang || !strings.Contains(de.Message, lang) {
			t.Errorf("%s: the refusal does not name the language: %+v", c.field, de)
		}
	}
	after := p.organisation(t, p.own)
	if after.Texts["en"] != before.Texts["en"] || after.Texts["fr"] != before.Texts["fr"] || after.Website != before.Website {
		t.Errorf("a refused profile was written: %+v", after)
	}
	if n := len(p.audit(t, "organisation:"+p.own)); n != audited {
		t.Errorf("a refused profile was audited: %d entries, were %d", n, audited)
	}

	fine := *before
	fine.Texts = map[string]org.Text{"en": {Name: "Harbour Youth Network", Description: contactDescription}, "fr": before.Texts["fr"]}
	if _, err := p.rig.App.SaveOrganisation(ctx, p.owner, app.OrganisationUpdate{Organisation: fine}); err != nil {
		t.Fatalf("a description with the organisation's contact details: %v", err)
	}
	if got := p.organisation(t, p.own).Texts["en"].Description; got != contactDescription {
		t.Errorf("saved description %q", got)
	}
	if last := p.audit(t, "organisation:"+p.own); last[len(last)-1].Reason != "" {
		t.Errorf("a clean save's audit entry says the screen found something: %+v", last[len(last)-1])
	}

	published := p.submitTold(t, p.own, "Screencol")
	p.publish(t, published)
	collection := org.Collection{Slug: "winters", Language: "fr", Title: "Nos premiers hivers", Description: "Les immigrés sont des rats, il faut les chasser.",
		OrganisationID: p.own, StoryIDs: []string{published}}
	_, err := p.rig.App.SaveCollection(ctx, p.member, collection)
	if de := domainError(t, err); de.Key != "error.collection_description_harmful" || de.Field != "description" {
		t.Errorf("hateful collection description refused with %+v", de)
	}
	collection.Description = ""
	collection.Title = threateningName
	_, err = p.rig.App.SaveCollection(ctx, p.member, collection)
	if de := domainError(t, err); de.Key != "error.collection_title_harmful" || de.Field != "title" {
		t.Errorf("threatening collection title refused with %+v", de)
	}
	if _, err := p.rig.Store.CollectionBySlug(ctx, "fr", "winters"); !errors.Is(err, story.ErrNotFound) {
		t.Errorf("a refused collection was written: %v", err)
	}
	collection.Title, collection.Description = "Nos premiers hivers", "Des familles racontent leur arrivée en hiver."
	if _, err := p.rig.App.SaveCollection(ctx, p.member, collection); err != nil {
		t.Fatalf("a plain collection: %v", err)
	}
}

// TestAdminsPublishWhatTheScreenFlags: an admin's save of texts the
// screen finds hateful is written, and its audit entry says what the
// screen found, kind and score, without the text. The partner may then
// change the rest of the profile: the admin's texts are not screened again.
func TestAdminsPublishWhatTheScreenFlags(t *testing.T) {
	p := newPartnerSite(t)
	ctx := context.Background()
	o := p.organisation(t, p.own)
	o.Texts = map[string]org.Text{"en": {Name: "Harbour Youth Network", Description: hatefulDescription}, "ar": {Name: threateningName}}
	if _, err := p.rig.App.SaveOrganisation(ctx, p.admin, app.OrganisationUpdate{Organisation: *o}); err != nil {
		t.Fatalf("an admin's flagged save was refused: %v", err)
	}
	if got := p.organisation(t, p.own); got.Texts["en"].Description != hatefulDescription || got.Texts["ar"].Name != threateningName {
		t.Fatalf("the admin's texts were not written: %+v", got.Texts)
	}
	entries := p.audit(t, "organisation:"+p.own)
	last := entries[len(entries)-1]
	if last.Action != "organisation_update" || !strings.Contains(last.Reason, "hate 0.") || !strings.Contains(last.Reason, "threat 0.9") {
		t.Errorf("the audit entry does not record what the screen found: %+v", last)
	}
	for _, e := range entries {
		for _, field := range []string{e.Reason, e.Note} {
			if strings.Contains(field, "vermin") || strings.Contains(field, "kill") {
				t.Errorf("the audit holds the text: %+v", e)
			}
		}
	}

	kept := p.organisation(t, p.own)
	kept.Website = "https://harbour.example.org/welcome"
	if _, err := p.rig.App.SaveOrganisation(ctx, p.owner, app.OrganisationUpdate{Organisation: *kept}); err != nil {
		t.Errorf("the owner could not change the website beside the admin's texts: %v", err)
	}

	published := p.submitTold(t, p.own, "Admincol")
	p.publish(t, published)
	id, err := p.rig.App.SaveCollection(ctx, p.admin, org.Collection{Slug: "hard", Language: "en", Title: threateningName,
		OrganisationID: p.own, StoryIDs: []string{published}})
	if err != nil {
		t.Fatalf("an admin's flagged collection was refused: %v", err)
	}
	col := p.audit(t, "collection:"+id)
	if len(col) != 1 || !strings.HasPrefix(col[0].Reason, "screen: ") || !strings.Contains(col[0].Reason, "threat 0.9") {
		t.Errorf("the collection's audit entry: %+v", col)
	}
}

// TestPanickingScreenRefusesAPartnersSave: a text the screen fails on is
// not published on a partner's word: the save is refused, to try again,
// and nothing is written. An admin's goes through, audited as not screened.
func TestPanickingScreenRefusesAPartnersSave(t *testing.T) {
	p := newPartnerSite(t, testrig.WithScreener(panickyScreen{moderation.NewScreen(moderation.Options{}), "Wintertime-Secret"}))
	ctx := context.Background()
	before := p.organisation(t, p.own)
	o := *before
	o.Texts = map[string]org.Text{"en": {Name: "Harbour Youth Network", Description: "We meet on Wintertime-Secret evenings."}, "fr": before.Texts["fr"]}
	_, err := p.rig.App.SaveOrganisation(ctx, p.owner, app.OrganisationUpdate{Organisation: o})
	if de := domainError(t, err); de.Code != story.CodeUnavailable || de.Key != "error.screen_failed" || de.Field != "description-en" {
		t.Errorf("refused with %+v", de)
	}
	if got := p.organisation(t, p.own); got.Texts["en"] != before.Texts["en"] {
		t.Errorf("an unscreened profile was written: %+v", got.Texts)
	}
	if n := p.rig.App.ScreenerFailures(); n != 1 {
		t.Errorf("failures counted: %d, want 1", n)
	}

	if _, err := p.rig.App.SaveOrganisation(ctx, p.admin, app.OrganisationUpdate{Organisation: o}); err != nil {
		t.Fatalf("an admin's save was refused: %v", err)
	}
	entries := p.audit(t, "organisation:"+p.own)
	if last := entries[len(entries)-1]; last.Reason != "screen: unscreened 1.00" {
		t.Errorf("the audit entry does not say the text was not screened: %+v", last)
	}
}
