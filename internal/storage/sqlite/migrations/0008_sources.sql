-- Hashtag sources admins add (Mastodon-compatible servers, Jetstream,
-- feeds), with what each connector remembers between runs; the lease that
-- lets one node at a time run them; the provenance, media and pins of the
-- posts they bring; and the daily figures kept for the dashboard.
CREATE TABLE sources (
	id           TEXT PRIMARY KEY,
	kind         TEXT NOT NULL CHECK (kind IN ('mastodon', 'bluesky', 'feed')),
	url          TEXT NOT NULL,
	tags         TEXT NOT NULL DEFAULT '[]',
	every_ms     INTEGER NOT NULL,
	token_sealed TEXT NOT NULL DEFAULT '',
	state        TEXT NOT NULL DEFAULT '',
	last_error   TEXT NOT NULL DEFAULT '',
	last_run_at  INTEGER NOT NULL DEFAULT 0,
	taken        INTEGER NOT NULL DEFAULT 0,
	created_at   INTEGER NOT NULL,
	created_by   TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE leases (
	name       TEXT PRIMARY KEY,
	holder     TEXT NOT NULL,
	expires_at INTEGER NOT NULL
) WITHOUT ROWID;

ALTER TABLE social_posts ADD COLUMN server TEXT NOT NULL DEFAULT '';
ALTER TABLE social_posts ADD COLUMN author_name TEXT NOT NULL DEFAULT '';
ALTER TABLE social_posts ADD COLUMN media TEXT NOT NULL DEFAULT 'null';
ALTER TABLE social_posts ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;

CREATE TABLE post_figures (
	day      TEXT NOT NULL,
	network  TEXT NOT NULL,
	language TEXT NOT NULL,
	taken    INTEGER NOT NULL DEFAULT 0,
	hidden   INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (day, network, language)
) WITHOUT ROWID;
