package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"chorus/internal/app"
	"chorus/internal/storage"
	"chorus/internal/testrig"
)

func TestNewRefusesMissingPartsAndFillsTheRest(t *testing.T) {
	rig := testrig.New(t)
	complete := app.Deps{Store: rig.Store, Blobs: rig.App.Blobs, Keys: rig.App.Keys}
	for name, deps := range map[string]app.Deps{
		"store":       {Blobs: complete.Blobs, Keys: complete.Keys},
		"media store": {Store: complete.Store, Keys: complete.Keys},
		"keys":        {Store: complete.Store, Blobs: complete.Blobs},
	} {
		if _, err := app.New(deps); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("without its %s: %v", name, err)
		}
	}
	a, err := app.New(complete)
	if err != nil {
		t.Fatal(err)
	}
	if a.Campaign.Hashtag != app.DefaultCampaign().Hashtag || a.Photos == nil || a.Screener == nil || a.Log == nil ||
		a.Now == nil || a.Events == nil || len(a.TranslationLanguages) == 0 || a.Translator != nil {
		t.Errorf("defaults not filled: %+v", a)
	}
	if _, err := a.Submit(context.Background(), testrig.Submission("Defaults")); err != nil {
		t.Errorf("an app with default parts cannot take a submission: %v", err)
	}
}

func TestCampaignSettingsAreChecked(t *testing.T) {
	good := app.DefaultCampaign()
	if err := good.Validate(); err != nil {
		t.Fatalf("the default campaign: %v", err)
	}
	if err := (app.Campaign{Name: "Ensemble", Hashtag: "#ÇaCommenceIci_2027", Languages: []string{"fr", "pt-BR"}, Themes: []string{"work", "new-home"}}).Validate(); err != nil {
		t.Errorf("a valid campaign: %v", err)
	}
	bad := map[string]func(*app.Campaign){
		"no name":             func(c *app.Campaign) { c.Name = "" },
		"padded name":         func(c *app.Campaign) { c.Name = " Chorus" },
		"long name":           func(c *app.Campaign) { c.Name = strings.Repeat("n", 101) },
		"hashtag without #":   func(c *app.Campaign) { c.Hashtag = "ItTakesaCommunity" },
		"bare #":              func(c *app.Campaign) { c.Hashtag = "#" },
		"hashtag with space":  func(c *app.Campaign) { c.Hashtag = "#It Takes" },
		"hashtag with markup": func(c *app.Campaign) { c.Hashtag = `#a"><script>` },
		"no languages":        func(c *app.Campaign) { c.Languages = nil },
		"bad language":        func(c *app.Campaign) { c.Languages = []string{"en", "English"} },
		"language twice":      func(c *app.Campaign) { c.Languages = []string{"en", "fr", "en"} },
		"no themes":           func(c *app.Campaign) { c.Themes = []string{} },
		"bad theme":           func(c *app.Campaign) { c.Themes = []string{"Work Life"} },
	}
	rig := testrig.New(t)
	for name, spoil := range bad {
		c := app.DefaultCampaign()
		spoil(&c)
		if err := c.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
		if _, err := app.New(app.Deps{Store: rig.Store, Blobs: rig.App.Blobs, Keys: rig.App.Keys, Campaign: c}); err == nil {
			t.Errorf("%s: app.New accepted it", name)
		}
	}
}

type featureJobArgs struct{ Marker string }

func (featureJobArgs) Kind() string { return "wiring_test_feature" }

// TestAFeatureRegistersItsOwnJobs registers a job as a feature package
// would, next to the app's own, and runs it on the rig's real queue.
func TestAFeatureRegistersItsOwnJobs(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	ran := make(chan string, 1)
	register := func(jobs *app.JobRegistry) error {
		return app.AddWorker(jobs, func(_ context.Context, job *river.Job[featureJobArgs]) error {
			ran <- job.Args.Marker
			return nil
		})
	}
	if err := register(rig.App.JobRegistry()); err != nil {
		t.Fatal(err)
	}
	if err := register(rig.App.JobRegistry()); err == nil {
		t.Error("a kind registered twice was accepted")
	}
	if err := app.AddWorker(rig.App.JobRegistry(), func(context.Context, *river.Job[app.SweepMediaArgs]) error { return nil }); err == nil {
		t.Error("a feature replaced one of the app's own workers")
	}
	stop, err := rig.Store.StartJobs(ctx, rig.App.Jobs())
	if err != nil {
		t.Fatal(err)
	}
	defer stop(ctx)
	if err := register(rig.App.JobRegistry()); err == nil {
		t.Error("a job registered after the queue started was accepted: it would never run")
	}
	err = rig.Store.WithTx(ctx, func(tx storage.Tx) error {
		return tx.Enqueue(ctx, featureJobArgs{Marker: "federation delivery"}, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-ran:
		if got != "federation delivery" {
			t.Errorf("the feature's worker got %q", got)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the feature's job did not run within 30 s")
	}
}
