-- Consent to translation, off for every story told before it was asked.
ALTER TABLE stories ADD COLUMN consent_translate INTEGER NOT NULL DEFAULT 0;
CREATE INDEX stories_open_for_translation ON stories (published_at DESC, id DESC)
	WHERE status = 'published' AND consent_translate = 1;

-- A published story's text in another site language. Removed with the
-- story's text when it is withdrawn (EraseStory), and when its author
-- withdraws consent to translation. Staff ids go NULL if an account goes.
CREATE TABLE story_translations (
	story_id      TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
	language      TEXT NOT NULL,
	title         TEXT NOT NULL,
	body          TEXT NOT NULL,
	credit        TEXT NOT NULL DEFAULT '',
	translator_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
	origin        TEXT NOT NULL CHECK (origin IN ('human', 'machine')),
	status        TEXT NOT NULL CHECK (status IN ('draft', 'published')),
	checked_by    INTEGER REFERENCES users (id) ON DELETE SET NULL,
	reviewed_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL,
	published_at  INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (story_id, language)
);
CREATE INDEX story_translations_drafts ON story_translations (updated_at, story_id, language) WHERE status = 'draft';
