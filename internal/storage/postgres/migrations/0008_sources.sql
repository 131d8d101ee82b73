-- Hashtag sources admins add (Mastodon-compatible servers, Jetstream,
-- feeds), with what each connector remembers between runs; the lease that
-- lets one node at a time run them; the provenance, media and pins of the
-- posts they bring; and the daily figures kept for the dashboard.
CREATE TABLE sources (
	id           text COLLATE "C" PRIMARY KEY,
	kind         text NOT NULL CHECK (kind IN ('mastodon', 'bluesky', 'feed')),
	url          text NOT NULL,
	tags         text NOT NULL DEFAULT '[]', -- JSON list
	every_ms     bigint NOT NULL,
	token_sealed text NOT NULL DEFAULT '',
	state        text NOT NULL DEFAULT '', -- the connector's JSON
	last_error   text NOT NULL DEFAULT '',
	last_run_at  timestamptz,
	taken        bigint NOT NULL DEFAULT 0,
	created_at   timestamptz NOT NULL,
	created_by   text NOT NULL
);

CREATE TABLE leases (
	name       text COLLATE "C" PRIMARY KEY,
	holder     text NOT NULL,
	expires_at timestamptz NOT NULL
);

ALTER TABLE social_posts ADD COLUMN server text NOT NULL DEFAULT '';
ALTER TABLE social_posts ADD COLUMN author_name text NOT NULL DEFAULT '';
ALTER TABLE social_posts ADD COLUMN media jsonb;
ALTER TABLE social_posts ADD COLUMN pinned boolean NOT NULL DEFAULT false;

CREATE TABLE post_figures (
	day      text COLLATE "C" NOT NULL,
	network  text NOT NULL,
	language text NOT NULL,
	taken    bigint NOT NULL DEFAULT 0,
	hidden   bigint NOT NULL DEFAULT 0,
	PRIMARY KEY (day, network, language)
);
