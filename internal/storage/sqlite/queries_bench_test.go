package sqlite_test

// Benchmarks of the public listing queries at scale. They need a large
// database, so they run only when CHORUS_BENCH_STORIES says how many
// synthetic stories to seed (e.g. 100000, about 40 s); the database is
// seeded once per test process into a temporary folder, removed at the end.
//
//	CHORUS_BENCH_STORIES=100000 go test -run '^$' -bench PublishedStories -benchtime 200x ./internal/storage/sqlite/
//
// CHORUS_BENCH_DB names a database already seeded with "chorus seed
// --stories N" (the data folder's chorus.db) to measure instead: nothing is
// seeded and the file is kept; CHORUS_BENCH_STORIES must then be that N.
//
// Each benchmark reports the median and 99th percentile of single calls
// (p50-ms, p99-ms) besides the mean (ns/op), and logs the query plan once.

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
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
	"chorus/internal/storage/sqlite"
	"chorus/internal/story"
)

// TestMain removes the seeded database once every benchmark has run. (If
// another test file of this package needs a TestMain, merge the two.)
func TestMain(m *testing.M) {
	code := m.Run()
	if big.store != nil {
		big.store.Close()
	}
	if big.dir != "" {
		os.RemoveAll(big.dir)
	}
	os.Exit(code)
}

var big struct {
	once  sync.Once
	dir   string
	store *sqlite.Store
	raw   *sql.DB // a plain connection, for EXPLAIN QUERY PLAN
	count int
	err   error
}

// bigStore returns the seeded store, or skips the benchmark.
func bigStore(b *testing.B) *sqlite.Store {
	b.Helper()
	env := os.Getenv("CHORUS_BENCH_STORIES")
	if env == "" {
		b.Skip("set CHORUS_BENCH_STORIES=100000 to run the benchmarks at scale")
	}
	big.once.Do(func() {
		big.count, big.err = strconv.Atoi(env)
		if big.err != nil || big.count <= 0 {
			big.err = fmt.Errorf("CHORUS_BENCH_STORIES=%q: want a positive number", env)
			return
		}
		ctx := context.Background()
		path := os.Getenv("CHORUS_BENCH_DB")
		if path != "" {
			if big.store, big.err = sqlite.Open(ctx, path); big.err != nil {
				return
			}
			fmt.Fprintf(os.Stderr, "measuring %s (%d stories seeded before), %s on disk\n", path, big.count, fileSizes(path))
			if big.err = addRare(ctx, big.store, big.count); big.err != nil {
				return
			}
			big.raw, big.err = sql.Open("sqlite", "file:"+path+"?_pragma=query_only(1)")
			return
		}
		big.dir, big.err = os.MkdirTemp("", "chorus-bench-")
		if big.err != nil {
			return
		}
		path = filepath.Join(big.dir, "chorus.db")
		big.store, big.err = sqlite.Open(ctx, path)
		if big.err != nil {
			return
		}
		campaign := app.Campaign{
			Languages: []string{"en", "fr", "ar"},
			Themes:    []string{"arrival", "belonging", "work", "family", "education", "community", "culture", "resilience"},
		}
		t0 := time.Now()
		if big.err = demo.Synthetic(ctx, big.store, campaign, big.count, 1, io.Discard); big.err != nil {
			return
		}
		if big.err = addRare(ctx, big.store, big.count); big.err != nil {
			return
		}
		fmt.Fprintf(os.Stderr, "seeded %d stories in %s, %s on disk\n", big.count, time.Since(t0).Round(time.Millisecond), fileSizes(path))
		big.raw, big.err = sql.Open("sqlite", "file:"+path+"?_pragma=query_only(1)")
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

// fileSizes gives the size of the database file and its write-ahead log.
func fileSizes(path string) string {
	size := func(p string) float64 {
		if fi, err := os.Stat(p); err == nil {
			return float64(fi.Size()) / (1 << 20)
		}
		return 0
	}
	return fmt.Sprintf("%.0f MB (+ %.0f MB WAL)", size(path), size(path+"-wal"))
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

// logPlan logs, once per query, SQLite's plan for it. The text mirrors
// what PublishedStories builds for the same filter.
func logPlan(b *testing.B, name, query string, args ...any) {
	if _, done := planned.LoadOrStore(name, true); done || big.raw == nil {
		return
	}
	rows, err := big.raw.Query("EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		b.Logf("plan of %s: %v", name, err)
		return
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			b.Logf("plan of %s: %v", name, err)
			return
		}
		lines = append(lines, detail)
	}
	fmt.Fprintf(os.Stderr, "plan of %s:\n\t%s\n", name, strings.Join(lines, "\n\t"))
}

const listColumns = "s.id, s.title, s.body"

func BenchmarkPublishedStories_Filtered(b *testing.B) {
	store := bigStore(b)
	ctx := context.Background()
	first, err := store.PublishedStories(ctx, storage.StoryFilter{Language: "fr", Theme: "work", Limit: 20})
	if err != nil || first.NextCursor == "" {
		b.Fatalf("first page: %v (cursor %q)", err, first.NextCursor)
	}
	cases := []struct {
		name   string
		filter storage.StoryFilter
		sql    string
		args   []any
	}{
		{"all", storage.StoryFilter{Limit: 20},
			"SELECT " + listColumns + " FROM stories s WHERE s.status = 'published' ORDER BY s.published_at DESC, s.id DESC LIMIT 21", nil},
		{"language=fr,theme=work", storage.StoryFilter{Language: "fr", Theme: "work", Limit: 20},
			"SELECT " + listColumns + " FROM stories s JOIN story_themes t ON t.story_id = s.id AND t.theme = ? WHERE s.status = 'published' AND s.language = ? ORDER BY s.published_at DESC, s.id DESC LIMIT 21",
			[]any{"work", "fr"}},
		{"language=fr,theme=work,page2", storage.StoryFilter{Language: "fr", Theme: "work", Limit: 20, Cursor: first.NextCursor}, "", nil},
		{"country=CA,theme=arrival", storage.StoryFilter{Country: "CA", Theme: "arrival", Limit: 20},
			"SELECT " + listColumns + " FROM stories s JOIN story_themes t ON t.story_id = s.id AND t.theme = ? WHERE s.status = 'published' AND s.country = ? ORDER BY s.published_at DESC, s.id DESC LIMIT 21",
			[]any{"arrival", "CA"}},
		{"language=ar,country=JO,theme=family", storage.StoryFilter{Language: "ar", Country: "JO", Theme: "family", Limit: 20},
			"SELECT " + listColumns + " FROM stories s JOIN story_themes t ON t.story_id = s.id AND t.theme = ? WHERE s.status = 'published' AND s.language = ? AND s.country = ? ORDER BY s.published_at DESC, s.id DESC LIMIT 21",
			[]any{"family", "ar", "JO"}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
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

func BenchmarkPublishedStories_Search(b *testing.B) {
	store := bigStore(b)
	ctx := context.Background()
	cases := []struct {
		name   string
		filter storage.StoryFilter
		empty  bool
	}{
		// The synthetic vocabulary is small: a single word is in about
		// every story of its language, the worst case for ordering.
		{"q=community", storage.StoryFilter{Query: "community", Limit: 20}, false},
		{"q=river_winter", storage.StoryFilter{Query: "river winter", Limit: 20}, false},
		{"q=école", storage.StoryFilter{Query: "école", Limit: 20}, false},
		{"q=comm(prefix)", storage.StoryFilter{Query: "comm", Limit: 20}, false},
		{"q=community,language=en,theme=work", storage.StoryFilter{Query: "community", Language: "en", Theme: "work", Limit: 20}, false},
		{"q=samovar(rare)", storage.StoryFilter{Query: "samovar", Limit: 20}, false},
		{"q=nomatch", storage.StoryFilter{Query: "zanzibarqx", Limit: 20}, true},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			logPlan(b, c.name, "SELECT "+listColumns+" FROM stories s WHERE s.status = 'published' AND s.rowid IN (SELECT rowid FROM story_search WHERE story_search MATCH ?) ORDER BY s.published_at DESC, s.id DESC LIMIT 21",
				`"community"*`)
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
	timed(b, func() error {
		i = (i + 7919) % big.count
		_, err := store.Story(context.Background(), fmt.Sprintf("syn%09d", i))
		return err
	})
}

// The benchmarks below measure proposed rewrites of the queries above, on
// a plain connection, so a change can be judged before it is made.

// countriesSkipScan answers Countries with about one index seek per
// country instead of reading every published story's index entry.
const countriesSkipScan = `WITH RECURSIVE c(country) AS (
	SELECT (SELECT min(country) FROM stories WHERE status = 'published')
	UNION ALL
	SELECT (SELECT min(country) FROM stories WHERE status = 'published' AND country > c.country) FROM c WHERE c.country IS NOT NULL)
SELECT country FROM c WHERE country IS NOT NULL`

func BenchmarkProposed_CountriesSkipScan(b *testing.B) {
	bigStore(b)
	want, err := big.store.Countries(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	logPlan(b, "countries skip-scan", countriesSkipScan)
	timed(b, func() error {
		rows, err := big.raw.Query(countriesSkipScan)
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
			timed(b, func() error {
				rows, err := big.raw.Query(searchByMatches, q)
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
// erasing one published story, then rewriting the search index and
// truncating the log so its words leave the files.
func BenchmarkWithdrawAndPurge(b *testing.B) {
	st := bigStore(b)
	ctx := context.Background()
	page, err := st.PublishedStories(ctx, storage.StoryFilter{Limit: 100})
	if err != nil || len(page.Stories) < b.N {
		b.Skipf("need %d published stories, have %d (%v)", b.N, len(page.Stories), err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		id := page.Stories[i].ID
		if err := st.WithTx(ctx, func(tx storage.Tx) error { return tx.EraseStory(ctx, id, "author_request", time.Now()) }); err != nil {
			b.Fatal(err)
		}
		if err := st.PurgeErased(ctx); err != nil {
			b.Fatal(err)
		}
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
	var ids []string
	rows, err := big.raw.Query(`SELECT rowid FROM story_search WHERE story_search MATCH '"samovar"*' LIMIT 501`)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var id string
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	if len(ids) == 0 {
		b.Fatal("no rare matches")
	}
	list := strings.Join(ids, ", ")
	for _, c := range []struct{ name, sql string }{{"current", rowidListCurrent}, {"proposed", rowidListProposed}} {
		b.Run(c.name, func(b *testing.B) {
			q := fmt.Sprintf(c.sql, list)
			logPlan(b, "rowid list "+c.name, q)
			timed(b, func() error {
				rows, err := big.raw.Query(q)
				if err != nil {
					return err
				}
				defer rows.Close()
				n := 0
				for rows.Next() {
					n++
				}
				if n != len(ids) {
					return fmt.Errorf("%d rows, want %d", n, len(ids))
				}
				return rows.Err()
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
			timed(b, func() error {
				rows, err := big.raw.Query(searchNewestRowids, q)
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
