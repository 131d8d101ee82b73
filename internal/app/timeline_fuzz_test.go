package app

import (
	"testing"
	"time"
)

// FuzzTimelineCheck feeds the campaign page's fields to the timeline's
// check: it never panics, and what it accepts it accepts again unchanged
// (the defaults it fills are stable) with an end not before the start.
func FuzzTimelineCheck(f *testing.F) {
	f.Add("2027-01-15", "", 90, "2027-03", "work", "abc", "2027-03-01", "2027-03-07", "CC-BY-4.0")
	f.Add("", "2027-01-01", 0, "2027-3", "nope", "", "x", "y", "")
	f.Fuzz(func(t *testing.T, start, end string, days int, month, theme, id, from, to, licence string) {
		tl := Timeline{Start: start, End: end, RetentionDays: days, Licence: licence,
			Themes: []MonthTheme{{Month: month, Theme: theme}}, Featured: []ScheduledFeature{{StoryID: id, From: from, To: to}}}
		themes := DefaultCampaign().Themes
		if err := tl.check(themes); err != nil {
			return
		}
		again := tl
		if err := again.check(themes); err != nil || again.End != tl.End || again.RetentionDays != tl.RetentionDays {
			t.Fatalf("accepted %+v, then %+v: %v", tl, again, err)
		}
		if tl.Start != "" {
			s, _ := time.Parse(time.DateOnly, tl.Start)
			e, _ := time.Parse(time.DateOnly, tl.End)
			if e.Before(s) {
				t.Fatalf("end %s before start %s", tl.End, tl.Start)
			}
		}
	})
}
