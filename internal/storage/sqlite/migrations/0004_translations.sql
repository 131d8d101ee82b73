-- Translations saved in the browser, layered over the shipped catalogs:
-- the interface's messages and the toolkit's texts, per language.
CREATE TABLE translations (
	catalog     TEXT NOT NULL,
	lang        TEXT NOT NULL,
	key         TEXT NOT NULL,
	forms       TEXT NOT NULL, -- JSON object: plural category → text
	source_hash TEXT NOT NULL DEFAULT '',
	updated_by  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL,
	PRIMARY KEY (catalog, lang, key)
) WITHOUT ROWID;
