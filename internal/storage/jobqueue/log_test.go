package jobqueue

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

// TestRiverRoutineLogsAtDebug: River's info lines (a periodic job every
// minute) only show at debug; its warnings still show at info.
func TestRiverRoutineLogsAtDebug(t *testing.T) {
	var buf bytes.Buffer
	atInfo := slog.New(routineAtDebug{slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo})}).With("component", "river")
	atInfo.Info("periodic job enqueued")
	atInfo.Warn("job failed")
	out := buf.String()
	if strings.Contains(out, "periodic job enqueued") || !strings.Contains(out, "level=WARN") || !strings.Contains(out, "component=river") {
		t.Errorf("at info: %q", out)
	}
	buf.Reset()
	atDebug := slog.New(routineAtDebug{slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})})
	atDebug.Info("periodic job enqueued")
	if !strings.Contains(buf.String(), "level=DEBUG msg=\"periodic job enqueued\"") {
		t.Errorf("at debug: %q", buf.String())
	}
}
