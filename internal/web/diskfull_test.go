package web_test

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"chorus/internal/storage/sqlite"
	"chorus/internal/testrig"
)

// TestDiskFull runs the site on a tiny tmpfs: when the disk fills up,
// submissions get a clear 503, nothing acknowledged is lost or corrupted,
// and the site recovers when space returns. It needs root to mount.
func TestDiskFull(t *testing.T) {
	if testrig.Postgres() {
		t.Skip("the disk-full test fills the SQLite data folder; PostgreSQL's disk is the server's")
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a small tmpfs")
	}
	dir := filepath.Join(t.TempDir(), "full")
	os.MkdirAll(dir, 0o750)
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	rig := testrig.NewIn(t, dir)

	var acked, tokens []string
	var refused testrig.Response
	for i := 0; i < 5000; i++ {
		sub := testrig.Submission("Fill")
		sub.Body += strings.Repeat(" A long story to fill the disk quickly.", 400)
		res := rig.Do("POST", "/api/v1/stories", sub, nil)
		if res.Status == http.StatusAccepted {
			var receipt struct{ ID, Token string }
			res.JSON(t, &receipt)
			acked = append(acked, receipt.ID)
			tokens = append(tokens, receipt.Token)
			continue
		}
		refused = res
		break
	}
	if refused.Status != http.StatusServiceUnavailable || !strings.Contains(string(refused.Body), `"code":"unavailable"`) {
		t.Fatalf("full disk after %d stories: %d %s", len(acked), refused.Status, refused.Body)
	}
	photo := testrig.PhotoWithGPS(1600, 1200)
	if res := rig.UploadPhoto(acked[0], tokens[0], "p.jpg", photo, "a street"); res.Status != http.StatusServiceUnavailable {
		t.Errorf("photo on a full disk: %d %s", res.Status, res.Body)
	}
	if files := testrig.FilesContaining(t, rig.MediaDir, []byte{0xFF, 0xD8}); len(files) > 0 {
		t.Errorf("a refused photo left files: %v", files)
	}
	if res := rig.Do("GET", "/en/stories", nil, nil); res.Status != http.StatusOK {
		t.Errorf("reading while the disk is full: %d", res.Status)
	}

	ctx := context.Background()
	var check string
	if err := rig.Store.(*sqlite.Store).DB().QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity after a full disk: %q %v", check, err)
	}
	for _, id := range acked {
		if _, err := rig.Store.Story(ctx, id); err != nil {
			t.Fatalf("acknowledged %s lost: %v", id, err)
		}
	}

	if out, err := exec.Command("mount", "-o", "remount,size=64m", dir).CombinedOutput(); err != nil {
		t.Fatalf("grow the tmpfs: %v %s", err, out)
	}
	newID, newToken := rig.Submit(testrig.Submission("Recovered"))
	if res := rig.UploadPhoto(newID, newToken, "p.jpg", photo, "a street"); res.Status != http.StatusOK {
		t.Errorf("photo after space returned: %d %s", res.Status, res.Body)
	}
	t.Logf("%d stories acknowledged before the disk filled; recovered after growing it", len(acked))
}
