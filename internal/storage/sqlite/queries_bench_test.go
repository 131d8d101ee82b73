package sqlite_test

// The benchmarks at scale (storagetest/bench.go) on SQLite, and proposed
// rewrites of its queries. They run only when CHORUS_BENCH_STORIES says how
// many synthetic stories to seed (e.g. 100000, about 40 s); the database is
// seeded once per test process into a temporary folder, removed at the end.
//
//	CHORUS_BENCH_STORIES=100000 go test -run '^$' -bench PublishedStories -benchtime 200x ./internal/storage/sqlite/
//
// CHORUS_BENCH_DB names a database already seeded with "chorus seed
// --stories N" (the data folder's chorus.db) to measure instead: nothing is
// seeded and the file is kept; CHORUS_BENCH_STORIES must then be that N.
// Plans are SQLite's EXPLAIN QUERY PLAN.

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"chorus/internal/storage"
	"chorus/internal/storage/sqlite"
	"chorus/internal/storage/storagetest"
)

// TestMain removes the seeded database once every benchmark has run. (If
// another test file of this package needs a TestMain, merge the two.)
func TestMain(m *testing.M) { bench.Main(m) }

var (
	bench = &storagetest.Bench{Open: openBench, Seeded: benchSize, Raw: rawQuery, Close: closeBench,
		Plans: plans, ExplainPrefix: "EXPLAIN QUERY PLAN ", ScanPlanLine: scanPlanDetail}
	big struct {
		dir, path string
		store     *sqlite.Store
		raw       *sql.DB // a plain connection, for EXPLAIN QUERY PLAN and the proposed queries
	}
)

func BenchmarkPublishedStories_Filtered(b *testing.B)  { bench.PublishedStoriesFiltered(b) }
func BenchmarkPublishedStories_Search(b *testing.B)    { bench.PublishedStoriesSearch(b) }
func BenchmarkCountries(b *testing.B)                  { bench.Countries(b) }
func BenchmarkStory(b *testing.B)                      { bench.Story(b) }
func BenchmarkWithdrawAndPurge(b *testing.B)           { bench.WithdrawAndPurge(b) }
func BenchmarkProposed_CountriesSkipScan(b *testing.B) { bench.ProposedCountriesSkipScan(b) }

func openBench(ctx context.Context, b *testing.B) (storage.Store, bool, error) {
	big.path = os.Getenv("CHORUS_BENCH_DB")
	seeded := big.path != ""
	if !seeded {
		dir, err := os.MkdirTemp("", "chorus-bench-")
		if err != nil {
			return nil, false, err
		}
		big.dir, big.path = dir, filepath.Join(dir, "chorus.db")
	}
	var err error
	if big.store, err = sqlite.Open(ctx, big.path); err != nil {
		return nil, false, err
	}
	big.raw, err = sql.Open("sqlite", "file:"+big.path+"?_pragma=query_only(1)")
	return big.store, seeded, err
}

func closeBench() {
	if big.raw != nil {
		big.raw.Close()
	}
	if big.store != nil {
		big.store.Close()
	}
	if big.dir != "" {
		os.RemoveAll(big.dir)
	}
}

// benchSize gives the size of the database file and its write-ahead log.
func benchSize(context.Context) (string, error) {
	size := func(p string) float64 {
		if fi, err := os.Stat(p); err == nil {
			return float64(fi.Size()) / (1 << 20)
		}
		return 0
	}
	return fmt.Sprintf("%s: %.0f MB (+ %.0f MB WAL) on disk", big.path, size(big.path), size(big.path+"-wal")), nil
}

// bigStore returns the seeded store, or skips the benchmark.
func bigStore(b *testing.B) storage.Store { return bench.Store(b) }

var timed = storagetest.Timed

func logPlan(b *testing.B, name, query string, args ...any) {
	bench.LogPlan(b, name, storagetest.Query{SQL: query, Args: args})
}

func rawQuery(ctx context.Context, q storagetest.Query) (storagetest.Rows, func(), error) {
	rows, err := big.raw.QueryContext(ctx, q.SQL, q.Args...)
	if err != nil {
		return nil, nil, err
	}
	return rows, func() { rows.Close() }, nil
}

// scanPlanDetail reads the text of a row of EXPLAIN QUERY PLAN.
func scanPlanDetail(r storagetest.Rows) (string, error) {
	var id, parent, unused int
	var detail string
	err := r.Scan(&id, &parent, &unused, &detail)
	return detail, err
}

// drain runs query and reads all its rows.
func drain(query string, args ...any) error {
	_, err := storagetest.CountRows(context.Background(), rawQuery, storagetest.Query{SQL: query, Args: args})
	return err
}

// listColumns stands for the full column list in the plans: the plan
// shape does not depend on it. The texts mirror what PublishedStories
// builds for the same filter.
const (
	listColumns = "s.id, s.title, s.body"
	themed      = "SELECT " + listColumns + " FROM stories s JOIN story_themes t ON t.story_id = s.id AND t.theme = ? WHERE s.status = 'published' AND "
	newest      = " ORDER BY s.published_at DESC, s.id DESC LIMIT 21"
)

var plans = map[string]storagetest.Query{
	"all":                                 {SQL: "SELECT " + listColumns + " FROM stories s WHERE s.status = 'published'" + newest},
	"language=fr,theme=work":              {SQL: themed + "s.language = ?" + newest, Args: []any{"work", "fr"}},
	"country=CA,theme=arrival":            {SQL: themed + "s.country = ?" + newest, Args: []any{"arrival", "CA"}},
	"language=ar,country=JO,theme=family": {SQL: themed + "s.language = ? AND s.country = ?" + newest, Args: []any{"family", "ar", "JO"}},
	"q=community": {SQL: "SELECT " + listColumns + " FROM stories s WHERE s.status = 'published' AND s.rowid IN (SELECT rowid FROM story_search WHERE story_search MATCH ?)" + newest,
		Args: []any{`"community"*`}},
	"countries": {SQL: "SELECT DISTINCT country FROM stories WHERE status = 'published' ORDER BY country"},
}

// The benchmarks below, and bench.ProposedCountriesSkipScan, measure
// proposed rewrites of the queries above, on a plain connection, so a
// change can be judged before it is made.

// searchByMatches drives the search from the full-text index: the matching
// rows are fetched by rowid and sorted, instead of walking every published
// story in date order and testing it against the match list.
const searchByMatches = `SELECT s.id FROM story_search f CROSS JOIN stories s ON s.rowid = f.rowid
	WHERE story_search MATCH ? AND s.status = 'published' ORDER BY s.published_at DESC, s.id DESC LIMIT 21`

func BenchmarkProposed_SearchByMatches(b *testing.B) {
	bigStore(b)
	logPlan(b, "search by matches", searchByMatches, `"x"*`)
	for _, q := range []string{`"community"*`, `"samovar"*`, `"zanzibarqx"*`, `"comm"*`} {
		b.Run(q, func(b *testing.B) {
			timed(b, func() error { return drain(searchByMatches, q) })
		})
	}
}

// The fast leg of search for a rare word: its few matching rowids, then
// the stories. As PublishedStories writes it, SQLite may still walk the date
// index (stories_by_status) to avoid sorting, testing every published
// story's rowid against the short list. The proposed form, "+s.status",
// keeps SQLite from using that index: it looks the stories up by rowid and
// sorts the few it finds.
const (
	rowidListCurrent  = "SELECT " + listColumns + " FROM stories s WHERE s.status = 'published' AND s.rowid IN (%s) ORDER BY s.published_at DESC, s.id DESC LIMIT 21"
	rowidListProposed = "SELECT " + listColumns + " FROM stories s WHERE +s.status = 'published' AND s.rowid IN (%s) ORDER BY s.published_at DESC, s.id DESC LIMIT 21"
)

func BenchmarkProposed_SearchRowidList(b *testing.B) {
	bigStore(b)
	ctx := context.Background()
	ids, err := storagetest.Strings(ctx, rawQuery, storagetest.Query{SQL: `SELECT rowid FROM story_search WHERE story_search MATCH '"samovar"*' LIMIT 501`}, storagetest.ScanString)
	if err != nil {
		b.Fatal(err)
	}
	if len(ids) == 0 {
		b.Fatal("no rare matches")
	}
	list := strings.Join(ids, ", ")
	for _, c := range []struct{ name, sql string }{{"current", rowidListCurrent}, {"proposed", rowidListProposed}} {
		b.Run(c.name, func(b *testing.B) {
			q := fmt.Sprintf(c.sql, list)
			logPlan(b, "rowid list "+c.name, q)
			timed(b, func() error {
				n, err := storagetest.CountRows(ctx, rawQuery, storagetest.Query{SQL: q})
				if err == nil && n != len(ids) {
					err = fmt.Errorf("%d rows, want %d", n, len(ids))
				}
				return err
			})
		})
	}
}

// searchNewestRowids reads the newest matches straight from the full-text
// index, which streams a word's matches in rowid order and stops after a
// page. It equals the published order only when the index's rowids follow
// publication (true of the synthetic stories, not of real ones, whose
// rowids follow submission): it measures what search would cost if the
// index were keyed by a publication sequence.
const searchNewestRowids = `SELECT rowid FROM story_search WHERE story_search MATCH ? ORDER BY rowid DESC LIMIT 21`

func BenchmarkProposed_SearchNewestRowids(b *testing.B) {
	bigStore(b)
	logPlan(b, "search newest rowids", searchNewestRowids, `"x"*`)
	for _, q := range []string{`"community"*`, `"river" "winter"*`, `"comm"*`, `"samovar"*`} {
		b.Run(q, func(b *testing.B) {
			timed(b, func() error { return drain(searchNewestRowids, q) })
		})
	}
}
