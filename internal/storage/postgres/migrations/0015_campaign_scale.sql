-- Mirrors 0015_campaign_scale.sql of the SQLite backend; read its comments
-- first.
CREATE TABLE story_organisations (
	story_id        text COLLATE "C" PRIMARY KEY REFERENCES stories (id) ON DELETE CASCADE,
	organisation_id text COLLATE "C" NOT NULL REFERENCES organisations (id) ON DELETE CASCADE
);
CREATE INDEX story_organisations_by_organisation ON story_organisations (organisation_id);
INSERT INTO story_organisations (story_id, organisation_id) SELECT story_id, organisation_id FROM consent_records;
