package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"chorus/internal/staff"
	"chorus/internal/storage"
	"chorus/internal/story"
)

func scanTally(row Row) (storage.Tally, error) {
	var t storage.Tally
	err := row.Scan(&t.Label, &t.Count)
	return t, err
}

func (q Queries) StoriesPerDay(ctx context.Context, event storage.StoryEvent, since time.Time, scope storage.StoryScope) ([]storage.Tally, error) {
	if !slices.Contains(storage.StoryEvents, event) {
		return nil, fmt.Errorf("stories per day: unknown event %q", event)
	}
	if scope.SubmittedBy != "" {
		return q.submittedPerDay(ctx, event, since, scope)
	}
	return queryAll(ctx, q, "stories per day", scanTally,
		`SELECT day, CAST(sum(count) AS bigint) FROM story_tallies WHERE organisation_id = ? AND event = ? AND dimension = '' AND day >= ?
		GROUP BY day HAVING sum(count) > 0 ORDER BY 1`, tallyScope(scope), string(event), sinceDay(since))
}

func (q Queries) PublishedStoriesBy(ctx context.Context, by storage.StoryDimension, since time.Time, scope storage.StoryScope) ([]storage.Tally, error) {
	switch by {
	case storage.ByLanguage, storage.ByCountry, storage.ByIdentity, storage.ByTheme:
	default:
		return nil, fmt.Errorf("stories by: unknown dimension %q", by)
	}
	if scope.SubmittedBy != "" {
		return q.submittedBy(ctx, by, since, scope)
	}
	return queryAll(ctx, q, "stories by "+string(by), scanTally,
		`SELECT value, CAST(sum(count) AS bigint) FROM story_tallies WHERE organisation_id = ? AND event = ? AND dimension = ? AND day >= ?
		GROUP BY value HAVING sum(count) > 0 ORDER BY 2 DESC, 1`, tallyScope(scope), string(storage.EventPublished), string(by), sinceDay(since))
}

func (q Queries) DecisionWaits(ctx context.Context, since time.Time, scope storage.StoryScope) ([]storage.WaitCount, error) {
	if scope.SubmittedBy != "" {
		return q.submittedWaits(ctx, since, scope)
	}
	return queryAll(ctx, q, "decision waits", func(row Row) (storage.WaitCount, error) {
		var w storage.WaitCount
		var seconds string
		err := row.Scan(&seconds, &w.Count)
		if err == nil {
			var n int64
			n, err = strconv.ParseInt(seconds, 10, 64)
			w.Wait = time.Duration(n) * time.Second
		}
		return w, err
	}, `SELECT value, CAST(sum(count) AS bigint) FROM story_tallies WHERE organisation_id = ? AND event IN (?, ?) AND dimension = ? AND day >= ?
		GROUP BY value HAVING sum(count) > 0`,
		tallyScope(scope), string(storage.EventPublished), string(storage.EventRejected), dimensionWait, sinceDay(since))
}

// The figures of a partner without an organisation (the stories they
// submitted themselves, found through the audit log) are counted from the
// stories' rows: there are few such stories, and no tallies per person.

// Conditions on the stories' rows that say what storyTallies says of a
// tombstone the retention job left.
const (
	rejectedCond  = "(status = 'rejected' OR (status = 'withdrawn' AND withdraw_reason = '" + story.ErasedRejected + "'))"
	withdrawnCond = "withdraw_reason NOT IN ('" + story.ErasedRejected + "', '" + story.ErasedUndecided + "')"
)

// submitterCond narrows to the stories a staff member submitted.
func submitterCond(column string, scope storage.StoryScope) Cond {
	return Cond{SQL: " AND " + column + " IN (SELECT subject_id FROM audit_log WHERE action = 'submit' AND actor = ?)", Args: []any{scope.SubmittedBy}}
}

func (q Queries) submittedPerDay(ctx context.Context, event storage.StoryEvent, since time.Time, scope storage.StoryScope) ([]storage.Tally, error) {
	var column, where string
	switch event {
	case storage.EventSubmitted:
		column, where = "created_at", "created_at >= ?"
	case storage.EventPublished:
		column, where = "published_at", "status = 'published' AND published_at >= ?"
	case storage.EventRejected:
		column, where = "updated_at", rejectedCond+" AND updated_at >= ?"
	case storage.EventWithdrawn:
		column, where = "withdrawn_at", q.D.HasTime("withdrawn_at")+" AND "+withdrawnCond+" AND withdrawn_at >= ?"
	}
	at := q.D.Time(since)
	if event == storage.EventPublished {
		at = q.D.SortedTime(since)
	}
	scoped := submitterCond("id", scope)
	day := q.D.Day(column)
	return queryAll(ctx, q, "stories per day", scanTally,
		"SELECT "+day+", count(*) FROM stories WHERE "+where+scoped.SQL+" GROUP BY "+day+" ORDER BY 1",
		append([]any{at}, scoped.Args...)...)
}

func (q Queries) submittedBy(ctx context.Context, by storage.StoryDimension, since time.Time, scope storage.StoryScope) ([]storage.Tally, error) {
	at := q.D.SortedTime(since)
	if by == storage.ByTheme {
		scoped := submitterCond("story_id", scope)
		return queryAll(ctx, q, "stories by theme", scanTally,
			"SELECT theme, count(*) FROM story_themes WHERE published_at >= ?"+scoped.SQL+" GROUP BY theme ORDER BY 2 DESC, 1",
			append([]any{at}, scoped.Args...)...)
	}
	scoped := submitterCond("id", scope)
	column := string(by)
	return queryAll(ctx, q, "stories by "+column, scanTally,
		"SELECT "+column+", count(*) FROM stories WHERE status = 'published' AND published_at >= ?"+scoped.SQL+
			" GROUP BY "+column+" ORDER BY 2 DESC, 1",
		append([]any{at}, scoped.Args...)...)
}

func (q Queries) submittedWaits(ctx context.Context, since time.Time, scope storage.StoryScope) ([]storage.WaitCount, error) {
	scoped := submitterCond("id", scope)
	query := `SELECT created_at, published_at FROM stories WHERE status = 'published' AND published_at >= ?` + scoped.SQL + `
		UNION ALL SELECT created_at, updated_at FROM stories WHERE ` + rejectedCond + ` AND updated_at >= ?` + scoped.SQL
	args := append([]any{q.D.SortedTime(since)}, scoped.Args...)
	args = append(append(args, q.D.Time(since)), scoped.Args...)
	waits, err := queryAll(ctx, q, "decision waits", func(row Row) (time.Duration, error) {
		var created, decided Time
		err := row.Scan(&created, &decided)
		return storage.WaitBucket(decided.Sub(created.Time)), err
	}, query, args...)
	if err != nil {
		return nil, err
	}
	counts := map[time.Duration]int64{}
	for _, w := range waits {
		counts[w]++
	}
	out := make([]storage.WaitCount, 0, len(counts))
	for w, n := range counts {
		out = append(out, storage.WaitCount{Wait: w, Count: n})
	}
	return out, nil
}

func (q Queries) PostsBy(ctx context.Context, since time.Time) ([]storage.PostTally, error) {
	return queryAll(ctx, q, "posts by network", func(row Row) (storage.PostTally, error) {
		var t storage.PostTally
		var hidden int
		err := row.Scan(&t.Network, &t.Language, &hidden, &t.Count)
		t.Hidden = hidden == 1
		return t, err
	}, `SELECT network, language, CASE WHEN status = 'hidden' THEN 1 ELSE 0 END, count(*) FROM social_posts
		WHERE created_at >= ? GROUP BY network, language, CASE WHEN status = 'hidden' THEN 1 ELSE 0 END ORDER BY 1, 2, 3`,
		q.D.Time(since))
}

func (q Queries) DailyCounts(ctx context.Context, metric, sinceDay string) ([]storage.Tally, error) {
	return queryAll(ctx, q, "daily counts", scanTally,
		"SELECT dimension, CAST(sum(count) AS bigint) FROM analytics_daily WHERE metric = ? AND day >= ? GROUP BY dimension ORDER BY 2 DESC, 1",
		metric, sinceDay)
}

func (q Queries) DailySeries(ctx context.Context, metric, sinceDay string) ([]storage.Tally, error) {
	return queryAll(ctx, q, "daily series", scanTally,
		"SELECT day, CAST(sum(count) AS bigint) FROM analytics_daily WHERE metric = ? AND day >= ? GROUP BY day ORDER BY 1",
		metric, sinceDay)
}

func (q Queries) CountStaff(ctx context.Context, role staff.Role) (int, error) {
	var n int
	err := q.DB.QueryRow(ctx, "SELECT count(*) FROM users WHERE role = ?", string(role)).Scan(&n)
	return n, q.err("count staff", err)
}

func (q Queries) StoryIDsWithStatus(ctx context.Context, status story.Status, limit int) ([]string, error) {
	return queryAll(ctx, q, "story ids", scanString, "SELECT id FROM stories WHERE status = ? ORDER BY id LIMIT ?", string(status), limit)
}

// AddDailyCounts writes every count in one statement per hundred rows.
func (t *Tx) AddDailyCounts(ctx context.Context, counts []storage.DailyCount) error {
	return insertRows(ctx, t, "add daily counts", "INSERT INTO analytics_daily (day, metric, dimension, count)", `
		ON CONFLICT (metric, day, dimension) DO UPDATE SET count = CASE
			WHEN excluded.metric <> '`+storage.VisitorsMetric+`' THEN analytics_daily.count + excluded.count
			WHEN excluded.count > analytics_daily.count THEN excluded.count
			ELSE analytics_daily.count END`,
		counts, func(c storage.DailyCount) []any { return []any{c.Day, c.Metric, c.Dimension, c.Count} })
}

func (t *Tx) EraseContacts(ctx context.Context) (int, error) {
	n, err := t.DB.Exec(ctx, "UPDATE stories SET contact_sealed = NULL WHERE contact_sealed IS NOT NULL")
	return int(n), t.err("erase contacts", err)
}

func (t *Tx) DeleteSignInRecords(ctx context.Context) (int, error) {
	n, err := t.DB.Exec(ctx, "DELETE FROM credentials WHERE kind IN (?, ?)", "session", "signin_link")
	return int(n), t.err("delete sign-in records", err)
}

// PublishedUpTo lists up to limit published stories published at or
// before upTo (zero: any), newest first. A bound on the time alone walks
// the listing index as a range however deep the walk goes.
func (q Queries) PublishedUpTo(ctx context.Context, upTo time.Time, limit int) ([]*story.Story, error) {
	where := []Cond{{SQL: "s.status = 'published'"}}
	if !upTo.IsZero() {
		where = append(where, Cond{SQL: "s.published_at <= ?", Args: []any{q.D.SortedTime(upTo)}})
	}
	l := Listing{Q: q, Limit: limit}
	return l.Run(ctx, l.From(), where, NewestFirst)
}
