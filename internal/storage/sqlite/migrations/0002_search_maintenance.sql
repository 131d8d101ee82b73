-- Whether the search index still holds words of erased or changed text,
-- so a purge rewrites it only when needed.
CREATE TABLE maintenance (
	key   TEXT PRIMARY KEY,
	value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO maintenance (key, value) VALUES ('search_dirty', 0);
