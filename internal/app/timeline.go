package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"chorus/internal/audit"
	"chorus/internal/staff"
	"chorus/internal/storage"
	"chorus/internal/story"
)

// Timeline is the campaign's life as admins set it: its dates, the theme
// of each month, the stories featured from one date to another, how long
// private data is kept after the end, and the open data's licence. It is
// one setting, changed at /{lang}/staff/campaign or with `chorus campaign`.
type Timeline struct {
	// Start and End are dates (YYYY-MM-DD), End included. None: the
	// campaign is open.
	Start string `json:"start,omitempty"`
	End   string `json:"end,omitempty"`
	// RetentionDays after the end, the retention job erases private data.
	RetentionDays int                `json:"retention_days"`
	Themes        []MonthTheme       `json:"themes,omitempty"`
	Featured      []ScheduledFeature `json:"featured,omitempty"`
	// Licence is the open data's licence, one of Licences.
	Licence string `json:"licence"`
}

// MonthTheme is the theme of one month (YYYY-MM), one of the campaign's.
type MonthTheme struct {
	Month string `json:"month"`
	Theme string `json:"theme"`
}

// ScheduledFeature features a published story on the home page from one
// date to another, both included.
type ScheduledFeature struct {
	StoryID string `json:"story_id"`
	From    string `json:"from"`
	To      string `json:"to"`
}

// Licence is a licence the open data may be published under.
type Licence struct{ Code, Name, URL string }

// Licences are those admins choose from; the first is the default.
var Licences = []Licence{
	{"CC-BY-4.0", "Creative Commons Attribution 4.0 International", "https://creativecommons.org/licenses/by/4.0/"},
	{"CC-BY-SA-4.0", "Creative Commons Attribution-ShareAlike 4.0 International", "https://creativecommons.org/licenses/by-sa/4.0/"},
	{"CC-BY-NC-4.0", "Creative Commons Attribution-NonCommercial 4.0 International", "https://creativecommons.org/licenses/by-nc/4.0/"},
	{"CC0-1.0", "Creative Commons Zero 1.0 Universal", "https://creativecommons.org/publicdomain/zero/1.0/"},
}

// LicenceOf returns the licence of a code, the default for an unknown one.
func LicenceOf(code string) Licence {
	for _, l := range Licences {
		if l.Code == code {
			return l
		}
	}
	return Licences[0]
}

// DefaultRetentionDays is how long private data stays after the end.
const DefaultRetentionDays = 90

// Limits of the timeline: a campaign of a few years at most.
const (
	maxRetentionDays = 3650
	maxScheduled     = 500
)

const timelineKey = "campaign.timeline"

// ErrCampaignClosed refuses a new story once the campaign has ended.
var ErrCampaignClosed = &story.Error{Code: story.CodeCampaignClosed, Key: "error.campaign_closed",
	Message: "The campaign has ended and no longer takes new stories. Stories already told can still be withdrawn."}

func parseDay(field, v string) (time.Time, error) {
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, story.FieldError(field, "error.campaign_date", "Dates are written YYYY-MM-DD.")
	}
	return d, nil
}

// DefaultEnd is the end of a campaign of twelve months from start.
func DefaultEnd(start time.Time) time.Time { return start.AddDate(1, 0, -1) }

// check validates the timeline against the campaign's themes and fills
// the defaults: an end twelve months from the start, the retention days,
// the licence.
func (t *Timeline) check(themes []string) error {
	var start, end time.Time
	var err error
	if t.Start != "" {
		if start, err = parseDay("start", t.Start); err != nil {
			return err
		}
	}
	if t.End != "" {
		if end, err = parseDay("end", t.End); err != nil {
			return err
		}
	}
	switch {
	case t.Start == "" && t.End != "":
		return story.FieldError("start", "error.campaign_start_required", "An end needs a start.")
	case t.Start != "" && t.End == "":
		t.End = DefaultEnd(start).Format(time.DateOnly)
	case t.Start != "" && end.Before(start):
		return story.FieldError("end", "error.campaign_end_before_start", "The end comes before the start.")
	}
	if t.RetentionDays == 0 {
		t.RetentionDays = DefaultRetentionDays
	}
	if t.RetentionDays < 0 || t.RetentionDays > maxRetentionDays {
		return story.FieldError("retention_days", "error.campaign_retention", fmt.Sprintf("Keep private data 1 to %d days after the end.", maxRetentionDays))
	}
	if t.Licence == "" {
		t.Licence = Licences[0].Code
	}
	if LicenceOf(t.Licence).Code != t.Licence {
		return story.FieldError("licence", "error.campaign_licence", "Choose one of the licences offered.")
	}
	if len(t.Themes) > maxScheduled || len(t.Featured) > maxScheduled {
		return story.FieldError("themes", "error.campaign_too_many", "Too many entries.")
	}
	for i, m := range t.Themes {
		if _, err := time.Parse("2006-01", m.Month); err != nil {
			return story.FieldError("themes", "error.campaign_month", "Months are written YYYY-MM.")
		}
		if !slices.Contains(themes, m.Theme) {
			return story.FieldError("themes", "error.campaign_theme", "Choose one of the campaign's themes.")
		}
		if slices.ContainsFunc(t.Themes[:i], func(o MonthTheme) bool { return o.Month == m.Month }) {
			return story.FieldError("themes", "error.campaign_month_twice", "A month has one theme.")
		}
	}
	for _, f := range t.Featured {
		from, err := parseDay("featured", f.From)
		if err != nil {
			return err
		}
		to, err := parseDay("featured", f.To)
		if err != nil {
			return err
		}
		if to.Before(from) || f.StoryID == "" || len(f.StoryID) > 64 {
			return story.FieldError("featured", "error.campaign_feature", "A featured story needs its id and a period whose end is not before its start.")
		}
	}
	return nil
}

// Closed reports whether the campaign has ended at now: archive mode.
func (t Timeline) Closed(now time.Time) bool {
	end, err := time.Parse(time.DateOnly, t.End)
	return err == nil && !now.Before(end.AddDate(0, 0, 1))
}

// RetentionDue reports whether private data must be erased at now.
func (t Timeline) RetentionDue(now time.Time) bool {
	end, err := time.Parse(time.DateOnly, t.End)
	return err == nil && !now.Before(end.AddDate(0, 0, 1+t.RetentionDays))
}

// ThemeOn is the theme of the month of now, "" when none is set.
func (t Timeline) ThemeOn(now time.Time) string {
	month := now.UTC().Format("2006-01")
	for _, m := range t.Themes {
		if m.Month == month {
			return m.Theme
		}
	}
	return ""
}

// FeaturedOn lists the stories scheduled on the day of now.
func (t Timeline) FeaturedOn(now time.Time) []string {
	day := now.UTC().Format(time.DateOnly)
	var out []string
	for _, f := range t.Featured {
		if f.From <= day && day <= f.To && !slices.Contains(out, f.StoryID) {
			out = append(out, f.StoryID)
		}
	}
	return out
}

// Timeline returns the campaign's timeline; the defaults when none was set.
func (a *App) Timeline(ctx context.Context) (Timeline, error) {
	return timelineFrom(ctx, a.store)
}

func timelineFrom(ctx context.Context, r storage.Reader) (Timeline, error) {
	t := Timeline{RetentionDays: DefaultRetentionDays, Licence: Licences[0].Code}
	s, err := r.Setting(ctx, timelineKey)
	if errors.Is(err, story.ErrNotFound) {
		return t, nil
	}
	if err != nil {
		return t, err
	}
	if err := json.Unmarshal(s.Value, &t); err != nil {
		return t, fmt.Errorf("campaign timeline: %w", err)
	}
	return t, nil
}

// CampaignClosed reports whether the campaign has ended: the site is an
// archive, taking no new stories.
func (a *App) CampaignClosed(ctx context.Context) (bool, error) {
	t, err := a.Timeline(ctx)
	return err == nil && t.Closed(a.now()), err
}

// checkOpen refuses new stories once the campaign has ended.
func (a *App) checkOpen(ctx context.Context) error {
	closed, err := a.CampaignClosed(ctx)
	if err != nil {
		return err
	}
	if closed {
		return ErrCampaignClosed
	}
	return nil
}

// SaveTimeline replaces the campaign's timeline; admins only.
func (a *App) SaveTimeline(ctx context.Context, by *staff.User, t Timeline) error {
	if err := can(by, ActionSetCampaign); err != nil {
		return err
	}
	return a.saveTimeline(ctx, actor(by), t)
}

// SetCampaignDates sets the campaign's start and end (YYYY-MM-DD; an empty
// end is twelve months from the start), keeping the rest of the timeline:
// the command line's way.
func (a *App) SetCampaignDates(ctx context.Context, start, end string) (Timeline, error) {
	t, err := a.Timeline(ctx)
	if err != nil {
		return t, err
	}
	t.Start, t.End = start, end
	if err := a.saveTimeline(ctx, "command line", t); err != nil {
		return t, err
	}
	return a.Timeline(ctx)
}

func (a *App) saveTimeline(ctx context.Context, by string, t Timeline) error {
	if err := t.check(a.Campaign.Themes); err != nil {
		return err
	}
	value, err := json.Marshal(t)
	if err != nil {
		return err
	}
	now := a.now()
	err = a.store.WithTx(ctx, func(tx storage.Tx) error {
		if err := tx.PutSetting(ctx, storage.Setting{Key: timelineKey, Value: value, UpdatedAt: now, UpdatedBy: by}); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Entry{At: now, Actor: by, Action: "campaign_timeline", SubjectID: timelineKey,
			Note: fmt.Sprintf("%s to %s, retention %d days", t.Start, t.End, t.RetentionDays)})
	})
	if err != nil {
		return err
	}
	a.publish(PublicChanged{})
	return nil
}

// ScheduledFeatured returns the published stories scheduled for the home
// page today, in the timeline's order.
func (a *App) ScheduledFeatured(ctx context.Context) ([]*story.Story, error) {
	t, err := a.Timeline(ctx)
	if err != nil {
		return nil, err
	}
	var out []*story.Story
	for _, id := range t.FeaturedOn(a.now()) {
		s, err := a.PublicStory(ctx, id)
		if errors.Is(err, story.ErrNotFound) || errors.Is(err, story.ErrGone) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}
