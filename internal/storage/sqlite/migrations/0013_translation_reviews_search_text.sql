-- Who checked a translation saved in the browser, and when: 0 while it
-- waits for a native speaker's review (a new or changed text).
ALTER TABLE translations ADD COLUMN reviewed_by INTEGER NOT NULL DEFAULT 0;
ALTER TABLE translations ADD COLUMN reviewed_at INTEGER NOT NULL DEFAULT 0;

-- The search index now holds text prepared by sqlstore.SearchText (Arabic
-- letter forms and marks folded, Chinese cut into pairs): rebuilt from the
-- published stories when the store opens.
INSERT INTO maintenance (key, value) VALUES ('search_rebuild', 1);
