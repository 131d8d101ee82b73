package federation

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseSignature(t *testing.T) {
	good := []struct {
		header  string
		keyID   string
		algo    string
		headers []string
	}{
		{`keyId="https://m.example/users/a#main-key",algorithm="rsa-sha256",headers="(request-target) host date digest",signature="c2ln"`,
			"https://m.example/users/a#main-key", "rsa-sha256", []string{"(request-target)", "host", "date", "digest"}},
		// GoToSocial: hs2019, keyId without fragment, spaces after commas, created.
		{`keyId="https://g.example/users/b/main-key", algorithm="hs2019", headers="(request-target) host date digest", created=1700000000, signature="c2ln"`,
			"https://g.example/users/b/main-key", "hs2019", []string{"(request-target)", "host", "date", "digest"}},
		{`keyId="k",signature="c2ln"`, "k", "", []string{"date"}},
	}
	for _, c := range good {
		sig, err := parseSignature(c.header)
		if err != nil || sig.KeyID != c.keyID || sig.Algorithm != c.algo || !slices.Equal(sig.Headers, c.headers) || string(sig.Value) != "sig" {
			t.Errorf("parseSignature(%q) = %+v, %v", c.header, sig, err)
		}
	}
	for _, bad := range []string{
		"", `keyId="k"`, `signature="c2ln"`, `keyId="k",signature="***"`, `keyId="k,signature="c2ln"`,
		`keyId="k",keyId="j",signature="c2ln"`, `keyId="k" signature="c2ln"`, `=`, strings.Repeat("a", maxSignatureHeader+1),
	} {
		if _, err := parseSignature(bad); err == nil {
			t.Errorf("parseSignature(%q) accepted", bad)
		}
	}
}

// TestSignThenVerify: what sign makes, the checks take, both algorithm
// names; a changed header or method is refused.
func TestSignThenVerify(t *testing.T) {
	key := sharedRemoteKey(t)
	body := []byte(`{"type":"Follow"}`)
	for _, algo := range []string{"rsa-sha256", "hs2019"} {
		req, _ := http.NewRequest(http.MethodPost, "https://chorus.example/ap/inbox", bytes.NewReader(body))
		if err := sign(req, body, "https://m.example/users/a#main-key", key, time.Now()); err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Signature", strings.Replace(req.Header.Get("Signature"), "rsa-sha256", algo, 1))
		req.Host = "chorus.example"
		sig, err := parseSignature(req.Header.Get("Signature"))
		if err != nil {
			t.Fatal(err)
		}
		if err := checkSignedRequest(req, sig, body, time.Now()); err != nil {
			t.Errorf("%s: %v", algo, err)
		}
		if err := verifySignature(req, sig, &key.PublicKey); err != nil {
			t.Errorf("%s: %v", algo, err)
		}
		req.Host = "other.example"
		if err := verifySignature(req, sig, &key.PublicKey); err == nil {
			t.Errorf("%s: another host verified", algo)
		}
	}
	if digestMatches([]string{"SHA-512=abc"}, body) || !digestMatches([]string{"sha-256=" + strings.TrimPrefix(digest(body), "SHA-256=")}, body) {
		t.Error("digest algorithms")
	}
}

func FuzzParseSignature(f *testing.F) {
	f.Add(`keyId="https://m.example/users/a#main-key",algorithm="rsa-sha256",headers="(request-target) host date digest",signature="c2ln"`)
	f.Add(`keyId="k", algorithm="hs2019", created=1700000000, signature="c2ln"`)
	f.Add(`keyId=",",signature=""`)
	f.Fuzz(func(t *testing.T, header string) {
		sig, err := parseSignature(header)
		if err != nil {
			return
		}
		if sig.KeyID == "" || len(sig.Value) == 0 || len(sig.Headers) == 0 {
			t.Fatalf("accepted %q as %+v", header, sig)
		}
	})
}

func FuzzParseIncoming(f *testing.F) {
	f.Add([]byte(`{"type":"Undo","actor":"https://a.example/u","object":{"type":"Follow","id":"x"}}`))
	f.Add([]byte(`{"type":["Create"],"actor":[{"id":"a"}],"to":"x","tag":{"type":"Hashtag","name":"#a"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		act, err := parseIncoming(data)
		if err != nil {
			return
		}
		if act.Object.Object != nil {
			parseIncoming(act.Object.Object)
		}
		act.public()
		plainText(act.Content)
	})
}
