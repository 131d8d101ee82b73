package federation

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"chorus/internal/staff"
	"chorus/internal/testrig"
)

// TestStaffSeeDeliveriesAndBlock: a story's history shows where its
// deliveries stand; admins block a server from their page.
func TestStaffSeeDeliveriesAndBlock(t *testing.T) {
	s := newSite(t)
	remote := newRemoteServer(t, "dora")
	s.follow(t, remote)
	id, _ := s.publish(t, "Staff")
	remote.waitFor("Create", s.URL+objectPrefix+id, 30*time.Second)
	waitDeliveries(t, s, id, "delivered", 1)

	mod := s.SignedIn("mod2@example.org", staff.RoleModerator)
	page := mod.Get("/fr/staff/stories/" + id + "/audit")
	if page.Status != http.StatusOK || !strings.Contains(string(page.Body), remote.srv.URL+"/inbox") || !strings.Contains(string(page.Body), "livré") {
		t.Errorf("history: %d\n%s", page.Status, page.Body)
	}
	if res := mod.Get("/en/staff/fediverse"); res.Status != http.StatusForbidden {
		t.Errorf("a moderator on the fediverse page: %d", res.Status)
	}

	admin := s.SignedIn("admin2@example.org", staff.RoleAdmin)
	page = admin.Get("/en/staff/fediverse")
	if page.Status != http.StatusOK || !strings.Contains(string(page.Body), "@stories@"+strings.TrimPrefix(s.URL, "http://")) ||
		!strings.Contains(string(page.Body), "Followers: 1") {
		t.Fatalf("fediverse page: %d\n%s", page.Status, page.Body)
	}
	res := admin.PostForm("/en/staff/fediverse/block", url.Values{"csrf": {testrig.CSRF(t, page)}, "target": {"127.0.0.1"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("block: %d", res.Status)
	}
	res = admin.Get("/en/staff/fediverse?done=block")
	if res.Status != http.StatusOK || !strings.Contains(string(res.Body), "Followers: 0") || !strings.Contains(string(res.Body), "<code>127.0.0.1</code>") {
		t.Errorf("after blocking: %d\n%s", res.Status, res.Body)
	}
	res = admin.PostForm("/en/staff/fediverse/block", url.Values{"csrf": {testrig.CSRF(t, page)}, "target": {"https://"}})
	if res.Status != http.StatusUnprocessableEntity {
		t.Errorf("a malformed target: %d", res.Status)
	}
}

// TestDiscoveryDocuments: WebFinger, host-meta, NodeInfo, the actor by
// content negotiation, the outbox, the followers' count.
func TestDiscoveryDocuments(t *testing.T) {
	s := newSite(t)
	id, _ := s.publish(t, "Outbox")
	host := strings.TrimPrefix(s.URL, "http://")
	for path, want := range map[string]int{
		"/.well-known/webfinger?resource=acct:stories@" + host:          http.StatusOK,
		"/.well-known/webfinger?resource=acct:someone@" + host:          http.StatusNotFound,
		"/.well-known/webfinger":                                        http.StatusBadRequest,
		"/.well-known/host-meta":                                        http.StatusOK,
		"/.well-known/nodeinfo":                                         http.StatusOK,
		"/nodeinfo/2.1":                                                 http.StatusOK,
		actorPath + "/icon.png":                                         http.StatusOK,
		objectPrefix + "nosuchstory":                                    http.StatusNotFound,
		actorPath + "/outbox?page=1&cursor=" + strings.Repeat("x", 300): http.StatusBadRequest,
	} {
		if status, _ := s.get(t, path); status != want {
			t.Errorf("%s: %d, want %d", path, status, want)
		}
	}
	_, info := s.get(t, "/nodeinfo/2.1")
	if info["version"] != "2.1" || info["openRegistrations"] != false {
		t.Errorf("nodeinfo: %v", info)
	}
	_, actor := s.get(t, actorPath)
	if actor["type"] != "Organization" || actor["preferredUsername"] != "stories" ||
		actor["endpoints"].(map[string]any)["sharedInbox"] != s.URL+sharedInboxPath {
		t.Errorf("actor: %v", actor)
	}
	if names, _ := actor["nameMap"].(map[string]any); names["fr"] == nil || names["ar"] == nil {
		t.Errorf("actor names: %v", actor["nameMap"])
	}
	// The key stays the same: it is kept with the site.
	key := actor["publicKey"].(map[string]any)["publicKeyPem"]
	again, err := newFederation(s.App, s.URL, s.Site.Catalog())
	if err != nil {
		t.Fatal(err)
	}
	k, err := again.actorKey(t.Context())
	if err != nil || k.PublicKey.N.Cmp(s.mustKey(t).PublicKey.N) != 0 || key == "" {
		t.Errorf("the key changed: %v", err)
	}

	// A browser is sent to the site's pages.
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest(http.MethodGet, s.URL+actorPath, nil)
	req.Header.Set("Accept", "text/html")
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("a browser on the actor: %d", res.StatusCode)
	}
	req, _ = http.NewRequest(http.MethodGet, s.URL+actorPath, nil)
	req.Header.Set("Accept", `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`)
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "application/ld+json") {
		t.Errorf("ld+json asked, %s answered", res.Header.Get("Content-Type"))
	}

	_, outbox := s.get(t, actorPath+"/outbox")
	first, _ := outbox["first"].(string)
	_, page := s.get(t, strings.TrimPrefix(first, s.URL))
	items, _ := page["orderedItems"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["object"].(map[string]any)["id"] != s.URL+objectPrefix+id {
		t.Errorf("outbox page: %v", page)
	}
	_, followers := s.get(t, actorPath+"/followers")
	if followers["totalItems"] != float64(0) || followers["orderedItems"] != nil {
		t.Errorf("followers: %v", followers)
	}
	about := s.Do("GET", "/en/about", nil, nil)
	if !strings.Contains(string(about.Body), `rel="me" href="`+s.URL+actorPath+`"`) {
		t.Errorf("the about page does not link the account")
	}
}
