package web_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"

	"chorus/internal/app"
	"chorus/internal/org"
	"chorus/internal/paths"
	"chorus/internal/staff"
	"chorus/internal/testrig"
)

// TestCollectionTravelsAsFeedsAndEmbed: a collection has a feed in each
// format and a frameable embed, in its own order, and a withdrawn story
// leaves them at once, cached copies included.
func TestCollectionTravelsAsFeedsAndEmbed(t *testing.T) {
	ctx := context.Background()
	rig := testrig.New(t)
	admin, _ := rig.Staff("admin@example.org", staff.RoleAdmin)
	mod, _ := rig.Staff("mod@example.org", staff.RoleModerator)
	var ids, tokens []string
	for _, marker := range []string{"Travelone", "Traveltwo"} {
		id, token := rig.Submit(testrig.Submission(marker))
		if _, err := rig.App.Decide(ctx, mod, id, app.Decision{Approve: true}); err != nil {
			t.Fatal(err)
		}
		ids, tokens = append(ids, id), append(tokens, token)
	}
	if _, err := rig.App.SaveCollection(ctx, admin, org.Collection{Slug: "first-winters", Language: "en",
		Title: "First winters", StoryIDs: []string{ids[1], ids[0]}}); err != nil {
		t.Fatal(err)
	}

	page := rig.Do("GET", paths.CollectionPath("en", "first-winters"), nil, nil)
	for _, want := range []string{`<link rel="alternate" type="application/atom`, paths.CollectionFeedPath("en", "first-winters", "json"),
		"&lt;iframe src=&#34;" + rig.URL + paths.CollectionEmbedPath("en", "first-winters")} {
		if !bytes.Contains(page.Body, []byte(want)) {
			t.Errorf("the collection's page lacks %s", want)
		}
	}

	titles := func(format string) []string {
		t.Helper()
		res := rig.Do("GET", paths.CollectionFeedPath("en", "first-winters", format), nil, nil)
		if res.Status != http.StatusOK {
			t.Fatalf("%s feed: %d", format, res.Status)
		}
		feed, err := gofeed.NewParser().Parse(bytes.NewReader(res.Body))
		if err != nil {
			t.Fatalf("%s feed does not parse: %v", format, err)
		}
		if !strings.Contains(feed.Title, "First winters") {
			t.Errorf("%s feed title %q", format, feed.Title)
		}
		var out []string
		for _, it := range feed.Items {
			out = append(out, it.Title)
		}
		return out
	}
	for _, format := range []string{"atom", "rss", "json"} {
		got := titles(format)
		if len(got) != 2 || !strings.Contains(got[0], "Traveltwo") || !strings.Contains(got[1], "Travelone") {
			t.Errorf("%s feed out of the collection's order: %v", format, got)
		}
	}
	embed := rig.Do("GET", paths.CollectionEmbedPath("en", "first-winters"), nil, nil)
	if embed.Status != http.StatusOK || !bytes.Contains(embed.Body, []byte("Traveltwo")) {
		t.Fatalf("embed: %d", embed.Status)
	}
	if csp := embed.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors *") || embed.Header.Get("X-Frame-Options") != "" {
		t.Errorf("the collection's embed may not be framed: %q", csp)
	}
	if res := rig.Do("GET", paths.CollectionFeedPath("fr", "first-winters", "atom"), nil, nil); res.Status != http.StatusNotFound {
		t.Errorf("the English collection's feed answers in French: %d", res.Status)
	}

	if err := rig.App.Withdraw(ctx, ids[0], tokens[0], ""); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"atom", "rss", "json"} {
		if got := titles(format); len(got) != 1 || !strings.Contains(got[0], "Traveltwo") {
			t.Errorf("%s feed after the withdrawal: %v", format, got)
		}
	}
	embed = rig.Do("GET", paths.CollectionEmbedPath("en", "first-winters"), nil, nil)
	if bytes.Contains(embed.Body, []byte("Travelone")) || !bytes.Contains(embed.Body, []byte("Traveltwo")) {
		t.Error("the embed still shows the withdrawn story, or lost the other")
	}
}
