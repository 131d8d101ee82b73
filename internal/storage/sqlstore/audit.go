package sqlstore

import (
	"context"

	"chorus/internal/audit"
)

// AuditColumns are the columns scanAuditEntry reads, in order.
const AuditColumns = "id, at, actor, action, subject_id, reason, note"

func scanAuditEntry(row Row) (audit.Entry, error) {
	var e audit.Entry
	var at Time
	err := row.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.SubjectID, &e.Reason, &e.Note)
	e.At = at.Time
	return e, err
}

func (q Queries) Audit(ctx context.Context, subjectIDs ...string) ([]audit.Entry, error) {
	if len(subjectIDs) == 0 {
		return nil, nil
	}
	return queryAll(ctx, q, "audit", scanAuditEntry,
		"SELECT "+AuditColumns+" FROM audit_log WHERE subject_id IN ("+Placeholders(len(subjectIDs))+") ORDER BY id", Strings(subjectIDs)...)
}

func (t *Tx) AppendAudit(ctx context.Context, e audit.Entry) error {
	_, err := t.DB.Exec(ctx, "INSERT INTO audit_log (at, actor, action, subject_id, reason, note) VALUES (?, ?, ?, ?, ?, ?)",
		t.D.NullTime(e.At), e.Actor, e.Action, e.SubjectID, e.Reason, e.Note)
	return t.err("audit", err)
}
