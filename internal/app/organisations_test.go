package app_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"chorus/internal/app"
	"chorus/internal/org"
	"chorus/internal/staff"
	"chorus/internal/story"
	"chorus/internal/testrig"
)

// partnerSite is a rig with two organisations, each with an owner and a
// member, and an admin.
type partnerSite struct {
	rig                          *testrig.Rig
	admin, moderator, translator *staff.User
	own, other                   string // organisation ids
	owner, member, otherOwner    *staff.User
	loner                        *staff.User // a partner of no organisation
}

func newPartnerSite(t *testing.T, opts ...testrig.Option) *partnerSite {
	t.Helper()
	rig := testrig.New(t, opts...)
	ctx := context.Background()
	p := &partnerSite{rig: rig}
	p.admin, _ = rig.Staff("admin@example.org", staff.RoleAdmin)
	p.moderator, _ = rig.Staff("mod@example.org", staff.RoleModerator)
	p.translator, _ = rig.Staff("tr@example.org", staff.RoleTranslator)
	p.loner, _ = rig.Staff("loner@example.org", staff.RolePartner)
	p.own = p.addOrganisation(t, "harbour-youth", "Harbour Youth Network")
	p.other = p.addOrganisation(t, "city-hall", "City Hall Welcome Office")
	invite := func(orgID, email string, owner bool) *staff.User {
		if _, err := rig.App.InviteMember(ctx, p.admin, orgID, email, owner); err != nil {
			t.Fatal(err)
		}
		u, err := rig.Store.UserByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	p.owner = invite(p.own, "owner@harbour.example.org", true)
	p.member = invite(p.own, "member@harbour.example.org", false)
	p.otherOwner = invite(p.other, "owner@city.example.org", true)
	return p
}

func (p *partnerSite) addOrganisation(t *testing.T, slug, name string) string {
	t.Helper()
	id, err := p.rig.App.SaveOrganisation(context.Background(), p.admin, app.OrganisationUpdate{Organisation: org.Organisation{
		Slug: slug, Kind: org.KindYouthNetwork, Texts: map[string]org.Text{"en": {Name: name, Description: "We welcome newcomers."}, "fr": {Name: name + " (fr)"}},
		Website: "https://" + slug + ".example.org", Country: "CA"}})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// told is a story collected by a partner, with a consent record.
func told(orgID, marker string) app.ToldStory {
	sub := testrig.Submission(marker)
	sub.ContactEmail = ""
	return app.ToldStory{OrganisationID: orgID, Submission: sub, Consent: org.ConsentRecord{
		Consenter: "Consenter " + marker, Method: org.MethodSignedForm, ConsentedAt: time.Now().Add(-time.Hour),
		ExplainedIn: "fr", Scope: []org.Scope{org.ScopeSite, org.ScopeSocial}}}
}

// submitTold submits through the admin, for stories the matrix then acts on.
func (p *partnerSite) submitTold(t *testing.T, orgID, marker string) string {
	t.Helper()
	r, err := p.rig.App.SubmitForStoryteller(context.Background(), p.admin, told(orgID, marker))
	if err != nil {
		t.Fatal(err)
	}
	return r.ID
}

func (p *partnerSite) publish(t *testing.T, id string) {
	t.Helper()
	if _, err := p.rig.App.Decide(context.Background(), p.moderator, id, app.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}
}

// TestPartnerAuthorisationMatrix: every role, on its own organisation's
// things and on another's, for every organisation action, through the
// use-cases themselves.
func TestPartnerAuthorisationMatrix(t *testing.T) {
	p := newPartnerSite(t)
	ctx := context.Background()
	published := p.submitTold(t, p.own, "Matrixpub")
	p.publish(t, published)
	otherPublished := p.submitTold(t, p.other, "Matrixotherpub")
	p.publish(t, otherPublished)

	n := 0
	actions := map[app.Action]func(by *staff.User, orgID string) error{
		app.ActionEditOrganisation: func(by *staff.User, orgID string) error {
			o, err := p.rig.Store.Organisation(ctx, orgID)
			if err != nil {
				return err
			}
			_, err = p.rig.App.SaveOrganisation(ctx, by, app.OrganisationUpdate{Organisation: *o})
			return err
		},
		app.ActionManageMembers: func(by *staff.User, orgID string) error {
			n++
			_, err := p.rig.App.InviteMember(ctx, by, orgID, fmt.Sprintf("invited%d@example.org", n), false)
			return err
		},
		app.ActionSubmitForStoryteller: func(by *staff.User, orgID string) error {
			_, err := p.rig.App.SubmitForStoryteller(ctx, by, told(orgID, "Matrixsubmit"))
			return err
		},
		app.ActionSeeConsentRecords: func(by *staff.User, orgID string) error {
			id := published
			if orgID == p.other {
				id = otherPublished
			}
			_, err := p.rig.App.ConsentRecord(ctx, by, id)
			return err
		},
		app.ActionWithdrawForStoryteller: func(by *staff.User, orgID string) error {
			n++
			id := p.submitTold(t, orgID, fmt.Sprintf("Matrixwithdraw%d", n))
			return p.rig.App.WithdrawForStoryteller(ctx, by, id, "changed_mind")
		},
		app.ActionCurateCollections: func(by *staff.User, orgID string) error {
			n++
			id := published
			if orgID == p.other {
				id = otherPublished
			}
			_, err := p.rig.App.SaveCollection(ctx, by, org.Collection{Slug: fmt.Sprintf("c%d", n), Language: "en", Title: "Winters",
				OrganisationID: orgID, StoryIDs: []string{id}})
			return err
		},
	}
	type who struct {
		name string
		user *staff.User
		// may lists the actions allowed on the user's own organisation
		// (the first one here) and on the other.
		mayOwn, mayOther []app.Action
	}
	all := []app.Action{app.ActionEditOrganisation, app.ActionManageMembers, app.ActionSubmitForStoryteller,
		app.ActionSeeConsentRecords, app.ActionWithdrawForStoryteller, app.ActionCurateCollections}
	members := []app.Action{app.ActionSubmitForStoryteller, app.ActionSeeConsentRecords, app.ActionWithdrawForStoryteller, app.ActionCurateCollections}
	people := []who{
		{"admin", p.admin, all, all},
		{"owner", p.owner, all, nil},
		{"member", p.member, members, nil},
		{"partner of no organisation", p.loner, nil, nil},
		{"moderator", p.moderator, nil, nil},
		{"translator", p.translator, nil, nil},
	}
	for _, action := range all {
		try := actions[action]
		if try == nil {
			t.Fatalf("no case for %s", action)
		}
		for _, w := range people {
			for _, side := range []struct {
				name  string
				orgID string
				may   []app.Action
			}{{"own", p.own, w.mayOwn}, {"other", p.other, w.mayOther}} {
				allowed := false
				for _, a := range side.may {
					allowed = allowed || a == action
				}
				err := try(w.user, side.orgID)
				switch {
				case allowed && err != nil:
					t.Errorf("%s on %s organisation, %s: refused: %v", w.name, side.name, action, err)
				case !allowed && !errors.Is(err, app.ErrForbidden):
					t.Errorf("%s on %s organisation, %s: want forbidden, got %v", w.name, side.name, action, err)
				}
				if got := app.AllowedOn(w.user, membershipOf(t, p, w.user), action, side.orgID); got != allowed {
					t.Errorf("AllowedOn(%s, %s, %s) = %v, want %v", w.name, side.name, action, got, allowed)
				}
			}
		}
	}
	// Only admins create organisations and curate the campaign's own collections.
	for _, w := range people[1:] {
		if _, err := p.rig.App.SaveOrganisation(ctx, w.user, app.OrganisationUpdate{Organisation: org.Organisation{
			Slug: "new-" + strings.ReplaceAll(w.name, " ", "-"), Kind: org.KindBusiness, Texts: map[string]org.Text{"en": {Name: "New"}}}}); !errors.Is(err, app.ErrForbidden) {
			t.Errorf("%s created an organisation: %v", w.name, err)
		}
		if _, err := p.rig.App.SaveCollection(ctx, w.user, org.Collection{Slug: "campaign", Language: "en", Title: "Ours", StoryIDs: []string{published}}); !errors.Is(err, app.ErrForbidden) {
			t.Errorf("%s curated a campaign collection: %v", w.name, err)
		}
	}
}

func membershipOf(t *testing.T, p *partnerSite, u *staff.User) *org.Member {
	t.Helper()
	_, m, err := p.rig.App.Membership(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestOwnersCannotTakeOtherPeoplesAccounts: an owner's invitation never
// changes the role of another staff member nor takes a member of another
// organisation; removing a member of another organisation is refused.
func TestOwnersCannotTakeOtherPeoplesAccounts(t *testing.T) {
	p := newPartnerSite(t)
	ctx := context.Background()
	for _, email := range []string{"mod@example.org", "admin@example.org", "owner@city.example.org"} {
		if _, err := p.rig.App.InviteMember(ctx, p.owner, p.own, email, false); err == nil {
			t.Errorf("an owner took %s", email)
		}
	}
	if u, _ := p.rig.Store.UserByEmail(ctx, "mod@example.org"); u.Role != staff.RoleModerator {
		t.Errorf("the moderator became %s", u.Role)
	}
	if err := p.rig.App.RemoveMember(ctx, p.owner, p.own, p.otherOwner.ID); err == nil {
		t.Error("an owner removed another organisation's member")
	}
	if err := p.rig.App.RemoveMember(ctx, p.owner, p.own, p.member.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := p.rig.App.SubmitForStoryteller(ctx, p.member, told(p.own, "Removed")); !errors.Is(err, app.ErrForbidden) {
		t.Errorf("a removed member still submits: %v", err)
	}
}

// TestConsentRecordAndScanAreErasedWithTheStory: the record holds who
// consented, how, when, in which language and to what; the scan is kept
// privately (not under any public address); when the storyteller
// withdraws with their own private link, the record, the scan file and
// the consenter's name are in no database or media file.
func TestConsentRecordAndScanAreErasedWithTheStory(t *testing.T) {
	p := newPartnerSite(t)
	ctx := context.Background()
	ts := told(p.own, "Consentscan")
	ts.Consent.Consenter = "Zephyrine Quolbrook"
	ts.Consent.Method = org.MethodRecordedVerbal
	ts.Consent.ExplainedIn = "ar"
	ts.Consent.Scope = []org.Scope{org.ScopeTranslation, org.ScopeSite, org.ScopeSite}
	ts.Scan = bytes.NewReader(testrig.PhotoWithGPS(900, 1200))
	receipt, err := p.rig.App.SubmitForStoryteller(ctx, p.member, ts)
	if err != nil {
		t.Fatal(err)
	}
	record, err := p.rig.App.ConsentRecord(ctx, p.owner, receipt.ID)
	if err != nil {
		t.Fatal(err)
	}
	if record.Consenter != "Zephyrine Quolbrook" || record.Method != org.MethodRecordedVerbal || record.ExplainedIn != "ar" ||
		len(record.Scope) != 2 || record.Scope[0] != org.ScopeSite || record.Scope[1] != org.ScopeTranslation ||
		record.SubmittedBy != p.member.ID || record.OrganisationID != p.own || !strings.HasPrefix(record.ScanKey, "consent/") {
		t.Fatalf("record %+v", record)
	}
	s, _ := p.rig.Store.Story(ctx, receipt.ID)
	if s.Status != story.StatusPending || !s.Consent.Publish || s.Consent.Social || !s.Consent.Translate {
		t.Errorf("the story's consent does not follow the record: %+v %s", s.Consent, s.Status)
	}
	scan, err := p.rig.App.ConsentScan(ctx, p.member, receipt.ID)
	if err != nil || len(scan) == 0 || bytes.Contains(scan, testrig.GPSBytes()) {
		t.Fatalf("scan: %d bytes, GPS kept: %v, %v", len(scan), bytes.Contains(scan, testrig.GPSBytes()), err)
	}
	if _, err := p.rig.App.ConsentScan(ctx, p.otherOwner, receipt.ID); !errors.Is(err, app.ErrForbidden) {
		t.Errorf("another partner read the scan: %v", err)
	}
	scanFile := filepath.Join(p.rig.MediaDir, filepath.FromSlash(record.ScanKey))
	if _, err := os.Stat(scanFile); err != nil {
		t.Fatalf("scan not stored: %v", err)
	}
	if res := p.rig.Do("GET", "/media/"+strings.TrimPrefix(record.ScanKey, "consent/"), nil, nil); res.Status != http.StatusNotFound {
		t.Errorf("the scan answers publicly: %d", res.Status)
	}
	// The moderation is the same: the moderator publishes it.
	p.publish(t, receipt.ID)

	// A bad scan stores nothing.
	bad := told(p.own, "Badscan")
	bad.Scan = strings.NewReader("this is not an image")
	if _, err := p.rig.App.SubmitForStoryteller(ctx, p.member, bad); err == nil {
		t.Error("a scan that is no image was accepted")
	} else if se := (*story.Error)(nil); !errors.As(err, &se) || se.Field != "scan" {
		t.Errorf("bad scan error: %v", err)
	}

	if err := p.rig.App.Withdraw(ctx, receipt.ID, receipt.Token, "privacy"); err != nil {
		t.Fatal(err)
	}
	if _, err := p.rig.Store.ConsentRecord(ctx, receipt.ID); !errors.Is(err, story.ErrNotFound) {
		t.Errorf("consent record after withdrawal: %v", err)
	}
	if _, err := os.Stat(scanFile); !os.IsNotExist(err) {
		t.Errorf("the scan file is still there: %v", err)
	}
	for _, left := range p.rig.LeftInDatabase("Zephyrine Quolbrook") {
		t.Error(left)
	}
	for _, file := range testrig.FilesContaining(t, p.rig.MediaDir, scan[:64]) {
		t.Errorf("%s still holds the scan", file)
	}
}

// TestWithdrawalThroughThePartner: a member of the partner that collected
// a story withdraws it at the storyteller's request; it leaves the public
// site, its consent record goes, and the audit names the member and the
// organisation. Another partner cannot.
func TestWithdrawalThroughThePartner(t *testing.T) {
	p := newPartnerSite(t)
	ctx := context.Background()
	id := p.submitTold(t, p.own, "Throughpartner")
	p.publish(t, id)
	if err := p.rig.App.WithdrawForStoryteller(ctx, p.otherOwner, id, ""); !errors.Is(err, app.ErrForbidden) {
		t.Fatalf("another organisation withdrew it: %v", err)
	}
	if err := p.rig.App.WithdrawForStoryteller(ctx, p.member, id, "free text"); !errors.Is(err, story.ErrUnknownWithdrawReason) {
		t.Fatalf("free text as a reason: %v", err)
	}
	if err := p.rig.App.WithdrawForStoryteller(ctx, p.member, id, "changed_mind"); err != nil {
		t.Fatal(err)
	}
	if res := p.rig.Do("GET", "/api/v1/stories/"+id, nil, nil); res.Status != http.StatusGone {
		t.Errorf("withdrawn story answers %d", res.Status)
	}
	s, _ := p.rig.Store.Story(ctx, id)
	if s.Status != story.StatusWithdrawn || s.Body != "" || s.WithdrawReason != "changed_mind" {
		t.Errorf("story after withdrawal: %s %q %q", s.Status, s.Body, s.WithdrawReason)
	}
	entries, err := p.rig.Store.Audit(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	last := entries[len(entries)-1]
	if last.Action != "withdraw_through_partner" || last.Actor != fmt.Sprint("user:", p.member.ID) ||
		last.Note != "Harbour Youth Network" || last.Reason != "changed_mind" {
		t.Errorf("audit entry %+v", last)
	}
	for _, left := range p.rig.LeftInDatabase("Consenter Throughpartner", "Amal Throughpartner") {
		t.Error(left)
	}
}

// TestCollectionLosesAWithdrawnStoryAtOnce: a collection lists its
// published stories in its order on its public page; when one is
// withdrawn, the page (served from the cache a moment before) no longer
// shows it.
func TestCollectionLosesAWithdrawnStoryAtOnce(t *testing.T) {
	p := newPartnerSite(t)
	ctx := context.Background()
	first, firstToken := p.rig.Submit(testrig.Submission("Collectfirst"))
	second := p.submitTold(t, p.own, "Collectsecond")
	pending := p.submitTold(t, p.own, "Collectpending")
	p.publish(t, first)
	p.publish(t, second)
	if _, err := p.rig.App.SaveCollection(ctx, p.member, org.Collection{Slug: "first-winters", Language: "en", Title: "First winters",
		OrganisationID: p.own, StoryIDs: []string{second, pending}}); err == nil {
		t.Fatal("a pending story joined a collection")
	}
	id, err := p.rig.App.SaveCollection(ctx, p.member, org.Collection{Slug: "first-winters", Language: "en", Title: "First winters",
		OrganisationID: p.own, StoryIDs: []string{second, first}})
	if err != nil {
		t.Fatal(err)
	}
	page := p.rig.Do("GET", "/en/collections/first-winters", nil, nil)
	body := string(page.Body)
	if page.Status != http.StatusOK || !strings.Contains(body, "Collectsecond") || strings.Index(body, "Collectsecond") > strings.Index(body, "Collectfirst") {
		t.Fatalf("collection page: %d, both stories in order: %.500s", page.Status, body)
	}
	if res := p.rig.Do("GET", "/fr/collections/first-winters", nil, nil); res.Status != http.StatusNotFound {
		t.Errorf("the English collection answers in French: %d", res.Status)
	}
	p.rig.Do("GET", "/en/collections/first-winters", nil, nil) // cached now

	if err := p.rig.App.Withdraw(ctx, first, firstToken, ""); err != nil {
		t.Fatal(err)
	}
	page = p.rig.Do("GET", "/en/collections/first-winters", nil, nil)
	if page.Status != http.StatusOK || strings.Contains(string(page.Body), "Collectfirst") || !strings.Contains(string(page.Body), "Collectsecond") {
		t.Errorf("after withdrawal the page still shows it, or lost the other: %d", page.Status)
	}
	stories, err := p.rig.App.CollectionStories(ctx, id)
	if err != nil || len(stories) != 1 || stories[0].ID != second {
		t.Errorf("collection stories after withdrawal: %v %v", stories, err)
	}
	c, _ := p.rig.Store.Collection(ctx, id)
	if len(c.StoryIDs) != 1 {
		t.Errorf("the withdrawn story keeps its place: %v", c.StoryIDs)
	}
}

// TestMembersCoBrandWithTheirOrganisation: a member who saved no partner
// profile of their own gets the organisation's name and logo on the
// co-branded toolkit.
func TestMembersCoBrandWithTheirOrganisation(t *testing.T) {
	p := newPartnerSite(t)
	ctx := context.Background()
	o, _ := p.rig.Store.Organisation(ctx, p.own)
	if _, err := p.rig.App.SaveOrganisation(ctx, p.owner, app.OrganisationUpdate{Organisation: *o,
		Logo: bytes.NewReader(testrig.PhotoWithGPS(200, 80))}); err != nil {
		t.Fatal(err)
	}
	profile, err := p.rig.App.Partner(ctx, p.member)
	if err != nil || profile.Organisation != "Harbour Youth Network" || len(profile.Logo) == 0 {
		t.Fatalf("member's profile: %q, %d bytes of logo, %v", profile.Organisation, len(profile.Logo), err)
	}
	if profile, _ := p.rig.App.Partner(ctx, p.loner); profile.Organisation != "" || profile.Logo != nil {
		t.Errorf("a partner of no organisation got %q", profile.Organisation)
	}
}
