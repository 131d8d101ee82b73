package outboundtest

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

func TestHangingServerAnswersNothing(t *testing.T) {
	srv := HangingServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	res, err := http.DefaultClient.Do(req)
	if err == nil {
		res.Body.Close()
		t.Fatalf("the server answered %d", res.StatusCode)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("want the client's deadline, got %v", err)
	}
}
