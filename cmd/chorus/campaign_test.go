package main

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"chorus/internal/app"
	"chorus/internal/story"
	"chorus/internal/testrig"
)

func TestCampaignComesFromTheConfiguration(t *testing.T) {
	parse := func(env map[string]string, args ...string) (*config, error) {
		return parseFlags("serve", args, func(k string) string { return env[k] }, io.Discard, nil)
	}
	cfg, err := parse(map[string]string{})
	if err != nil {
		t.Fatal(err)
	}
	if def := app.DefaultCampaign(); cfg.Campaign.Name != def.Name || cfg.Campaign.Hashtag != def.Hashtag ||
		!slices.Equal(cfg.Campaign.Languages, def.Languages) || !slices.Equal(cfg.Campaign.Themes, def.Themes) {
		t.Errorf("default campaign: %+v", cfg.Campaign)
	}

	env := map[string]string{
		"CHORUS_DATA":               t.TempDir(),
		"CHORUS_CAMPAIGN_NAME":      "Voisins",
		"CHORUS_CAMPAIGN_HASHTAG":   "#Voisins",
		"CHORUS_CAMPAIGN_LANGUAGES": "fr, en",
		"CHORUS_CAMPAIGN_THEMES":    "work,school",
	}
	cfg, err = parse(env, "--campaign-themes", "arrival, work")
	if err != nil {
		t.Fatal(err)
	}
	want := app.Campaign{Name: "Voisins", Hashtag: "#Voisins", Languages: []string{"fr", "en"}, Themes: []string{"arrival", "work"}}
	if cfg.Campaign.Name != want.Name || cfg.Campaign.Hashtag != want.Hashtag ||
		!slices.Equal(cfg.Campaign.Languages, want.Languages) || !slices.Equal(cfg.Campaign.Themes, want.Themes) {
		t.Errorf("configured campaign %+v, want %+v (flags over environment)", cfg.Campaign, want)
	}
	a, store, err := openApp(context.Background(), cfg, newLogger(io.Discard, "error"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	sub := testrig.Submission("Configured")
	sub.Themes = []string{"arrival"}
	if _, err := a.Submit(context.Background(), sub); err != nil {
		t.Errorf("a story on a configured theme: %v", err)
	}
	sub.Themes = []string{"community"} // a default theme, not this campaign's
	var invalid story.ValidationErrors
	if _, err := a.Submit(context.Background(), sub); !errors.As(err, &invalid) || invalid[0].Field != "themes" {
		t.Errorf("a story on a theme outside the campaign: %v", err)
	}

	for _, args := range [][]string{
		{"--campaign-hashtag", "NoHash"},
		{"--campaign-languages", ""},
		{"--campaign-themes", "Work Life"},
		{"--campaign-name", ""},
	} {
		if _, err := parse(map[string]string{}, args...); err == nil || !strings.Contains(err.Error(), "campaign") {
			t.Errorf("%v: %v", args, err)
		}
	}
}
