package analytics

import (
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

const browser = "Mozilla/5.0 (Linux; Android 10) AppleWebKit/537.36 Chrome/120 Mobile Safari/537.36"

func TestVisitorsAreEstimatedWithoutKeepingThem(t *testing.T) {
	// One key for a whole day: the same visitor counts once.
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	c := NewCounter(func() time.Time { return now }, 5*time.Second)
	for i := range 20000 {
		v := Visit{Address: fmt.Sprintf("2001:db8::%x", i), UserAgent: browser}
		c.View(v, Direct)
		c.View(v, Embed)
	}
	counts := c.Drain()
	got := map[string]int64{}
	for _, n := range counts {
		got[n.Metric+"/"+n.Dimension] = n.Value
	}
	if got["view/direct"] != 20000 || got["view/embed"] != 20000 {
		t.Errorf("views: %v", got)
	}
	if v := got["visitors/"]; v < 19000 || v > 21000 {
		t.Errorf("visitors estimated at %d, want about 20000", v)
	}
	if len(c.Drain()) != 0 {
		t.Error("a second drain handed over counts again")
	}
}

func TestOptedOutAndRobotsAreNotCounted(t *testing.T) {
	c := NewCounter(time.Now, time.Second)
	for _, h := range []map[string]string{
		{"User-Agent": browser, "DNT": "1"},
		{"User-Agent": browser, "Sec-GPC": "1"},
		{"User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"},
		{"User-Agent": "curl/8.5.0"},
		{},
	} {
		r := httptest.NewRequest("GET", "/en/stories/x", nil)
		for k, v := range h {
			r.Header.Set(k, v)
		}
		c.View(VisitOf(r, "192.0.2.1"), Direct)
		c.Add(VisitOf(r, "192.0.2.1"), MetricToolkit, "en")
	}
	if got := c.Drain(); len(got) != 0 {
		t.Errorf("counted %v", got)
	}
}

func TestOnlyKnownSitesAreKeptOfAReferrer(t *testing.T) {
	for referer, want := range map[string]string{
		"https://www.google.com/search?q=my+name+is+amal": "google",
		"https://t.co/abc":                   "x",
		"https://l.facebook.com/l.php?u=x":   "facebook",
		"https://someone.example/private?id": "",
		"javascript:alert(1)":                "",
		"":                                   "",
		"https://" + strings.Repeat("a", 3000) + ".com/": "",
	} {
		if got := ReferrerSite(referer); got != want {
			t.Errorf("ReferrerSite(%.40q) = %q, want %q", referer, got, want)
		}
	}
}

func TestTheDayRotatesItsKeyAndHandsOverTheEstimate(t *testing.T) {
	now := time.Date(2026, 12, 6, 23, 59, 0, 0, time.UTC)
	c := NewCounter(func() time.Time { return now }, time.Second)
	c.View(Visit{Address: "192.0.2.1", UserAgent: browser}, Direct)
	seed := c.seed
	now = now.Add(2 * time.Minute)
	c.View(Visit{Address: "192.0.2.1", UserAgent: browser}, Direct)
	if c.seed == seed {
		t.Error("the visitor key did not change with the day")
	}
	var days []string
	for _, n := range c.Drain() {
		if n.Metric == MetricVisitors {
			days = append(days, n.Day+fmt.Sprint(n.Value))
		}
	}
	slices.Sort(days)
	if !slices.Equal(days, []string{"2026-12-061", "2026-12-071"}) {
		t.Errorf("visitors by day: %v", days)
	}
}

func TestCountsThatFailToBeWrittenComeBack(t *testing.T) {
	c := NewCounter(time.Now, time.Second)
	c.Add(Visit{UserAgent: browser}, MetricShare, "bluesky")
	failed := c.Drain()
	c.Add(Visit{UserAgent: browser}, MetricShare, "bluesky")
	c.Return(failed)
	if got := c.Drain(); len(got) != 1 || got[0].Value != 2 {
		t.Errorf("after a failed write: %v", got)
	}
}

func FuzzReferrerSite(f *testing.F) {
	f.Add("https://www.google.com/search?q=x")
	f.Add("http://[::1]:80/")
	f.Add("https://t.co")
	f.Fuzz(func(t *testing.T, referer string) {
		got := ReferrerSite(referer)
		if got != "" && !slices.Contains(knownNames(), got) {
			t.Errorf("ReferrerSite(%q) = %q, not a known site", referer, got)
		}
	})
}

func knownNames() []string {
	var out []string
	for _, name := range knownSites {
		out = append(out, name)
	}
	return out
}
