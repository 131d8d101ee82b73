package app_test

// Benchmarks of the campaign's dashboard and open data at scale: the
// stories are generated once per run (CHORUS_BENCH_STORIES, default
// 20,000; CHORUS_TEST_DATABASE=postgres for PostgreSQL), the view events
// arrive as the daily rows the counter writes. For example:
//
//	CHORUS_BENCH_STORIES=200000 go test -run '^$' -bench 'Dashboard|OpenData' -benchtime 3x ./internal/app/

import (
	"context"
	"io"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"chorus/internal/analytics"
	"chorus/internal/app"
	"chorus/internal/demo"
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

// campaignBenchRig seeds a rig with n published stories and a year of
// daily analytics rows summing to benchViewEvents views.
func campaignBenchRig(b *testing.B, n int) (*testrig.Rig, *staff.User) {
	b.Helper()
	rig := testrig.New(b)
	ctx := context.Background()
	if err := demo.Synthetic(ctx, rig.Store, testrig.Campaign, n, 1, io.Discard); err != nil {
		b.Fatal(err)
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
	admin, _ := rig.Staff("admin@example.org", staff.RoleAdmin)
	return rig, admin
}

// BenchmarkDashboard gathers every panel of a period in one call.
func BenchmarkDashboard(b *testing.B) {
	n := benchStories(b)
	rig, admin := campaignBenchRig(b, n)
	ctx := context.Background()
	for _, p := range app.Periods {
		b.Run(string(p), func(b *testing.B) {
			for b.Loop() {
				d, err := rig.App.Dashboard(ctx, admin, p)
				if err != nil || len(d.Panels) == 0 {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n), "stories")
		})
	}
}

// BenchmarkOpenData walks every published story as the open-data files
// do, and reports stories per second and bytes allocated per story (flat:
// one page in memory at a time).
func BenchmarkOpenData(b *testing.B) {
	n := benchStories(b)
	rig, _ := campaignBenchRig(b, n)
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
