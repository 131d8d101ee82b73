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
	bin := buildBinary(t)
	data := t.TempDir()
	addr := freeAddr(t)
	base := "http://" + addr
	env := append(os.Environ(), "CHORUS_DATA="+data, "CHORUS_ADDR="+addr)
	startServer(t, bin, env)
	waitHealthy(t, base)

	body := `{"title":"Backed up","body":"A story that must survive a backup and a restore.","language":"en","country":"CA","identity":"migrant","anonymous":true,"consent":{"publish":true}}`
	res, err := http.Post(base+"/api/v1/stories", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var receipt struct{ ID, Token string }
	json.NewDecoder(res.Body).Decode(&receipt)
	res.Body.Close()
	if !uploadPhoto(http.DefaultClient, base, acknowledged{id: receipt.ID, token: receipt.Token}, testrig.PhotoWithGPS(320, 240)) {
		t.Fatal("photo upload failed")
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
	req, _ := http.NewRequest("GET", "http://"+addr2+"/api/v1/submissions/"+receipt.ID, nil)
	req.Header.Set("Authorization", "Bearer "+receipt.Token)
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var own struct {
		Title string
		Photo struct {
			Sizes map[string]struct{ URL string }
		}
	}
	json.NewDecoder(res.Body).Decode(&own)
	res.Body.Close()
	if own.Title != "Backed up" || len(own.Photo.Sizes) != 2 {
		t.Fatalf("restored submission: %+v", own)
	}
	entries, _ := os.ReadDir(filepath.Join(restored, "media", "photos", receipt.ID))
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
