package main

import (
	"context"
	"io"
	"strings"
	"testing"

	"chorus/internal/media"
)

func TestImageMemorySetting(t *testing.T) {
	parse := func(env map[string]string, args ...string) (*config, error) {
		return parseFlags("serve", args, func(k string) string { return env[k] }, io.Discard, nil)
	}
	for _, c := range []struct {
		env  string
		args []string
		want int64
	}{
		{"", nil, media.DefaultImageMemory},
		{"1GiB", nil, 1 << 30},
		{"256MiB", []string{"--image-memory", "2GiB"}, 2 << 30},
		{"", []string{"--image-memory", "33554432"}, 32 << 20},
		{"", []string{"--image-memory=65536KiB"}, 64 << 20},
	} {
		cfg, err := parse(map[string]string{"CHORUS_IMAGE_MEMORY": c.env}, c.args...)
		if err != nil || cfg.ImageMemory != c.want {
			t.Errorf("env %q, flags %v: %v, %v; want %d", c.env, c.args, cfg, err, c.want)
		}
	}
	for _, bad := range []string{"lots", "-1GiB", "0", "1MiB", "12 parsecs", "2TiB", "9223372036854775807GiB"} {
		if _, err := parse(map[string]string{}, "--image-memory", bad); err == nil {
			t.Errorf("flag %q accepted", bad)
		}
		if _, err := parse(map[string]string{"CHORUS_IMAGE_MEMORY": bad}); err == nil || !strings.Contains(err.Error(), "CHORUS_IMAGE_MEMORY") {
			t.Errorf("environment %q: %v, want an error naming the variable", bad, err)
		}
	}

	// The server takes the setting up.
	cfg, err := parse(map[string]string{"CHORUS_DATA": t.TempDir(), "CHORUS_IMAGE_MEMORY": "96MiB"})
	if err != nil {
		t.Fatal(err)
	}
	_, store, err := openApp(context.Background(), cfg, newLogger(io.Discard, "error"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	defer media.SetImageMemory(media.DefaultImageMemory)
	if got := media.ImageMemory(); got != 96<<20 {
		t.Errorf("budget %d after openApp, want 96 MiB", got)
	}
}
