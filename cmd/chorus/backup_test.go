package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"chorus/internal/testrig"
)

// TestBackupWhileServingAndRestore backs a serving site up, restores it
// into a new folder and serves the copy: stories and photos are all there.
func TestBackupWhileServingAndRestore(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	site := newTestSite(t)
	bin, data, env := site.bin, site.data, site.env
	startServer(t, bin, env)
	waitHealthy(t, site.base)

	id, token := submit(t, site.base, "Backed up")
	if status, err := uploadPhoto(http.DefaultClient, site.base, id, token, testrig.PhotoWithGPS(320, 240)); status != http.StatusOK {
		t.Fatalf("photo upload: %d %v", status, err)
	}

	archive := filepath.Join(t.TempDir(), "site.tar.gz")
	out := runCommand(t, bin, env, "backup", archive)
	if !strings.Contains(out, "backed up the database") {
		t.Fatalf("backup: %s", out)
	}
	stopServer(t)

	restored := filepath.Join(t.TempDir(), "restored")
	out = runCommand(t, bin, env, "restore", "--data", restored, archive)
	if !strings.Contains(out, "restored") {
		t.Fatalf("restore: %s", out)
	}
	again := exec.Command(bin, "restore", "--data", restored, archive)
	again.Env = env
	if err := again.Run(); err == nil {
		t.Error("restore over a non-empty folder was allowed")
	}
	addr2 := freeAddr(t)
	env2 := append(os.Environ(), "CHORUS_DATA="+restored, "CHORUS_ADDR="+addr2)
	startServer(t, bin, env2)
	waitHealthy(t, "http://"+addr2)
	if res := get(t, "http://"+addr2+"/en/stories/demo01"); res.StatusCode != http.StatusOK {
		t.Errorf("restored demo story: %d", res.StatusCode)
	}
	_, body := getWithToken(t, "http://"+addr2+"/api/v1/submissions/"+id, token)
	var own struct {
		Title string
		Photo struct {
			Sizes map[string]struct{ URL string }
		}
	}
	json.Unmarshal(body, &own)
	if own.Title != "Backed up" || len(own.Photo.Sizes) != 2 {
		t.Fatalf("restored submission: %+v", own)
	}
	entries, _ := os.ReadDir(filepath.Join(restored, "media", "photos", id))
	if len(entries) != 2 {
		t.Errorf("restored photo files: %v", entries)
	}
	stopServer(t)
	key1, _ := os.ReadFile(filepath.Join(data, "secret.key"))
	key2, _ := os.ReadFile(filepath.Join(restored, "secret.key"))
	if !bytes.Equal(key1, key2) {
		t.Error("secret key not restored: contact e-mails would be unreadable")
	}
}
