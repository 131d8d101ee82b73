package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestNoDemoStartsEmpty: --no-demo (and CHORUS_DEMO=off) start a new site
// with no demo story and no demo admin, and say how to add staff.
func TestNoDemoStartsEmpty(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	for _, tc := range []struct {
		name string
		env  []string
		args []string
	}{
		{"flag", nil, []string{"serve", "--no-demo"}},
		{"environment", []string{"CHORUS_DEMO=off"}, []string{"serve"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			site := newTestSite(t, tc.env...)
			stdout := startServerWithArgs(t, site.bin, site.env, tc.args...)
			line := waitForLine(t, stdout, "No demo admin")
			if !strings.Contains(line, "chorus user add") {
				t.Errorf("start-up line: %q", line)
			}
			waitHealthy(t, site.base)
			if res := get(t, site.base+"/en/stories/demo01"); res.StatusCode != http.StatusNotFound {
				t.Errorf("demo story on a --no-demo site: %d", res.StatusCode)
			}
			res, err := http.Get(site.base + "/api/v1/stories")
			if err != nil {
				t.Fatal(err)
			}
			var list struct {
				Stories []json.RawMessage `json:"stories"`
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if err := json.Unmarshal(body, &list); err != nil || len(list.Stories) != 0 {
				t.Errorf("stories on a --no-demo site: %s", body)
			}
			stopServer(t)
		})
	}
}

// TestFirstStartNamesTheAdminAndLaterStartsPrintNoNewLink: the first start
// prints the demo admin's e-mail with its link; a restart while that link
// is unused prints no new link (which would replace it) but says how to
// get one.
func TestFirstStartNamesTheAdminAndLaterStartsPrintNoNewLink(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	site := newTestSite(t)
	stdout := startServer(t, site.bin, site.env)
	link := waitForLine(t, stdout, "Admin sign-in link")
	if !strings.Contains(link, "admin@example.org") || !strings.Contains(link, site.base+"/en/staff/welcome/") {
		t.Errorf("first start: %q", link)
	}
	waitHealthy(t, site.base)
	stopServer(t)

	stdout = startServer(t, site.bin, site.env)
	again := waitForLine(t, stdout, "Admin admin@example.org has not signed in yet")
	if strings.Contains(again, "/staff/welcome/") {
		t.Errorf("second start printed a new link: %q", again)
	}
	waitHealthy(t, site.base)
	// The first link still works: no restart replaced it.
	token := link[strings.LastIndex(link, "/")+1:]
	if res := get(t, site.base+"/en/staff/welcome/"+token); res.StatusCode != http.StatusOK {
		t.Errorf("the first start's link after a restart: %d", res.StatusCode)
	}
	stopServer(t)
}

// TestUserAddSaysWhichAddressItAssumed: without CHORUS_BASE_URL or
// CHORUS_ADDR, the printed link's address is a guess, and the command says so.
func TestUserAddSaysWhichAddressItAssumed(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	site := newTestSite(t)
	var env []string
	for _, kv := range site.env {
		if !strings.HasPrefix(kv, "CHORUS_ADDR=") && !strings.HasPrefix(kv, "CHORUS_BASE_URL=") {
			env = append(env, kv)
		}
	}
	out := runCommand(t, site.bin, env, "user", "add", "--email", "mod@example.org", "--role", "moderator")
	if !strings.Contains(out, "assumes the server answers at http://127.0.0.1:8080") {
		t.Errorf("no note about the guessed address: %q", out)
	}
	out = runCommand(t, site.bin, append(env, "CHORUS_BASE_URL=https://stories.example.org"), "user", "add", "--email", "mod2@example.org", "--role", "moderator")
	if strings.Contains(out, "assumes") || !strings.Contains(out, "https://stories.example.org/en/staff/welcome/") {
		t.Errorf("with CHORUS_BASE_URL: %q", out)
	}
}
