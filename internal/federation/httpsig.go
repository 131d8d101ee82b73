package federation

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// HTTP signatures as the fediverse uses them: draft-cavage-http-signatures
// with RSA and SHA-256, named "rsa-sha256" or "hs2019" (Mastodon,
// GoToSocial, Pleroma, Misskey).

// maxSignatureHeader bounds the Signature header a request may carry.
const maxSignatureHeader = 8 << 10

// maxClockSkew is how far a signed request's Date may be from our clock.
const maxClockSkew = 12 * time.Hour

// signature is a parsed Signature header.
type signature struct {
	KeyID     string
	Algorithm string
	Headers   []string
	Value     []byte
}

var errBadSignatureHeader = errors.New("malformed Signature header")

// parseSignature reads `keyId="…",algorithm="…",headers="…",signature="…"`.
func parseSignature(header string) (signature, error) {
	var sig signature
	if header == "" || len(header) > maxSignatureHeader {
		return sig, errBadSignatureHeader
	}
	seen := map[string]bool{}
	rest := header
	for rest != "" {
		rest = strings.TrimLeft(rest, " \t,")
		if rest == "" {
			break
		}
		eq := strings.IndexByte(rest, '=')
		if eq <= 0 {
			return sig, errBadSignatureHeader
		}
		name := strings.TrimSpace(rest[:eq])
		rest = rest[eq+1:]
		var value string
		if strings.HasPrefix(rest, `"`) {
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				return sig, errBadSignatureHeader
			}
			value, rest = rest[1:end+1], rest[end+2:]
		} else {
			// created and expires are bare numbers.
			end := strings.IndexByte(rest, ',')
			if end < 0 {
				end = len(rest)
			}
			value, rest = strings.TrimSpace(rest[:end]), rest[end:]
		}
		if seen[name] {
			return sig, errBadSignatureHeader
		}
		seen[name] = true
		switch name {
		case "keyId":
			sig.KeyID = value
		case "algorithm":
			sig.Algorithm = strings.ToLower(value)
		case "headers":
			sig.Headers = strings.Fields(strings.ToLower(value))
		case "signature":
			b, err := base64.StdEncoding.DecodeString(value)
			if err != nil {
				return sig, errBadSignatureHeader
			}
			sig.Value = b
		}
		rest = strings.TrimLeft(rest, " \t")
		if rest != "" && rest[0] != ',' {
			return sig, errBadSignatureHeader
		}
	}
	if sig.KeyID == "" || len(sig.Value) == 0 {
		return sig, errBadSignatureHeader
	}
	if len(sig.Headers) == 0 {
		sig.Headers = []string{"date"} // the draft's default
	}
	return sig, nil
}

// signingString is what is signed: one "name: value" line per header.
func signingString(method, requestURI, host string, h http.Header, headers []string) (string, error) {
	var b strings.Builder
	for i, name := range headers {
		if i > 0 {
			b.WriteByte('\n')
		}
		var value string
		switch name {
		case "(request-target)":
			value = strings.ToLower(method) + " " + requestURI
		case "host":
			value = host
		default:
			values := h.Values(name)
			if len(values) == 0 {
				return "", fmt.Errorf("signed header %q is missing", name)
			}
			value = strings.Join(values, ", ")
		}
		b.WriteString(name + ": " + strings.TrimSpace(value))
	}
	return b.String(), nil
}

// digest is the Digest header of a body.
func digest(body []byte) string {
	sum := sha256.Sum256(body)
	return "SHA-256=" + base64.StdEncoding.EncodeToString(sum[:])
}

// sign signs an outgoing request with our key: (request-target), host and
// date, and the body's digest when there is a body.
func sign(req *http.Request, body []byte, keyID string, key *rsa.PrivateKey, now time.Time) error {
	req.Header.Set("Date", now.UTC().Format(http.TimeFormat))
	headers := []string{"(request-target)", "host", "date"}
	if body != nil {
		req.Header.Set("Digest", digest(body))
		headers = append(headers, "digest")
	}
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	text, err := signingString(req.Method, req.URL.RequestURI(), host, req.Header, headers)
	if err != nil {
		return err
	}
	sum := sha256.Sum256([]byte(text))
	value, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, sum[:])
	if err != nil {
		return err
	}
	req.Header.Set("Signature", fmt.Sprintf(`keyId="%s",algorithm="rsa-sha256",headers="%s",signature="%s"`,
		keyID, strings.Join(headers, " "), base64.StdEncoding.EncodeToString(value)))
	return nil
}

// checkSignedRequest checks what can be checked without the key: the
// headers a POST must sign, the Date's freshness and the body's Digest.
func checkSignedRequest(r *http.Request, sig signature, body []byte, now time.Time) error {
	if sig.Algorithm != "" && sig.Algorithm != "rsa-sha256" && sig.Algorithm != "hs2019" {
		return fmt.Errorf("algorithm %q is not supported", sig.Algorithm)
	}
	required := []string{"(request-target)", "host", "date"}
	if r.Method == http.MethodPost {
		required = append(required, "digest")
	}
	for _, h := range required {
		if !slices.Contains(sig.Headers, h) {
			return fmt.Errorf("the signature does not cover %s", h)
		}
	}
	date, err := http.ParseTime(r.Header.Get("Date"))
	if err != nil {
		return errors.New("no readable Date")
	}
	if d := now.Sub(date); d > maxClockSkew || d < -maxClockSkew {
		return errors.New("the Date is too far from now")
	}
	if r.Method == http.MethodPost {
		if !digestMatches(r.Header.Values("Digest"), body) {
			return errors.New("the Digest does not match the body")
		}
	}
	return nil
}

// digestMatches finds a SHA-256 digest equal to the body's among the
// Digest header's values.
func digestMatches(values []string, body []byte) bool {
	want := digest(body)
	for _, v := range values {
		for part := range strings.SplitSeq(v, ",") {
			part = strings.TrimSpace(part)
			algo, value, ok := strings.Cut(part, "=")
			if ok && strings.EqualFold(algo, "SHA-256") && "SHA-256="+value == want {
				return true
			}
		}
	}
	return false
}

// verifySignature checks the signature with the sender's public key.
func verifySignature(r *http.Request, sig signature, key *rsa.PublicKey) error {
	text, err := signingString(r.Method, r.URL.RequestURI(), r.Host, r.Header, sig.Headers)
	if err != nil {
		return err
	}
	sum := sha256.Sum256([]byte(text))
	return rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], sig.Value)
}
