package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestMetricsOnTheirOwnAddress: /metrics is not on the public site, and
// is served on --metrics-addr (CHORUS_METRICS_ADDR) when it is set.
func TestMetricsOnTheirOwnAddress(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	metricsAddr := freeAddr(t)
	site := newTestSite(t, "CHORUS_METRICS_ADDR="+metricsAddr)
	startServer(t, site.bin, site.env)
	waitHealthy(t, site.base)
	get(t, site.base+"/en/")
	if res := get(t, site.base+"/metrics"); res.StatusCode != http.StatusNotFound {
		t.Errorf("/metrics on the public address: %d, want 404", res.StatusCode)
	}
	res, err := http.Get("http://" + metricsAddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{`chorus_http_requests_total{route="GET /en/{$}",status="200"}`, "chorus_moderation_queue_size", "chorus_password_hashes_total"} {
		if res.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
			t.Errorf("metrics address: %d, lacks %s", res.StatusCode, want)
		}
	}
	if res := get(t, "http://"+metricsAddr+"/en/"); res.StatusCode != http.StatusNotFound {
		t.Errorf("the metrics address serves the site too: %d", res.StatusCode)
	}
	stopServer(t)
}
