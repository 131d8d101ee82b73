package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"chorus/internal/auth"
	"chorus/internal/storage/postgres/pgtest"
)

// TestTwoNodesOnePostgreSQL runs two chorus processes on one PostgreSQL
// schema and one media folder: a moderator watching the queue on one node
// hears of a submission to the other, a story approved through one node
// appears on the other at once (its cache is invalidated by LISTEN/NOTIFY),
// a withdrawal through either is gone from both, and killing one node in
// the middle of a submission load loses nothing the nodes acknowledged.
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
	staffToken := addAPIToken(t, bin, common, "mod@example.org")

	// A moderator watching the queue on node B hears of a submission to node A.
	moderatorB := staffSession(t, bin, common, baseB, "watcher@example.org", "moderator")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req0, _ := http.NewRequestWithContext(ctx, "GET", baseB+"/en/staff/queue/events", nil)
	stream, err := moderatorB.Do(req0)
	if err != nil || stream.StatusCode != http.StatusOK {
		t.Fatalf("queue stream on node B: %v %v", stream, err)
	}
	events := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(stream.Body)
		for sc.Scan() {
			events <- sc.Text()
		}
		close(events)
	}()
	submit(t, baseA, "Watched from the other node")
	heard := false
	for !heard {
		select {
		case line, ok := <-events:
			if !ok {
				t.Fatal("queue stream on node B ended")
			}
			heard = line == "event: queue"
		case <-ctx.Done():
			t.Fatal("node B's moderator was not told of the submission to node A")
		}
	}
	stream.Body.Close()

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

	// A translation saved on node B shows on node A's cached page at once,
	// and in its toolkit.
	if page := fetch(t, baseA+"/fr/"); !strings.Contains(page, "Partagez votre récit") {
		t.Fatal("node A's French home page lacks its shipped text")
	}
	fetch(t, baseA+"/fr/toolkit")
	admin := staffSession(t, bin, common, baseB, "editor@example.org", "admin")
	saveTranslation(t, admin, baseB, "/fr/staff/translations/fr", "home.cta", "Racontez votre parcours")
	saveTranslation(t, admin, baseB, "/fr/staff/translations/fr/toolkit", "title", "Trousse des deux nœuds")
	waitFor(t, "node A shows the translation saved on node B", func() bool {
		return strings.Contains(fetch(t, baseA+"/fr/"), "Racontez votre parcours") && strings.Contains(fetch(t, baseA+"/fr/toolkit"), "Trousse des deux nœuds")
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
	// A withdrawal acknowledged by node A enqueues the purge job in its own
	// transaction; the job must outlive node A.
	jobID, jobToken := submit(t, baseA, "Withdrawn before the kill")
	reqW, _ := http.NewRequest("DELETE", baseA+"/api/v1/stories/"+jobID, nil)
	reqW.Header.Set("Authorization", "Bearer "+jobToken)
	if res, err := http.DefaultClient.Do(reqW); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("withdraw on node A: %v %v", res, err)
	}
	time.Sleep(1500 * time.Millisecond)
	nodeA.Process.Signal(syscall.SIGKILL)
	nodeA.Wait()
	time.Sleep(500 * time.Millisecond)
	close(stop)
	wg.Wait()
	for _, a := range acked {
		if res, _ := getWithToken(t, baseB+"/api/v1/submissions/"+a.id, a.token); res.StatusCode != http.StatusOK {
			t.Errorf("acknowledged %s lost after node A was killed: %d", a.id, res.StatusCode)
		}
	}
	t.Logf("%d submissions acknowledged across two nodes; all readable after one was killed", len(acked))
	db, err := pgx.Connect(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	var pending int
	err = db.QueryRow(context.Background(), `SELECT count(*) FROM river_job WHERE kind = 'purge_erased' AND state IN ('scheduled', 'available', 'running', 'retryable')`).Scan(&pending)
	db.Close(context.Background())
	if err != nil || pending == 0 {
		t.Errorf("the purge job enqueued by an acknowledged withdrawal was lost with node A: %d %v", pending, err)
	}
	// An open event stream must not hold up a graceful stop.
	req1, _ := http.NewRequestWithContext(ctx, "GET", baseB+"/en/staff/queue/events", nil)
	if open, err := moderatorB.Do(req1); err == nil {
		defer open.Body.Close()
	}
	server = nodeB
	started := time.Now()
	stopServer(t)
	if waited := time.Since(started); waited > 15*time.Second {
		t.Errorf("SIGTERM with an open event stream took %v", waited)
	}
}

// staffSession enrols a moderator or an admin through the welcome page of
// base, with the second factor, and returns a client holding the session.
func staffSession(t *testing.T, bin string, env []string, base, email, role string) *http.Client {
	t.Helper()
	out := runCommand(t, bin, env, "user", "add", "--email", email, "--role", role)
	_, token, ok := strings.Cut(strings.TrimSpace(out), "/en/staff/welcome/")
	if !ok {
		t.Fatalf("no sign-in link in %q", out)
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	welcome := base + "/en/staff/welcome/" + token
	status, page := readPage(t, client, welcome)
	secret := regexp.MustCompile(`name="totp_secret" value="([A-Z2-7]+)"`).FindSubmatch(page)
	csrf := csrfField.FindSubmatch(page)
	if secret == nil || csrf == nil {
		t.Fatalf("welcome page on %s: %d", base, status)
	}
	code, _ := auth.TOTPCode(string(secret[1]), time.Now())
	form := url.Values{"csrf": {string(csrf[1])}, "password": {"a long enough passphrase"}, "totp_secret": {string(secret[1])}, "code": {code}}
	if status := postSameOrigin(t, client, base, welcome, form); status != http.StatusSeeOther {
		t.Fatalf("enrol on %s: %d", base, status)
	}
	return client
}

// saveTranslation saves one text through a translation editor's form.
func saveTranslation(t *testing.T, client *http.Client, base, editor, key, text string) {
	t.Helper()
	status, page := readPage(t, client, base+editor+"?show=all")
	csrf := csrfField.FindSubmatch(page)
	if status != http.StatusOK || csrf == nil {
		t.Fatalf("editor %s: %d", editor, status)
	}
	form := url.Values{"csrf": {string(csrf[1])}, "key": {key}, "form-other": {text}}
	if status := postSameOrigin(t, client, base, base+editor, form); status != http.StatusSeeOther {
		t.Fatalf("save %s on %s: %d", key, editor, status)
	}
}

func readPage(t *testing.T, client *http.Client, url string) (status int, page []byte) {
	t.Helper()
	res, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	page, err = io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, page
}

// postSameOrigin posts a form to target as a page of base would, and
// returns the answer's status.
func postSameOrigin(t *testing.T, client *http.Client, base, target string, form url.Values) int {
	t.Helper()
	req, _ := http.NewRequest("POST", target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func fetch(t *testing.T, url string) string {
	t.Helper()
	_, page := readPage(t, http.DefaultClient, url)
	return string(page)
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
