-- The campaign actor's followers on the fediverse, the deliveries of each
-- story's activities to their inboxes, the servers and actors admins
-- blocked, and the reactions (Like, Announce) to the stories.
CREATE TABLE fed_followers (
	actor_id       TEXT PRIMARY KEY,
	inbox          TEXT NOT NULL,
	shared_inbox   TEXT NOT NULL DEFAULT '',
	delivery_inbox TEXT NOT NULL,
	domain         TEXT NOT NULL,
	followed_at    INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX fed_followers_by_inbox ON fed_followers (delivery_inbox);
CREATE INDEX fed_followers_by_domain ON fed_followers (domain);

CREATE TABLE fed_deliveries (
	story_id   TEXT NOT NULL,
	inbox      TEXT NOT NULL,
	activity   TEXT NOT NULL,
	state      TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed', 'dropped')),
	attempts   INTEGER NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT '',
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (story_id, inbox, activity)
) WITHOUT ROWID;

CREATE TABLE fed_blocks (
	target     TEXT PRIMARY KEY,
	created_at INTEGER NOT NULL,
	created_by TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE fed_reactions (
	activity_id TEXT PRIMARY KEY,
	story_id    TEXT NOT NULL,
	actor_id    TEXT NOT NULL,
	kind        TEXT NOT NULL CHECK (kind IN ('like', 'announce')),
	at          INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX fed_reactions_by_story ON fed_reactions (story_id, kind);
CREATE INDEX fed_reactions_by_actor ON fed_reactions (actor_id);
