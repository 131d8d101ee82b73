package ingest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"chorus/internal/app"
	"chorus/internal/story"
)

var fixtureTime = time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC)

// TestMastodonCompatibleTagTimelines takes in a recorded tag timeline of
// Mastodon, GoToSocial and Akkoma: provenance kept, HTML made plain text,
// opted-out accounts skipped, paging remembered.
func TestMastodonCompatibleTagTimelines(t *testing.T) {
	cases := []struct {
		file, sourceID, author, name, server, language, url, newest string
		texts                                                       []string
		skipped                                                     []string
		media                                                       int
	}{
		{file: "mastodon_tag.json", sourceID: "https://social.example/users/amina/statuses/113546207593012345",
			author: "@amina@social.example", name: "Amina 🌻", server: "social.example", language: "en",
			url: "https://social.example/@amina/113546207593012345", newest: "113546207593012345",
			texts:   []string{"fed 200 neighbours", "#ItTakesaCommunity", "https://kitchen.example/night"},
			skipped: []string{"https://other.example/users/luc/statuses/113546201111000001", "https://third.example/users/sam/statuses/9"}, media: 1},
		{file: "gotosocial_tag.json", sourceID: "https://gts.example/users/olena/statuses/01JDX7Q4V1WQ4F4S5B3K2M9N8P",
			author: "@olena@gts.example", name: "Olena", server: "gts.example", language: "uk",
			url: "https://gts.example/@olena/statuses/01JDX7Q4V1WQ4F4S5B3K2M9N8P", newest: "01JDX7Q4V1WQ4F4S5B3K2M9N8P",
			texts: []string{"Сусіди допомогли"}},
		{file: "akkoma_tag.json", sourceID: "https://akkoma.example/objects/6d6a0f0c-2a57-4d1c-9b9e-5b8a2b1f3c44",
			author: "@yusuf@akkoma.example", name: "Yusuf :blobcatheart:", server: "akkoma.example",
			url: "https://akkoma.example/notice/AoXa3pQ9s8yZq1bF2C", newest: "AoXa3pQ9s8yZq1bF2C",
			texts: []string{"coat drive.\nEveryone welcome."}},
	}
	for _, c := range cases {
		t.Run(strings.TrimSuffix(c.file, "_tag.json"), func(t *testing.T) {
			rig, r, _ := newRig(t, fixtureTime)
			page := readTestdata(t, "mastodon/"+c.file)
			var asked []string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
				asked = append(asked, req.URL.RequestURI())
				w.Header().Set("Content-Type", "application/json; charset=utf-8")
				w.Write(page)
			}))
			// Only the tag timeline is asked: the first poll checks nothing again.
			defer srv.Close()
			src := &story.Source{ID: "s", Kind: story.SourceMastodon, URL: srv.URL, Tags: []string{"ItTakesaCommunity"}}
			state, added, wait, err := r.pollMastodon(context.Background(), src)
			if err != nil || added != 1 || wait != 0 {
				t.Fatalf("poll: added %d, wait %s, %v", added, wait, err)
			}
			if len(asked) != 1 || asked[0] != "/api/v1/timelines/tag/ItTakesaCommunity?limit=40" {
				t.Fatalf("requests: %v", asked)
			}
			p := postBySource(t, rig, "fediverse", c.sourceID)
			if p == nil {
				t.Fatal("the status was not taken in")
			}
			if p.Author != c.author || p.AuthorName != c.name || p.Server != c.server || p.SourceURL != c.url {
				t.Errorf("provenance: %q %q %q %q", p.Author, p.AuthorName, p.Server, p.SourceURL)
			}
			if c.language != "" && p.Language != c.language {
				t.Errorf("language %q, want %q", p.Language, c.language)
			}
			for _, want := range c.texts {
				if !strings.Contains(p.Text, want) {
					t.Errorf("text %q lacks %q", p.Text, want)
				}
			}
			if strings.ContainsAny(p.Text, "<>") || strings.Contains(p.Text, "alert(1)") {
				t.Errorf("markup left in the text: %q", p.Text)
			}
			if len(p.Media) != c.media {
				t.Errorf("media %+v, want %d", p.Media, c.media)
			}
			for _, id := range c.skipped {
				if postBySource(t, rig, "fediverse", id) != nil {
					t.Errorf("%s opted out of indexing but was taken in", id)
				}
			}
			var st mastodonState
			if err := json.Unmarshal(state, &st); err != nil || st.MinID["ItTakesaCommunity"] != c.newest || len(st.Recent) != 1 {
				t.Fatalf("state %s, %v", state, err)
			}
		})
	}
}

// fakeMastodon replays a tag timeline: the recorded page first, then pages
// made from its first status, with rate-limit headers, and the statuses
// one by one for the checks after.
type fakeMastodon struct {
	mu       sync.Mutex
	first    []json.RawMessage
	template map[string]any
	pages    map[string][]string // min_id → ids of the page
	headers  map[string]http.Header
	status   map[string]int    // id → answer code for GET /api/v1/statuses/:id
	content  map[string]string // id → content of that answer
	asked    []string
	tooMany  bool
}

func (f *fakeMastodon) statusJSON(id, content string) map[string]any {
	s := map[string]any{}
	for k, v := range f.template {
		s[k] = v
	}
	s["id"] = id
	s["uri"] = "https://social.example/users/amina/statuses/" + id
	s["url"] = "https://social.example/@amina/" + id
	if content == "" {
		content = "<p>Neighbours, day " + id + " #ItTakesaCommunity</p>"
	}
	s["content"] = content
	s["media_attachments"] = []any{}
	return s
}

func (f *fakeMastodon) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, req.URL.RequestURI())
	w.Header().Set("Content-Type", "application/json")
	if f.tooMany {
		w.Header().Set("Retry-After", "120")
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write([]byte(`{"error":"Too many requests"}`))
		return
	}
	if id, ok := strings.CutPrefix(req.URL.Path, "/api/v1/statuses/"); ok {
		code := f.status[id]
		if code == 0 {
			code = http.StatusOK
		}
		w.WriteHeader(code)
		if code != http.StatusOK {
			w.Write([]byte(`{"error":"Record not found"}`))
			return
		}
		json.NewEncoder(w).Encode(f.statusJSON(id, f.content[id]))
		return
	}
	min := req.URL.Query().Get("min_id")
	if min == "" {
		json.NewEncoder(w).Encode(f.first)
		return
	}
	for k, v := range f.headers[min] {
		w.Header()[k] = v
	}
	page := []map[string]any{}
	ids := f.pages[min]
	for i := len(ids) - 1; i >= 0; i-- { // newest first, as the API answers
		page = append(page, f.statusJSON(ids[i], ""))
	}
	json.NewEncoder(w).Encode(page)
}

// TestMastodonPagingRateLimitEditAndDeletion polls a server through two
// full pages and a partial one, stops when the rate limit is spent, sees
// an edit and a deletion on checking recent statuses again, and waits as
// a 429's Retry-After asks.
func TestMastodonPagingRateLimitEditAndDeletion(t *testing.T) {
	rig, r, advance := newRig(t, fixtureTime)
	var first []json.RawMessage
	if err := json.Unmarshal(readTestdata(t, "mastodon/mastodon_tag.json"), &first); err != nil {
		t.Fatal(err)
	}
	f := &fakeMastodon{first: first[:1], pages: map[string][]string{}, headers: map[string]http.Header{},
		status: map[string]int{}, content: map[string]string{}}
	if err := json.Unmarshal(first[0], &f.template); err != nil {
		t.Fatal(err)
	}
	const firstID = 113546207593012345
	ids := func(from, n int) []string {
		var out []string
		for i := range n {
			out = append(out, strconv.Itoa(from+i))
		}
		return out
	}
	f.pages[strconv.Itoa(firstID)] = ids(firstID+1, 40)
	f.pages[strconv.Itoa(firstID+40)] = ids(firstID+41, 40)
	f.pages[strconv.Itoa(firstID+80)] = ids(firstID+81, 3)
	f.headers[strconv.Itoa(firstID+80)] = http.Header{"X-Ratelimit-Remaining": {"0"},
		"X-Ratelimit-Reset": {fixtureTime.Add(10 * time.Minute).Format(time.RFC3339)}}
	srv := httptest.NewServer(f)
	defer srv.Close()
	src := &story.Source{ID: "s", Kind: story.SourceMastodon, URL: srv.URL, Tags: []string{"ItTakesaCommunity"}}
	ctx := context.Background()

	state, added, _, err := r.pollMastodon(ctx, src)
	if err != nil || added != 1 {
		t.Fatalf("first poll: %d, %v", added, err)
	}
	src.State = state
	advance(time.Minute)
	state, added, wait, err := r.pollMastodon(ctx, src)
	if err != nil || added != 83 {
		t.Fatalf("second poll: added %d, %v", added, err)
	}
	if wait < 9*time.Minute || wait > 10*time.Minute {
		t.Errorf("with no request left, wait %s, want until the reset in 10 minutes", wait)
	}
	var st mastodonState
	json.Unmarshal(state, &st)
	if st.MinID["ItTakesaCommunity"] != strconv.Itoa(firstID+83) {
		t.Fatalf("min_id after paging: %v", st.MinID)
	}
	if len(st.Recent) != 84 {
		t.Fatalf("recent statuses: %d", len(st.Recent))
	}
	src.State = state

	// The first status is edited and the next one deleted at the source.
	edited := strconv.Itoa(firstID)
	f.content[edited] = "<p>Edited: 250 neighbours came. #ItTakesaCommunity</p>"
	deleted := strconv.Itoa(firstID + 40) // the API answers newest first: among the first checked
	f.status[deleted] = http.StatusNotFound
	if postBySource(t, rig, "fediverse", "https://social.example/users/amina/statuses/"+deleted) == nil {
		t.Fatal("the status to delete was never taken in")
	}
	advance(time.Minute)
	state, _, _, err = r.pollMastodon(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	if p := postBySource(t, rig, "fediverse", "https://social.example/users/amina/statuses/"+edited); p == nil || !strings.Contains(p.Text, "250 neighbours") {
		t.Fatalf("the edit was not seen: %+v", p)
	}
	if p := postBySource(t, rig, "fediverse", "https://social.example/users/amina/statuses/"+deleted); p != nil {
		t.Fatalf("a status deleted at the source is still here; asked %v", f.asked[len(f.asked)-22:])
	}
	json.Unmarshal(state, &st)
	if len(st.Recent) != 83 {
		t.Fatalf("the deleted status is still checked: %d recent", len(st.Recent))
	}
	src.State = state

	// Statuses older than 48 hours are no longer checked.
	advance(49 * time.Hour)
	f.tooMany = true
	_, _, wait, err = r.pollMastodon(ctx, src)
	if _, ok := err.(errRateLimited); !ok || wait != 2*time.Minute {
		t.Fatalf("on 429: wait %s, %v", wait, err)
	}
	f.tooMany = false
	f.asked = nil
	state, _, _, err = r.pollMastodon(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	st = mastodonState{}
	json.Unmarshal(state, &st)
	for _, a := range f.asked {
		if strings.HasPrefix(a, "/api/v1/statuses/") {
			t.Fatalf("a status older than 48 hours was checked again: %v", f.asked)
		}
	}
	if len(st.Recent) != 0 {
		t.Fatalf("%d statuses still remembered", len(st.Recent))
	}
}

func TestLaterIDOrdersEachServersIDs(t *testing.T) {
	for _, c := range [][2]string{
		{"113546207593012346", "113546207593012345"},
		{"1000", "999"},
		{"01JDX7Q4V1WQ4F4S5B3K2M9N8Q", "01JDX7Q4V1WQ4F4S5B3K2M9N8P"},
		{"AoXa3pQ9s8yZq1bF2D", "AoXa3pQ9s8yZq1bF2C"},
		{"1", ""},
	} {
		if !laterID(c[0], c[1]) || laterID(c[1], c[0]) {
			t.Errorf("%q should be later than %q", c[0], c[1])
		}
	}
}

// A source added by an admin runs under the runner, and a failing one
// shows its error to admins.
func TestRunnerRecordsEachSourcesRunForAdmins(t *testing.T) {
	rig, r, _ := newRig(t, fixtureTime)
	page := readTestdata(t, "mastodon/mastodon_tag.json")
	good := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasPrefix(req.URL.Path, "/api/v1/statuses/") {
			var statuses []json.RawMessage
			json.Unmarshal(page, &statuses)
			w.Write(statuses[0])
			return
		}
		w.Write(page)
	}))
	defer good.Close()
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"statuses": [garbage`))
	}))
	defer bad.Close()
	ok := addSource(t, rig, app.SourceInput{Kind: story.SourceMastodon, URL: good.URL, Tags: []string{"#ItTakesaCommunity"}})
	failing := addSource(t, rig, app.SourceInput{Kind: story.SourceMastodon, URL: bad.URL, Tags: []string{"ItTakesaCommunity"}})
	stop := r.Start(context.Background())
	defer stop()
	waitFor(t, "both sources to run", func() bool {
		return !sourceNow(t, rig, ok.ID).LastRunAt.IsZero() && !sourceNow(t, rig, failing.ID).LastRunAt.IsZero()
	})
	if s := sourceNow(t, rig, ok.ID); s.LastError != "" || s.Taken != 1 {
		t.Errorf("good source: error %q, taken %d", s.LastError, s.Taken)
	}
	if s := sourceNow(t, rig, failing.ID); !strings.Contains(s.LastError, "cannot read") {
		t.Errorf("failing source's error for admins: %q", s.LastError)
	}
}
