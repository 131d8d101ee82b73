package app_test

import (
	"context"
	"testing"

	"chorus/internal/app"
	"chorus/internal/staff"
)

// TestPartnerDashboardShowsItsOrganisationOnly: a partner sees the
// stories told through their organisation by any of its members, the
// withdrawn ones included, and never another organisation's; an admin
// sees all.
func TestPartnerDashboardShowsItsOrganisationOnly(t *testing.T) {
	p := newPartnerSite(t)
	ctx := context.Background()
	submit := func(by *staff.User, orgID, marker string) string {
		t.Helper()
		r, err := p.rig.App.SubmitForStoryteller(ctx, by, told(orgID, marker))
		if err != nil {
			t.Fatal(err)
		}
		return r.ID
	}
	p.publish(t, submit(p.owner, p.own, "Scopeownerpub"))
	withdrawn := submit(p.member, p.own, "Scopememberwithdrawn")
	if err := p.rig.App.WithdrawForStoryteller(ctx, p.member, withdrawn, ""); err != nil {
		t.Fatal(err)
	}
	p.publish(t, submit(p.otherOwner, p.other, "Scopeotherpub1"))
	p.publish(t, submit(p.otherOwner, p.other, "Scopeotherpub2"))
	submit(p.otherOwner, p.other, "Scopeotherpending")

	// submitted, published, rejected, withdrawn
	totals := func(by *staff.User) (scoped bool, stories [4]int64, byLanguage int64) {
		t.Helper()
		d, err := p.rig.App.Dashboard(ctx, by, app.Last7Days)
		if err != nil {
			t.Fatal(err)
		}
		for i := range stories {
			stories[i] = d.Panel("stories").Total(i)
		}
		return d.Scoped, stories, d.Panel("language").Total(0)
	}
	for _, c := range []struct {
		name       string
		by         *staff.User
		scoped     bool
		stories    [4]int64
		byLanguage int64
	}{
		{"owner of the first organisation", p.owner, true, [4]int64{2, 1, 0, 1}, 1},
		{"member of the first organisation", p.member, true, [4]int64{2, 1, 0, 1}, 1},
		{"owner of the other organisation", p.otherOwner, true, [4]int64{3, 2, 0, 0}, 2},
		{"partner of no organisation", p.loner, true, [4]int64{}, 0},
		{"admin", p.admin, false, [4]int64{5, 3, 0, 1}, 3},
	} {
		scoped, stories, byLanguage := totals(c.by)
		if scoped != c.scoped || stories != c.stories || byLanguage != c.byLanguage {
			t.Errorf("%s: scoped %v, stories %v, published by language %d; want %v, %v, %d",
				c.name, scoped, stories, byLanguage, c.scoped, c.stories, c.byLanguage)
		}
	}
}
