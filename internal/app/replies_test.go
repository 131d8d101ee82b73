package app_test

import (
	"context"
	"reflect"
	"testing"

	"chorus/internal/moderation"
	"chorus/internal/staff"
	"chorus/internal/story"
	"chorus/internal/testrig"
)

func TestAdminsEditTheReplyLibrary(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	admin, _ := rig.Staff("admin@example.org", staff.RoleAdmin)
	mod, _ := rig.Staff("mod@example.org", staff.RoleModerator)
	post := ingest(t, rig.App, incoming("1", hatefulPost))

	suggested, ok := rig.App.SuggestReply(ctx, "en", post.Signals)
	if !ok {
		t.Fatal("no reply suggested for a hateful post")
	}
	edited := suggested
	edited.Text = "Most refugees are hosted by neighbouring countries, not rich ones. Welcome is what we do."
	if _, err := rig.App.SaveReply(ctx, mod, edited); story.ErrorCode(err) != story.CodeForbidden {
		t.Fatalf("a moderator edits the library: %v", err)
	}
	if _, err := rig.App.SaveReply(ctx, admin, edited); err != nil {
		t.Fatal(err)
	}
	if got, _ := rig.App.SuggestReply(ctx, "en", post.Signals); got.ID != edited.ID || got.Text != edited.Text {
		t.Fatalf("suggestion after the edit: %+v", got)
	}

	if err := rig.App.RemoveReply(ctx, admin, edited.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := rig.App.SuggestReply(ctx, "en", post.Signals); got.ID == edited.ID {
		t.Fatal("a removed reply is still suggested")
	}
	entry, err := rig.App.ReplyEntry(ctx, edited.ID)
	if err != nil || !entry.Removed || !entry.Embedded || entry.UpdatedBy == "" {
		t.Fatalf("removed entry: %+v, %v", entry, err)
	}
	if err := rig.App.RestoreReply(ctx, admin, edited.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := rig.App.SuggestReply(ctx, "en", post.Signals); !reflect.DeepEqual(got, suggested) {
		t.Fatalf("after restoring the shipped text: %+v, want %+v", got, suggested)
	}

	own := moderation.Reply{ID: "fr-admin-1", Language: "fr", Kind: moderation.ReplyNarrative, Groups: []string{"refugees"},
		Text: "Nos voisins réfugiés font vivre nos quartiers.", Source: moderation.Source{Organisation: "HCR", Title: "Tendances mondiales", URL: "https://www.unhcr.org/fr"}}
	if _, err := rig.App.SaveReply(ctx, admin, own); err != nil {
		t.Fatal(err)
	}
	if err := rig.App.RemoveReply(ctx, admin, own.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := rig.App.ReplyEntry(ctx, own.ID); story.ErrorCode(err) != story.CodeNotFound {
		t.Fatalf("an admin's own reply, removed: %v", err)
	}
	for _, a := range []string{"reply_save", "reply_remove", "reply_restore"} {
		found := false
		entries, _ := rig.Store.Audit(ctx, "reply:"+edited.ID)
		for _, e := range entries {
			found = found || e.Action == a && e.Actor == "user:"+itoa(admin.ID)
		}
		if !found {
			t.Errorf("no %s in the audit log: %+v", a, entries)
		}
	}

	bad := map[string]func(*moderation.Reply){
		"id":         func(r *moderation.Reply) { r.ID = "Not An Id" },
		"kind":       func(r *moderation.Reply) { r.Kind = "rant" },
		"myth":       func(r *moderation.Reply) { r.Kind, r.Myth = moderation.ReplyMythFact, "" },
		"text":       func(r *moderation.Reply) { r.Text = "" },
		"source url": func(r *moderation.Reply) { r.Source.URL = "http://insecure.example" },
		"group":      func(r *moderation.Reply) { r.Groups = []string{"martians"} },
	}
	for name, spoil := range bad {
		r := own
		spoil(&r)
		if _, err := rig.App.SaveReply(ctx, admin, r); story.ErrorCode(err) != story.CodeInvalid {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
}
