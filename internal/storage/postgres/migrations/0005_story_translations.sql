-- Mirrors 0005_story_translations.sql of the SQLite backend; read its
-- comments first.
ALTER TABLE stories ADD COLUMN consent_translate boolean NOT NULL DEFAULT false;
CREATE INDEX stories_open_for_translation ON stories (published_at DESC, id DESC)
	WHERE status = 'published' AND consent_translate;

CREATE TABLE story_translations (
	story_id      text COLLATE "C" NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
	language      text COLLATE "C" NOT NULL,
	title         text NOT NULL,
	body          text NOT NULL,
	credit        text NOT NULL DEFAULT '',
	translator_id bigint REFERENCES users (id) ON DELETE SET NULL,
	origin        text NOT NULL CHECK (origin IN ('human', 'machine')),
	status        text NOT NULL CHECK (status IN ('draft', 'published')),
	checked_by    bigint REFERENCES users (id) ON DELETE SET NULL,
	reviewed_by   bigint REFERENCES users (id) ON DELETE SET NULL,
	created_at    timestamptz,
	updated_at    timestamptz,
	published_at  timestamptz,
	PRIMARY KEY (story_id, language)
);
CREATE INDEX story_translations_drafts ON story_translations (updated_at, story_id, language) WHERE status = 'draft';
