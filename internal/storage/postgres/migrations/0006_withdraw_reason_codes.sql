-- A withdrawal reason is a code from a fixed list, or empty when none was
-- given. Free text a storyteller once sent becomes 'other', in the
-- tombstones and in the audit log; the former default 'author_request'
-- meant that no reason was given. The audit log's guard is lifted for this
-- one change only, and the next compaction rewrites the table files.
UPDATE stories SET withdraw_reason = CASE withdraw_reason WHEN 'author_request' THEN '' ELSE 'other' END
WHERE withdraw_reason NOT IN ('', 'changed_mind', 'safety', 'privacy', 'incorrect', 'other');

ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update;
UPDATE audit_log SET reason = CASE reason WHEN 'author_request' THEN '' ELSE 'other' END, note = ''
WHERE action = 'withdraw' AND (reason NOT IN ('', 'changed_mind', 'safety', 'privacy', 'incorrect', 'other') OR note <> '');
ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update;

UPDATE maintenance SET value = true WHERE key = 'compaction_due';
