package web_test

import (
	"net/http"
	"regexp"
	"testing"

	"chorus/internal/staff"
)

// TestPublishedPageLinksStoriesDirectly: the staff list of published
// stories links each story's page itself, not a path a redirect mends.
func TestPublishedPageLinksStoriesDirectly(t *testing.T) {
	rig := seeded(t)
	b := rig.SignedIn("admin@example.org", staff.RoleAdmin)
	for _, lang := range []string{"en", "fr", "ar"} {
		page := b.Get("/" + lang + "/staff/published")
		if page.Status != http.StatusOK {
			t.Fatalf("published page: %d", page.Status)
		}
		links := regexp.MustCompile(`href="(/[a-z]+/stories/[^"]*)"`).FindAllSubmatch(page.Body, -1)
		if len(links) == 0 {
			t.Fatalf("%s: no story links", lang)
		}
		for _, l := range links {
			if !regexp.MustCompile(`^/` + lang + `/stories/[A-Za-z0-9]+$`).Match(l[1]) {
				t.Errorf("%s: link %s", lang, l[1])
				continue
			}
			if res := b.Get(string(l[1])); res.Status != http.StatusOK {
				t.Errorf("%s: %s answers %d", lang, l[1], res.Status)
			}
		}
	}
}
