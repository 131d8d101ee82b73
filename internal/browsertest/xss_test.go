package browsertest

import (
	"context"
	"testing"

	"chorus/internal/app"
	"chorus/internal/staff"
	"chorus/internal/story"
	"chorus/internal/testrig"
)

// xssPayloads would set window.__xss or add an element if they ever ran or
// became markup.
var xssPayloads = []string{
	`<script>window.__xss=1</script>`,
	`"><img src=x onerror="window.__xss=2">`,
	`'><svg/onload="window.__xss=3">`,
	`</textarea><script>window.__xss=4</script>`,
	`<iframe srcdoc="<script>parent.__xss=5</script>">`,
	`#<img src=x onerror="window.__xss=6">`,
	`<a href="javascript:window.__xss=7">x</a>`,
	"\u202e<b onmouseover=\"window.__xss=8\">x</b>",
}

// TestInjectedTextNeverRuns puts the payloads in every field a storyteller
// or moderator controls and loads every page that shows them in a real
// browser with JavaScript on: no payload may run or become an element.
func TestInjectedTextNeverRuns(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	if _, err := rig.App.AddUser(ctx, "mod@example.org", staff.RoleModerator); err != nil {
		t.Fatal(err)
	}
	mod, _ := rig.Store.UserByEmail(ctx, "mod@example.org")
	var pages []string
	for i, p := range xssPayloads {
		sub := story.Submission{Title: "T " + p, Body: "Story text " + p + "\n\n" + p, Language: "en", Country: "CA", City: p,
			Themes: []string{"work"}, Identity: story.IdentityMigrant, DisplayName: p, Consent: story.Consent{Publish: true, Social: true, Toolkit: true}}
		id, token := rig.Submit(sub)
		if res := rig.UploadPhoto(id, token, "p.jpg", testrig.PhotoWithGPS(64, 48), p); res.Status != 200 {
			t.Fatalf("photo: %d", res.Status)
		}
		pages = append(pages, "/en/my/"+id+"/"+token, "/ar/my/"+id+"/"+token)
		if i%2 == 0 {
			if _, err := rig.App.Decide(ctx, mod, id, app.Decision{Approve: true}); err != nil {
				t.Fatal(err)
			}
			pages = append(pages, "/en/stories/"+id, "/ar/stories/"+id)
		}
	}
	pages = append(pages, "/en/toolkit", "/ar/toolkit", "/en/", "/en/stories", "/fr/stories?q=%3Cscript%3Ewindow.__xss%3D9%3C%2Fscript%3E")
	tb := newTab(t, rig, desktop, true, "xss")
	check := func(page string) {
		tb.t.Helper()
		ran := eval[bool](tb, `window.__xss !== undefined`)
		// Our own scripts: the share links' file, the private page's copy
		// button, and the story's data for search engines (JSON, never run).
		injected := eval[int](tb, `document.querySelectorAll('script:not([src^="/static/share."]):not([src^="/static/private."]):not([type="application/ld+json"]), iframe, object, embed, svg:not(.mark), [onerror], [onload], [onclick], [onmouseover], a[href^="javascript:"]').length`)
		if ran || injected > 0 {
			t.Errorf("%s: payload ran=%v, injected elements=%d", page, ran, injected)
		}
	}
	for _, p := range pages {
		tb.open(p)
		check(p)
	}
	// The check itself must see an injection when there is one.
	eval[int](tb, `(window.__xss = 1, document.body.appendChild(document.createElement('iframe')), 0)`)
	if !eval[bool](tb, `window.__xss !== undefined`) || eval[int](tb, `document.querySelectorAll('iframe').length`) == 0 {
		t.Fatal("the injection check cannot see an injected element")
	}
}
