package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"chorus/internal/storage/postgres/pgtest"
)

// TestTwoNodesOnePostgreSQL runs two chorus processes on one PostgreSQL
// schema and one media folder: a story approved through one node appears
// on the other at once (its cache is invalidated by LISTEN/NOTIFY), a
// withdrawal through either is gone from both, and killing one node in the
// middle of a submission load loses nothing the nodes acknowledged.
func TestTwoNodesOnePostgreSQL(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two servers")
	}
	dbURL := pgtest.URL(t)
	bin := buildBinary(t)
	data := t.TempDir()
	addrA, addrB := freeAddr(t), freeAddr(t)
	baseA, baseB := "http://"+addrA, "http://"+addrB
	common := append(os.Environ(), "CHORUS_DATA="+data, "CHORUS_DATABASE_URL="+dbURL)
	startServerWithArgs(t, bin, append(common, "CHORUS_ADDR="+addrA), "serve", "--submissions-per-hour", "1000000")
	nodeA := server
	waitHealthy(t, baseA)
	startServerWithArgs(t, bin, append(common, "CHORUS_ADDR="+addrB), "serve", "--submissions-per-hour", "1000000")
	nodeB := server
	waitHealthy(t, baseB)

	runCommand(t, bin, common, "user", "add", "--email", "mod@example.org", "--role", "moderator")
	out := runCommand(t, bin, common, "token", "add", "--email", "mod@example.org")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	staffToken := lines[len(lines)-1]

	if page := fetch(t, baseB+"/en/stories"); strings.Contains(page, "Two nodes") {
		t.Fatal("story listed before it exists")
	}
	id, token := submit(t, baseA, "Two nodes, one site")
	decide(t, baseA, staffToken, id)
	waitFor(t, "node B lists the story approved on node A", func() bool {
		return strings.Contains(fetch(t, baseB+"/en/stories"), "Two nodes, one site")
	})

	req, _ := http.NewRequest("DELETE", baseB+"/api/v1/stories/"+id, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("withdraw on node B: %v %v", res, err)
	}
	waitFor(t, "node A answers 410 for the story withdrawn on node B", func() bool {
		res := get(t, baseA+"/en/stories/"+id)
		return res.StatusCode == http.StatusGone && !strings.Contains(fetch(t, baseA+"/en/stories"), "Two nodes, one site")
	})

	// Kill node A under load; every acknowledged submission must be readable through node B.
	type ack struct{ id, token string }
	var (
		mu    sync.Mutex
		acked []ack
		wg    sync.WaitGroup
	)
	stop := make(chan struct{})
	for w := 0; w < 6; w++ {
		base := baseA
		if w%2 == 1 {
			base = baseB
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Timeout: 5 * time.Second}
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				body := fmt.Sprintf(`{"title":"Load %d","body":"Neighbours helped us settle in our new town.","language":"en","country":"CA","identity":"migrant","anonymous":true,"consent":{"publish":true}}`, n)
				res, err := client.Post(base+"/api/v1/stories", "application/json", strings.NewReader(body))
				if err != nil {
					continue
				}
				var r struct{ ID, Token string }
				json.NewDecoder(res.Body).Decode(&r)
				res.Body.Close()
				if res.StatusCode == http.StatusAccepted {
					mu.Lock()
					acked = append(acked, ack{r.ID, r.Token})
					mu.Unlock()
				}
			}
		}()
	}
	time.Sleep(1500 * time.Millisecond)
	nodeA.Process.Signal(syscall.SIGKILL)
	nodeA.Wait()
	time.Sleep(500 * time.Millisecond)
	close(stop)
	wg.Wait()
	for _, a := range acked {
		req, _ := http.NewRequest("GET", baseB+"/api/v1/submissions/"+a.id, nil)
		req.Header.Set("Authorization", "Bearer "+a.token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("acknowledged %s lost after node A was killed: %d", a.id, res.StatusCode)
		}
	}
	t.Logf("%d submissions acknowledged across two nodes; all readable after one was killed", len(acked))
	server = nodeB
	stopServer(t)
}

func fetch(t *testing.T, url string) string {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

func submit(t *testing.T, base, title string) (string, string) {
	t.Helper()
	body := `{"title":"` + title + `","body":"We arrived in winter and the neighbours helped.","language":"en","country":"CA","identity":"migrant","anonymous":true,"consent":{"publish":true}}`
	res, err := http.Post(base+"/api/v1/stories", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var r struct{ ID, Token string }
	json.NewDecoder(res.Body).Decode(&r)
	if res.StatusCode != http.StatusAccepted {
		t.Fatalf("submit: %d", res.StatusCode)
	}
	return r.ID, r.Token
}

func decide(t *testing.T, base, staffToken, id string) {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/api/v1/moderation/items/"+id+"/decision", strings.NewReader(`{"decision":"approve"}`))
	req.Header.Set("Authorization", "Bearer "+staffToken)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("approve: %d", res.StatusCode)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 10 s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
