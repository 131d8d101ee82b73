// Package analytics counts views on the server without surveillance: no
// cookie, no script, no pixel; no address, user agent or full referrer is
// ever kept. Counts are aggregated in memory and handed over in batches.
// Unique visitors are estimated per day from a keyed hash whose key is
// made in memory each day and never written anywhere.
package analytics

import (
	"bytes"
	"hash/maphash"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Channel is how a story was seen.
type Channel string

// The channels of story views.
const (
	Direct     Channel = "direct"     // the story's own page
	Embed      Channel = "embed"      // a partner's site embedding it
	Feed       Channel = "feed"       // a feed reader
	Federation Channel = "federation" // the fediverse fetching it
)

// Channels lists every channel in the dashboard's order.
var Channels = []Channel{Direct, Embed, Feed, Federation}

// The metrics counted per day.
const (
	MetricView     = "view"     // by channel
	MetricVisitors = "visitors" // estimated unique visitors, no dimension
	MetricReferrer = "referrer" // by referring site, known sites only
	MetricShare    = "share"    // share-link clicks, by network
	MetricToolkit  = "toolkit"  // toolkit downloads, by language
)

// Visit is what counting may look at of one request, for as long as the
// request lasts.
type Visit struct {
	// Address and UserAgent feed the day's visitor hash only.
	Address   string
	UserAgent string
	// Referrer is the known site the visitor came from, or "".
	Referrer string
	// Opted says the visitor asked not to be counted (DNT, GPC) or is a
	// known robot.
	Opted bool
}

// VisitOf reads a request: address is the client's address as the site
// determined it (behind a trusted proxy, from X-Forwarded-For).
func VisitOf(r *http.Request, address string) Visit {
	ua := r.Header.Get("User-Agent")
	return Visit{
		Address:   address,
		UserAgent: ua,
		Referrer:  ReferrerSite(r.Header.Get("Referer")),
		// The canonical forms of DNT and Sec-GPC, read without the
		// allocation of canonicalising them on every view.
		Opted: headerIs(r.Header, "Dnt", "1") || headerIs(r.Header, "Sec-Gpc", "1") || IsRobot(ua),
	}
}

func headerIs(h http.Header, canonicalKey, value string) bool {
	v := h[canonicalKey]
	return len(v) > 0 && v[0] == value
}

// robotMarks are parts of the user agents of crawlers, link previewers and
// scripts, in lower case.
var robotMarks = []string{"bot", "crawl", "spider", "slurp", "preview", "facebookexternalhit", "curl/", "wget/",
	"python-", "go-http-client", "headless", "lighthouse", "okhttp", "java/", "httpclient", "feedfetcher", "monitor"}

// IsRobot reports whether a user agent is a known robot's, or none at all.
func IsRobot(userAgent string) bool {
	if userAgent == "" {
		return true
	}
	// Lower-cased on the stack: this runs on every counted view.
	var buf [512]byte
	ua := buf[:0]
	for i := 0; i < len(userAgent) && i < len(buf); i++ {
		c := userAgent[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		ua = append(ua, c)
	}
	for _, mark := range robotMarks {
		if bytes.Contains(ua, []byte(mark)) {
			return true
		}
	}
	return false
}

// knownSites maps the hosts a visitor may come from to the name counted;
// any other referrer counts as nothing.
var knownSites = map[string]string{
	"google.com": "google", "bing.com": "bing", "duckduckgo.com": "duckduckgo", "search.yahoo.com": "yahoo",
	"ecosia.org": "ecosia", "qwant.com": "qwant", "yandex.ru": "yandex", "baidu.com": "baidu",
	"facebook.com": "facebook", "m.facebook.com": "facebook", "l.facebook.com": "facebook", "lm.facebook.com": "facebook",
	"instagram.com": "instagram", "l.instagram.com": "instagram", "t.co": "x", "x.com": "x", "twitter.com": "x",
	"linkedin.com": "linkedin", "lnkd.in": "linkedin", "bsky.app": "bluesky", "reddit.com": "reddit",
	"old.reddit.com": "reddit", "wa.me": "whatsapp", "web.whatsapp.com": "whatsapp", "t.me": "telegram",
	"web.telegram.org": "telegram", "mastodon.social": "mastodon", "mastodon.online": "mastodon",
	"threads.net": "threads", "youtube.com": "youtube", "tiktok.com": "tiktok",
}

// ReferrerSite names the known site a Referer header points at, "" for
// none or any other; nothing else of the referrer is looked at.
func ReferrerSite(referer string) string {
	if referer == "" || len(referer) > 2048 {
		return ""
	}
	u, err := url.Parse(referer)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	if name, ok := knownSites[host]; ok {
		return name
	}
	return ""
}

// Count is one day's count (day YYYY-MM-DD, UTC) under a metric and a
// dimension. For MetricVisitors it is the day's estimate so far.
type Count struct {
	Day       string
	Metric    string
	Dimension string
	Value     int64
}

type countKey struct{ day, metric, dimension string }

// Counter aggregates counts in memory until they are drained.
type Counter struct {
	now   func() time.Time
	every time.Duration

	mu        sync.Mutex
	counts    map[countKey]int64
	day       string
	dayEnds   time.Time    // when day is over
	seed      maphash.Seed // the day's key: never stored
	visitors  *sketch
	unflushed bool // visitors seen since the last drain
	retired   []Count
	drained   time.Time
}

// NewCounter counts on the clock now; a drain is due every interval.
func NewCounter(now func() time.Time, every time.Duration) *Counter {
	return &Counter{now: now, every: every, counts: map[countKey]int64{}, drained: now()}
}

// View counts a view of a channel, unless the visitor opted out, and
// reports whether a drain is due.
func (c *Counter) View(v Visit, ch Channel) (due bool) {
	if v.Opted {
		return false
	}
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	day := c.today(now)
	c.counts[countKey{day, MetricView, string(ch)}]++
	if v.Referrer != "" {
		c.counts[countKey{day, MetricReferrer, v.Referrer}]++
	}
	c.visitors.add(maphash.String(c.seed, v.Address) ^ maphash.String(c.seed, v.UserAgent)*0x9e3779b97f4a7c15)
	c.unflushed = true
	return now.Sub(c.drained) >= c.every
}

// Add counts one of a metric (a share-link click, a toolkit download),
// unless the visitor opted out, and reports whether a drain is due.
func (c *Counter) Add(v Visit, metric, dimension string) (due bool) {
	if v.Opted {
		return false
	}
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.counts[countKey{c.today(now), metric, dimension}]++
	return now.Sub(c.drained) >= c.every
}

// today rotates the day's key and sketch when the day changed; the old
// day's estimate waits for the next drain. Called with mu held.
func (c *Counter) today(now time.Time) string {
	if now.Before(c.dayEnds) {
		return c.day
	}
	now = now.UTC()
	day := now.Format(time.DateOnly)
	if day != c.day {
		if c.visitors != nil && c.unflushed {
			c.retired = append(c.retired, Count{Day: c.day, Metric: MetricVisitors, Value: c.visitors.estimate()})
		}
		c.day, c.seed, c.visitors, c.unflushed = day, maphash.MakeSeed(), newSketch(), false
	}
	c.dayEnds = time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, time.UTC)
	return day
}

// Drain hands over every count since the last drain and starts afresh.
// If writing them fails, Return puts them back.
func (c *Counter) Drain() []Count {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.retired
	c.retired = nil
	for k, n := range c.counts {
		out = append(out, Count{Day: k.day, Metric: k.metric, Dimension: k.dimension, Value: n})
	}
	clear(c.counts)
	if c.unflushed {
		out = append(out, Count{Day: c.day, Metric: MetricVisitors, Value: c.visitors.estimate()})
		c.unflushed = false
	}
	c.drained = c.now()
	return out
}

// Return gives back counts that could not be written, to go with the
// next drain.
func (c *Counter) Return(counts []Count) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, n := range counts {
		if n.Metric == MetricVisitors {
			c.retired = append(c.retired, n)
			continue
		}
		c.counts[countKey{n.Day, n.Metric, n.Dimension}] += n.Value
	}
}
