-- The dashboard's story figures, counted per day as stories change (see
-- sqlstore/tallies.go): per organisation ('' for the whole site), event
-- (submitted, published, rejected, withdrawn), dimension ('' for the count
-- itself, or language, country, identity, theme, wait) and its value.
-- A period's figure sums a few rows per day instead of reading every
-- story of the period. Filled from the stories when the store opens.
CREATE TABLE story_tallies (
	organisation_id TEXT NOT NULL,
	day             TEXT NOT NULL,
	event           TEXT NOT NULL,
	dimension       TEXT NOT NULL,
	value           TEXT NOT NULL,
	count           INTEGER NOT NULL,
	PRIMARY KEY (organisation_id, event, dimension, day, value)
) WITHOUT ROWID;
