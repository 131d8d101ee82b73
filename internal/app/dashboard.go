package app

import (
	"cmp"
	"context"
	"math"
	"slices"
	"time"

	"chorus/internal/analytics"
	"chorus/internal/staff"
	"chorus/internal/storage"
	"chorus/internal/story"
)

// Period is the span of the dashboard's figures.
type Period string

// The dashboard's periods.
const (
	Last7Days      Period = "7d"
	Last30Days     Period = "30d"
	CampaignToDate Period = "campaign"
)

// Periods lists the periods in the dashboard's order.
var Periods = []Period{Last7Days, Last30Days, CampaignToDate}

// Row is one line of a panel: a label and a value per column.
type Row struct {
	Label  string
	Values []int64
}

// Panel is one chart of the dashboard with its data: the same rows draw
// the chart, fill the table beside it and make its CSV.
type Panel struct {
	ID      string   // stable name: the CSV's file, the catalog's key
	Columns []string // what each value counts, as catalog keys' last part
	Rows    []Row
	// Labels says how to show row labels: "day", "language", "country",
	// "theme", "identity", "channel" or "" (as they are).
	Labels string
}

// Total sums a column.
func (p Panel) Total(col int) int64 {
	var n int64
	for _, r := range p.Rows {
		n += r.Values[col]
	}
	return n
}

// Max is the largest value of the panel.
func (p Panel) Max() int64 {
	var n int64
	for _, r := range p.Rows {
		n = max(n, slices.Max(r.Values))
	}
	return n
}

// Dashboard is the campaign's picture for one period.
type Dashboard struct {
	Period Period
	Since  time.Time // zero: since the beginning
	// Scoped says the figures are one partner's own.
	Scoped bool
	// Pending is the moderation queue's length now; Decided the stories
	// decided in the period and MedianDecision their median wait.
	Pending        int
	Decided        int
	MedianDecision time.Duration
	// HiddenShare is the share of social posts hidden by policy, in
	// percent, -1 when no post came in.
	HiddenShare int
	Panels      []Panel
}

// MedianHours is the median wait for a decision in hours, rounded to the
// two significant figures the dashboard's figures hold (storage.WaitBucket).
func (d *Dashboard) MedianHours() float64 {
	h := d.MedianDecision.Hours()
	switch {
	case h >= 100:
		return math.Round(h/10) * 10
	case h >= 10:
		return math.Round(h)
	}
	return math.Round(h*10) / 10
}

// Panel returns the panel of an id, nil when none.
func (d *Dashboard) Panel(id string) *Panel {
	for i := range d.Panels {
		if d.Panels[i].ID == id {
			return &d.Panels[i]
		}
	}
	return nil
}

// since is when a period starts at now.
func (a *App) since(ctx context.Context, p Period) (time.Time, error) {
	today := a.now().Truncate(24 * time.Hour)
	switch p {
	case Last7Days:
		return today.AddDate(0, 0, -6), nil
	case Last30Days:
		return today.AddDate(0, 0, -29), nil
	case CampaignToDate:
		t, err := a.Timeline(ctx)
		if err != nil || t.Start == "" {
			return time.Time{}, err
		}
		return time.Parse(time.DateOnly, t.Start)
	}
	return time.Time{}, story.Errorf(story.CodeBadRequest, "error.bad_period", "Unknown period.")
}

// Dashboard gathers the figures of a period: everything for admins; for
// a partner, the stories told through their organisation (by any of its
// members; without an organisation, the stories they submitted) and
// nothing about the site as a whole.
func (a *App) Dashboard(ctx context.Context, by *staff.User, p Period) (*Dashboard, error) {
	if err := can(by, ActionSeeDashboard); err != nil {
		return nil, err
	}
	since, err := a.since(ctx, p)
	if err != nil {
		return nil, err
	}
	scope := storage.StoryScope{}
	if by.Role != staff.RoleAdmin {
		m, err := membership(ctx, a.store, by)
		if err != nil {
			return nil, err
		}
		if m != nil {
			scope.OrganisationID = m.OrganisationID
		} else {
			scope.SubmittedBy = actor(by)
		}
	}
	d := &Dashboard{Period: p, Since: since, Scoped: scope.Scoped(), HiddenShare: -1}

	events := map[string][]int64{}
	var days []string
	for i, ev := range storage.StoryEvents {
		tallies, err := a.store.StoriesPerDay(ctx, ev, since, scope)
		if err != nil {
			return nil, err
		}
		for _, t := range tallies {
			if events[t.Label] == nil {
				events[t.Label] = make([]int64, len(storage.StoryEvents))
				days = append(days, t.Label)
			}
			events[t.Label][i] = t.Count
		}
	}
	slices.Sort(days)
	stories := Panel{ID: "stories", Labels: "day"}
	for _, ev := range storage.StoryEvents {
		stories.Columns = append(stories.Columns, string(ev))
	}
	for _, day := range days {
		stories.Rows = append(stories.Rows, Row{Label: day, Values: events[day]})
	}
	d.Panels = append(d.Panels, stories)

	for _, by := range []storage.StoryDimension{storage.ByLanguage, storage.ByCountry, storage.ByTheme, storage.ByIdentity} {
		tallies, err := a.store.PublishedStoriesBy(ctx, by, since, scope)
		if err != nil {
			return nil, err
		}
		d.Panels = append(d.Panels, tallyPanel(string(by), "published", string(by), tallies))
	}

	waits, err := a.store.DecisionWaits(ctx, since, scope)
	if err != nil {
		return nil, err
	}
	d.Decided, d.MedianDecision = medianWait(waits)
	if d.Scoped {
		return d, nil
	}
	if d.Pending, err = a.store.CountByStatus(ctx, story.StatusPending); err != nil {
		return nil, err
	}

	posts, err := a.store.PostsBy(ctx, since)
	if err != nil {
		return nil, err
	}
	postPanel := Panel{ID: "posts", Columns: []string{"shown", "hidden"}}
	var all, hidden int64
	for _, t := range posts {
		label := t.Network + " · " + t.Language
		if t.Language == "" {
			label = t.Network
		}
		if n := len(postPanel.Rows); n == 0 || postPanel.Rows[n-1].Label != label {
			postPanel.Rows = append(postPanel.Rows, Row{Label: label, Values: make([]int64, 2)})
		}
		col := 0
		if t.Hidden {
			col, hidden = 1, hidden+t.Count
		}
		all += t.Count
		postPanel.Rows[len(postPanel.Rows)-1].Values[col] += t.Count
	}
	if all > 0 {
		d.HiddenShare = int(hidden * 100 / all)
	}
	d.Panels = append(d.Panels, postPanel)

	sinceDay := ""
	if !since.IsZero() {
		sinceDay = since.Format(time.DateOnly)
	}
	views, err := a.store.DailyCounts(ctx, analytics.MetricView, sinceDay)
	if err != nil {
		return nil, err
	}
	channels := Panel{ID: "views", Columns: []string{"views"}, Labels: "channel"}
	for _, ch := range analytics.Channels {
		var n int64
		for _, t := range views {
			if t.Label == string(ch) {
				n = t.Count
			}
		}
		channels.Rows = append(channels.Rows, Row{Label: string(ch), Values: []int64{n}})
	}
	d.Panels = append(d.Panels, channels)
	visitors, err := a.store.DailySeries(ctx, analytics.MetricVisitors, sinceDay)
	if err != nil {
		return nil, err
	}
	d.Panels = append(d.Panels, tallyPanel("visitors", "visitors", "day", visitors))
	for _, m := range []struct{ metric, id, labels string }{
		{analytics.MetricShare, "shares", ""},
		{analytics.MetricReferrer, "referrers", ""},
		{analytics.MetricToolkit, "toolkit", "language"},
	} {
		tallies, err := a.store.DailyCounts(ctx, m.metric, sinceDay)
		if err != nil {
			return nil, err
		}
		d.Panels = append(d.Panels, tallyPanel(m.id, m.id, m.labels, tallies))
	}
	return d, nil
}

// medianWait counts the decisions and finds their median wait (between
// the two middle ones for an even count).
func medianWait(waits []storage.WaitCount) (int, time.Duration) {
	slices.SortFunc(waits, func(a, b storage.WaitCount) int { return cmp.Compare(a.Wait, b.Wait) })
	var n int64
	for _, w := range waits {
		n += w.Count
	}
	if n == 0 {
		return 0, 0
	}
	// at is the wait of the decision of rank k (0-based).
	at := func(k int64) time.Duration {
		for _, w := range waits {
			if k < w.Count {
				return w.Wait
			}
			k -= w.Count
		}
		return 0
	}
	if n%2 == 1 {
		return int(n), at(n / 2)
	}
	return int(n), (at(n/2-1) + at(n/2)) / 2
}

func tallyPanel(id, column, labels string, tallies []storage.Tally) Panel {
	p := Panel{ID: id, Columns: []string{column}, Labels: labels}
	for _, t := range tallies {
		p.Rows = append(p.Rows, Row{Label: t.Label, Values: []int64{t.Count}})
	}
	return p
}

// Impact is the public picture of the campaign: only what is safe to show.
type Impact struct {
	Published int
	Languages int
	Countries int
	Partners  int
}

// Impact counts the published stories, their languages and countries, and
// the partner organisations that set a profile.
func (a *App) Impact(ctx context.Context) (Impact, error) {
	var im Impact
	var err error
	if im.Published, err = a.store.CountByStatus(ctx, story.StatusPublished); err != nil {
		return im, err
	}
	langs, err := a.store.PublishedStoriesBy(ctx, storage.ByLanguage, time.Time{}, storage.StoryScope{})
	if err != nil {
		return im, err
	}
	im.Languages = len(langs)
	countries, err := a.store.Countries(ctx)
	if err != nil {
		return im, err
	}
	im.Countries = len(countries)
	// Partner organisations are partner accounts today.
	im.Partners, err = a.store.CountStaff(ctx, staff.RolePartner)
	return im, err
}
