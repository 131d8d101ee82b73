package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"chorus/internal/loadtest"
)

// TestSignInAttackKeepsMemoryBounded runs the real binary and sends it 40
// concurrent failed sign-ins from four addresses, three times over, while
// a reader polls /healthz. Every sign-in hashes a password with argon2id
// (64 MiB each); the server's peak resident memory must stay within a
// small multiple of its idle memory, and /healthz must keep answering.
func TestSignInAttackKeepsMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("needs /proc to read the server's memory")
	}
	// Two cores, as on the machines the limits were measured on: the
	// number of password hashes run at once follows the cores.
	site := newTestSite(t, "GOMAXPROCS=2")
	base := site.base
	// The rate limits are opened wide: this test is about what bounds
	// password hashing itself.
	startServerWithArgs(t, site.bin, site.env, "serve", "--trust-forwarded-for",
		"--signins-per-minute", "100000", "--signins-per-minute-total", "100000")
	waitHealthy(t, base)
	for range 20 {
		get(t, base+"/en/")
	}
	pid := server.Process.Pid
	idleRSS, _ := childRSS(t, pid)

	const addresses, perAddress, rounds = 4, 10, 3
	statuses, busyUnexplained := map[int]int{}, 0
	var mu sync.Mutex
	attackDone := make(chan struct{})
	healthOK, healthFailed := 0, []string{}
	var healthWG sync.WaitGroup
	healthWG.Add(1)
	go func() {
		defer healthWG.Done()
		client := &http.Client{Timeout: 20 * time.Second}
		for {
			select {
			case <-attackDone:
				return
			case <-time.After(100 * time.Millisecond):
			}
			res, err := client.Get(base + "/healthz")
			if err != nil {
				healthFailed = append(healthFailed, err.Error())
				continue
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				healthOK++
			} else {
				healthFailed = append(healthFailed, res.Status)
			}
		}
	}()
	for round := range rounds {
		var wg sync.WaitGroup
		for a := range addresses {
			client := signInClient(t, base, fmt.Sprintf("198.51.100.%d", 10*round+a+1))
			for i := range perAddress {
				wg.Add(1)
				go func() {
					defer wg.Done()
					status, page := client.attempt(fmt.Sprintf("nobody%d-%d@example.org", a, i))
					mu.Lock()
					statuses[status]++
					if status == http.StatusTooManyRequests && !strings.Contains(page, "Many people are signing in right now") {
						busyUnexplained++
					}
					mu.Unlock()
				}()
			}
		}
		wg.Wait()
	}
	close(attackDone)
	healthWG.Wait()
	_, peakRSS := childRSS(t, pid)
	ratio := float64(peakRSS) / float64(idleRSS)
	t.Logf("idle RSS %d MB, peak RSS %d MB (%.1f×); sign-in answers %v; /healthz answered %d times",
		idleRSS>>10, peakRSS>>10, ratio, statuses, healthOK)
	for status, n := range statuses {
		if status != http.StatusUnauthorized && status != http.StatusTooManyRequests {
			t.Errorf("%d sign-in attempts answered %d: want 401 or 429", n, status)
		}
	}
	if busyUnexplained > 0 {
		t.Errorf("%d refusals without the message that many people are signing in", busyUnexplained)
	}
	if ratio > maxSignInMemoryRatio {
		t.Errorf("peak RSS is %.1f× the idle RSS under the sign-in attack: want at most %.1f×", ratio, maxSignInMemoryRatio)
	}
	if healthOK == 0 || len(healthFailed) > 0 {
		t.Errorf("/healthz during the attack: %d answers, failures %v", healthOK, healthFailed)
	}
}

// maxSignInMemoryRatio is the peak over idle resident memory allowed under
// the sign-in attack.
const maxSignInMemoryRatio = 3.0

// signInForm is one client address with its CSRF cookie and token.
type signInForm struct {
	t       *testing.T
	base    string
	address string
	client  *http.Client
	token   string
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func signInClient(t *testing.T, base, address string) *signInForm {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	f := &signInForm{t: t, base: base, address: address, client: &http.Client{Jar: jar, Timeout: time.Minute}}
	req, _ := http.NewRequest("GET", base+"/en/staff/signin", nil)
	req.Header.Set("X-Forwarded-For", address)
	res, err := f.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	page, _ := io.ReadAll(res.Body)
	m := csrfField.FindSubmatch(page)
	if m == nil {
		t.Fatalf("sign-in page without a CSRF token: %d", res.StatusCode)
	}
	f.token = string(m[1])
	return f
}

// attempt signs in with a wrong password and returns the answer.
func (f *signInForm) attempt(email string) (status int, page string) {
	form := url.Values{"csrf": {f.token}, "email": {email}, "password": {"not the right password"}, "code": {"123456"}}
	req, _ := http.NewRequest("POST", f.base+"/en/staff/signin", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", f.address)
	res, err := f.client.Do(req)
	if err != nil {
		f.t.Errorf("sign-in attempt: %v", err)
		return 0, ""
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res.StatusCode, string(body)
}

// childRSS reads a process's resident memory now and its high-water
// mark, in kB.
func childRSS(t *testing.T, pid int) (rss, peak int64) {
	t.Helper()
	rss, peak, err := loadtest.ProcessMemory(pid)
	if err != nil {
		t.Fatal(err)
	}
	return rss, peak
}
