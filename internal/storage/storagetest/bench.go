package storagetest

// The benchmarks of the public listing queries at scale, written once and
// run by each backend's test package (queries_bench_test.go) with a Bench
// that opens its store. They need a large database, so they run only when
// CHORUS_BENCH_STORIES says how many synthetic stories to seed (e.g. 100000);
// the database is seeded once per test process.
//
// Each benchmark reports the median and 99th percentile of single calls
// (p50-ms, p99-ms) besides the mean (ns/op), and logs the query plan of its
// cases once, where the backend gives one.

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"chorus/internal/app"
	"chorus/internal/auth"
	"chorus/internal/demo"
	"chorus/internal/storage"
	"chorus/internal/story"
)

// BenchStoriesEnv says how many synthetic stories the benchmarks measure.
const BenchStoriesEnv = "CHORUS_BENCH_STORIES"

// Query is a statement and its arguments, in the backend's dialect.
type Query struct {
	SQL  string
	Args []any
}

// Bench is one backend's side of the benchmarks. Open and Close are called
// at most once per process.
type Bench struct {
	// Open opens the store to measure. seeded tells that it already holds
	// the stories (a database named by the caller); otherwise the
	// synthetic stories are written into it.
	Open func(ctx context.Context, b *testing.B) (st storage.Store, seeded bool, err error)
	// Seeded, if set, runs once the stories are in (PostgreSQL: ANALYZE)
	// and describes the database's size.
	Seeded func(ctx context.Context) (string, error)
	// Raw runs a statement on a plain connection, outside the store, for
	// the plans and the proposed rewrites.
	Raw RawQuery
	// Plans are the queries whose plans are logged, by case name: each is
	// run by Raw behind ExplainPrefix, and ScanPlanLine reads a plan's row.
	Plans         map[string]Query
	ExplainPrefix string
	ScanPlanLine  func(Rows) (string, error)
	// Close releases what Open made (files, schema); TestMain calls it.
	Close func()

	once    sync.Once
	store   storage.Store
	count   int
	err     error
	planned sync.Map
}

// Store returns the seeded store, or skips the benchmark.
func (bn *Bench) Store(b *testing.B) storage.Store {
	b.Helper()
	env := os.Getenv(BenchStoriesEnv)
	if env == "" {
		b.Skip("set " + BenchStoriesEnv + "=100000 to run the benchmarks at scale")
	}
	bn.once.Do(func() { bn.err = bn.open(b, env) })
	if bn.err != nil {
		b.Fatal(bn.err)
	}
	return bn.store
}

// Main runs the package's tests and benchmarks, then Close: a backend's
// TestMain.
func (bn *Bench) Main(m *testing.M) {
	code := m.Run()
	if bn.Close != nil {
		bn.Close()
	}
	os.Exit(code)
}

func (bn *Bench) open(b *testing.B, env string) error {
	n, err := strconv.Atoi(env)
	if err != nil || n <= 0 {
		return fmt.Errorf("%s=%q: want a positive number", BenchStoriesEnv, env)
	}
	bn.count = n
	ctx := context.Background()
	st, seeded, err := bn.Open(ctx, b)
	if err != nil {
		return err
	}
	bn.store = st
	t0 := time.Now()
	if !seeded {
		campaign := app.Campaign{
			Languages: []string{"en", "fr", "ar"},
			Themes:    []string{"arrival", "belonging", "work", "family", "education", "community", "culture", "resilience"},
		}
		if err := demo.Synthetic(ctx, st, campaign, n, 1, io.Discard); err != nil {
			return err
		}
	}
	if err := addRare(ctx, st, n); err != nil {
		return err
	}
	size := ""
	if bn.Seeded != nil {
		if size, err = bn.Seeded(ctx); err != nil {
			return err
		}
	}
	if seeded {
		fmt.Fprintf(os.Stderr, "measuring %d stories seeded before; %s\n", n, size)
	} else {
		fmt.Fprintf(os.Stderr, "seeded %d stories in %s; %s\n", n, time.Since(t0).Round(time.Millisecond), size)
	}
	return nil
}

// addRare publishes, once, five stories with a word no synthetic story
// has ("samovar"), spread over the whole date range, so that a rare word
// is measured: its matches are few and mostly far from the newest page.
func addRare(ctx context.Context, st storage.Store, count int) error {
	if _, err := st.Story(ctx, "rare00"); err == nil {
		return nil
	}
	start := time.Now().UTC().Add(-time.Duration(count) * time.Minute)
	return st.WithTx(ctx, func(tx storage.Tx) error {
		for i := 0; i < 5; i++ {
			at := start.Add(time.Duration(count/10+i*count/5) * time.Minute)
			s := &story.Story{
				ID: fmt.Sprintf("rare%02d", i), Status: story.StatusPublished, Demo: true,
				Title: "The samovar", Body: "We carried the samovar from home; every winter it warms the neighbours.",
				Language: "en", Country: "CA", Themes: []string{"culture"}, Identity: story.IdentityMigrant,
				Anonymous: true, Consent: story.Consent{Publish: true}, CreatedAt: at, UpdatedAt: at, PublishedAt: at,
			}
			if err := tx.InsertStory(ctx, s, auth.HashToken("synthetic")); err != nil {
				return err
			}
		}
		return nil
	})
}

// Timed runs fn b.N times and reports the median and 99th percentile.
func Timed(b *testing.B, fn func() error) {
	b.Helper()
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if err := fn(); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(lat)
	at := func(p float64) float64 {
		i := min(len(lat)-1, max(0, int(p/100*float64(len(lat))+0.5)-1))
		return float64(lat[i]) / float64(time.Millisecond)
	}
	b.ReportMetric(at(50), "p50-ms")
	b.ReportMetric(at(99), "p99-ms")
}

// Rows is a query's result as both drivers give it.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// RawQuery runs q and returns its rows and how to release them.
type RawQuery func(ctx context.Context, q Query) (rows Rows, release func(), err error)

// ReadRows runs q with raw and calls each on every row.
func ReadRows(ctx context.Context, raw RawQuery, q Query, each func(Rows) error) error {
	rows, release, err := raw(ctx, q)
	if err != nil {
		return err
	}
	defer release()
	for rows.Next() {
		if err := each(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// CountRows runs q with raw and counts the rows it gives.
func CountRows(ctx context.Context, raw RawQuery, q Query) (int, error) {
	n := 0
	err := ReadRows(ctx, raw, q, func(Rows) error { n++; return nil })
	return n, err
}

// ScanString reads a row of one text column.
func ScanString(r Rows) (string, error) {
	var s string
	err := r.Scan(&s)
	return s, err
}

// Strings runs q with raw and reads its rows with scan.
func Strings(ctx context.Context, raw RawQuery, q Query, scan func(Rows) (string, error)) ([]string, error) {
	var lines []string
	err := ReadRows(ctx, raw, q, func(r Rows) error {
		line, err := scan(r)
		lines = append(lines, line)
		return err
	})
	return lines, err
}

// LogPlan logs, once per name, the backend's plan of q.
func (bn *Bench) LogPlan(b *testing.B, name string, q Query) {
	if bn.ScanPlanLine == nil {
		return
	}
	if _, done := bn.planned.LoadOrStore(name, true); done {
		return
	}
	lines, err := Strings(context.Background(), bn.Raw, Query{SQL: bn.ExplainPrefix + q.SQL, Args: q.Args}, bn.ScanPlanLine)
	if err != nil {
		b.Logf("plan of %s: %v", name, err)
		return
	}
	fmt.Fprintf(os.Stderr, "plan of %s:\n\t%s\n", name, strings.Join(lines, "\n\t"))
}

func (bn *Bench) logCasePlan(b *testing.B, name string) {
	if q, ok := bn.Plans[name]; ok {
		bn.LogPlan(b, name, q)
	}
}

// listCase is one call of PublishedStories: page2 measures the page after
// the first, empty expects no story.
type listCase struct {
	name   string
	filter story.Filter
	page2  bool
	empty  bool
}

// PublishedStoriesFiltered measures the story list with its filters, first
// pages and second pages.
func (bn *Bench) PublishedStoriesFiltered(b *testing.B) {
	bn.list(b, []listCase{
		{name: "all", filter: story.Filter{Limit: 20}},
		{name: "language=fr,theme=work", filter: story.Filter{Language: "fr", Theme: "work", Limit: 20}},
		{name: "language=fr,theme=work,page2", filter: story.Filter{Language: "fr", Theme: "work", Limit: 20}, page2: true},
		{name: "country=CA,theme=arrival", filter: story.Filter{Country: "CA", Theme: "arrival", Limit: 20}},
		{name: "country=CA,theme=arrival,page2", filter: story.Filter{Country: "CA", Theme: "arrival", Limit: 20}, page2: true},
		{name: "language=ar,country=JO,theme=family", filter: story.Filter{Language: "ar", Country: "JO", Theme: "family", Limit: 20}},
	})
}

// PublishedStoriesSearch measures search: common words, a prefix, a rare
// word and one no story has.
func (bn *Bench) PublishedStoriesSearch(b *testing.B) {
	bn.list(b, []listCase{
		// The synthetic vocabulary is small: a single word is in about
		// every story of its language, the worst case for ordering.
		{name: "q=community", filter: story.Filter{Query: "community", Limit: 20}},
		{name: "q=river_winter", filter: story.Filter{Query: "river winter", Limit: 20}},
		{name: "q=école", filter: story.Filter{Query: "école", Limit: 20}},
		{name: "q=comm(prefix)", filter: story.Filter{Query: "comm", Limit: 20}},
		{name: "q=community,language=en,theme=work", filter: story.Filter{Query: "community", Language: "en", Theme: "work", Limit: 20}},
		// Rare: five stories (addRare) spread over the date range.
		{name: "q=samovar(rare)", filter: story.Filter{Query: "samovar", Limit: 20}},
		{name: "q=nomatch", filter: story.Filter{Query: "zanzibarqx", Limit: 20}, empty: true},
	})
}

func (bn *Bench) list(b *testing.B, cases []listCase) {
	store := bn.Store(b)
	ctx := context.Background()
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			// The function runs several times (-count, and b.N rising):
			// each run starts from the case as written, never from the
			// cursor of the run before, which would walk deeper each time.
			filter := c.filter
			if c.page2 {
				first, err := store.PublishedStories(ctx, filter)
				if err != nil {
					b.Fatalf("first page: %v", err)
				}
				if first.NextCursor == "" {
					b.Skipf("one page only at %d stories", bn.count)
				}
				filter.Cursor = first.NextCursor
			}
			bn.logCasePlan(b, c.name)
			Timed(b, func() error {
				p, err := store.PublishedStories(ctx, filter)
				if err == nil && (len(p.Stories) == 0) != c.empty {
					err = fmt.Errorf("%s: %d stories", c.name, len(p.Stories))
				}
				return err
			})
		})
	}
}

// Countries is the country list every story-list page renders.
func (bn *Bench) Countries(b *testing.B) {
	store := bn.Store(b)
	bn.logCasePlan(b, "countries")
	Timed(b, func() error {
		_, err := store.Countries(context.Background())
		return err
	})
}

// countriesSkipScan answers Countries with about one index seek per
// country instead of reading every published story's index entry.
const countriesSkipScan = `WITH RECURSIVE c(country) AS (
	SELECT (SELECT min(country) FROM stories WHERE status = 'published')
	UNION ALL
	SELECT (SELECT min(country) FROM stories WHERE status = 'published' AND country > c.country) FROM c WHERE c.country IS NOT NULL)
SELECT country FROM c WHERE country IS NOT NULL`

// ProposedCountriesSkipScan measures a rewrite of Countries, on a plain
// connection, so that the change can be judged before it is made.
func (bn *Bench) ProposedCountriesSkipScan(b *testing.B) {
	ctx := context.Background()
	want, err := bn.Store(b).Countries(ctx)
	if err != nil {
		b.Fatal(err)
	}
	q := Query{SQL: countriesSkipScan}
	bn.LogPlan(b, "countries skip-scan", q)
	Timed(b, func() error {
		got, err := Strings(ctx, bn.Raw, q, ScanString)
		if err == nil && !slices.Equal(got, want) {
			err = fmt.Errorf("skip-scan gave %v, want %v", got, want)
		}
		return err
	})
}

// Story is the single-story read behind every story page.
func (bn *Bench) Story(b *testing.B) {
	store := bn.Store(b)
	bn.logCasePlan(b, "story")
	i := 0
	Timed(b, func() error {
		i = (i + 7919) % bn.count
		_, err := store.Story(context.Background(), fmt.Sprintf("syn%09d", i))
		return err
	})
}

// WithdrawAndPurge measures what a withdrawal costs at scale: erasing one
// published story, then PurgeErased (SQLite: rewriting the search index and
// truncating the log; PostgreSQL: VACUUM FULL, which locks each table while
// it rewrites it). Meanwhile a reader asks for one story every 50 ms, as a
// story page that is not cached would: max-read-ms is the longest it
// waited. Run it last and with a small -benchtime (1x or 2x).
func (bn *Bench) WithdrawAndPurge(b *testing.B) {
	st := bn.Store(b)
	ctx := context.Background()
	page, err := st.PublishedStories(ctx, story.Filter{Limit: 100})
	if err != nil || len(page.Stories) < b.N {
		b.Skipf("need %d published stories, have %d (%v)", b.N, len(page.Stories), err)
	}
	var worst time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		id := page.Stories[i].ID
		if err := st.WithTx(ctx, func(tx storage.Tx) error { return tx.EraseStory(ctx, id, "author_request", time.Now()) }); err != nil {
			b.Fatal(err)
		}
		done := make(chan struct{})
		readerDone := make(chan time.Duration)
		go func() {
			var longest time.Duration
			for j := 0; ; j++ {
				select {
				case <-done:
					readerDone <- longest
					return
				case <-time.After(50 * time.Millisecond):
				}
				t0 := time.Now()
				if _, err := st.Story(ctx, fmt.Sprintf("syn%09d", (j*7919)%bn.count)); err != nil {
					b.Error(err)
				}
				longest = max(longest, time.Since(t0))
			}
		}()
		err := st.PurgeErased(ctx)
		close(done)
		worst = max(worst, <-readerDone)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(worst)/float64(time.Millisecond), "max-read-ms")
}
