-- The dashboard's story figures, counted per day as stories change (see
-- sqlstore/tallies.go): per organisation ('' for the whole site), event
-- (submitted, published, rejected, withdrawn), dimension ('' for the count
-- itself, or language, country, identity, theme, wait) and its value.
-- A period's figure sums a few rows per day instead of reading every
-- story of the period. Filled from the stories when the store opens.
CREATE TABLE story_tallies (
	organisation_id text COLLATE "C" NOT NULL,
	day             text COLLATE "C" NOT NULL,
	event           text COLLATE "C" NOT NULL,
	dimension       text COLLATE "C" NOT NULL,
	value           text COLLATE "C" NOT NULL,
	count           bigint NOT NULL,
	PRIMARY KEY (organisation_id, event, dimension, day, value)
-- Every story change rewrites a few of these rows. With room left in each
-- page the new versions stay on it (HOT updates: count is in no index) and
-- the dead ones are pruned as pages are read; a full page would scatter
-- them and bloat the table until the next vacuum (docs/performance.md).
) WITH (fillfactor = 50, autovacuum_vacuum_scale_factor = 0.02);
