package ingest

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"chorus/internal/app"
	"chorus/internal/outbound/outboundtest"
	"chorus/internal/story"
)

// TestFeedsWithOddEncodings takes the tagged items of an RSS feed in
// ISO-8859-1, an Atom feed with a byte-order mark and a JSON Feed, and asks
// again with the validators it was given.
func TestFeedsWithOddEncodings(t *testing.T) {
	cases := []struct {
		name, file, contentType string
		tags                    []string
		want                    map[string]string // source id → text it holds
		author, language        string
	}{
		{name: "rss-latin1", file: "partner_rss_latin1.xml", contentType: "application/rss+xml", tags: []string{"ItTakesaCommunity"},
			want: map[string]string{
				"partner-2026-11-30-cafe":                   "Samedi, le café a réuni 40 familles venues d'ailleurs et d'ici.",
				"https://partner.example/nouvelles/voisine": "Une histoire de voisinage",
			}, author: "Équipe de la Maison", language: "fr-ca"},
		{name: "atom-bom", file: "youth_atom_bom.xml", contentType: "application/atom+xml", tags: []string{"ItTakesaCommunity"},
			want:   map[string]string{"tag:youth.example,2026:entry-17": "نظم الشباب وجبة مشتركة في الحي."},
			author: "Youth Network"},
		{name: "json-feed-tagged", file: "coalition.json", contentType: "application/feed+json", tags: []string{"ItTakesaCommunity"},
			want:   map[string]string{"https://coalition.example/p/apprentices": "hired 12 apprentices"},
			author: "Jo Bloggs", language: "en"},
		{name: "json-feed-whole", file: "coalition.json", contentType: "application/feed+json",
			want: map[string]string{"https://coalition.example/p/apprentices": "Apprentices", "2": "Figures for the quarter."}},
	}
	for _, c := range cases {
		// Subtest names become folder names: no '#' (SQLite would read it
		// as the start of a URI fragment).
		t.Run(c.name, func(t *testing.T) {
			rig, r, _ := newRig(t, fixtureTime)
			body := readTestdata(t, "feeds/"+c.file)
			var mu sync.Mutex
			var conditional []string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
				mu.Lock()
				conditional = append(conditional, req.Header.Get("If-None-Match"))
				mu.Unlock()
				if req.Header.Get("If-None-Match") == `"v1"` {
					w.WriteHeader(http.StatusNotModified)
					return
				}
				w.Header().Set("ETag", `"v1"`)
				w.Header().Set("Content-Type", c.contentType)
				w.Write(body)
			}))
			defer srv.Close()
			src := &story.Source{ID: "f", Kind: story.SourceFeed, URL: srv.URL + "/feed", Tags: c.tags}
			state, added, err := r.pollFeed(context.Background(), src)
			if err != nil || added != len(c.want) {
				t.Fatalf("poll: added %d, %v", added, err)
			}
			for id, text := range c.want {
				p := postBySource(t, rig, "feed", id)
				if p == nil {
					t.Fatalf("item %s not taken in", id)
				}
				if !strings.Contains(p.Text, text) || !utf8.ValidString(p.Text) || strings.ContainsAny(p.Text, "<>") || strings.Contains(p.Text, "steal") {
					t.Errorf("text %q, want it to hold %q as plain text", p.Text, text)
				}
				if c.author != "" && p.Author != c.author && id != "https://partner.example/nouvelles/voisine" {
					t.Errorf("author %q, want %q", p.Author, c.author)
				}
				if strings.Contains(p.Author, "@") {
					t.Errorf("an e-mail address became the author: %q", p.Author)
				}
				if c.language != "" && p.Language != c.language {
					t.Errorf("language %q, want %q", p.Language, c.language)
				}
			}
			src.State = state
			if _, added, err := r.pollFeed(context.Background(), src); err != nil || added != 0 {
				t.Fatalf("second poll: %d, %v", added, err)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(conditional) != 2 || conditional[1] != `"v1"` {
				t.Fatalf("If-None-Match sent: %q", conditional)
			}
		})
	}
}

// TestHostileSourcesAreContained runs sources that answer garbage, hang,
// flood or redirect to a private address: each ends with an error admins
// see, within the client's time and size bounds, and the runner goes on.
func TestHostileSourcesAreContained(t *testing.T) {
	rig, r, _ := newRig(t, fixtureTime)
	garbage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(bytes.Repeat([]byte{0xff, '<', 0x00, '&'}, 1000))
	}))
	defer garbage.Close()
	hanging := outboundtest.HangingServer(t)
	flood := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte("["))
		chunk := bytes.Repeat([]byte(`{"id":"1","content":"spam spam spam spam"},`), 1000)
		for i := 0; i < 200; i++ { // 40 MB, far over the client's bound
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer flood.Close()
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		http.Redirect(w, req, "http://10.0.0.7/internal", http.StatusFound)
	}))
	defer redirect.Close()
	sources := map[string]*story.Source{
		"garbage":  addSource(t, rig, app.SourceInput{Kind: story.SourceFeed, URL: garbage.URL}),
		"hanging":  addSource(t, rig, app.SourceInput{Kind: story.SourceFeed, URL: hanging.URL}),
		"flood":    addSource(t, rig, app.SourceInput{Kind: story.SourceMastodon, URL: flood.URL, Tags: []string{"ItTakesaCommunity"}}),
		"redirect": addSource(t, rig, app.SourceInput{Kind: story.SourceFeed, URL: redirect.URL}),
	}
	stop := r.Start(context.Background())
	defer stop()
	want := map[string]string{
		"garbage": "not a feed", "hanging": "Timeout", "flood": "larger than allowed", "redirect": "private",
	}
	for name, src := range sources {
		waitFor(t, name+"'s error", func() bool { return sourceNow(t, rig, src.ID).LastError != "" })
		if got := sourceNow(t, rig, src.ID).LastError; !strings.Contains(strings.ToLower(got), strings.ToLower(want[name])) {
			t.Errorf("%s: error %q, want it to mention %q", name, got, want[name])
		}
	}
	if n, err := rig.Store.CountPosts(context.Background(), story.PostQueued); err != nil || n != 0 {
		t.Fatalf("posts from hostile sources: %d, %v", n, err)
	}
}

func FuzzParseFeed(f *testing.F) {
	for _, name := range []string{"partner_rss_latin1.xml", "youth_atom_bom.xml", "coalition.json"} {
		f.Add(readTestdata(f, "feeds/"+name))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		items, err := parseFeed(bytes.NewReader(body), nil)
		if err != nil {
			return
		}
		for _, in := range items {
			in.Normalize()
			if utf8.RuneCountInString(in.Text) > story.MaxPostText || utf8.RuneCountInString(in.Author) > story.MaxPostAuthor {
				t.Fatalf("item over the limits: %d runes of text", utf8.RuneCountInString(in.Text))
			}
			if strings.Contains(in.Text, "<script") {
				t.Fatalf("markup left: %q", in.Text)
			}
		}
	})
}

func FuzzPlainText(f *testing.F) {
	f.Add(`<p>Hi <a href="https://x.example">https://x.example</a><br>there</p><script>x()</script>`)
	f.Add("<style>p{}</style>plain &amp; simple")
	f.Fuzz(func(t *testing.T, in string) {
		out := plainText(in)
		if utf8.RuneCountInString(out) > story.MaxPostText || !utf8.ValidString(out) {
			t.Fatalf("out of bounds: %d runes", utf8.RuneCountInString(out))
		}
		if strings.Contains(out, "<script") && !strings.Contains(in, "&lt;script") {
			t.Fatalf("a script tag survived: %q", out)
		}
	})
}
