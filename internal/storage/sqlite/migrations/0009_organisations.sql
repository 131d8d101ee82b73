-- Partner organisations. texts holds the name and description per
-- language as a JSON object; logo is a PNG checked by media.ProcessLogo.
CREATE TABLE organisations (
	id         TEXT PRIMARY KEY,
	slug       TEXT NOT NULL UNIQUE,
	kind       TEXT NOT NULL,
	texts      TEXT NOT NULL,
	logo       BLOB,
	website    TEXT NOT NULL DEFAULT '',
	country    TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);

-- A partner account belongs to at most one organisation; its owners
-- invite and remove members.
CREATE TABLE organisation_members (
	user_id         INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
	owner           INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX organisation_members_by_organisation ON organisation_members (organisation_id);

-- The consent record of a story a partner collected. Personal data: the
-- row goes when the story is withdrawn (EraseStory), its scan with it.
CREATE TABLE consent_records (
	story_id        TEXT PRIMARY KEY REFERENCES stories (id) ON DELETE CASCADE,
	organisation_id TEXT NOT NULL REFERENCES organisations (id),
	submitted_by    INTEGER REFERENCES users (id) ON DELETE SET NULL,
	consenter       TEXT NOT NULL,
	method          TEXT NOT NULL CHECK (method IN ('signed_form', 'recorded_verbal', 'digital')),
	consented_at    INTEGER NOT NULL,
	explained_in    TEXT NOT NULL,
	scope           TEXT NOT NULL,
	scan_key        TEXT NOT NULL DEFAULT '',
	created_at      INTEGER NOT NULL
);
CREATE INDEX consent_records_by_organisation ON consent_records (organisation_id, created_at);

-- Curated, ordered lists of stories in one language; organisation_id is
-- NULL for the campaign's own.
CREATE TABLE collections (
	id              TEXT PRIMARY KEY,
	slug            TEXT NOT NULL,
	language        TEXT NOT NULL,
	title           TEXT NOT NULL,
	description     TEXT NOT NULL DEFAULT '',
	organisation_id TEXT REFERENCES organisations (id) ON DELETE CASCADE,
	created_at      INTEGER NOT NULL,
	updated_at      INTEGER NOT NULL,
	UNIQUE (language, slug)
);
CREATE INDEX collections_by_organisation ON collections (organisation_id);

CREATE TABLE collection_stories (
	collection_id TEXT NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
	story_id      TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
	position      INTEGER NOT NULL,
	PRIMARY KEY (collection_id, story_id)
);
CREATE INDEX collection_stories_by_story ON collection_stories (story_id);
