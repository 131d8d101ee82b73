package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
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

// TestServeAppliesConnectionAndBodyLimits runs the binary with small
// limits: a third connection from one address is closed unread, and a
// form body dribbled a byte every 50 ms is cut off after the form read
// timeout of one second, long before it ends.
func TestServeAppliesConnectionAndBodyLimits(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	site := newTestSite(t)
	addr := site.addr
	startServerWithArgs(t, site.bin, site.env, "serve", "--max-connections-per-address", "2", "--form-read-timeout", "1s")
	waitHealthy(t, site.base)
	http.DefaultClient.CloseIdleConnections()

	dial := func() net.Conn {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	slow := dial()
	fmt.Fprintf(slow, "POST /api/v1/stories HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n", addr)
	second := dial()
	third := dial()
	third.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, err := third.Read(make([]byte, 1)); n != 0 || err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("a third connection from one address: read %d bytes, %v; want it closed at once", n, err)
	}
	second.Close()

	answered := make(chan struct{})
	go func() {
		slow.Read(make([]byte, 1))
		close(answered)
	}()
	sent := 0
dribble:
	for ; sent < 200; sent++ {
		select {
		case <-answered:
			break dribble
		case <-time.After(50 * time.Millisecond):
		}
		if _, err := slow.Write([]byte{' '}); err != nil {
			break
		}
	}
	if sent >= 100 {
		t.Errorf("a body dribbled a byte every 50 ms was not cut off after 1 s: %d of 200 bytes sent", sent)
	}
	stopServer(t)
}
