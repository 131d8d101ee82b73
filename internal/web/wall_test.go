package web_test

import (
	"bufio"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"chorus/internal/app"
	"chorus/internal/staff"
	"chorus/internal/story"
	"chorus/internal/testrig"
)

func ingest(t *testing.T, rig *testrig.Rig, in story.IncomingPost) *story.Post {
	t.Helper()
	p, _, err := rig.App.IngestPost(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func wallPost(id, network, lang, text string) story.IncomingPost {
	return story.IncomingPost{Network: network, SourceID: id, SourceURL: "https://social.example/@ana/" + id, Author: "@ana@social.example",
		AuthorName: "Ana", Server: "social.example", Text: text, Language: lang, PostedAt: time.Now().Add(-time.Minute)}
}

// TestWallFiltersPinsAndEmbed shows the wall by network and language,
// pinned posts first, and the frameable embed with its screen mode.
func TestWallFiltersPinsAndEmbed(t *testing.T) {
	rig := testrig.New(t)
	ingest(t, rig, wallPost("1", "fediverse", "en", "Neighbours cooked for everyone #ItTakesaCommunity"))
	older := ingest(t, rig, wallPost("2", "bluesky", "fr", "Merci aux voisins #ItTakesaCommunity"))
	for _, p := range []string{"1", "2"} {
		if got := rig.Do("GET", "/en/wall", nil, nil); !strings.Contains(string(got.Body), "/@ana/"+p) {
			t.Fatalf("post %s not on the wall (status %d)", p, got.Status)
		}
	}
	page := rig.Do("GET", "/en/wall?network=bluesky", nil, nil)
	if body := string(page.Body); !strings.Contains(body, "Merci aux voisins") || strings.Contains(body, "Neighbours cooked") {
		t.Fatalf("network filter: %s", body)
	}
	if csp := page.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Fatalf("wall CSP %q", csp)
	}
	if body := string(rig.Do("GET", "/en/wall?language=en", nil, nil).Body); strings.Contains(body, "Merci aux voisins") || !strings.Contains(body, "Neighbours cooked") {
		t.Fatalf("language filter: %s", body)
	}
	if got := rig.Do("GET", "/en/wall?network=%3Cscript%3E&language=..%2F", nil, nil); got.Status != http.StatusOK {
		t.Fatalf("odd filters: %d", got.Status)
	}

	admin, _ := rig.Staff("admin@example.org", staff.RoleAdmin)
	if _, err := rig.App.PinPost(context.Background(), admin, older.ID, true); err != nil {
		t.Fatal(err)
	}
	body := string(rig.Do("GET", "/en/wall", nil, nil).Body)
	if i, j := strings.Index(body, "Merci aux voisins"), strings.Index(body, "Neighbours cooked"); i < 0 || j < 0 || i > j {
		t.Fatalf("the pinned post is not first")
	}
	moderator, _ := rig.Staff("mod@example.org", staff.RoleModerator)
	if _, err := rig.App.PinPost(context.Background(), moderator, older.ID, false); err != app.ErrForbidden {
		t.Fatalf("a moderator unpinned: %v", err)
	}

	embed := rig.Do("GET", "/fr/embed/wall?screen=1", nil, nil)
	if embed.Status != http.StatusOK || embed.Header.Get("X-Frame-Options") != "" || !strings.Contains(embed.Header.Get("Content-Security-Policy"), "frame-ancestors *") {
		t.Fatalf("embed: %d, %v", embed.Status, embed.Header)
	}
	if b := string(embed.Body); !strings.Contains(b, `class="embed screen"`) || strings.Contains(b, `class="site"`) || !regexp.MustCompile(`lang="fr"`).MatchString(b) {
		t.Fatalf("embed page: %s", b)
	}
	if rig.Do("GET", "/en/wall", nil, nil).Header.Get("X-Frame-Options") != "DENY" {
		t.Fatal("the wall itself may be framed")
	}
}

// TestWallEventsTellReadersOfChanges opens the wall's public stream: a post
// shown and a post removed at the source each send an event.
func TestWallEventsTellReadersOfChanges(t *testing.T) {
	rig := testrig.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	stream, err := rig.Browser().Stream(ctx, "/en/wall/events")
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Body.Close()
	if stream.StatusCode != http.StatusOK || stream.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %d %s", stream.StatusCode, stream.Header.Get("Content-Type"))
	}
	lines := bufio.NewScanner(stream.Body)
	lines.Scan()
	next := func(what string) {
		t.Helper()
		for lines.Scan() {
			if lines.Text() == "event: wall" {
				return
			}
		}
		t.Fatalf("no wall event after %s: %v", what, lines.Err())
	}
	p := ingest(t, rig, wallPost("9", "bluesky", "en", "Block party for the new families #ItTakesaCommunity"))
	if p.Status != story.PostVisible {
		t.Fatalf("post %s", p.Status)
	}
	next("a post shown")
	if err := rig.App.RemovePostAtSource(ctx, "bluesky", "9"); err != nil {
		t.Fatal(err)
	}
	next("a post removed at the source")
}

// TestAdminsManageSourcesOnTheStaffPage adds a source with a mistake, then
// right, sees it listed, and removes it; moderators may not.
func TestAdminsManageSourcesOnTheStaffPage(t *testing.T) {
	rig := testrig.New(t)
	if res := rig.SignedIn("mod@example.org", staff.RoleModerator).Get("/en/staff/sources"); res.Status != http.StatusForbidden {
		t.Fatalf("a moderator opens the sources: %d", res.Status)
	}
	admin := rig.SignedIn("admin@example.org", staff.RoleAdmin)
	page := admin.Get("/fr/staff/sources")
	if page.Status != http.StatusOK || !strings.Contains(string(page.Body), "Sources des mots-clics") {
		t.Fatalf("sources page: %d", page.Status)
	}
	form := url.Values{"csrf": {testrig.CSRF(t, page)}, "kind": {"bluesky"}, "url": {"https://jetstream.example/subscribe"}, "tags": {"ItTakesaCommunity"}, "every": {"60"}}
	res := admin.PostForm("/fr/staff/sources", form)
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(string(res.Body), "wss pour Jetstream") || !strings.Contains(string(res.Body), "jetstream.example/subscribe") {
		t.Fatalf("a Jetstream without wss: %d", res.Status)
	}
	form.Set("url", "wss://jetstream.example/subscribe")
	form.Set("token", "never-shown")
	if res := admin.PostForm("/fr/staff/sources", form); res.Status != http.StatusSeeOther {
		t.Fatalf("add: %d", res.Status)
	}
	if res := admin.Get("/fr/staff/sources?done=add"); !strings.Contains(string(res.Body), "La source est ajoutée") {
		t.Fatalf("no notice after adding: %d", res.Status)
	}
	sources, err := rig.Store.Sources(context.Background())
	if err != nil || len(sources) != 1 || sources[0].URL != "wss://jetstream.example/subscribe" || sources[0].TokenSealed == "" || strings.Contains(sources[0].TokenSealed, "never-shown") {
		t.Fatalf("stored: %+v, %v", sources, err)
	}
	list := admin.Get("/en/staff/sources")
	if b := string(list.Body); !strings.Contains(b, "wss://jetstream.example/subscribe") || !strings.Contains(b, "Not run yet") || strings.Contains(b, "never-shown") {
		t.Fatalf("list: %s", b)
	}
	res = admin.PostForm("/en/staff/sources/"+sources[0].ID+"/remove", url.Values{"csrf": {testrig.CSRF(t, list)}})
	if left, _ := rig.Store.Sources(context.Background()); res.Status != http.StatusSeeOther || len(left) != 0 {
		t.Fatalf("remove: %d, %d left", res.Status, len(left))
	}
}

// TestAdminsBlockAnAuthorOrAServer blocks, from the posts page, an author
// and a whole server: their next posts are hidden by policy.
func TestAdminsBlockAnAuthorOrAServer(t *testing.T) {
	rig := testrig.New(t)
	first := ingest(t, rig, wallPost("1", "fediverse", "en", "Welcome to all our new neighbours #ItTakesaCommunity"))
	if first.Status != story.PostVisible {
		t.Fatalf("status %s", first.Status)
	}
	admin := rig.SignedIn("admin@example.org", staff.RoleAdmin)
	page := admin.Get("/en/staff/posts?status=visible")
	if !strings.Contains(string(page.Body), "Block all of social.example") {
		t.Fatalf("no block controls on the posts page")
	}
	res := admin.PostForm("/en/staff/posts/block", url.Values{"csrf": {testrig.CSRF(t, page)}, "kind": {"author"}, "value": {"@ana@social.example"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("block: %d", res.Status)
	}
	if p := ingest(t, rig, wallPost("2", "fediverse", "en", "Another kind word for the neighbourhood #ItTakesaCommunity")); p.Status != story.PostHidden || p.DecidedBy != story.DecidedByPolicy {
		t.Fatalf("a blocked author's post: %s by %s", p.Status, p.DecidedBy)
	}
	other := wallPost("3", "fediverse", "en", "A third and different message about the library #ItTakesaCommunity")
	other.Author = "@bo@elsewhere.example"
	other.Server = "elsewhere.example"
	if p := ingest(t, rig, other); p.Status != story.PostVisible {
		t.Fatalf("another author's post: %s", p.Status)
	}
	res = admin.PostForm("/en/staff/posts/block", url.Values{"csrf": {testrig.CSRF(t, page)}, "kind": {"server"}, "value": {"elsewhere.example"}})
	other.SourceID, other.Author = "4", "@cy@elsewhere.example"
	if p := ingest(t, rig, other); res.Status != http.StatusSeeOther || p.Status != story.PostHidden {
		t.Fatalf("a blocked server's post: %s (%d)", p.Status, res.Status)
	}
	moderator := rig.SignedIn("mod@example.org", staff.RoleModerator)
	modPage := moderator.Get("/en/staff/posts?status=visible")
	if strings.Contains(string(modPage.Body), "Block all of") {
		t.Fatal("moderators see the block controls")
	}
	if res := moderator.PostForm("/en/staff/posts/block", url.Values{"csrf": {testrig.CSRF(t, modPage)}, "kind": {"author"}, "value": {"@x@y.example"}}); res.Status != http.StatusForbidden {
		t.Fatalf("a moderator blocks: %d", res.Status)
	}
}
