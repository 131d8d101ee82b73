-- Counts of the campaign's analytics, one row per day (UTC, YYYY-MM-DD),
-- metric and dimension: views by channel, visitors, share-link clicks by
-- network, referring sites by category, toolkit downloads by language.
-- Nothing about a visitor is kept: no address, no user agent, no referrer.
CREATE TABLE analytics_daily (
	day       text COLLATE "C" NOT NULL,
	metric    text COLLATE "C" NOT NULL,
	dimension text COLLATE "C" NOT NULL DEFAULT '',
	count     bigint NOT NULL,
	PRIMARY KEY (metric, day, dimension)
);

-- The dashboard's figures read these indexes only, never the stories'
-- rows: submissions per day, publications per day with how storytellers
-- describe themselves and the wait for a decision, rejections, withdrawals.
CREATE INDEX stories_by_created ON stories (created_at);
CREATE INDEX stories_published_facts ON stories (status, published_at, identity, created_at);
CREATE INDEX stories_by_decision ON stories (status, updated_at, created_at);
CREATE INDEX stories_by_withdrawn ON stories (withdrawn_at);
