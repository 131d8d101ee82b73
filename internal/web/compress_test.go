package web_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"regexp"
	"testing"

	"chorus/internal/testrig"
)

func gunzip(t *testing.T, body []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestShareFormAndStyleSheetAreGzipped: the two largest things a phone
// fetches on the way to sharing a story travel compressed, and caches are
// told the answer depends on Accept-Encoding.
func TestShareFormAndStyleSheetAreGzipped(t *testing.T) {
	rig := testrig.New(t)
	form := rig.Do("GET", "/ar/share", nil, map[string]string{"Accept-Encoding": "identity"})
	css := regexp.MustCompile(`href="(/static/style\.[0-9a-f]+\.css)"`).FindSubmatch(form.Body)
	if css == nil {
		t.Fatal("no style sheet link on the share form")
	}
	for _, path := range []string{"/ar/share", "/en/share", string(css[1])} {
		plain := rig.Do("GET", path, nil, map[string]string{"Accept-Encoding": "identity"})
		zipped := rig.Do("GET", path, nil, map[string]string{"Accept-Encoding": "gzip, br"})
		if plain.Status != http.StatusOK || zipped.Status != http.StatusOK {
			t.Fatalf("%s: %d %d", path, plain.Status, zipped.Status)
		}
		if zipped.Header.Get("Content-Encoding") != "gzip" || plain.Header.Get("Content-Encoding") != "" {
			t.Errorf("%s: encodings %q (asked gzip) and %q (asked identity)", path, zipped.Header.Get("Content-Encoding"), plain.Header.Get("Content-Encoding"))
			continue
		}
		for _, res := range []testrig.Response{plain, zipped} {
			if vary := res.Header.Values("Vary"); !containsToken(vary, "Accept-Encoding") {
				t.Errorf("%s: Vary %q lacks Accept-Encoding", path, vary)
			}
		}
		unzipped := gunzip(t, zipped.Body)
		if len(zipped.Body)*2 > len(plain.Body) {
			t.Errorf("%s: %d bytes gzipped for %d plain", path, len(zipped.Body), len(plain.Body))
		}
		// The share form carries a fresh CSRF token per visitor: compare
		// what does not change.
		if path == string(css[1]) && !bytes.Equal(unzipped, plain.Body) {
			t.Errorf("%s: gzipped content differs", path)
		}
		if path != string(css[1]) && !bytes.Contains(unzipped, []byte(`<form method="post"`)) {
			t.Errorf("%s: gzipped form is not the form", path)
		}
	}
}

// TestCompressedMediaIsNotGzippedAgain: a ZIP package or a PNG card gains
// nothing from a second compression.
func TestCompressedMediaIsNotGzippedAgain(t *testing.T) {
	rig := testrig.New(t)
	for _, path := range []string{"/en/toolkit.zip"} {
		res := rig.Do("GET", path, nil, map[string]string{"Accept-Encoding": "gzip"})
		if res.Status != http.StatusOK {
			t.Fatalf("%s: %d", path, res.Status)
		}
		if res.Header.Get("Content-Encoding") != "" {
			t.Errorf("%s (%s) compressed again", path, res.Header.Get("Content-Type"))
		}
	}
}

func containsToken(values []string, token string) bool {
	for _, v := range values {
		for _, part := range regexp.MustCompile(`\s*,\s*`).Split(v, -1) {
			if http.CanonicalHeaderKey(part) == token {
				return true
			}
		}
	}
	return false
}
