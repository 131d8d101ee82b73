-- The campaign actor's followers on the fediverse, the deliveries of each
-- story's activities to their inboxes, the servers and actors admins
-- blocked, and the reactions (Like, Announce) to the stories.
CREATE TABLE fed_followers (
	actor_id       text COLLATE "C" PRIMARY KEY,
	inbox          text NOT NULL,
	shared_inbox   text NOT NULL DEFAULT '',
	delivery_inbox text COLLATE "C" NOT NULL,
	domain         text NOT NULL,
	followed_at    timestamptz NOT NULL
);
CREATE INDEX fed_followers_by_inbox ON fed_followers (delivery_inbox);
CREATE INDEX fed_followers_by_domain ON fed_followers (domain);

CREATE TABLE fed_deliveries (
	story_id   text COLLATE "C" NOT NULL,
	inbox      text COLLATE "C" NOT NULL,
	activity   text NOT NULL,
	state      text NOT NULL CHECK (state IN ('pending', 'delivered', 'failed', 'dropped')),
	attempts   integer NOT NULL DEFAULT 0,
	last_error text NOT NULL DEFAULT '',
	updated_at timestamptz NOT NULL,
	PRIMARY KEY (story_id, inbox, activity)
);

CREATE TABLE fed_blocks (
	target     text COLLATE "C" PRIMARY KEY,
	created_at timestamptz NOT NULL,
	created_by text NOT NULL
);

CREATE TABLE fed_reactions (
	activity_id text COLLATE "C" PRIMARY KEY,
	story_id    text COLLATE "C" NOT NULL,
	actor_id    text COLLATE "C" NOT NULL,
	kind        text NOT NULL CHECK (kind IN ('like', 'announce')),
	at          timestamptz NOT NULL
);
CREATE INDEX fed_reactions_by_story ON fed_reactions (story_id, kind);
CREATE INDEX fed_reactions_by_actor ON fed_reactions (actor_id);
