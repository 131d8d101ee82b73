-- Translations saved in the browser, layered over the shipped catalogs:
-- the interface's messages and the toolkit's texts, per language. The
-- keys sort bytewise, as on SQLite.
CREATE TABLE translations (
	catalog     text COLLATE "C" NOT NULL,
	lang        text COLLATE "C" NOT NULL,
	key         text COLLATE "C" NOT NULL,
	forms       text NOT NULL, -- JSON object: plural category → text
	source_hash text NOT NULL DEFAULT '',
	updated_by  bigint NOT NULL,
	updated_at  timestamptz NOT NULL,
	PRIMARY KEY (catalog, lang, key)
);
