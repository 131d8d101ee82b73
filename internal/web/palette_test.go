package web_test

import (
	"fmt"
	"image/color"
	"regexp"
	"strings"
	"testing"

	"chorus/internal/staff"
	"chorus/internal/testrig"
	"chorus/internal/toolkit/card"
)

// TestShareCardsUseTheSitePalette: the share cards and the site draw from
// one palette, so a card shared on a network looks like the campaign.
func TestShareCardsUseTheSitePalette(t *testing.T) {
	rig := testrig.New(t)
	home := rig.Do("GET", "/en/", nil, nil)
	css := regexp.MustCompile(`href="(/static/style\.[0-9a-f]+\.css)"`).FindSubmatch(home.Body)
	if css == nil {
		t.Fatal("no style sheet")
	}
	sheet := strings.ToLower(string(rig.Do("GET", string(css[1]), nil, nil).Body))
	hex := func(c color.RGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }
	for name, c := range map[string]color.RGBA{"--cream": card.Background, "--ink": card.Ink, "--brand": card.Accent} {
		if want := name + ":" + hex(c); !strings.Contains(sheet, want) {
			t.Errorf("the style sheet lacks %s (the cards' colour)", want)
		}
	}
	// The campaign mark draws with the same colours.
	if !strings.Contains(strings.ToLower(string(home.Body)), `fill="`+hex(card.Accent)+`"`) {
		t.Error("the campaign mark does not use the brand colour")
	}
}

// TestHomeLeadsWithAVoiceAndRepeatsNoStory: the home page opens with a
// featured story's words, and "recent" never repeats a story shown above.
func TestHomeLeadsWithAVoiceAndRepeatsNoStory(t *testing.T) {
	rig := seeded(t)
	for _, lang := range []string{"en", "fr", "ar"} {
		body := string(rig.Do("GET", "/"+lang+"/", nil, nil).Body)
		if !strings.Contains(body, `<figure class="voice-lead">`) || !strings.Contains(body, "<svg class=\"mark\"") {
			t.Errorf("%s home: no lead voice or no mark", lang)
		}
		seen := map[string]int{}
		for _, m := range regexp.MustCompile(`<h3 [^>]*><a href="/`+lang+`/stories/([^"]+)"`).FindAllStringSubmatch(body, -1) {
			seen[m[1]]++
		}
		lead := regexp.MustCompile(`(?s)<figure class="voice-lead">.*?href="/` + lang + `/stories/([^"]+)"`).FindStringSubmatch(body)
		if lead == nil {
			t.Fatalf("%s home: the lead links no story", lang)
		}
		seen[lead[1]]++
		for id, n := range seen {
			if n > 1 {
				t.Errorf("%s home shows story %s %d times", lang, id, n)
			}
		}
		if len(body) > 50<<10 {
			t.Errorf("%s home is %d bytes, over 50 KB", lang, len(body))
		}
	}
}

// TestStaffPagesHideStaffSignIn: signed in, the footer no longer offers
// to sign in, and the staff menu groups its links.
func TestStaffPagesHideStaffSignIn(t *testing.T) {
	rig := testrig.New(t)
	admin := rig.SignedIn("admin@example.org", staff.RoleAdmin)
	page := string(admin.Get("/en/staff/queue").Body)
	if strings.Contains(page, `href="/en/staff/signin"`) {
		t.Error("a signed-in page still offers Staff sign-in")
	}
	for _, want := range []string{`<details class="staff-menu">`, `class="menu-group"`, `href="/en/staff/jobs"`} {
		if !strings.Contains(page, want) {
			t.Errorf("staff page lacks %s", want)
		}
	}
	if anon := string(rig.Do("GET", "/en/about", nil, nil).Body); !strings.Contains(anon, `href="/en/staff/signin"`) || strings.Contains(anon, "staff-menu") {
		t.Error("a visitor's page lacks Staff sign-in or shows the staff menu")
	}
}
