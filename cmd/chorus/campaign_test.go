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

// TestCampaignCommandSetsTheDates: `chorus campaign` sets the dates (the
// end twelve months after the start by default), refuses bad ones, and a
// campaign that has ended takes no new story.
func TestCampaignCommandSetsTheDates(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	getenv := func(k string) string {
		if k == "CHORUS_DATA" {
			return data
		}
		return ""
	}
	campaign := func(args ...string) (string, error) {
		var out strings.Builder
		err := run(ctx, append([]string{"campaign"}, args...), getenv, nil, &out, io.Discard)
		return out.String(), err
	}
	if out, err := campaign(); err != nil || !strings.Contains(out, "no dates") {
		t.Errorf("before any dates: %q %v", out, err)
	}
	for _, bad := range [][]string{{"--start", "2026-13-01"}, {"--end", "2026-01-01"}, {"--start", "2026-05-01", "--end", "2026-04-01"}} {
		if _, err := campaign(bad...); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	out, err := campaign("--start", "2024-03-01")
	if err != nil || !strings.Contains(out, "from 2024-03-01 to 2025-02-28") || !strings.Contains(out, "ended") {
		t.Errorf("start only: %q %v", out, err)
	}
	cfg, err := parseFlags("serve", nil, getenv, io.Discard, nil)
	if err != nil {
		t.Fatal(err)
	}
	a, store, err := openApp(ctx, cfg, newLogger(io.Discard, "error"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := a.Submit(ctx, testrig.Submission("Late")); !errors.Is(err, app.ErrCampaignClosed) {
		t.Errorf("a story after the end: %v", err)
	}
}
