package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestBinary builds chorus and uses it as an operator would: serve on a
// fresh data folder, add staff while it runs, submit and decide through the
// API, stop it with SIGTERM, and start it again with everything kept.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	site := newTestSite(t)
	bin, env, base := site.bin, site.env, site.base

	stdout := startServer(t, bin, env)
	link := waitForLine(t, stdout, "Admin sign-in link")
	if !strings.Contains(link, base+"/en/staff/welcome/") {
		t.Errorf("start-up did not print the admin link: %q", link)
	}
	waitHealthy(t, base)
	if res := get(t, base+"/en/stories/demo01"); res.StatusCode != http.StatusOK {
		t.Errorf("demo story: %d", res.StatusCode)
	}

	out := runCommand(t, bin, env, "user", "add", "--email", "mod@example.org", "--role", "moderator")
	if !strings.Contains(out, base+"/en/staff/welcome/") {
		t.Errorf("user add: %q", out)
	}
	token := addAPIToken(t, bin, env, "mod@example.org")
	id, _ := submit(t, base, "Binary test")
	decide(t, base, token, id)
	host := strings.TrimPrefix(base, "http://")
	if res := get(t, base+"/.well-known/webfinger?resource=acct:stories@"+host); res.StatusCode != http.StatusOK {
		t.Errorf("webfinger: %d", res.StatusCode)
	}
	actorKey := actorPublicKey(t, base)

	stopServer(t)
	startServer(t, bin, env)
	waitHealthy(t, base)
	if actorPublicKey(t, base) != actorKey {
		t.Error("the fediverse actor's key changed across a restart")
	}
	if res := get(t, base+"/api/v1/stories/"+id); res.StatusCode != http.StatusOK {
		t.Errorf("story lost across a restart: %d", res.StatusCode)
	}
	if res := get(t, base+"/api/v1/stories?limit=100"); res.StatusCode != http.StatusOK {
		t.Errorf("list: %d", res.StatusCode)
	}
	stopServer(t)
}

var server *exec.Cmd

// testSite is the built binary and the environment that serves a fresh
// data folder on a free local address.
type testSite struct {
	bin, data, addr, base string
	env                   []string
}

// newTestSite prepares a site; extraEnv (NAME=value) is added to its
// environment. Nothing runs until startServer.
func newTestSite(t *testing.T, extraEnv ...string) testSite {
	t.Helper()
	s := testSite{bin: buildBinary(t), data: t.TempDir(), addr: freeAddr(t)}
	s.base = "http://" + s.addr
	s.env = append(append(os.Environ(), "CHORUS_DATA="+s.data, "CHORUS_ADDR="+s.addr), extraEnv...)
	return s
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// buildBinary builds chorus once for all the tests of this package.
func buildBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "chorus-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "chorus")
		if out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func startServer(t *testing.T, bin string, env []string) *bufio.Scanner {
	t.Helper()
	return startServerWithArgs(t, bin, env, "serve")
}

func startServerWithArgs(t *testing.T, bin string, env []string, args ...string) *bufio.Scanner {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	server = cmd
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
		if t.Failed() {
			t.Logf("server log:\n%s", stderr.String())
		}
	})
	return bufio.NewScanner(pipe)
}

func stopServer(t *testing.T) {
	t.Helper()
	if err := server.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- server.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("server did not exit cleanly on SIGTERM: %v", err)
		}
	case <-time.After(40 * time.Second):
		t.Fatal("server did not stop within 40 s of SIGTERM")
	}
}

func waitForLine(t *testing.T, sc *bufio.Scanner, prefix string) string {
	t.Helper()
	lines := make(chan string)
	go func() {
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), prefix) {
				lines <- sc.Text()
			}
		}
		close(lines)
	}()
	select {
	case l, ok := <-lines:
		if !ok {
			t.Fatalf("server ended before printing %q", prefix)
		}
		go func() {
			for range lines {
			}
		}()
		return l
	case <-time.After(60 * time.Second):
		t.Fatalf("no %q line within 60 s", prefix)
	}
	return ""
}

func waitHealthy(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		res, err := http.Get(base + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("server not healthy within 30 s")
}

func get(t *testing.T, url string) *http.Response {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

func runCommand(t *testing.T, bin string, env []string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("chorus %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// addAPIToken runs chorus token add for a staff account and returns the
// token it prints on its last line.
func addAPIToken(t *testing.T, bin string, env []string, email string) string {
	t.Helper()
	out := runCommand(t, bin, env, "token", "add", "--email", email)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	token := lines[len(lines)-1]
	if len(token) < 40 || strings.Contains(token, " ") {
		t.Fatalf("token add's last line is not a token: %q", out)
	}
	return token
}

// submit sends a story through the API and returns its id and the
// storyteller's token.
func submit(t *testing.T, base, title string) (id, token string) {
	t.Helper()
	body := `{"title":"` + title + `","body":"We arrived in winter and the neighbours helped.","language":"en","country":"CA","identity":"migrant","anonymous":true,"consent":{"publish":true}}`
	res, err := http.Post(base+"/api/v1/stories", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var r struct{ ID, Token string }
	json.NewDecoder(res.Body).Decode(&r)
	if res.StatusCode != http.StatusAccepted || r.ID == "" {
		t.Fatalf("submit: %d", res.StatusCode)
	}
	return r.ID, r.Token
}

// decide approves a story through the moderation API.
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

// getWithToken requests url with a bearer token and returns the answer
// and its body, read and closed.
func getWithToken(t *testing.T, url, token string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}

// onlyDataEnv is an environment whose one setting is CHORUS_DATA=dir.
func onlyDataEnv(dir string) func(string) string {
	return func(name string) string {
		if name == "CHORUS_DATA" {
			return dir
		}
		return ""
	}
}

// testConfig is the configuration chorus reads from getenv without flags.
func testConfig(t *testing.T, getenv func(string) string) *config {
	t.Helper()
	cfg, err := parseFlags("test", nil, getenv, os.Stderr, nil)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return fmt.Sprintf("127.0.0.1:%d", l.Addr().(*net.TCPAddr).Port)
}

func TestUnknownCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"frobnicate"}, func(string) string { return "" }, nil, &out, &errOut)
	if err == nil || !strings.Contains(errOut.String(), "Usage") {
		t.Errorf("unknown command: %v %q", err, errOut.String())
	}
	err = run(context.Background(), []string{"serve", "--data", t.TempDir(), "--database", "mysql://u:secret@db/x"}, func(string) string { return "" }, nil, &out, &errOut)
	if err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("unsupported database: %v", err)
	}
}

// actorPublicKey reads the fediverse actor's public key.
func actorPublicKey(t *testing.T, base string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/ap/actor", nil)
	req.Header.Set("Accept", "application/activity+json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var actor struct {
		PublicKey struct {
			PublicKeyPem string `json:"publicKeyPem"`
		} `json:"publicKey"`
	}
	if err := json.NewDecoder(res.Body).Decode(&actor); err != nil || actor.PublicKey.PublicKeyPem == "" {
		t.Fatalf("actor: %d, %v", res.StatusCode, err)
	}
	return actor.PublicKey.PublicKeyPem
}
