package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"chorus/internal/storage/sqlite"
	"chorus/internal/testrig"
)

type acknowledged struct {
	id, token, title, body string
	photo                  bool
}

// TestSIGKILLLosesNoAcknowledgedSubmission kills the server in the middle of
// a submission and upload load, then checks that every submission that got
// a 202 (and every photo that got a 200) is there and complete, and that
// every media file is either referenced or scheduled for deletion.
func TestSIGKILLLosesNoAcknowledgedSubmission(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary under load")
	}
	site := newTestSite(t)
	bin, data, base, env := site.bin, site.data, site.base, site.env
	startServerWithArgs(t, bin, env, "serve", "--submissions-per-hour", "1000000")
	waitHealthy(t, base)

	photo := testrig.PhotoWithGPS(640, 480)
	var (
		mu    sync.Mutex
		acked []acknowledged
		wg    sync.WaitGroup
	)
	stop := make(chan struct{})
	client := &http.Client{Timeout: 10 * time.Second}
	for worker := 0; worker < 8; worker++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				marker := fmt.Sprintf("w%dn%d", worker, n)
				title := "Crash test " + marker
				body := "We arrived and the neighbours helped us settle, said " + marker + "."
				payload, _ := json.Marshal(map[string]any{"title": title, "body": body, "language": "en", "country": "CA",
					"identity": "migrant", "anonymous": true, "consent": map[string]bool{"publish": true}})
				res, err := client.Post(base+"/api/v1/stories", "application/json", bytes.NewReader(payload))
				if err != nil {
					return
				}
				var receipt struct{ ID, Token string }
				json.NewDecoder(res.Body).Decode(&receipt)
				res.Body.Close()
				if res.StatusCode != http.StatusAccepted {
					continue
				}
				ack := acknowledged{id: receipt.ID, token: receipt.Token, title: title, body: body}
				mu.Lock()
				acked = append(acked, ack)
				index := len(acked) - 1
				mu.Unlock()
				if n%2 != 0 {
					continue
				}
				if status, _ := uploadPhoto(client, base, ack.id, ack.token, photo); status == http.StatusOK {
					mu.Lock()
					acked[index].photo = true
					mu.Unlock()
				}
			}
		}()
	}
	time.Sleep(2 * time.Second)
	if err := server.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	server.Wait()
	close(stop)
	wg.Wait()
	if len(acked) < 10 {
		t.Fatalf("only %d submissions before the kill: load too light to prove anything", len(acked))
	}

	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(data, "chorus.db"))
	if err != nil {
		t.Fatalf("database does not open after SIGKILL: %v", err)
	}
	referenced := map[string]bool{}
	photos := 0
	for _, a := range acked {
		s, err := store.Story(ctx, a.id)
		if err != nil {
			t.Errorf("acknowledged %s lost: %v", a.id, err)
			continue
		}
		if s.Title != a.title || s.Body != a.body || s.Status != "pending" {
			t.Errorf("acknowledged %s incomplete: %q %q %s", a.id, s.Title, s.Body, s.Status)
		}
		if a.photo && s.Photo == nil {
			t.Errorf("acknowledged photo of %s lost", a.id)
		}
		if s.Photo != nil {
			photos++
			for _, size := range s.Photo.Sizes {
				referenced[size.Key] = true
				if _, err := os.Stat(filepath.Join(data, "media", size.Key)); err != nil {
					t.Errorf("photo file of %s missing: %v", a.id, err)
				}
			}
		}
	}
	scheduled := map[string]bool{}
	due, err := store.DueBlobDeletions(ctx, time.Now().Add(24*time.Hour), 100000)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range due {
		scheduled[k] = true
	}
	filepath.WalkDir(filepath.Join(data, "media"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		key, _ := filepath.Rel(filepath.Join(data, "media"), p)
		key = filepath.ToSlash(key)
		if !referenced[key] && !scheduled[key] && !strings.HasPrefix(d.Name(), ".tmp-") {
			t.Errorf("orphan media file %s: neither referenced nor scheduled for deletion", key)
		}
		return nil
	})
	store.Close()
	t.Logf("%d acknowledged submissions, %d with photos, all intact after SIGKILL", len(acked), photos)

	startServerWithArgs(t, bin, env, "serve")
	waitHealthy(t, base)
	last := acked[len(acked)-1]
	if res, _ := getWithToken(t, base+"/api/v1/submissions/"+last.id, last.token); res.StatusCode != http.StatusOK {
		t.Errorf("after restart, the last acknowledged submission answers %d", res.StatusCode)
	}
	stopServer(t)
}

// uploadPhoto adds a photo to a submission through the API and returns
// the answer's status.
func uploadPhoto(client *http.Client, base, id, token string, photo []byte) (int, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("photo", "photo.jpg")
	fw.Write(photo)
	mw.WriteField("alt", "a street")
	mw.Close()
	req, _ := http.NewRequest("POST", base+"/api/v1/submissions/"+id+"/photo", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}
