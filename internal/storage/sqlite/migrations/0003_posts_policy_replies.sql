-- Social posts taken in from the campaign hashtags, the settings admins
-- change at run time (the screening policy), and admins' edits of the
-- counter-speech reply library.
CREATE TABLE social_posts (
	id         TEXT PRIMARY KEY,
	network    TEXT NOT NULL,
	source_id  TEXT NOT NULL,
	source_url TEXT NOT NULL,
	author     TEXT NOT NULL,
	text       TEXT NOT NULL,
	language   TEXT NOT NULL DEFAULT '',
	posted_at  INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	status     TEXT NOT NULL CHECK (status IN ('queued', 'visible', 'hidden')),
	decided_by TEXT NOT NULL DEFAULT '',
	decided_at INTEGER NOT NULL DEFAULT 0,
	hide_reason TEXT NOT NULL DEFAULT '',
	signals    TEXT NOT NULL DEFAULT 'null',
	UNIQUE (network, source_id)
) WITHOUT ROWID;
CREATE INDEX social_posts_by_status ON social_posts (status, created_at, id);

CREATE TABLE settings (
	key        TEXT PRIMARY KEY,
	value      TEXT NOT NULL,
	updated_at INTEGER NOT NULL,
	updated_by TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE stored_replies (
	id         TEXT PRIMARY KEY,
	data       TEXT NOT NULL,
	removed    INTEGER NOT NULL DEFAULT 0,
	updated_at INTEGER NOT NULL,
	updated_by TEXT NOT NULL
) WITHOUT ROWID;
