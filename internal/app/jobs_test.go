package app

import (
	"testing"
	"time"
)

func TestDailyAtSchedulesTheNextOccurrence(t *testing.T) {
	at := dailyAt(3)
	cases := map[string]string{
		"2026-11-28T01:00:00Z": "2026-11-28T03:00:00Z",
		"2026-11-28T03:00:00Z": "2026-11-29T03:00:00Z",
		"2026-11-28T23:59:00Z": "2026-11-29T03:00:00Z",
		"2026-12-31T04:00:00Z": "2027-01-01T03:00:00Z",
	}
	for from, want := range cases {
		f, _ := time.Parse(time.RFC3339, from)
		if got := at.Next(f).Format(time.RFC3339); got != want {
			t.Errorf("after %s: %s, want %s", from, got, want)
		}
	}
}
