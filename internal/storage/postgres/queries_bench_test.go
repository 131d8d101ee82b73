package postgres_test

// The benchmarks at scale (storagetest/bench.go) on PostgreSQL, and
// proposed rewrites of its queries. They run only when CHORUS_BENCH_STORIES
// says how many synthetic stories to seed and CHORUS_TEST_POSTGRES_URL
// names a server: the stories are seeded once per test process into a fresh
// schema (pgtest), dropped at the end.
//
//	CHORUS_TEST_POSTGRES_URL='postgres://postgres@127.0.0.1:5432/test?sslmode=disable' \
//	CHORUS_BENCH_STORIES=100000 go test -run '^$' -bench . -benchtime 200x ./internal/storage/postgres/
//
// CHORUS_BENCH_POSTGRES_URL names a database (or schema, with
// search_path=...) already seeded with "chorus seed --stories N" to measure
// instead: nothing is seeded and nothing dropped; CHORUS_BENCH_STORIES must
// then be that N. Plans are EXPLAIN (ANALYZE, BUFFERS) of one execution.

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"chorus/internal/storage"
	"chorus/internal/storage/postgres"
	"chorus/internal/storage/postgres/pgtest"
	"chorus/internal/storage/storagetest"
)

// TestMain closes the store and drops the seeded schema once every
// benchmark has run.
func TestMain(m *testing.M) { bench.Main(m) }

var (
	bench = &storagetest.Bench{Open: openBench, Seeded: analyze, Raw: rawQuery, Close: closeBench,
		Plans: plans, ExplainPrefix: "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ", ScanPlanLine: storagetest.ScanString}
	big struct {
		store    *postgres.Store
		raw      *pgxpool.Pool // plain connections, for EXPLAIN and proposed queries
		cleanups []func()
	}
)

func BenchmarkPublishedStories_Filtered(b *testing.B)  { bench.PublishedStoriesFiltered(b) }
func BenchmarkPublishedStories_Search(b *testing.B)    { bench.PublishedStoriesSearch(b) }
func BenchmarkCountries(b *testing.B)                  { bench.Countries(b) }
func BenchmarkStory(b *testing.B)                      { bench.Story(b) }
func BenchmarkWithdrawAndPurge(b *testing.B)           { bench.WithdrawAndPurge(b) }
func BenchmarkProposed_CountriesSkipScan(b *testing.B) { bench.ProposedCountriesSkipScan(b) }

// processTB hands pgtest the benchmark's testing.TB but keeps the schema
// until the end of the process: the seeded schema is shared by every
// benchmark, while a benchmark's own cleanups run after each of its runs.
type processTB struct{ testing.TB }

func (processTB) Cleanup(f func()) { big.cleanups = append(big.cleanups, f) }

func openBench(ctx context.Context, b *testing.B) (storage.Store, bool, error) {
	url := os.Getenv("CHORUS_BENCH_POSTGRES_URL")
	seeded := url != ""
	if !seeded {
		if os.Getenv(pgtest.URLEnv) == "" {
			b.Skipf("set %s (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run the PostgreSQL benchmarks", pgtest.URLEnv)
		}
		url = pgtest.URL(processTB{b})
	}
	var err error
	if big.store, err = postgres.Open(ctx, url); err != nil {
		return nil, false, err
	}
	big.raw, err = pgxpool.New(ctx, url)
	return big.store, seeded, err
}

func closeBench() {
	if big.store != nil {
		big.store.Close()
	}
	if big.raw != nil {
		big.raw.Close()
	}
	for i := len(big.cleanups) - 1; i >= 0; i-- {
		big.cleanups[i]()
	}
}

// analyze refreshes the planner's statistics and gives the size of the
// tables with their indexes.
func analyze(ctx context.Context) (string, error) {
	if _, err := big.raw.Exec(ctx, "ANALYZE"); err != nil {
		return "", err
	}
	var size string
	err := big.raw.QueryRow(ctx, `SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid)))
		FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'm')`).Scan(&size)
	return "tables with their indexes: " + size, err
}

// bigStore returns the seeded store, or skips the benchmark.
func bigStore(b *testing.B) storage.Store { return bench.Store(b) }

var timed = storagetest.Timed

func logPlan(b *testing.B, name, query string, args ...any) {
	bench.LogPlan(b, name, storagetest.Query{SQL: query, Args: args})
}

// querier is a pool or one of its connections.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

func rawQueryOn(db querier) storagetest.RawQuery {
	return func(ctx context.Context, q storagetest.Query) (storagetest.Rows, func(), error) {
		rows, err := db.Query(ctx, q.SQL, q.Args...)
		if err != nil {
			return nil, nil, err
		}
		return rows, rows.Close, nil
	}
}

func rawQuery(ctx context.Context, q storagetest.Query) (storagetest.Rows, func(), error) {
	return rawQueryOn(big.raw)(ctx, q)
}

// listColumns stands for the full column list in the plans: the plan
// shape does not depend on it. The texts mirror what PublishedStories
// builds for the same filter.
const (
	listColumns = "s.id, s.title, s.body"
	themed      = "SELECT " + listColumns + " FROM stories s JOIN story_themes t ON t.story_id = s.id AND t.theme = $1 WHERE s.status = 'published' AND "
	newest      = " ORDER BY s.published_at DESC, s.id DESC LIMIT 21"
	searchSQL   = "SELECT " + listColumns + " FROM stories s WHERE s.status = 'published' AND s.search @@ chorus_tsquery($1::text[])" + newest
)

var plans = map[string]storagetest.Query{
	"all":                                 {SQL: "SELECT " + listColumns + " FROM stories s WHERE s.status = 'published'" + newest},
	"language=fr,theme=work":              {SQL: themed + "s.language = $2" + newest, Args: []any{"work", "fr"}},
	"country=CA,theme=arrival":            {SQL: themed + "s.country = $2" + newest, Args: []any{"arrival", "CA"}},
	"language=ar,country=JO,theme=family": {SQL: themed + "s.language = $2 AND s.country = $3" + newest, Args: []any{"family", "ar", "JO"}},
	"q=community":                         {SQL: searchSQL, Args: []any{[]string{"community"}}},
	"q=river_winter":                      {SQL: searchSQL, Args: []any{[]string{"river", "winter"}}},
	"q=école":                             {SQL: searchSQL, Args: []any{[]string{"ecole"}}},
	"q=comm(prefix)":                      {SQL: searchSQL, Args: []any{[]string{"comm"}}},
	"q=samovar(rare)":                     {SQL: searchSQL, Args: []any{[]string{"samovar"}}},
	"q=nomatch":                           {SQL: searchSQL, Args: []any{[]string{"zanzibarqx"}}},
	"countries":                           {SQL: "SELECT DISTINCT country FROM stories WHERE status = 'published' ORDER BY country"},
	"story":                               {SQL: "SELECT id, title, body FROM stories WHERE id = $1", Args: []any{"syn000000001"}},
}

// The benchmarks below, and bench.ProposedCountriesSkipScan, measure
// proposed rewrites of the queries above, on plain connections, so a
// change can be judged before it is made.

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
			q := storagetest.Query{SQL: searchByDate, Args: []any{[]string{w}}}
			timed(b, func() error {
				_, err := storagetest.CountRows(ctx, rawQueryOn(conn), q)
				return err
			})
		})
	}
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
		return storagetest.CountRows(ctx, rawQuery, storagetest.Query{SQL: sql, Args: args})
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
