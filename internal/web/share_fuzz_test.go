package web

import (
	"net/url"
	"strings"
	"testing"

	"chorus/internal/i18n"
)

// FuzzMastodonServer: whatever a reader types, the server is a plain host
// name or nothing, and the sharing page it leads to is on that host.
func FuzzMastodonServer(f *testing.F) {
	for _, s := range []string{"mastodon.social", "https://Mastodon.Social/@me", "@a@b.example", "javascript:alert(1)", "a.b/../c", "x.org@evil.example", "[::1]", "héllo.example", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, typed string) {
		server := mastodonServer(typed)
		if server == "" {
			return
		}
		if !hostName.MatchString(server) || len(server) > 253 {
			t.Fatalf("%q gave %q", typed, server)
		}
		u, err := url.Parse(mastodonShareURL(server, typed))
		if err != nil || u.Scheme != "https" || u.Host != server || u.Path != "/share" || u.Query().Get("text") != typed {
			t.Fatalf("%q: share URL %v (%v)", typed, u, err)
		}
	})
}

// FuzzOEmbedURL: the oEmbed provider recognises only pages of this site,
// in a site language, and never an id holding a path.
func FuzzOEmbedURL(f *testing.F) {
	s := &Server{cfg: Config{BaseURL: "https://stories.example"}, catalog: testCatalog(f)}
	for _, u := range []string{"https://stories.example/en/stories/abc", "https://stories.example/fr/stories?theme=work&country=ca",
		"https://stories.example/en/stories/abc/original", "https://other.example/en/stories/abc", "https://stories.example/xx/stories/a",
		"https://stories.example/en/stories/a/b/c", "https://stories.example/en/stories/%2F..", "//stories.example/en/stories/a"} {
		f.Add(u)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		lang, id, filter, ok := s.ourPage(raw)
		if !ok {
			return
		}
		if lang == nil || strings.Contains(id, "/") {
			t.Fatalf("%q: lang %v, id %q", raw, lang, id)
		}
		u, _ := url.Parse(raw)
		if u.Host != "stories.example" {
			t.Fatalf("%q is not on this site", raw)
		}
		if filter.Query != "" || filter.Limit > embedListSize {
			t.Fatalf("%q: filter %+v", raw, filter)
		}
	})
}

func testCatalog(tb testing.TB) *i18n.Catalog {
	tb.Helper()
	catalog, err := i18n.Load(i18n.Known, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return catalog
}
