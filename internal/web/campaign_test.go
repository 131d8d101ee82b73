package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"chorus/internal/analytics"
	"chorus/internal/app"
	"chorus/internal/staff"
	"chorus/internal/story"
	"chorus/internal/testrig"
	"chorus/internal/web"
)

// endCampaign sets the rig's campaign to have ended yesterday.
func endCampaign(t *testing.T, rig *testrig.Rig) {
	t.Helper()
	today := rig.Clock.Now().UTC()
	start, end := today.AddDate(-1, 0, 0).Format(time.DateOnly), today.AddDate(0, 0, -1).Format(time.DateOnly)
	if _, err := rig.App.SetCampaignDates(context.Background(), start, end); err != nil {
		t.Fatal(err)
	}
}

// TestArchiveModeClosesSubmissionsButNotWithdrawal: after the end, the
// form shows a notice in the reader's language instead of itself, a form
// sent anyway and the API are refused with campaign_closed, and a
// storyteller still withdraws their story.
func TestArchiveModeClosesSubmissionsButNotWithdrawal(t *testing.T) {
	rig := testrig.New(t)
	id, token := rig.Submit(testrig.Submission("Before"))
	b := rig.Browser()
	csrf := testrig.CSRF(t, b.Get("/fr/share"))
	endCampaign(t, rig)

	for lang, notice := range map[string]string{"en": "The campaign has ended", "fr": "La campagne est terminée", "ar": "انتهت الحملة"} {
		page := b.Get("/" + lang + "/share")
		if page.Status != http.StatusOK || !bytes.Contains(page.Body, []byte(`id="campaign-closed"`)) ||
			!bytes.Contains(page.Body, []byte(notice)) || bytes.Contains(page.Body, []byte(`name="title"`)) {
			t.Errorf("%s share page after the end: %d, notice or form wrong", lang, page.Status)
		}
		if home := b.Get("/" + lang + "/"); !bytes.Contains(home.Body, []byte(notice)) {
			t.Errorf("%s home page after the end: no notice", lang)
		}
	}
	res := b.PostMultipart("/fr/share", shareForm(csrf, "Tard"), "", "", nil)
	if res.Status != http.StatusForbidden || !bytes.Contains(res.Body, []byte("ne reçoit plus de nouveaux récits")) {
		t.Errorf("form sent after the end: %d %.200s", res.Status, res.Body)
	}

	res = rig.Do("POST", "/api/v1/stories", testrig.Submission("Late"), nil)
	var body struct {
		Error struct{ Code, Message string }
	}
	res.JSON(t, &body)
	if res.Status != http.StatusForbidden || body.Error.Code != "campaign_closed" {
		t.Errorf("API submission after the end: %d %+v", res.Status, body)
	}
	if n, _ := rig.Store.CountByStatus(context.Background(), story.StatusPending); n != 1 {
		t.Errorf("%d pending stories, want the one from before the end", n)
	}

	res = rig.Do("DELETE", "/api/v1/stories/"+id, nil, map[string]string{"Authorization": "Bearer " + token})
	if res.Status != http.StatusOK && res.Status != http.StatusNoContent {
		t.Fatalf("withdrawal after the end: %d %s", res.Status, res.Body)
	}
	if s, _ := rig.Store.Story(context.Background(), id); s.Status != story.StatusWithdrawn {
		t.Errorf("after withdrawal: %s", s.Status)
	}
}

// TestOpenDataHoldsNoPrivateField plants a marker in every private field
// and in every story that is not published, and reads both files whole.
func TestOpenDataHoldsNoPrivateField(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	moderator, _ := rig.Staff("mod@example.org", staff.RoleModerator)
	decide := func(id string, d app.Decision) {
		t.Helper()
		if _, err := rig.App.Decide(ctx, moderator, id, d); err != nil {
			t.Fatal(err)
		}
	}
	named := testrig.Submission("PublicWords")
	named.DisplayName, named.ContactEmail = "NameMarkerOne", "contact.marker.one@example.org"
	namedID, _ := rig.Submit(named)
	decide(namedID, app.Decision{Approve: true, Note: "ModeratorNoteMarker"})

	anon := testrig.Submission("AnonWords")
	anon.Anonymous, anon.DisplayName, anon.ContactEmail = true, "AnonNameMarker", "contact.marker.two@example.org"
	anonID, anonToken := rig.Submit(anon)
	if res := rig.UploadPhoto(anonID, anonToken, "p.jpg", testrig.PhotoWithGPS(800, 600), "PhotoAltMarker"); res.Status >= 300 {
		t.Fatalf("photo: %d %s", res.Status, res.Body)
	}
	decide(anonID, app.Decision{Approve: true})

	rejectedID, _ := rig.Submit(testrig.Submission("RejectedTextMarker"))
	decide(rejectedID, app.Decision{Reason: story.RejectReasons[0], Note: "RejectNoteMarker"})
	rig.Submit(testrig.Submission("PendingTextMarker"))
	withdrawnID, withdrawnToken := rig.Submit(testrig.Submission("WithdrawnTextMarker"))
	decide(withdrawnID, app.Decision{Approve: true})
	if err := rig.App.Withdraw(ctx, withdrawnID, withdrawnToken, ""); err != nil {
		t.Fatal(err)
	}

	private := []string{"NameMarkerOne", "contact.marker", "ModeratorNoteMarker", "AnonNameMarker", "RejectedTextMarker",
		"RejectNoteMarker", "PendingTextMarker", "WithdrawnTextMarker", "Amal", "@example.org", "/media/", "PhotoAltMarker", "GPS"}
	for _, file := range []string{"/open-data/stories.csv", "/open-data/stories.jsonl"} {
		res := rig.Do("GET", file, nil, nil)
		if res.Status != http.StatusOK || !strings.Contains(res.Header.Get("Link"), "creativecommons.org/licenses/by/4.0") {
			t.Fatalf("%s: %d, licence link %q", file, res.Status, res.Header.Get("Link"))
		}
		for _, marker := range private {
			if bytes.Contains(res.Body, []byte(marker)) {
				t.Errorf("%s holds %q", file, marker)
			}
		}
		for _, public := range []string{"PublicWords", "AnonWords", "Winnipeg", "CC-BY-4.0"} {
			if !bytes.Contains(res.Body, []byte(public)) {
				t.Errorf("%s lacks %q", file, public)
			}
		}
	}
	rows, err := csv.NewReader(bytes.NewReader(rig.Do("GET", "/open-data/stories.csv", nil, nil).Body)).ReadAll()
	if err != nil || len(rows) != 3 || strings.Join(rows[0], ",") != "id,title,body,language,country,city,themes,published,url,translations,licence" {
		t.Errorf("CSV: %d rows %v: %v", len(rows), err, rows)
	}
	lines := bytes.Split(bytes.TrimSpace(rig.Do("GET", "/open-data/stories.jsonl", nil, nil).Body), []byte("\n"))
	for _, line := range lines {
		var fields map[string]any
		if err := json.Unmarshal(line, &fields); err != nil {
			t.Fatalf("JSONL line %q: %v", line, err)
		}
		for k := range fields {
			if !strings.Contains(",id,title,body,language,country,city,themes,published,url,translations,licence,", ","+k+",") {
				t.Errorf("JSONL field %q", k)
			}
		}
	}
	if len(lines) != 2 {
		t.Errorf("JSONL: %d stories, want the 2 published", len(lines))
	}
	page := rig.Browser().Get("/fr/open-data")
	if page.Status != http.StatusOK || !bytes.Contains(page.Body, []byte("/open-data/stories.jsonl")) || !bytes.Contains(page.Body, []byte("Creative Commons")) {
		t.Errorf("open data page: %d", page.Status)
	}
}

const browserAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 MarkerAgent"

// TestViewCountingStoresNoAddressAndSetsNoCookie reads story pages behind
// a trusted proxy with a marker address, then greps the database files for
// the address, the user agent and the referrer's private part.
func TestViewCountingStoresNoAddressAndSetsNoCookie(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	base := limitedSite(t, rig, web.Config{TrustForwardedFor: true})
	moderator, _ := rig.Staff("mod@example.org", staff.RoleModerator)
	id, _ := rig.Submit(testrig.Submission("Counted"))
	if _, err := rig.App.Decide(ctx, moderator, id, app.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}
	get := func(path string, header map[string]string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("GET", base+path, nil)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		client := http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if cookies := res.Header.Values("Set-Cookie"); len(cookies) > 0 {
			t.Errorf("%s set cookies %v", path, cookies)
		}
		return res
	}
	const address = "198.51.100.203"
	visit := map[string]string{"X-Forwarded-For": address, "User-Agent": browserAgent, "Referer": "https://www.google.com/search?q=ReferrerSecretMarker"}
	for range 3 {
		if res := get("/en/stories/"+id, visit); res.StatusCode != http.StatusOK {
			t.Fatalf("story page: %d", res.StatusCode)
		}
	}
	get("/fr/stories/"+id, map[string]string{"X-Forwarded-For": "2001:db8::77", "User-Agent": browserAgent})
	get("/en/stories/"+id, map[string]string{"X-Forwarded-For": address, "User-Agent": browserAgent, "DNT": "1"})
	get("/en/stories/"+id, map[string]string{"X-Forwarded-For": address, "User-Agent": browserAgent, "Sec-GPC": "1"})
	get("/en/stories/"+id, map[string]string{"X-Forwarded-For": address, "User-Agent": "Mozilla/5.0 (compatible; bingbot/2.0)"})
	get("/en/stories/nosuchstory", visit)
	if res := get("/en/stories/"+id+"/share/bluesky", visit); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "https://bsky.app/intent/compose") {
		t.Errorf("share link: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if res := get("/en/stories/"+id+"/share/myspace", visit); res.StatusCode != http.StatusNotFound {
		t.Errorf("share link of an unknown network: %d", res.StatusCode)
	}
	get("/fr/toolkit.zip", visit)
	if err := rig.App.FlushAnalytics(ctx); err != nil {
		t.Fatal(err)
	}

	admin, _ := rig.Staff("admin@example.org", staff.RoleAdmin)
	d, err := rig.App.Dashboard(ctx, admin, app.Last7Days)
	if err != nil {
		t.Fatal(err)
	}
	value := func(panel, label string) int64 {
		for _, r := range d.Panel(panel).Rows {
			if r.Label == label {
				return r.Values[0]
			}
		}
		return 0
	}
	if got := value("views", string(analytics.Direct)); got != 4 {
		t.Errorf("direct views %d, want 4 (opted-out, robots and missing pages not counted)", got)
	}
	if got := value("referrers", "google"); got != 3 {
		t.Errorf("views from google: %d, want 3", got)
	}
	if got := value("shares", "bluesky"); got != 1 {
		t.Errorf("share clicks on bluesky: %d, want 1", got)
	}
	if got := value("toolkit", "fr"); got != 1 {
		t.Errorf("French toolkit downloads: %d, want 1", got)
	}
	if v := d.Panel("visitors").Rows; len(v) != 1 || v[0].Values[0] != 2 {
		t.Errorf("visitors: %v, want 2 on one day", v)
	}
	if found := rig.DatabaseFilesHold(address, "2001:db8::77", "MarkerAgent", "ReferrerSecretMarker", "www.google.com"); len(found) > 0 {
		t.Errorf("the database keeps what it must not: %v", found)
	}
}

// TestDashboardChartsTablesAndCSV: admins see every panel as an SVG with
// its title and description, a table and a CSV; partners only the figures
// of their own stories; moderators are refused.
func TestDashboardChartsTablesAndCSV(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	moderator, _ := rig.Staff("mod@example.org", staff.RoleModerator)
	for _, marker := range []string{"One", "Two"} {
		id, _ := rig.Submit(testrig.Submission(marker))
		if _, err := rig.App.Decide(ctx, moderator, id, app.Decision{Approve: true}); err != nil {
			t.Fatal(err)
		}
	}
	admin := rig.SignedIn("admin@example.org", staff.RoleAdmin)
	for _, lang := range []string{"en", "fr", "ar"} {
		page := admin.Get("/" + lang + "/staff/dashboard?period=7d")
		if page.Status != http.StatusOK {
			t.Fatalf("%s dashboard: %d", lang, page.Status)
		}
		for _, want := range []string{`role="img"`, `<title id="chart-stories-title">`, `<desc id="chart-language-desc">`, "<table>", `scope="row"`,
			"/staff/dashboard/csv/stories?period=7d", `aria-current="page"`} {
			if !bytes.Contains(page.Body, []byte(want)) {
				t.Errorf("%s dashboard lacks %s", lang, want)
			}
		}
		if bytes.Contains(page.Body, []byte("<script")) {
			t.Errorf("%s dashboard loads a script", lang)
		}
	}
	res := admin.Get("/en/staff/dashboard/csv/language?period=campaign")
	rows, err := csv.NewReader(bytes.NewReader(res.Body)).ReadAll()
	if res.Status != http.StatusOK || err != nil || len(rows) != 2 || rows[0][0] != "language" || rows[1][0] != "en" || rows[1][1] != "2" {
		t.Errorf("language CSV: %d %v %v", res.Status, err, rows)
	}
	if res := admin.Get("/en/staff/dashboard/csv/nothing"); res.Status != http.StatusNotFound {
		t.Errorf("CSV of no panel: %d", res.Status)
	}

	partner := rig.SignedIn("partner@example.org", staff.RolePartner)
	page := partner.Get("/en/staff/dashboard?period=campaign")
	if page.Status != http.StatusOK || !bytes.Contains(page.Body, []byte("stories you submitted")) || bytes.Contains(page.Body, []byte("chart-views")) {
		t.Errorf("partner dashboard: %d", page.Status)
	}
	if res := partner.Get("/en/staff/dashboard/csv/language?period=campaign"); !bytes.Equal(bytes.TrimSpace(res.Body), []byte("language,published")) {
		t.Errorf("partner's language CSV holds others' stories: %q", res.Body)
	}
	if res := rig.SignedIn("mod2@example.org", staff.RoleModerator).Get("/en/staff/dashboard"); res.Status != http.StatusForbidden {
		t.Errorf("moderator: %d", res.Status)
	}

	impact := rig.Browser().Get("/fr/impact")
	if impact.Status != http.StatusOK || !bytes.Contains(impact.Body, []byte("<dd>2</dd>")) {
		t.Errorf("impact page: %d", impact.Status)
	}
}

// TestCampaignPageSavesTheTimeline: admins set dates, themes, scheduled
// stories and the licence; bad lines come back with the error; the home
// page shows the month's theme and the scheduled story.
func TestCampaignPageSavesTheTimeline(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	moderator, _ := rig.Staff("mod@example.org", staff.RoleModerator)
	id, _ := rig.Submit(testrig.Submission("Scheduled"))
	if _, err := rig.App.Decide(ctx, moderator, id, app.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}
	admin := rig.SignedIn("admin@example.org", staff.RoleAdmin)
	csrf := testrig.CSRF(t, admin.Get("/en/staff/campaign"))
	now := rig.Clock.Now().UTC()
	form := url.Values{"csrf": {csrf}, "start": {now.AddDate(0, -1, 0).Format(time.DateOnly)}, "retention_days": {"30"},
		"licence": {"CC-BY-SA-4.0"}, "themes": {now.Format("2006-01") + " resilience\n"},
		"featured": {id + " " + now.AddDate(0, 0, -1).Format(time.DateOnly) + " " + now.AddDate(0, 0, 1).Format(time.DateOnly)}}
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("themes", "2026-01")
	if res := admin.PostForm("/en/staff/campaign", bad); res.Status != http.StatusUnprocessableEntity || !bytes.Contains(res.Body, []byte("all its parts")) {
		t.Errorf("a line without its theme: %d", res.Status)
	}
	if res := admin.PostForm("/en/staff/campaign", form); res.Status != http.StatusSeeOther {
		t.Fatalf("save: %d %.300s", res.Status, res.Body)
	}
	tl, err := rig.App.Timeline(ctx)
	if err != nil || tl.RetentionDays != 30 || tl.Licence != "CC-BY-SA-4.0" || tl.End != app.DefaultEnd(now.AddDate(0, -1, 0).Truncate(24*time.Hour)).Format(time.DateOnly) {
		t.Errorf("saved timeline: %+v %v", tl, err)
	}
	home := rig.Browser().Get("/fr/")
	if !bytes.Contains(home.Body, []byte("Thème du mois")) || !bytes.Contains(home.Body, []byte("Our first winter Scheduled")) {
		t.Errorf("home page lacks the month's theme or the scheduled story")
	}
	if res := rig.SignedIn("partner@example.org", staff.RolePartner).Get("/en/staff/campaign"); res.Status != http.StatusForbidden {
		t.Errorf("partner on the campaign page: %d", res.Status)
	}
}
