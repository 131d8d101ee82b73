-- A withdrawn story keeps only its tombstone (story.Tombstone): the
-- country, language, identity, consents and moderation reason of stories
-- withdrawn before go, as a withdrawal now erases them.
UPDATE stories SET language = '', country = '', identity = '', consent_publish = false, consent_social = false,
	consent_toolkit = false, demo = false, reject_reason = '', published_at = '-infinity'
WHERE status = 'withdrawn';
UPDATE maintenance SET value = true WHERE key = 'compaction_due';
