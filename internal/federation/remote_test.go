package federation

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"chorus/internal/app"
	"chorus/internal/outbound"
	"chorus/internal/staff"
	"chorus/internal/testrig"
)

// remoteServer is a second ActivityPub server written for the tests: one
// account, alice, whose inboxes check every signature and digest as
// Mastodon does before they take an activity.
type remoteServer struct {
	t       *testing.T
	srv     *httptest.Server
	key     *rsa.PrivateKey
	name    string
	failing atomic.Int32 // answer 500 to this many more deliveries
	// gts makes the account look like GoToSocial's: a keyId without
	// fragment, served as a document of its own, and hs2019 signatures.
	gts bool
	// gone makes the account deleted: its actor answers 410.
	gone atomic.Bool

	mu       sync.Mutex
	received []received
	arrived  chan struct{}
}

type received struct {
	Inbox string
	Type  string
	Doc   map[string]any
}

var (
	testKeyOnce sync.Once
	testKey     *rsa.PrivateKey
)

// sharedRemoteKey: one key for every remote account of the tests, since
// RSA key generation is slow.
func sharedRemoteKey(t *testing.T) *rsa.PrivateKey {
	testKeyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		testKey = k
	})
	return testKey
}

func newRemoteServer(t *testing.T, name string) *remoteServer {
	rs := &remoteServer{t: t, key: sharedRemoteKey(t), name: name, arrived: make(chan struct{}, 1000)}
	rs.srv = httptest.NewServer(http.HandlerFunc(rs.serve))
	t.Cleanup(rs.srv.Close)
	return rs
}

func (rs *remoteServer) actorID() string { return rs.srv.URL + "/users/" + rs.name }
func (rs *remoteServer) keyID() string {
	if rs.gts {
		return rs.actorID() + "/main-key"
	}
	return rs.actorID() + "#main-key"
}

func (rs *remoteServer) serve(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodGet && rs.gone.Load() && strings.HasPrefix(r.URL.Path, "/users/"+rs.name):
		http.Error(w, "gone", http.StatusGone)
	case r.Method == http.MethodGet && (r.URL.Path == "/users/"+rs.name || rs.gts && r.URL.Path == "/users/"+rs.name+"/main-key"):
		rs.mu.Lock()
		key := rs.key
		rs.mu.Unlock()
		der, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
		json.NewEncoder(w).Encode(map[string]any{
			"@context": []string{activityContext, securityContext},
			"id":       rs.actorID(), "type": "Person", "preferredUsername": rs.name,
			"inbox":     rs.actorID() + "/inbox",
			"endpoints": map[string]string{"sharedInbox": rs.srv.URL + "/inbox"},
			"publicKey": map[string]string{"id": rs.keyID(), "owner": rs.actorID(),
				"publicKeyPem": string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))},
		})
	case r.Method == http.MethodPost && (r.URL.Path == "/inbox" || r.URL.Path == "/users/"+rs.name+"/inbox"):
		body, _ := io.ReadAll(r.Body)
		if err := rs.checkSignature(r, body); err != nil {
			rs.t.Errorf("%s received a badly signed delivery: %v", rs.name, err)
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		if rs.failing.Add(-1) >= 0 {
			http.Error(w, "down for maintenance", http.StatusInternalServerError)
			return
		}
		var doc map[string]any
		if err := json.Unmarshal(body, &doc); err != nil {
			http.Error(w, "bad json", http.StatusBadRequest)
			return
		}
		typ, _ := doc["type"].(string)
		rs.mu.Lock()
		rs.received = append(rs.received, received{Inbox: r.URL.Path, Type: typ, Doc: doc})
		rs.mu.Unlock()
		rs.arrived <- struct{}{}
		w.WriteHeader(http.StatusAccepted)
	default:
		http.NotFound(w, r)
	}
}

// checkSignature verifies a delivery independently of the code under
// test: the headers Mastodon requires, the digest, the date, and the RSA
// signature with the key published on the sender's actor.
func (rs *remoteServer) checkSignature(r *http.Request, body []byte) error {
	fields := map[string]string{}
	for _, part := range strings.Split(r.Header.Get("Signature"), ",") {
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return fmt.Errorf("bad Signature header %q", r.Header.Get("Signature"))
		}
		fields[k] = strings.Trim(v, `"`)
	}
	headers := strings.Fields(fields["headers"])
	for _, need := range []string{"(request-target)", "host", "date", "digest"} {
		if !strings.Contains(" "+fields["headers"]+" ", " "+need+" ") {
			return fmt.Errorf("%s not signed", need)
		}
	}
	sum := sha256.Sum256(body)
	if r.Header.Get("Digest") != "SHA-256="+base64.StdEncoding.EncodeToString(sum[:]) {
		return fmt.Errorf("digest mismatch")
	}
	date, err := http.ParseTime(r.Header.Get("Date"))
	if err != nil || time.Since(date).Abs() > time.Hour {
		return fmt.Errorf("bad date %q", r.Header.Get("Date"))
	}
	// The sender's key, from its actor document.
	req, _ := http.NewRequest(http.MethodGet, strings.Split(fields["keyId"], "#")[0], nil)
	req.Header.Set("Accept", ContentType)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	var actor struct {
		PublicKey struct{ ID, Owner, PublicKeyPem string } `json:"publicKey"`
	}
	if err := json.NewDecoder(res.Body).Decode(&actor); err != nil {
		return err
	}
	if actor.PublicKey.ID != fields["keyId"] {
		return fmt.Errorf("key %s is not the actor's (%s)", fields["keyId"], actor.PublicKey.ID)
	}
	block, _ := pem.Decode([]byte(actor.PublicKey.PublicKeyPem))
	if block == nil {
		return fmt.Errorf("no PEM")
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return err
	}
	var lines []string
	for _, h := range headers {
		switch h {
		case "(request-target)":
			lines = append(lines, h+": "+strings.ToLower(r.Method)+" "+r.URL.RequestURI())
		case "host":
			lines = append(lines, h+": "+r.Host)
		default:
			lines = append(lines, h+": "+r.Header.Get(h))
		}
	}
	signed := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	sig, err := base64.StdEncoding.DecodeString(fields["signature"])
	if err != nil {
		return err
	}
	return rsa.VerifyPKCS1v15(pub.(*rsa.PublicKey), crypto.SHA256, signed[:], sig)
}

// waitFor waits until the server has received an activity of this type
// about the object id ("" for any), and returns it.
func (rs *remoteServer) waitFor(typ, objectID string, within time.Duration) map[string]any {
	rs.t.Helper()
	deadline := time.After(within)
	for {
		rs.mu.Lock()
		for _, got := range rs.received {
			if got.Type == typ && (objectID == "" || objectIDOf(got.Doc) == objectID) {
				rs.mu.Unlock()
				return got.Doc
			}
		}
		rs.mu.Unlock()
		select {
		case <-rs.arrived:
		case <-deadline:
			rs.t.Fatalf("%s: no %s of %s arrived within %v", rs.name, typ, objectID, within)
		}
	}
}

func objectIDOf(doc map[string]any) string {
	switch o := doc["object"].(type) {
	case string:
		return o
	case map[string]any:
		id, _ := o["id"].(string)
		return id
	}
	return ""
}

// post sends an activity from this server's account to our inbox, signed.
func (rs *remoteServer) post(t *testing.T, inboxURL string, doc any) int {
	t.Helper()
	body, _ := json.Marshal(doc)
	req, _ := http.NewRequest(http.MethodPost, inboxURL, bytes.NewReader(body))
	req.Header.Set("Content-Type", ContentType)
	rs.mu.Lock()
	key := rs.key
	rs.mu.Unlock()
	if err := sign(req, body, rs.keyID(), key, time.Now()); err != nil {
		t.Fatal(err)
	}
	if rs.gts {
		req.Header.Set("Signature", strings.Replace(req.Header.Get("Signature"), `algorithm="rsa-sha256"`, `algorithm="hs2019"`, 1))
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// site is a Chorus site with federation on, its jobs running, allowed to
// reach loopback servers.
type site struct {
	*testrig.Rig
	fed *Federation
}

func newSite(t *testing.T) *site { return newBenchSite(t) }

func newBenchSite(t testing.TB) *site {
	t.Helper()
	allow, err := outbound.ParseAllowList("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	rig := testrig.New(t, func(d *app.Deps) {
		d.Outbound = outbound.New(outbound.Options{AllowPrivate: allow, UserAgent: outbound.UserAgent("http://chorus.test")})
	})
	if err := Register(rig.App, rig.Site); err != nil {
		t.Fatal(err)
	}
	stop, err := rig.Store.StartJobs(context.Background(), rig.App.Jobs())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		stop(ctx)
	})
	f, err := newFederation(rig.App, rig.URL, rig.Site.Catalog())
	if err != nil {
		t.Fatal(err)
	}
	return &site{Rig: rig, fed: f}
}

// get fetches a path asking for ActivityStreams.
func (s *site) get(t *testing.T, path string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.URL+path, nil)
	req.Header.Set("Accept", ContentType)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var doc map[string]any
	json.NewDecoder(res.Body).Decode(&doc)
	return res.StatusCode, doc
}

// follow has the remote account discover the campaign with WebFinger and
// follow it; it returns the actor's URL once the Accept has arrived.
func (s *site) follow(t *testing.T, rs *remoteServer) string {
	t.Helper()
	host := strings.TrimPrefix(s.URL, "http://")
	res, err := http.Get(s.URL + "/.well-known/webfinger?resource=acct:" + Username + "@" + host)
	if err != nil {
		t.Fatal(err)
	}
	var jrd struct {
		Subject string
		Links   []struct{ Rel, Type, Href string }
	}
	json.NewDecoder(res.Body).Decode(&jrd)
	res.Body.Close()
	var actorURL string
	for _, l := range jrd.Links {
		if l.Rel == "self" && l.Type == ContentType {
			actorURL = l.Href
		}
	}
	if actorURL == "" {
		t.Fatalf("webfinger: no self link in %+v", jrd)
	}
	status, actor := s.get(t, strings.TrimPrefix(actorURL, s.URL))
	if status != http.StatusOK || actor["preferredUsername"] != Username {
		t.Fatalf("actor: %d %v", status, actor)
	}
	inbox, _ := actor["inbox"].(string)
	followID := rs.actorID() + "#follows/1"
	if code := rs.post(t, inbox, map[string]any{
		"@context": activityContext, "id": followID, "type": "Follow", "actor": rs.actorID(), "object": actorURL,
	}); code != http.StatusAccepted {
		t.Fatalf("follow: %d", code)
	}
	accept := rs.waitFor("Accept", followID, 30*time.Second)
	if accept["actor"] != actorURL {
		t.Errorf("accept from %v", accept["actor"])
	}
	return actorURL
}

func (s *site) moderator(t testing.TB) *staff.User {
	u, err := s.Store.UserByEmail(context.Background(), "mod@example.org")
	if err == nil {
		return u
	}
	u, _ = s.Staff("mod@example.org", staff.RoleModerator)
	return u
}

// publish submits a story and approves it.
func (s *site) publish(t *testing.T, marker string) (id, token string) { return s.publishB(t, marker) }

func (s *site) publishB(t testing.TB, marker string) (id, token string) {
	t.Helper()
	sub := testrig.Submission(marker)
	sub.Consent.Translate = true
	id, token = s.Submit(sub)
	if _, err := s.App.Decide(context.Background(), s.moderator(t), id, app.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}
	return id, token
}

func (s *site) mustKey(t *testing.T) *rsa.PrivateKey { return s.mustKeyB(t) }

func (s *site) mustKeyB(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	k, err := s.fed.actorKey(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return k
}
