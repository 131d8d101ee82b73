package app_test

import (
	"context"
	"strings"
	"testing"

	"chorus/internal/app"
	"chorus/internal/story"
	"chorus/internal/testrig"
)

func TestFloodOfCopiesIsFlaggedAsSpam(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	flood := testrig.Submission("Flood")
	flood.Title = "Stop the invasion"
	flood.Body = "They are invading our towns and taking everything, send every one of them back before it is too late for our children"
	flood.Anonymous, flood.DisplayName = true, ""
	var last string
	for i := 0; i < 4; i++ {
		sub := flood
		if i%2 == 1 {
			sub.Body = strings.Replace(sub.Body, "everything,", "everything!!", 1)
		}
		last, _ = rig.Submit(sub)
	}
	honest, _ := rig.Submit(testrig.Submission("Honest"))
	spam := func(id string) story.Signal {
		s, err := rig.Store.Story(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, sig := range s.Signals {
			if sig.Kind == story.SignalSpam {
				return sig
			}
		}
		return story.Signal{}
	}
	if sig := spam(last); sig.Score < 0.9 || !strings.Contains(sig.Detail, "burst") {
		t.Errorf("the fourth copy: %+v", sig)
	}
	if sig := spam(honest); sig.Score >= 0.5 {
		t.Errorf("an unrelated story flagged: %+v", sig)
	}
}

// TestDuplicateCheckRemembersAfterARestart starts a second process's view
// of the same database: its first submission is compared with the pending
// copies it finds there.
func TestDuplicateCheckRemembersAfterARestart(t *testing.T) {
	rig := testrig.New(t)
	flood := testrig.Submission("Restart")
	flood.Body = "They are invading our towns and taking everything, send every one of them back before it is too late for our children"
	for i := 0; i < 3; i++ {
		rig.Submit(flood)
	}
	restarted, err := app.New(app.Deps{Store: rig.Store, Blobs: rig.App.Blobs, Photos: rig.App.Photos, Screener: rig.App.Screener,
		Keys: rig.App.Keys, Campaign: rig.App.Campaign, Log: rig.App.Log, Now: rig.App.Now})
	if err != nil {
		t.Fatal(err)
	}
	receipt, err := restarted.Submit(context.Background(), flood)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := rig.Store.Story(context.Background(), receipt.ID)
	for _, sig := range s.Signals {
		if sig.Kind == story.SignalSpam && sig.Score >= 0.9 {
			return
		}
	}
	t.Errorf("a copy submitted after a restart is not flagged: %+v", s.Signals)
}
