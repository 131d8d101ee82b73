// Package analytics counts views on the server without surveillance: no
// cookie, no script, no pixel; no address, user agent or full referrer is
// ever kept. Counts are aggregated in memory and handed over in batches.
// Unique visitors are estimated per day from a keyed hash whose key is
// made in memory each day and never written anywhere.
package analytics

import (
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
		Opted:     r.Header.Get("DNT") == "1" || r.Header.Get("Sec-GPC") == "1" || IsRobot(ua),
	}
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
	ua := strings.ToLower(userAgent)
	for _, mark := range robotMarks {
		if strings.Contains(ua, mark) {
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

// View counts a view of a channel, unless the visitor opted out.
func (c *Counter) View(v Visit, ch Channel) {
	if v.Opted {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	day := c.today()
	c.counts[countKey{day, MetricView, string(ch)}]++
	if v.Referrer != "" {
		c.counts[countKey{day, MetricReferrer, v.Referrer}]++
	}
	var h maphash.Hash
	h.SetSeed(c.seed)
	h.WriteString(v.Address)
	h.WriteByte(0)
	h.WriteString(v.UserAgent)
	c.visitors.add(h.Sum64())
	c.unflushed = true
}

// Add counts one of a metric (a share-link click, a toolkit download),
// unless the visitor opted out.
func (c *Counter) Add(v Visit, metric, dimension string) {
	if v.Opted {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.counts[countKey{c.today(), metric, dimension}]++
}

// today rotates the day's key and sketch when the day changed; the old
// day's estimate waits for the next drain. Called with mu held.
func (c *Counter) today() string {
	day := c.now().UTC().Format(time.DateOnly)
	if day != c.day {
		if c.visitors != nil && c.unflushed {
			c.retired = append(c.retired, Count{Day: c.day, Metric: MetricVisitors, Value: c.visitors.estimate()})
		}
		c.day, c.seed, c.visitors, c.unflushed = day, maphash.MakeSeed(), newSketch(), false
	}
	return day
}

// Due reports whether the interval since the last drain has passed.
func (c *Counter) Due() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now().Sub(c.drained) >= c.every && (len(c.counts) > 0 || c.unflushed || len(c.retired) > 0)
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
