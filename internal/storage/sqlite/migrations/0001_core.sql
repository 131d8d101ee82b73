CREATE TABLE stories (
	id              TEXT PRIMARY KEY,
	status          TEXT NOT NULL,
	title           TEXT NOT NULL DEFAULT '',
	body            TEXT NOT NULL DEFAULT '',
	language        TEXT NOT NULL,
	country         TEXT NOT NULL,
	city            TEXT NOT NULL DEFAULT '',
	themes          TEXT NOT NULL DEFAULT '',
	identity        TEXT NOT NULL,
	display_name    TEXT NOT NULL DEFAULT '',
	anonymous       INTEGER NOT NULL DEFAULT 0,
	contact_sealed  BLOB,
	consent_publish INTEGER NOT NULL DEFAULT 0,
	consent_social  INTEGER NOT NULL DEFAULT 0,
	consent_toolkit INTEGER NOT NULL DEFAULT 0,
	photo           TEXT,
	demo            INTEGER NOT NULL DEFAULT 0,
	featured        INTEGER NOT NULL DEFAULT 0,
	signals         TEXT,
	reject_reason   TEXT NOT NULL DEFAULT '',
	reject_note     TEXT NOT NULL DEFAULT '',
	withdraw_reason TEXT NOT NULL DEFAULT '',
	token_hash      BLOB NOT NULL,
	created_at      INTEGER NOT NULL,
	updated_at      INTEGER NOT NULL,
	published_at    INTEGER NOT NULL DEFAULT 0,
	withdrawn_at    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX stories_by_status ON stories (status, published_at DESC, id DESC);
CREATE INDEX stories_by_language ON stories (status, language, published_at DESC, id DESC);
CREATE INDEX stories_by_country ON stories (status, country, published_at DESC, id DESC);
CREATE INDEX stories_queue ON stories (status, created_at, id);

CREATE TABLE story_themes (
	theme        TEXT NOT NULL,
	published_at INTEGER NOT NULL,
	story_id     TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
	PRIMARY KEY (theme, published_at, story_id)
) WITHOUT ROWID;
CREATE INDEX story_themes_by_story ON story_themes (story_id);

-- Contentless: the index holds tokens only, never the text itself.
CREATE VIRTUAL TABLE story_search USING fts5 (
	title, body,
	content = '', contentless_delete = 1,
	tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO story_search (story_search, rank) VALUES ('secure-delete', 1);

CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
	role          TEXT NOT NULL,
	password_hash TEXT NOT NULL DEFAULT '',
	totp_secret   TEXT NOT NULL DEFAULT '',
	created_at    INTEGER NOT NULL
);

CREATE TABLE credentials (
	token_hash BLOB PRIMARY KEY,
	kind       TEXT NOT NULL,
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE audit_log (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	at         INTEGER NOT NULL,
	actor      TEXT NOT NULL,
	action     TEXT NOT NULL,
	subject_id TEXT NOT NULL,
	reason     TEXT NOT NULL DEFAULT '',
	note       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_by_subject ON audit_log (subject_id, id);

-- Append-only: the only change allowed is blanking a note when its story's
-- personal data is erased.
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
	SELECT RAISE (ABORT, 'audit log is append-only');
END;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN NEW.note <> '' OR NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at OR NEW.actor IS NOT OLD.actor
	OR NEW.action IS NOT OLD.action OR NEW.subject_id IS NOT OLD.subject_id OR NEW.reason IS NOT OLD.reason
BEGIN
	SELECT RAISE (ABORT, 'audit log is append-only');
END;

CREATE TABLE blob_deletions (
	key    TEXT PRIMARY KEY,
	due_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX blob_deletions_due ON blob_deletions (due_at);
