package postgres_test

// Benchmarks of the public listing queries at scale on PostgreSQL, the
// mirror of internal/storage/sqlite/queries_bench_test.go. They run only
// when CHORUS_BENCH_STORIES says how many synthetic stories to seed and
// CHORUS_TEST_POSTGRES_URL names a server: the stories are seeded once per
// test process into a fresh schema (pgtest), dropped at the end.
//
//	CHORUS_TEST_POSTGRES_URL='postgres://postgres@127.0.0.1:5432/test?sslmode=disable' \
//	CHORUS_BENCH_STORIES=100000 go test -run '^$' -bench . -benchtime 200x ./internal/storage/postgres/
//
// CHORUS_BENCH_POSTGRES_URL names a database (or schema, with
// search_path=...) already seeded with "chorus seed --stories N" to measure
// instead: nothing is seeded and nothing dropped; CHORUS_BENCH_STORIES must
// then be that N.
//
// Each benchmark reports the median and 99th percentile of single calls
// (p50-ms, p99-ms) besides the mean (ns/op), and logs the query plan
// (EXPLAIN ANALYZE) once.

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
	"chorus/internal/storage/postgres"
	"chorus/internal/storage/postgres/pgtest"
	"chorus/internal/story"

	"github.com/jackc/pgx/v5/pgxpool"
)

// TestMain closes the store and drops the seeded schema once every
// benchmark has run.
func TestMain(m *testing.M) {
	code := m.Run()
	if big.store != nil {
		big.store.Close()
	}
	if big.raw != nil {
		big.raw.Close()
	}
	for i := len(big.cleanups) - 1; i >= 0; i-- {
		big.cleanups[i]()
	}
	os.Exit(code)
}

var big struct {
	once     sync.Once
	store    *postgres.Store
	raw      *pgxpool.Pool // plain connections, for EXPLAIN and proposed queries
	count    int
	cleanups []func()
	err      error
}

// processTB hands pgtest the benchmark's testing.TB but keeps the schema
// until the end of the process: the seeded schema is shared by every
// benchmark, while a benchmark's own cleanups run after each of its runs.
type processTB struct{ testing.TB }

func (processTB) Cleanup(f func()) { big.cleanups = append(big.cleanups, f) }

// bigStore returns the seeded store, or skips the benchmark.
func bigStore(b *testing.B) *postgres.Store {
	b.Helper()
	env := os.Getenv("CHORUS_BENCH_STORIES")
	if env == "" {
		b.Skip("set CHORUS_BENCH_STORIES=100000 (and " + pgtest.URLEnv + ") to run the benchmarks at scale")
	}
	reuse := os.Getenv("CHORUS_BENCH_POSTGRES_URL")
	if reuse == "" && os.Getenv(pgtest.URLEnv) == "" {
		b.Skipf("set %s (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run the PostgreSQL benchmarks", pgtest.URLEnv)
	}
	big.once.Do(func() {
		big.count, big.err = strconv.Atoi(env)
		if big.err != nil || big.count <= 0 {
			big.err = fmt.Errorf("CHORUS_BENCH_STORIES=%q: want a positive number", env)
			return
		}
		ctx := context.Background()
		url := reuse
		if url == "" {
			url = pgtest.URL(processTB{b})
		}
		if big.store, big.err = postgres.Open(ctx, url); big.err != nil {
			return
		}
		if big.raw, big.err = pgxpool.New(ctx, url); big.err != nil {
			return
		}
		if big.err = addRare(ctx, big.store, big.count); big.err != nil {
			return
		}
		if reuse == "" {
			campaign := app.Campaign{
				Languages: []string{"en", "fr", "ar"},
				Themes:    []string{"arrival", "belonging", "work", "family", "education", "community", "culture", "resilience"},
			}
			t0 := time.Now()
			if big.err = demo.Synthetic(ctx, big.store, campaign, big.count, 1, io.Discard); big.err != nil {
				return
			}
			if _, big.err = big.raw.Exec(ctx, "ANALYZE"); big.err != nil {
				return
			}
			fmt.Fprintf(os.Stderr, "seeded %d stories in %s\n", big.count, time.Since(t0).Round(time.Millisecond))
		}
		var size string
		if big.err = big.raw.QueryRow(ctx, `SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid)))
			FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'm')`).Scan(&size); big.err != nil {
			return
		}
		fmt.Fprintf(os.Stderr, "measuring %d stories; tables with their indexes: %s\n", big.count, size)
	})
	if big.err != nil {
		b.Fatal(big.err)
	}
	return big.store
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

// timed runs fn b.N times and reports the median and 99th percentile.
func timed(b *testing.B, fn func() error) {
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

var planned sync.Map

// logPlan logs, once per name, PostgreSQL's plan for query with the time
// and buffers of one execution. The text mirrors what PublishedStories
// builds for the same filter.
func logPlan(b *testing.B, name, query string, args ...any) {
	if _, done := planned.LoadOrStore(name, true); done || big.raw == nil {
		return
	}
	rows, err := big.raw.Query(context.Background(), "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) "+query, args...)
	if err != nil {
		b.Logf("plan of %s: %v", name, err)
		return
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			b.Logf("plan of %s: %v", name, err)
			return
		}
		lines = append(lines, line)
	}
	fmt.Fprintf(os.Stderr, "plan of %s:\n\t%s\n", name, strings.Join(lines, "\n\t"))
}

// listColumns stands for the adapter's full column list in the plans: the
// plan shape does not depend on it.
const listColumns = "s.id, s.title, s.body"

const themed = "SELECT " + listColumns + " FROM stories s JOIN story_themes t ON t.story_id = s.id AND t.theme = $1 WHERE s.status = 'published' AND "

func BenchmarkPublishedStories_Filtered(b *testing.B) {
	store := bigStore(b)
	ctx := context.Background()
	first, err := store.PublishedStories(ctx, storage.StoryFilter{Language: "fr", Theme: "work", Limit: 20})
	if err != nil || first.NextCursor == "" {
		b.Fatalf("first page: %v (cursor %q)", err, first.NextCursor)
	}
	last := first.Stories[len(first.Stories)-1]
	cases := []struct {
		name   string
		filter storage.StoryFilter
		sql    string
		args   []any
	}{
		{"all", storage.StoryFilter{Limit: 20},
			"SELECT " + listColumns + " FROM stories s WHERE s.status = 'published' ORDER BY s.published_at DESC, s.id DESC LIMIT 21", nil},
		{"language=fr,theme=work", storage.StoryFilter{Language: "fr", Theme: "work", Limit: 20},
			themed + "s.language = $2 ORDER BY s.published_at DESC, s.id DESC LIMIT 21", []any{"work", "fr"}},
		{"language=fr,theme=work,page2", storage.StoryFilter{Language: "fr", Theme: "work", Limit: 20, Cursor: first.NextCursor},
			themed + "s.language = $2 AND (s.published_at, s.id) < ($3, $4) ORDER BY s.published_at DESC, s.id DESC LIMIT 21",
			[]any{"work", "fr", last.PublishedAt, last.ID}},
		{"country=CA,theme=arrival", storage.StoryFilter{Country: "CA", Theme: "arrival", Limit: 20},
			themed + "s.country = $2 ORDER BY s.published_at DESC, s.id DESC LIMIT 21", []any{"arrival", "CA"}},
		{"country=CA,theme=arrival,page2", storage.StoryFilter{Country: "CA", Theme: "arrival", Limit: 20, Cursor: "?"}, "", nil},
		{"language=ar,country=JO,theme=family", storage.StoryFilter{Language: "ar", Country: "JO", Theme: "family", Limit: 20},
			themed + "s.language = $2 AND s.country = $3 ORDER BY s.published_at DESC, s.id DESC LIMIT 21", []any{"family", "ar", "JO"}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			if c.filter.Cursor == "?" {
				p, err := store.PublishedStories(ctx, storage.StoryFilter{Country: c.filter.Country, Theme: c.filter.Theme, Limit: 20})
				if err != nil || p.NextCursor == "" {
					b.Fatalf("first page: %v", err)
				}
				c.filter.Cursor = p.NextCursor
			}
			if c.sql != "" {
				logPlan(b, c.name, c.sql, c.args...)
			}
			timed(b, func() error {
				p, err := store.PublishedStories(ctx, c.filter)
				if err == nil && len(p.Stories) == 0 {
					err = fmt.Errorf("%s: no stories", c.name)
				}
				return err
			})
		})
	}
}

const searchSQL = "SELECT " + listColumns + " FROM stories s WHERE s.status = 'published' AND s.search @@ chorus_tsquery($1::text[]) ORDER BY s.published_at DESC, s.id DESC LIMIT 21"

func BenchmarkPublishedStories_Search(b *testing.B) {
	store := bigStore(b)
	ctx := context.Background()
	cases := []struct {
		name   string
		filter storage.StoryFilter
		words  []string // for the plan
		empty  bool
	}{
		// The synthetic vocabulary is small: a single word is in about
		// every story of its language, the worst case for ordering.
		{"q=community", storage.StoryFilter{Query: "community", Limit: 20}, []string{"community"}, false},
		{"q=river_winter", storage.StoryFilter{Query: "river winter", Limit: 20}, []string{"river", "winter"}, false},
		{"q=école", storage.StoryFilter{Query: "école", Limit: 20}, []string{"ecole"}, false},
		{"q=comm(prefix)", storage.StoryFilter{Query: "comm", Limit: 20}, []string{"comm"}, false},
		{"q=community,language=en,theme=work", storage.StoryFilter{Query: "community", Language: "en", Theme: "work", Limit: 20}, nil, false},
		// Rare: five stories (addRare) spread over the date range.
		{"q=samovar(rare)", storage.StoryFilter{Query: "samovar", Limit: 20}, []string{"samovar"}, false},
		{"q=nomatch", storage.StoryFilter{Query: "zanzibarqx", Limit: 20}, []string{"zanzibarqx"}, true},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			if c.words != nil {
				logPlan(b, c.name, searchSQL, c.words)
			}
			timed(b, func() error {
				p, err := store.PublishedStories(ctx, c.filter)
				if err == nil && (len(p.Stories) == 0) != c.empty {
					err = fmt.Errorf("%s: %d stories", c.name, len(p.Stories))
				}
				return err
			})
		})
	}
}

// BenchmarkCountries is the country list every story-list page renders.
func BenchmarkCountries(b *testing.B) {
	store := bigStore(b)
	logPlan(b, "countries", "SELECT DISTINCT country FROM stories WHERE status = 'published' ORDER BY country")
	timed(b, func() error {
		_, err := store.Countries(context.Background())
		return err
	})
}

// BenchmarkStory is the single-story read behind every story page.
func BenchmarkStory(b *testing.B) {
	store := bigStore(b)
	i := 0
	logPlan(b, "story", "SELECT id, title, body FROM stories WHERE id = $1", "syn000000001")
	timed(b, func() error {
		i = (i + 7919) % big.count
		_, err := store.Story(context.Background(), fmt.Sprintf("syn%09d", i))
		return err
	})
}

// The benchmarks below measure proposed rewrites of the queries above, on
// plain connections, so a change can be judged before it is made.

// countriesSkipScan answers Countries with about one index seek per
// country (stories_published_by_country) instead of reading every
// published story.
const countriesSkipScan = `WITH RECURSIVE c(country) AS (
	SELECT (SELECT min(country) FROM stories WHERE status = 'published')
	UNION ALL
	SELECT (SELECT min(country) FROM stories WHERE status = 'published' AND country > c.country) FROM c WHERE c.country IS NOT NULL)
SELECT country FROM c WHERE country IS NOT NULL`

func BenchmarkProposed_CountriesSkipScan(b *testing.B) {
	bigStore(b)
	ctx := context.Background()
	want, err := big.store.Countries(ctx)
	if err != nil {
		b.Fatal(err)
	}
	logPlan(b, "countries skip-scan", countriesSkipScan)
	timed(b, func() error {
		rows, err := big.raw.Query(ctx, countriesSkipScan)
		if err != nil {
			return err
		}
		defer rows.Close()
		var got []string
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				return err
			}
			got = append(got, c)
		}
		if !slices.Equal(got, want) {
			return fmt.Errorf("skip-scan gave %v, want %v", got, want)
		}
		return rows.Err()
	})
}

// searchByDate walks the published stories newest first and tests each
// against the query (no GIN index): cheap when matches are many, a full
// walk when they are few. The planner picks between this and the bitmap
// scan of the GIN index by its estimate of the matches.
const searchByDate = `SELECT s.id FROM stories s WHERE s.status = 'published'
	AND s.search @@ chorus_tsquery($1::text[]) ORDER BY s.published_at DESC, s.id DESC LIMIT 21`

func BenchmarkProposed_SearchByDate(b *testing.B) {
	bigStore(b)
	ctx := context.Background()
	for _, w := range []string{"community", "comm", "samovar", "zanzibarqx"} {
		b.Run(w, func(b *testing.B) {
			conn, err := big.raw.Acquire(ctx)
			if err != nil {
				b.Fatal(err)
			}
			defer conn.Release()
			if _, err := conn.Exec(ctx, "SET enable_bitmapscan = off"); err != nil {
				b.Fatal(err)
			}
			defer conn.Exec(ctx, "RESET enable_bitmapscan")
			timed(b, func() error {
				rows, err := conn.Query(ctx, searchByDate, []string{w})
				if err != nil {
					return err
				}
				defer rows.Close()
				for rows.Next() {
				}
				return rows.Err()
			})
		})
	}
}

// BenchmarkWithdrawAndPurge measures what a withdrawal costs at scale:
// erasing one published story, then PurgeErased (VACUUM FULL of stories and
// audit_log, which holds an exclusive lock on each while it rewrites it).
// Meanwhile a reader asks for one story every 50 ms, as a story page that
// is not cached would: max-read-ms is the longest it waited. Run it last
// and with -benchtime 1x: each call rewrites the whole table.
func BenchmarkWithdrawAndPurge(b *testing.B) {
	st := bigStore(b)
	ctx := context.Background()
	page, err := st.PublishedStories(ctx, storage.StoryFilter{Limit: 100})
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
			var max time.Duration
			for j := 0; ; j++ {
				select {
				case <-done:
					readerDone <- max
					return
				case <-time.After(50 * time.Millisecond):
				}
				t0 := time.Now()
				if _, err := st.Story(ctx, fmt.Sprintf("syn%09d", (j*7919)%big.count)); err != nil {
					b.Error(err)
				}
				max = maxDuration(max, time.Since(t0))
			}
		}()
		err := st.PurgeErased(ctx)
		close(done)
		worst = maxDuration(worst, <-readerDone)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(worst)/float64(time.Millisecond), "max-read-ms")
}

func maxDuration(a, b time.Duration) time.Duration {
	if a > b {
		return a
	}
	return b
}

// The planner estimates every search (the last word is a prefix, and a
// prefix gets a fixed 2 % estimate) as common, so it always walks
// stories_published newest first and tests each story: 0.3 ms for a common
// word, a walk of every published story for a rare word or none. The
// proposed two steps: walk at most the newest searchWindow published
// stories; if that does not fill the page, ask the GIN index for every
// match (the OFFSET 0 keeps the planner from turning it back into the walk)
// and sort them.
const (
	searchWindow  = 5000
	searchRecent  = "SELECT s.id FROM (SELECT id, published_at, search FROM stories WHERE status = 'published' ORDER BY published_at DESC, id DESC LIMIT $2) s WHERE s.search @@ chorus_tsquery($1::text[]) ORDER BY s.published_at DESC, s.id DESC LIMIT 21"
	searchMatches = "SELECT s.id FROM (SELECT id, published_at FROM stories WHERE status = 'published' AND search @@ chorus_tsquery($1::text[]) OFFSET 0) s ORDER BY s.published_at DESC, s.id DESC LIMIT 21"
)

func BenchmarkProposed_SearchTwoSteps(b *testing.B) {
	bigStore(b)
	ctx := context.Background()
	count := func(sql string, args ...any) (int, error) {
		rows, err := big.raw.Query(ctx, sql, args...)
		if err != nil {
			return 0, err
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			n++
		}
		return n, rows.Err()
	}
	logPlan(b, "search, recent window", searchRecent, []string{"community"}, searchWindow)
	logPlan(b, "search, all matches", searchMatches, []string{"samovar"})
	for _, c := range []struct {
		words []string
		want  int
	}{{[]string{"community"}, 21}, {[]string{"river", "winter"}, 21}, {[]string{"comm"}, 21}, {[]string{"samovar"}, 5}, {[]string{"zanzibarqx"}, 0}} {
		b.Run(strings.Join(c.words, "_"), func(b *testing.B) {
			timed(b, func() error {
				n, err := count(searchRecent, c.words, searchWindow)
				if err == nil && n < 21 {
					n, err = count(searchMatches, c.words)
				}
				if err == nil && n != c.want {
					err = fmt.Errorf("%d stories, want %d", n, c.want)
				}
				return err
			})
		})
	}
}
