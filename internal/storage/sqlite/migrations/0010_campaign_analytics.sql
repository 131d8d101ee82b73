-- Counts of the campaign's analytics, one row per day (UTC, YYYY-MM-DD),
-- metric and dimension: views by channel, visitors, share-link clicks by
-- network, referring sites by category, toolkit downloads by language.
-- Nothing about a visitor is kept: no address, no user agent, no referrer.
CREATE TABLE analytics_daily (
	day       TEXT NOT NULL,
	metric    TEXT NOT NULL,
	dimension TEXT NOT NULL DEFAULT '',
	count     INTEGER NOT NULL,
	PRIMARY KEY (metric, day, dimension)
) WITHOUT ROWID;

CREATE INDEX stories_by_created ON stories (created_at);
