package app_test

// Benchmarks of the campaign's dashboard and open data at scale: the
// stories are generated once per run (CHORUS_BENCH_STORIES, default
// 20,000; CHORUS_TEST_DATABASE=postgres for PostgreSQL), the view events
// arrive as the daily rows the counter writes. For example:
//
//	CHORUS_BENCH_STORIES=200000 go test -run '^$' -bench 'Dashboard|OpenData' -benchtime 3x ./internal/app/
//
// A million stories take about twenty minutes to seed: give go test a
// -timeout, and CHORUS_BENCH_DIR to keep the SQLite site between runs.

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"chorus/internal/analytics"
	"chorus/internal/app"
	"chorus/internal/demo"
	"chorus/internal/org"
	"chorus/internal/staff"
	"chorus/internal/storage"
	"chorus/internal/story"
	"chorus/internal/testrig"

	"github.com/jackc/pgx/v5"
)

func benchStories(b *testing.B) int {
	n := 20000
	if v, err := strconv.Atoi(os.Getenv("CHORUS_BENCH_STORIES")); err == nil && v > 0 {
		n = v
	}
	return n
}

// benchViewEvents is how many view events the daily rows add up to.
const benchViewEvents = 10_000_000

// campaignBenchRig seeds a rig with n published stories, every tenth told
// through one organisation, and a year of daily analytics rows summing to
// benchViewEvents views. With CHORUS_BENCH_DIR, a SQLite site is kept in
// that folder and seeded only once.
func campaignBenchRig(b *testing.B, n int) (rig *testrig.Rig, admin, partner *staff.User) {
	b.Helper()
	ctx := context.Background()
	dir := os.Getenv("CHORUS_BENCH_DIR")
	if dir != "" && !testrig.Postgres() {
		rig = testrig.NewIn(b, dir)
	} else {
		rig = testrig.New(b)
	}
	partnerEmail := "partner@example.org"
	if have, err := rig.Store.CountByStatus(ctx, story.StatusPublished); err != nil || have == n {
		if err != nil {
			b.Fatal(err)
		}
		admin, err = rig.Store.UserByEmail(ctx, "admin@example.org")
		if err == nil {
			partner, err = rig.Store.UserByEmail(ctx, partnerEmail)
		}
		if err != nil {
			b.Fatal(err)
		}
		return rig, admin, partner
	}
	if err := demo.Synthetic(ctx, rig.Store, testrig.Campaign, n, 1, io.Discard); err != nil {
		b.Fatal(err)
	}
	admin, _ = rig.Staff("admin@example.org", staff.RoleAdmin)
	partner, _ = rig.Staff(partnerEmail, staff.RolePartner)
	err := rig.Store.WithTx(ctx, func(tx storage.Tx) error {
		now := rig.Clock.Now()
		if err := tx.PutOrganisation(ctx, &org.Organisation{ID: "o-bench", Slug: "bench", Kind: org.KindCivilSociety,
			Texts: map[string]org.Text{"en": {Name: "Bench"}}, CreatedAt: now, UpdatedAt: now}); err != nil {
			return err
		}
		return tx.PutMember(ctx, org.Member{UserID: partner.ID, OrganisationID: "o-bench", Owner: true})
	})
	if err != nil {
		b.Fatal(err)
	}
	for first := 0; first < n; first += 10_000 {
		err := rig.Store.WithTx(ctx, func(tx storage.Tx) error {
			for i := first; i < min(n, first+10_000); i += 10 {
				if err := tx.InsertConsentRecord(ctx, &org.ConsentRecord{StoryID: fmt.Sprintf("syn%09d", i), OrganisationID: "o-bench",
					SubmittedBy: partner.ID, Consenter: "Consenter", Method: org.MethodSignedForm, ConsentedAt: rig.Clock.Now(),
					ExplainedIn: "en", Scope: []org.Scope{org.ScopeSite}, CreatedAt: rig.Clock.Now()}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if testrig.Postgres() {
		// What autovacuum does after a bulk load: without statistics the
		// planner takes the freshly seeded tables for empty.
		conn, err := pgx.Connect(ctx, rig.DatabaseURL)
		if err != nil {
			b.Fatal(err)
		}
		_, err = conn.Exec(ctx, "ANALYZE")
		conn.Close(ctx)
		if err != nil {
			b.Fatal(err)
		}
	}
	var rows []storage.DailyCount
	day := rig.Clock.Now().UTC().AddDate(-1, 0, 0)
	perDay := int64(benchViewEvents / 365 / len(analytics.Channels))
	for d := range 365 {
		date := day.AddDate(0, 0, d).Format(time.DateOnly)
		for _, ch := range analytics.Channels {
			rows = append(rows, storage.DailyCount{Day: date, Metric: analytics.MetricView, Dimension: string(ch), Count: perDay})
		}
		rows = append(rows, storage.DailyCount{Day: date, Metric: analytics.MetricVisitors, Count: perDay},
			storage.DailyCount{Day: date, Metric: analytics.MetricShare, Dimension: "bluesky", Count: 40},
			storage.DailyCount{Day: date, Metric: analytics.MetricToolkit, Dimension: "fr", Count: 12})
	}
	if err := rig.Store.WithTx(ctx, func(tx storage.Tx) error { return tx.AddDailyCounts(ctx, rows) }); err != nil {
		b.Fatal(err)
	}
	start := day.Format(time.DateOnly)
	if _, err := rig.App.SetCampaignDates(ctx, start, ""); err != nil {
		b.Fatal(err)
	}
	return rig, admin, partner
}

// BenchmarkDashboard gathers every panel of a period in one call.
func BenchmarkDashboard(b *testing.B) {
	n := benchStories(b)
	rig, admin, partner := campaignBenchRig(b, n)
	ctx := context.Background()
	for _, who := range []*staff.User{admin, partner} {
		for _, p := range app.Periods {
			b.Run(string(who.Role)+"/"+string(p), func(b *testing.B) {
				for b.Loop() {
					d, err := rig.App.Dashboard(ctx, who, p)
					if err != nil || len(d.Panels) == 0 || d.Panel("stories").Total(0) == 0 {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(n), "stories")
			})
		}
	}
}

// BenchmarkOpenData walks every published story as the open-data files
// do, and reports stories per second and bytes allocated per story (flat:
// one page in memory at a time).
func BenchmarkOpenData(b *testing.B) {
	n := benchStories(b)
	rig, _, _ := campaignBenchRig(b, n)
	ctx := context.Background()
	url := func(s *story.Story) string { return "https://stories.example.org/en/stories/" + s.ID }
	var before, after runtime.MemStats
	b.ResetTimer()
	runtime.ReadMemStats(&before)
	count := 0
	for b.Loop() {
		count = 0
		if err := rig.App.EachOpenStory(ctx, url, func(*app.OpenStory) error { count++; return nil }); err != nil {
			b.Fatal(err)
		}
	}
	runtime.ReadMemStats(&after)
	if count != n {
		b.Fatalf("%d stories, want %d", count, n)
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "stories/s")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(n*b.N), "B/story")
}
