-- Who checked a translation saved in the browser, and when: 0 while it
-- waits for a native speaker's review (a new or changed text).
ALTER TABLE translations ADD COLUMN reviewed_by bigint NOT NULL DEFAULT 0;
ALTER TABLE translations ADD COLUMN reviewed_at timestamptz;

-- The search column now holds text prepared by sqlstore.SearchText (Arabic
-- letter forms and marks folded, Chinese cut into pairs): emptied here and
-- refilled from the published stories when the store opens.
UPDATE stories SET search = NULL WHERE search IS NOT NULL;
