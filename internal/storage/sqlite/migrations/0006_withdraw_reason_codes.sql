-- A withdrawal reason is a code from a fixed list, or empty when none was
-- given. Free text a storyteller once sent becomes 'other', in the
-- tombstones and in the audit log; the former default 'author_request'
-- meant that no reason was given. The audit log's guard is lifted for this
-- one change only. secure_delete zeroes what the rows held once the log is
-- checkpointed.
UPDATE stories SET withdraw_reason = CASE withdraw_reason WHEN 'author_request' THEN '' ELSE 'other' END
WHERE withdraw_reason NOT IN ('', 'changed_mind', 'safety', 'privacy', 'incorrect', 'other');

DROP TRIGGER audit_log_no_update;
UPDATE audit_log SET reason = CASE reason WHEN 'author_request' THEN '' ELSE 'other' END, note = ''
WHERE action = 'withdraw' AND (reason NOT IN ('', 'changed_mind', 'safety', 'privacy', 'incorrect', 'other') OR note <> '');
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN NEW.note <> '' OR NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at OR NEW.actor IS NOT OLD.actor
	OR NEW.action IS NOT OLD.action OR NEW.subject_id IS NOT OLD.subject_id OR NEW.reason IS NOT OLD.reason
BEGIN
	SELECT RAISE (ABORT, 'audit log is append-only');
END;
