package app

import (
	"context"
	"time"

	"chorus/internal/analytics"
	"chorus/internal/storage"
)

// analyticsFlushEvery is how often counted views are written, in one
// transaction: the cached page path never waits on the database.
const analyticsFlushEvery = 5 * time.Second

// CountView counts a view of a story page through a channel: the one
// entry point of every surface that shows stories (pages, embeds, feeds,
// federation). It never writes on the request's path.
func (a *App) CountView(v analytics.Visit, ch analytics.Channel) {
	if a.counter.View(v, ch) {
		a.flushSoon()
	}
}

// CountFederationView counts a story reaching a fediverse server: its
// delivery to a follower's server when it is published, or a server
// fetching it. A server is not a visitor: nothing of it is kept, and it is
// not in the visitors estimate. How many people read the story there
// cannot be seen from here.
func (a *App) CountFederationView() {
	if a.counter.Add(analytics.Visit{}, analytics.MetricView, string(analytics.Federation)) {
		a.flushSoon()
	}
}

// CountShare counts a click on a share link of a network.
func (a *App) CountShare(v analytics.Visit, network string) {
	if a.counter.Add(v, analytics.MetricShare, network) {
		a.flushSoon()
	}
}

// CountToolkitDownload counts a download of the toolkit in a language.
func (a *App) CountToolkitDownload(v analytics.Visit, lang string) {
	if a.counter.Add(v, analytics.MetricToolkit, lang) {
		a.flushSoon()
	}
}

// flushSoon writes the counts in the background once the interval has
// passed, one write at a time. Counting is best effort by nature: counts
// not yet written when the process dies are lost, never anyone's data.
func (a *App) flushSoon() {
	if !a.flushing.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer a.flushing.Store(false)
		if err := a.FlushAnalytics(context.Background()); err != nil {
			a.Log.Warn("analytics counts kept in memory for the next write", "err", err)
		}
	}()
}

// FlushAnalytics writes every count gathered since the last write, in one
// transaction; on failure they wait for the next.
func (a *App) FlushAnalytics(ctx context.Context) error {
	counts := a.counter.Drain()
	if len(counts) == 0 {
		return nil
	}
	rows := make([]storage.DailyCount, len(counts))
	for i, c := range counts {
		rows[i] = storage.DailyCount{Day: c.Day, Metric: c.Metric, Dimension: c.Dimension, Count: c.Value}
	}
	err := a.store.WithTx(ctx, func(tx storage.Tx) error { return tx.AddDailyCounts(ctx, rows) })
	if err != nil {
		a.counter.Return(counts)
	}
	return err
}
