package browsertest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"chorus/internal/analytics"
	"chorus/internal/app"
	"chorus/internal/staff"
	"chorus/internal/story"
	"chorus/internal/testrig"
)

// TestDashboardInEveryOfficialLanguage opens the dashboard, the campaign
// page, the impact and the open-data pages as an admin in English, French
// and Arabic on a desktop and a phone, runs axe on each, and saves
// screenshots of the dashboard.
func TestDashboardInEveryOfficialLanguage(t *testing.T) {
	needBrowser(t)
	needAxe(t)
	rig := testrig.New(t)
	ctx := context.Background()
	moderator, _ := rig.Staff("mod@example.org", staff.RoleModerator)
	for i, lang := range []string{"en", "fr", "ar", "es", "en", "fr"} {
		sub := testrig.Submission(fmt.Sprintf("Dashboard%c", 'A'+i))
		sub.Language = lang
		id, _ := rig.Submit(sub)
		d := app.Decision{Approve: i%3 != 2}
		if !d.Approve {
			d.Reason = story.RejectReasons[0]
		}
		if _, err := rig.App.Decide(ctx, moderator, id, d); err != nil {
			t.Fatal(err)
		}
	}
	rig.Submit(testrig.Submission("Waiting"))
	reader := analytics.Visit{Address: "192.0.2.10", UserAgent: "Mozilla/5.0"}
	for i := range 12 {
		rig.App.CountView(reader, analytics.Channels[i%len(analytics.Channels)])
	}
	rig.App.CountShare(reader, "bluesky")
	rig.App.CountToolkitDownload(reader, "fr")
	if err := rig.App.FlushAnalytics(ctx); err != nil {
		t.Fatal(err)
	}

	for _, vp := range []viewport{desktop, phone} {
		t.Run(vp.name, func(t *testing.T) {
			admin := newTab(t, rig, vp, true, "dashboard-"+vp.name)
			enrolStaff(t, admin, "admin-"+vp.name+"@example.org", staff.RoleAdmin)
			for _, lang := range languages {
				t.Run(lang, func(t *testing.T) {
					for _, p := range []page{
						{"dashboard", "/" + lang + "/staff/dashboard?period=30d", 200},
						{"dashboard-campaign", "/" + lang + "/staff/dashboard?period=campaign", 200},
						{"campaign", "/" + lang + "/staff/campaign", 200},
						{"impact", "/" + lang + "/impact", 200},
						{"open-data", "/" + lang + "/open-data", 200},
						{"privacy", "/" + lang + "/privacy", 200},
					} {
						if st := admin.open(p.path); st != p.status {
							t.Fatalf("%s: status %d", p.path, st)
						}
						if vs := axeViolations(admin); len(vs) > 0 {
							admin.shot(lang + "-" + p.name + "-violations")
							t.Errorf("%s has %d axe violations:%s", p.path, len(vs), formatViolations(vs))
						}
						if p.name == "dashboard" {
							if n := admin.count(`svg[role="img"] title`); n < 10 {
								t.Errorf("%s: %d charts with a title", p.path, n)
							}
							if admin.count("table caption") != admin.count(`svg[role="img"]`) {
								t.Errorf("%s: a chart without its table", p.path)
							}
							admin.shot(lang + "-dashboard")
						}
					}
				})
			}
		})
	}
}

// TestStorytellersPageAfterRetention opens, on a phone in English, French
// and Arabic, the private pages of a rejected story and of one never
// decided once the retention job has erased them: each says so (not that
// the storyteller withdrew it), with no axe violation.
func TestStorytellersPageAfterRetention(t *testing.T) {
	needBrowser(t)
	needAxe(t)
	rig := testrig.New(t)
	ctx := context.Background()
	moderator, _ := rig.Staff("mod@example.org", staff.RoleModerator)
	rejectedID, rejectedToken := rig.Submit(testrig.Submission("ErasedRejected"))
	if _, err := rig.App.Decide(ctx, moderator, rejectedID, app.Decision{Reason: story.RejectReasons[0]}); err != nil {
		t.Fatal(err)
	}
	undecidedID, undecidedToken := rig.Submit(testrig.Submission("ErasedUndecided"))
	end := rig.Clock.Now().UTC().AddDate(0, 0, -app.DefaultRetentionDays-1)
	if _, err := rig.App.SetCampaignDates(ctx, end.AddDate(-1, 0, 0).Format(time.DateOnly), end.Format(time.DateOnly)); err != nil {
		t.Fatal(err)
	}
	if erased, err := rig.App.EraseAfterRetention(ctx); err != nil || erased.Rejected != 1 || erased.Pending != 1 {
		t.Fatalf("retention: %+v %v", erased, err)
	}
	tb := newTab(t, rig, phone, true, "retention")
	for _, lang := range languages {
		for name, path := range map[string]string{"rejected": rejectedID + "/" + rejectedToken, "undecided": undecidedID + "/" + undecidedToken} {
			if st := tb.open("/" + lang + "/my/" + path); st != 200 {
				t.Fatalf("%s %s: status %d", lang, name, st)
			}
			if vs := axeViolations(tb); len(vs) > 0 {
				t.Errorf("%s %s: %d axe violations:%s", lang, name, len(vs), formatViolations(vs))
			}
			if status, withdrawn := tb.text(".status strong"), map[string]string{"en": "withdrawn", "fr": "retiré", "ar": "مسحوبة"}[lang]; status == "" || status == withdrawn {
				t.Errorf("%s %s: the status reads %q", lang, name, status)
			}
			tb.shot(lang + "-erased-" + name)
		}
	}
}
