-- Mirrors 0009_organisations.sql of the SQLite backend; read its comments
-- first.
CREATE TABLE organisations (
	id         text COLLATE "C" PRIMARY KEY,
	slug       text COLLATE "C" NOT NULL UNIQUE,
	kind       text NOT NULL,
	texts      text NOT NULL,
	logo       bytea,
	website    text NOT NULL DEFAULT '',
	country    text COLLATE "C" NOT NULL DEFAULT '',
	created_at timestamptz,
	updated_at timestamptz
);

CREATE TABLE organisation_members (
	user_id         bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	organisation_id text COLLATE "C" NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
	owner           boolean NOT NULL DEFAULT false
);
CREATE INDEX organisation_members_by_organisation ON organisation_members (organisation_id);

CREATE TABLE consent_records (
	story_id        text COLLATE "C" PRIMARY KEY REFERENCES stories (id) ON DELETE CASCADE,
	organisation_id text COLLATE "C" NOT NULL REFERENCES organisations (id),
	submitted_by    bigint REFERENCES users (id) ON DELETE SET NULL,
	consenter       text NOT NULL,
	method          text NOT NULL CHECK (method IN ('signed_form', 'recorded_verbal', 'digital')),
	consented_at    timestamptz,
	explained_in    text COLLATE "C" NOT NULL,
	scope           text NOT NULL,
	scan_key        text NOT NULL DEFAULT '',
	created_at      timestamptz
);
CREATE INDEX consent_records_by_organisation ON consent_records (organisation_id, created_at);

CREATE TABLE collections (
	id              text COLLATE "C" PRIMARY KEY,
	slug            text COLLATE "C" NOT NULL,
	language        text COLLATE "C" NOT NULL,
	title           text NOT NULL,
	description     text NOT NULL DEFAULT '',
	organisation_id text COLLATE "C" REFERENCES organisations (id) ON DELETE CASCADE,
	created_at      timestamptz,
	updated_at      timestamptz,
	UNIQUE (language, slug)
);
CREATE INDEX collections_by_organisation ON collections (organisation_id);

CREATE TABLE collection_stories (
	collection_id text COLLATE "C" NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
	story_id      text COLLATE "C" NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
	position      integer NOT NULL,
	PRIMARY KEY (collection_id, story_id)
);
CREATE INDEX collection_stories_by_story ON collection_stories (story_id);
