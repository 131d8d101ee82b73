-- The organisation a story was told through. Unlike its consent record,
-- which is personal data and goes when the story is withdrawn, this link
-- stays, so the organisation's figures keep counting its withdrawn
-- stories.
CREATE TABLE story_organisations (
	story_id        TEXT PRIMARY KEY REFERENCES stories (id) ON DELETE CASCADE,
	organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE
);
CREATE INDEX story_organisations_by_organisation ON story_organisations (organisation_id);
INSERT INTO story_organisations (story_id, organisation_id) SELECT story_id, organisation_id FROM consent_records;
