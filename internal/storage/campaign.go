package storage

import (
	"context"
	"fmt"
	"math"
	"time"

	"chorus/internal/staff"
	"chorus/internal/story"
)

// CampaignReader reads the figures of the campaign's dashboard. The
// stories' figures are counted per day (UTC): since stands for its day.
type CampaignReader interface {
	// StoriesPerDay counts, per day (UTC), the stories that reached an
	// event on or after since, within the scope.
	StoriesPerDay(ctx context.Context, event StoryEvent, since time.Time, scope StoryScope) ([]Tally, error)
	// PublishedStoriesBy counts the published stories by a dimension,
	// published on or after since, within the scope.
	PublishedStoriesBy(ctx context.Context, by StoryDimension, since time.Time, scope StoryScope) ([]Tally, error)
	// DecisionWaits counts how long the stories decided (published or
	// rejected) on or after since waited for their decision, each wait
	// rounded by WaitBucket.
	DecisionWaits(ctx context.Context, since time.Time, scope StoryScope) ([]WaitCount, error)
	// PostsBy counts the social posts taken in on or after since by
	// network, language and whether policy hid them.
	PostsBy(ctx context.Context, since time.Time) ([]PostTally, error)
	// DailyCounts sums the analytics counts of a metric by dimension over
	// the days from sinceDay (YYYY-MM-DD, "" for all).
	DailyCounts(ctx context.Context, metric, sinceDay string) ([]Tally, error)
	// DailySeries sums the analytics counts of a metric by day from
	// sinceDay.
	DailySeries(ctx context.Context, metric, sinceDay string) ([]Tally, error)
	// PublishedUpTo lists up to limit published stories published at or
	// before upTo (zero: any), newest first: the open data's walk.
	PublishedUpTo(ctx context.Context, upTo time.Time, limit int) ([]*story.Story, error)
	// CountStaff counts the staff accounts of a role.
	CountStaff(ctx context.Context, role staff.Role) (int, error)
	// StoryIDsWithStatus lists up to limit ids of stories with a status.
	StoryIDsWithStatus(ctx context.Context, status story.Status, limit int) ([]string, error)
}

// CampaignWriter writes the analytics counts and the retention erasures.
type CampaignWriter interface {
	// AddDailyCounts adds each count to its row, creating it when needed;
	// a count of the visitors metric keeps the larger of the two.
	AddDailyCounts(ctx context.Context, counts []DailyCount) error
	// EraseContacts forgets every story's contact e-mail.
	EraseContacts(ctx context.Context) (int, error)
	// DeleteSignInRecords removes every session and sign-in link (API
	// tokens stay).
	DeleteSignInRecords(ctx context.Context) (int, error)
}

// StoryEvent is a moment in a story's life the dashboard counts.
type StoryEvent string

// The events counted per day.
const (
	EventSubmitted StoryEvent = "submitted"
	EventPublished StoryEvent = "published"
	EventRejected  StoryEvent = "rejected"
	EventWithdrawn StoryEvent = "withdrawn"
)

// StoryEvents lists the events in the dashboard's order.
var StoryEvents = []StoryEvent{EventSubmitted, EventPublished, EventRejected, EventWithdrawn}

// StoryDimension is a way of grouping published stories.
type StoryDimension string

// The dimensions of published stories.
const (
	ByLanguage StoryDimension = "language"
	ByCountry  StoryDimension = "country"
	ByTheme    StoryDimension = "theme"
	ByIdentity StoryDimension = "identity"
)

// StoryScope narrows the dashboard's story figures. The zero scope is the
// whole campaign; OrganisationID keeps the stories told through an
// organisation (by any of its members, withdrawn ones included);
// otherwise SubmittedBy keeps the stories a staff member submitted (the
// audit log's actor of their submission).
type StoryScope struct {
	OrganisationID string
	SubmittedBy    string
}

// Scoped says the scope narrows the figures.
func (s StoryScope) Scoped() bool { return s.OrganisationID != "" || s.SubmittedBy != "" }

// Tally is a count under a label (a day, a language, a channel...).
type Tally struct {
	Label string
	Count int64
}

// WaitBucket rounds a wait for a decision to one of 16 steps per
// doubling from six minutes (each within 2.3 % of the waits it holds):
// few enough that a year of daily counts stays small, fine enough for a
// median read to two significant figures. Waits under six minutes are 0.
func WaitBucket(d time.Duration) time.Duration {
	const first, steps = 6 * time.Minute, 16
	if d < first {
		return 0
	}
	k := math.Floor(steps * math.Log2(float64(d)/float64(first)))
	return time.Duration(float64(first) * math.Exp2((k+0.5)/steps)).Round(time.Second)
}

// WaitCount counts the stories that waited as long for a decision.
type WaitCount struct {
	Wait  time.Duration
	Count int64
}

// PostTally counts social posts of one network and language.
type PostTally struct {
	Network, Language string
	Hidden            bool
	Count             int64
}

// DailyCount is an analytics count of one day (UTC, YYYY-MM-DD).
type DailyCount struct {
	Day       string
	Metric    string
	Dimension string
	Count     int64
}

// name names c in messages: "daily count view/embed of 2026-03-01".
func (c *DailyCount) name() string {
	metric := c.Metric
	if c.Dimension != "" {
		metric += "/" + c.Dimension
	}
	return fmt.Sprintf("daily count %s of %s", metric, c.Day)
}

// VisitorsMetric is the analytics metric of estimated unique visitors.
const VisitorsMetric = "visitors"
