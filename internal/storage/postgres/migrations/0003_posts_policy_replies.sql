-- Social posts taken in from the campaign hashtags, the settings admins
-- change at run time (the screening policy), and admins' edits of the
-- counter-speech reply library.
CREATE TABLE social_posts (
	id         text COLLATE "C" PRIMARY KEY,
	network    text NOT NULL,
	source_id  text NOT NULL,
	source_url text NOT NULL,
	author     text NOT NULL,
	text       text NOT NULL,
	language   text NOT NULL DEFAULT '',
	posted_at  timestamptz NOT NULL,
	created_at timestamptz NOT NULL,
	status     text NOT NULL CHECK (status IN ('queued', 'visible', 'hidden')),
	decided_by text NOT NULL DEFAULT '',
	decided_at timestamptz,
	hide_reason text NOT NULL DEFAULT '',
	signals    jsonb,
	UNIQUE (network, source_id)
);
CREATE INDEX social_posts_by_status ON social_posts (status, created_at, id);

CREATE TABLE settings (
	key        text COLLATE "C" PRIMARY KEY,
	value      text NOT NULL, -- JSON, kept byte for byte
	updated_at timestamptz NOT NULL,
	updated_by text NOT NULL
);

CREATE TABLE stored_replies (
	id         text COLLATE "C" PRIMARY KEY,
	data       text NOT NULL, -- JSON, kept byte for byte
	removed    boolean NOT NULL DEFAULT false,
	updated_at timestamptz NOT NULL,
	updated_by text NOT NULL
);
