package translate

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParseResponse(f *testing.F) {
	for _, r := range recorded {
		f.Add(r.status, []byte(r.body))
	}
	f.Add(200, []byte(`{"translatedText": ["a"]}`))
	f.Add(200, []byte(`{"translatedText": null, "error": ""}`))
	f.Add(302, []byte(``))
	f.Fuzz(func(t *testing.T, status int, data []byte) {
		text, err := ParseResponse(status, data)
		if err != nil {
			var te *Error
			if !errors.As(err, &te) || te.Kind == "" {
				t.Fatalf("not a translate error: %v", err)
			}
			if strings.ContainsAny(te.Detail, "\n\r\x00") || utf8.RuneCountInString(te.Detail) > maxServiceMessage+1 || !utf8.ValidString(te.Detail) {
				t.Fatalf("detail not cleaned: %q", te.Detail)
			}
			return
		}
		if status != 200 || !utf8.ValidString(text) {
			t.Fatalf("accepted status %d, text %q", status, text)
		}
	})
}

func FuzzSplit(f *testing.F) {
	f.Add("One.\n\nTwo. Three!", 5)
	f.Add("نص طويل جدا. وجملة أخرى؟", 7)
	f.Add("", 3)
	f.Fuzz(func(t *testing.T, text string, max int) {
		if max > 10000 || max < -10 {
			return
		}
		var joined strings.Builder
		for _, p := range Split(text, max) {
			if n := utf8.RuneCountInString(p.Text); n > max && n > 1 {
				t.Fatalf("piece of %d characters over %d", n, max)
			}
			joined.WriteString(p.Text + p.After)
		}
		if joined.String() != text {
			t.Fatalf("%q came back as %q", text, joined.String())
		}
	})
}
