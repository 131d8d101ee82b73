package web

import (
	"html/template"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"

	"chorus/internal/story"
)

func TestRenderText(t *testing.T) {
	got := string(RenderText("Hello <b>world</b> https://example.org\nline two\n\n\n\nمرحبا #ItTakesaCommunity!"))
	want := "<p>Hello &lt;b&gt;world&lt;/b&gt; https://example.org<br>line two</p>\n<p>مرحبا <bdi>#ItTakesaCommunity</bdi>!</p>\n"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestHighlightClipsBadSpans(t *testing.T) {
	text := "Call +33 6 12 34 56 78 <now>"
	spans := []story.Span{
		{Field: "body", Start: 5, End: 22, Label: "phone"},
		{Field: "body", Start: 10, End: 12, Label: "overlap"},
		{Field: "body", Start: -1, End: 400, Label: "bogus"},
		{Field: "title", Start: 0, End: 4, Label: "other field"},
	}
	got := string(Highlight(text, "body", spans))
	want := `Call <mark class="signal-phone" title="phone">+33 6 12 34 56 78</mark> &lt;now&gt;`
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// allowedTags are the only elements the text renderers may produce.
var allowedTags = map[string]bool{"p": true, "br": true, "bdi": true, "mark": true}

// checkSafeHTML parses out and fails if it holds any element or attribute
// the renderers never write, which would mean user text became markup.
func checkSafeHTML(t *testing.T, input string, out template.HTML) {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(string(out)))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			if !allowedTags[string(name)] {
				t.Fatalf("input %q produced element <%s>: %s", input, name, out)
			}
			for hasAttr {
				var key []byte
				key, _, hasAttr = z.TagAttr()
				if string(name) != "mark" || (string(key) != "class" && string(key) != "title") {
					t.Fatalf("input %q produced attribute %s on <%s>: %s", input, key, name, out)
				}
			}
		case html.CommentToken, html.DoctypeToken:
			t.Fatalf("input %q produced a comment or doctype: %s", input, out)
		}
	}
}

func FuzzRenderText(f *testing.F) {
	for _, seed := range []string{"plain", "<script>alert(1)</script>", "a\n\nb\nc", "#tag<img src=x onerror=alert(1)>", "\"'&<>", "#", "##x", "\xff\xfe", "<!-- x -->", "مرحبا #Hashtag_٣"} {
		f.Add(seed, 0, 3)
	}
	f.Fuzz(func(t *testing.T, text string, start, end int) {
		out := RenderText(text)
		checkSafeHTML(t, text, out)
		if utf8.ValidString(text) && !utf8.ValidString(string(out)) {
			t.Fatalf("valid input produced invalid UTF-8")
		}
		checkSafeHTML(t, text, Isolate(text))
		checkSafeHTML(t, text, Highlight(text, "body", []story.Span{{Field: "body", Start: start, End: end, Label: `x" onmouseover="alert(1)`}}))
	})
}

func TestIsolateKeepsAddressesLeftToRight(t *testing.T) {
	got := string(Isolate("اقرأ القصص: http://127.0.0.1:8080/ar #ItTakesaCommunity <b>"))
	want := `اقرأ القصص: <bdi dir="ltr">http://127.0.0.1:8080/ar</bdi> <bdi>#ItTakesaCommunity</bdi> &lt;b&gt;`
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if got := string(Isolate("see https://a.example/x")); got != `see <bdi dir="ltr">https://a.example/x</bdi>` {
		t.Errorf("address at the end: %q", got)
	}
}
