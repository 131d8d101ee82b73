-- Whether erased text may still sit in the table files, waiting for the
-- next compaction (VACUUM FULL).
CREATE TABLE maintenance (
	key   text PRIMARY KEY,
	value boolean NOT NULL
);
INSERT INTO maintenance (key, value) VALUES ('compaction_due', false);
