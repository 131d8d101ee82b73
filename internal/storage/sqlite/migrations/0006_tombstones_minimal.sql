-- A withdrawn story keeps only its tombstone (story.Tombstone): the
-- country, language, identity, consents and moderation reason of stories
-- withdrawn before go, as a withdrawal now erases them.
UPDATE stories SET language = '', country = '', identity = '', consent_publish = 0, consent_social = 0,
	consent_toolkit = 0, demo = 0, reject_reason = '', published_at = 0
WHERE status = 'withdrawn';
