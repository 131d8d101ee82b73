package app_test

import (
	"context"
	"testing"

	"chorus/internal/app"
	"chorus/internal/storage"
	"chorus/internal/testrig"
)

const secretBody = "We arrived in January. My passport number is QX7719Zorblatt and we live at 14 Vendrickmoor Lane, flat 2."

// TestRedactingAPendingStoryPurgesTheRemovedText: the ID number and the
// address a moderator removes from a pending story are in no database file
// afterwards.
func TestRedactingAPendingStoryPurgesTheRemovedText(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	sub := testrig.Submission("Redactpending")
	sub.Body = secretBody
	id, _ := rig.Submit(sub)
	mod, _ := rig.Staff("mod@example.org", storage.RoleModerator)
	err := rig.App.Redact(ctx, mod, id, app.Redaction{Title: "Our first winter",
		Body: "We arrived in January. My passport number is [removed] and we live at [address removed].", Note: "ID number and address"})
	if err != nil {
		t.Fatal(err)
	}
	for _, left := range rig.LeftInDatabase("QX7719Zorblatt", "Vendrickmoor") {
		t.Error(left)
	}
}

// TestEditingAPendingStoryPurgesTheOldText: what a storyteller takes out of
// their own pending story is in no database file afterwards.
func TestEditingAPendingStoryPurgesTheOldText(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	sub := testrig.Submission("Editpending")
	sub.Body = secretBody
	id, token := rig.Submit(sub)
	sub.Body = "We arrived in January. I would rather not say where we live now."
	if err := rig.App.EditSubmission(ctx, id, token, sub); err != nil {
		t.Fatal(err)
	}
	for _, left := range rig.LeftInDatabase("QX7719Zorblatt", "Vendrickmoor") {
		t.Error(left)
	}
}
