-- Who checked a translation saved in the browser, and when: 0 while it
-- waits for a native speaker's review (a new or changed text).
ALTER TABLE translations ADD COLUMN reviewed_by bigint NOT NULL DEFAULT 0;
ALTER TABLE translations ADD COLUMN reviewed_at timestamptz;
