package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"
)

// TestLimitSettings: the limits against floods and slow clients have
// their defaults, the metrics address comes from the environment or the
// flag, and a connection cap that would refuse everyone stops the start.
func TestLimitSettings(t *testing.T) {
	parse := func(env map[string]string, args ...string) *config {
		t.Helper()
		cfg, err := parseFlags("serve", args, func(k string) string { return env[k] }, io.Discard, nil)
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	cfg := parse(map[string]string{})
	if cfg.MetricsAddr != "" || cfg.SignInTotal != 120 || cfg.EditRate != 30 || cfg.EditRatePerClient != 120 ||
		cfg.FormReadTimeout != 30*time.Second || cfg.UploadReadTimeout != 2*time.Minute || cfg.MaxConns != 2000 || cfg.MaxConnsPerClient != 100 {
		t.Errorf("defaults: %+v", cfg)
	}
	if cfg := parse(map[string]string{"CHORUS_METRICS_ADDR": "127.0.0.1:9090"}); cfg.MetricsAddr != "127.0.0.1:9090" {
		t.Errorf("metrics address from the environment: %q", cfg.MetricsAddr)
	}
	cfg = parse(map[string]string{"CHORUS_METRICS_ADDR": "127.0.0.1:9090"}, "--metrics-addr", "10.0.0.5:9100",
		"--signins-per-minute-total", "30", "--upload-read-timeout", "5m", "--max-connections-per-address", "0")
	if cfg.MetricsAddr != "10.0.0.5:9100" || cfg.SignInTotal != 30 || cfg.UploadReadTimeout != 5*time.Minute || cfg.MaxConnsPerClient != 0 {
		t.Errorf("flags: %+v", cfg)
	}
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"serve", "--data", t.TempDir(), "--max-connections", "0"}, func(string) string { return "" }, nil, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "--max-connections") {
		t.Errorf("--max-connections 0: %v", err)
	}
}
