package loadtest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	var v []time.Duration
	for i := 1; i <= 100; i++ {
		v = append(v, time.Duration(i))
	}
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{{50, 50}, {99, 99}, {100, 100}, {0, 1}} {
		if got := Percentile(v, c.p); got != c.want {
			t.Errorf("Percentile(%v) = %v, want %v", c.p, got, c.want)
		}
	}
	if Percentile(nil, 50) != 0 {
		t.Error("empty input should give 0")
	}
}

func TestRunCountsAndBounds(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/bad" {
			http.Error(w, "no", http.StatusTeapot)
			return
		}
		w.Write([]byte("hello"))
	}))
	defer srv.Close()
	client := NewClient(4, 5*time.Second)
	res := Run(context.Background(), client, Target{Name: "ok", URL: srv.URL + "/"}, Options{Conns: 4, Duration: 5 * time.Second, MaxRequests: 200})
	if res.Requests != 200 || res.Errors != 0 {
		t.Fatalf("got %d requests, %d errors; want 200, 0", res.Requests, res.Errors)
	}
	if res.Bytes != 200*5 || res.P50 <= 0 || res.P99 < res.P50 || res.RPS() <= 0 {
		t.Fatalf("odd summary: %+v", res)
	}
	bad := Run(context.Background(), client, Target{Name: "bad", URL: srv.URL + "/bad"}, Options{Conns: 2, Duration: time.Second, MaxRequests: 10})
	if bad.Requests != 0 || bad.Errors != 10 || bad.FirstError == "" {
		t.Fatalf("bad target: %+v", bad)
	}
}
