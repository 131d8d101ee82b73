package browsertest

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"chorus/internal/app"
	"chorus/internal/auth"
	"chorus/internal/demo"
	"chorus/internal/staff"
	"chorus/internal/story"
	"chorus/internal/testrig"
)

// mode is one way a person meets the site: a screen, and JavaScript on or off.
type mode struct {
	vp viewport
	js bool
}

func (m mode) name() string {
	if m.js {
		return m.vp.name
	}
	return m.vp.name + "-nojs"
}

var modes = []mode{{phone, true}, {desktop, true}, {phone, false}, {desktop, false}}

// eachMode runs a journey once in each mode, as a subtest.
func eachMode(t *testing.T, journey string, run func(t *testing.T, rig *testrig.Rig, open func() *tab)) {
	needBrowser(t)
	for _, m := range modes {
		t.Run(m.name(), func(t *testing.T) {
			rig := testrig.New(t)
			open := func() *tab {
				tb := newTab(t, rig, m.vp, m.js, journey+"-"+m.name())
				tb.open("/en/about")
				if off := eval[bool](tb, "matchMedia('(scripting: none)').matches"); off == m.js {
					t.Fatalf("scripting: none is %v, want %v", off, !m.js)
				}
				return tb
			}
			run(t, rig, open)
		})
	}
}

// publish approves a submitted story as an off-stage moderator.
func publish(t *testing.T, rig *testrig.Rig, id string) {
	t.Helper()
	ctx := context.Background()
	mod, err := rig.Store.UserByEmail(ctx, "offstage@example.org")
	if err != nil {
		mod, _ = rig.Staff("offstage@example.org", staff.RoleModerator)
	}
	if _, err := rig.App.Decide(ctx, mod, id, app.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}
}

func writePhoto(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ecole.jpg")
	if err := os.WriteFile(path, testrig.PhotoWithGPS(1200, 800), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

var privateLinkPath = regexp.MustCompile(`^/fr/my/([a-z0-9]+)/([A-Za-z0-9_-]+)\?new=1$`)

// A storyteller shares a story with a photo in French, keeps the private
// link, comes back to it later and withdraws the story.
func TestStorytellerJourney(t *testing.T) {
	eachMode(t, "storyteller", func(t *testing.T, rig *testrig.Rig, open func() *tab) {
		tb := open()
		if st := tb.open("/fr/"); st != http.StatusOK {
			t.Fatalf("home: %d", st)
		}
		tb.press("go to the share form", "header a.share-cta", true)
		if got := tb.location(); got != "/fr/share" {
			t.Fatalf("share link led to %s", got)
		}
		tb.shot("1-form")

		const title = "Ma première rentrée à Sherbrooke"
		tb.typeInto("#f-title", title)
		tb.typeInto("#f-body", "Mes enfants avaient peur du premier jour d’école.\nUne autre maman nous a accueillis et tout a changé.")
		tb.choose("form.story-form #f-language", "fr")
		tb.choose("#f-country", "CA")
		tb.typeInto("#f-city", "Sherbrooke")
		tb.press("tick a theme", `input[name=themes][value=education]`, false)
		tb.press("tick a theme", `input[name=themes][value=family]`, false)
		tb.press("pick an identity", `input[name=identity][value=refugee]`, false)
		tb.typeInto("#f-display_name", "Mariam")
		tb.typeInto("#f-contact_email", "mariam@example.org")
		tb.do("attach the photo", chromedp.SetUploadFiles(chromedp.CSS("#photo-file"), []string{writePhoto(t)}))
		tb.typeInto("#f-alt", "La cour de l’école sous la neige")
		tb.press("consent to publish", `input[name=consent_publish]`, false)
		tb.shot("2-filled")

		if st := tb.press("send the story", "form.story-form button[type=submit]", true); st != http.StatusOK {
			t.Fatalf("after sending: %d at %s", st, tb.location())
		}
		m := privateLinkPath.FindStringSubmatch(tb.location())
		if m == nil {
			t.Fatalf("after sending, landed on %s, want the private page", tb.location())
		}
		id, token := m[1], m[2]
		link := tb.attr("#private-link", "href")
		if link != rig.URL+"/fr/my/"+id+"/"+token {
			t.Fatalf("private link shown is %q", link)
		}
		if got := tb.text(".keep h2"); got != "Gardez ce lien privé" {
			t.Errorf("keep notice heading: %q", got)
		}
		if got := tb.text(".status strong"); got != "en attente de relecture" {
			t.Errorf("status: %q", got)
		}
		if w := eval[int](tb, `(document.querySelector("section[aria-labelledby=yours] img")||{}).naturalWidth||0`); w == 0 {
			t.Error("the storyteller does not see their photo")
		}
		tb.shot("3-private-link")
		if !seen(tb.log.all(), "/photo/") || !seen(tb.log.all(), "/static/") {
			t.Errorf("the network log missed the photo or the style sheet: %v", tb.log.all())
		}

		// A moderator publishes it; days later the storyteller comes back
		// with nothing but the link, in a fresh browser.
		publish(t, rig, id)
		rig.Clock.Advance(72 * time.Hour)
		later := open()
		u, _ := url.Parse(link)
		if st := later.open(u.Path); st != http.StatusOK {
			t.Fatalf("private link later: %d", st)
		}
		if got := later.text(".status strong"); got != "publié" {
			t.Errorf("status when published: %q", got)
		}
		later.shot("4-published")
		if st := later.press("see the public page", `a[href="/fr/stories/`+id+`"]`, true); st != http.StatusOK {
			t.Fatalf("public page: %d", st)
		}
		if got := later.text("article.story h1"); got != title {
			t.Errorf("public title: %q", got)
		}
		if w := eval[int](later, `(document.querySelector("article.story img")||{}).naturalWidth||0`); w == 0 {
			t.Error("the public page does not show the photo")
		}
		photo := later.attr("article.story img", "src")
		later.shot("5-public")

		later.open(u.Path)
		// Without the confirm box the browser itself refuses to send.
		later.press("withdraw without confirming", "section.danger button.danger", false)
		time.Sleep(300 * time.Millisecond)
		if got := later.location(); got != u.Path {
			t.Fatalf("withdrawing without the confirm box went to %s", got)
		}
		if res := rig.Do("GET", "/fr/stories/"+id, nil, nil); res.Status != http.StatusOK {
			t.Fatalf("story gone without confirmation: %d", res.Status)
		}
		later.press("tick the confirm box", `input[name=confirm]`, false)
		later.shot("6-confirm")
		if st := later.press("withdraw", "section.danger button.danger", true); st != http.StatusOK {
			t.Fatalf("after withdrawing: %d at %s", st, later.location())
		}
		if got := later.text(".status strong"); got != "retiré" {
			t.Errorf("status after withdrawal: %q", got)
		}
		if later.count(".status-withdrawn") != 1 || later.count("section.danger") != 0 {
			t.Error("the withdrawn page still offers to withdraw, or lacks the withdrawn status")
		}
		later.shot("7-withdrawn")

		if st := later.open("/fr/stories/" + id); st != http.StatusGone {
			t.Errorf("public page after withdrawal: %d, want 410", st)
		}
		if got := later.text("main h1"); got == "" || strings.Contains(got, title) {
			t.Errorf("410 page heading: %q", got)
		}
		later.shot("8-gone")
		// The photo is erased. (A browser that showed it may keep its copy
		// for the five minutes of its Cache-Control; a new visitor cannot
		// get it.)
		if st := open().open(photo); st != http.StatusGone && st != http.StatusNotFound {
			t.Errorf("public photo after withdrawal, for a new visitor: %d", st)
		}
	})
}

func seen(urls []string, part string) bool {
	for _, u := range urls {
		if strings.Contains(u, part) {
			return true
		}
	}
	return false
}

// A moderator opens the welcome link, enrols a second factor, signs out
// and back in with it, then approves one story and rejects another.
func TestModeratorJourney(t *testing.T) {
	eachMode(t, "moderator", func(t *testing.T, rig *testrig.Rig, open func() *tab) {
		ctx := context.Background()
		good, goodToken := rig.Submit(testrig.Submission("Approvable"))
		offTopic := testrig.Submission("Rejectable")
		offTopic.Title = "Buy cheap watches Rejectable"
		bad, badToken := rig.Submit(offTopic)
		if res := rig.UploadPhoto(good, goodToken, "street.jpg", testrig.PhotoWithGPS(900, 600), "Our street in the snow"); res.Status != http.StatusOK {
			t.Fatalf("photo: %d %s", res.Status, res.Body)
		}
		link, err := rig.App.AddUser(ctx, "mod@example.org", staff.RoleModerator)
		if err != nil {
			t.Fatal(err)
		}

		tb := open()
		if st := tb.open("/en/staff/welcome/" + link); st != http.StatusOK {
			t.Fatalf("welcome page: %d", st)
		}
		secret := tb.attr("input[name=totp_secret]", "value")
		if len(secret) != 32 {
			t.Fatalf("TOTP secret on the page: %q", secret)
		}
		code, err := auth.TOTPCode(secret, rig.Clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		const password = "a long enough passphrase for moderation"
		tb.typeInto("#f-password", password)
		tb.typeInto("#f-totp", code)
		tb.shot("1-welcome")
		if st := tb.press("enrol", "main form button[type=submit]", true); st != http.StatusOK || tb.location() != "/en/staff/queue" {
			t.Fatalf("after enrolling: %d at %s", st, tb.location())
		}
		tb.shot("2-queue-after-enrol")

		tb.press("open the staff menu", ".staff-menu summary", false)
		tb.press("sign out", ".staff-menu button.link", true)
		if tb.count(".staff-menu button.link") != 0 {
			t.Fatal("still signed in after signing out")
		}
		if st := tb.open("/en/staff/queue"); tb.location() != "/en/staff/signin" || st != http.StatusOK {
			t.Fatalf("queue when signed out: %d at %s", st, tb.location())
		}
		rig.Clock.Advance(90 * time.Second)
		code, _ = auth.TOTPCode(secret, rig.Clock.Now())
		tb.typeInto("#email", "mod@example.org")
		tb.typeInto("#password", password)
		tb.typeInto("#code", code)
		tb.shot("3-signin")
		if st := tb.press("sign in", "main form button[type=submit]", true); st != http.StatusOK || tb.location() != "/en/staff/queue" {
			t.Fatalf("after signing in: %d at %s", st, tb.location())
		}
		if n := tb.count("article.queue-item"); n != 2 {
			t.Fatalf("queue shows %d items, want 2", n)
		}
		if w := eval[int](tb, `(document.querySelector("article.queue-item figure img")||{}).naturalWidth||0`); w == 0 {
			t.Error("the queue does not show the pending story's photo")
		}
		tb.shot("4-queue")

		item := func(id string) string { return `article[aria-labelledby="q-` + id + `"]` }
		if st := tb.press("approve", item(good)+" .decisions form:first-child button", true); st != http.StatusOK {
			t.Fatalf("after approving: %d", st)
		}
		if got := tb.text("p.notice"); got != "The story is published." {
			t.Errorf("notice after approving: %q", got)
		}
		if tb.count(item(good)) != 0 {
			t.Error("the approved story is still in the queue")
		}
		tb.shot("5-approved")

		tb.choose("#reason-"+bad, "off_topic")
		tb.typeInto("#note-"+bad, "This is an advertisement.")
		tb.shot("6-reject-reason")
		if st := tb.press("reject", item(bad)+" button.danger", true); st != http.StatusOK {
			t.Fatalf("after rejecting: %d", st)
		}
		// A destructive action takes a second step, without JavaScript.
		if tb.count("section.confirm form button.danger") != 1 {
			t.Fatalf("rejecting asked for no confirmation, at %s", tb.location())
		}
		tb.shot("6b-confirm-reject")
		if st := tb.press("confirm the rejection", "section.confirm form button.danger", true); st != http.StatusOK {
			t.Fatalf("after confirming the rejection: %d", st)
		}
		if tb.count("article.queue-item") != 0 {
			t.Errorf("queue not empty after both decisions")
		}
		tb.shot("7-rejected")

		if res := rig.Do("GET", "/api/v1/stories/"+good, nil, nil); res.Status != http.StatusOK {
			t.Errorf("approved story: %d", res.Status)
		}
		var own struct {
			Status       string
			RejectReason string `json:"reject_reason"`
		}
		rig.Do("GET", "/api/v1/submissions/"+bad, nil, map[string]string{"Authorization": "Bearer " + badToken}).JSON(t, &own)
		if own.Status != string(story.StatusRejected) || own.RejectReason != "off_topic" {
			t.Errorf("rejected story: %+v", own)
		}
		if st := tb.open("/en/stories/" + good); st != http.StatusOK {
			t.Errorf("approved story in the browser: %d", st)
		}
	})
}

// readerStories publishes the demo stories and two of our own, and returns
// the ids of ours: one in English on work with a photo, one in French on
// family.
func readerStories(t *testing.T, rig *testrig.Rig) (work, family string) {
	t.Helper()
	if _, err := demo.Seed(context.Background(), rig.App); err != nil {
		t.Fatal(err)
	}
	w := testrig.Submission("Quokkaberry")
	w.Title, w.Themes = "Night bakery Quokkaberry", []string{"work"}
	work, token := rig.Submit(w)
	if res := rig.UploadPhoto(work, token, "bakery.jpg", testrig.PhotoWithGPS(900, 600), "Loaves on a rack"); res.Status != http.StatusOK {
		t.Fatalf("photo: %d", res.Status)
	}
	f := testrig.Submission("Zyzzyvafamille")
	f.Title, f.Language, f.Themes = "Le dimanche en famille Zyzzyvafamille", "fr", []string{"family"}
	family, _ = rig.Submit(f)
	publish(t, rig, work)
	publish(t, rig, family)
	return work, family
}

// A reader switches language on a story, reads the Arabic site right to
// left, filters and searches the list, and finds how to share a story.
func TestReaderJourney(t *testing.T) {
	eachMode(t, "reader", func(t *testing.T, rig *testrig.Rig, open func() *tab) {
		work, family := readerStories(t, rig)
		tb := open()
		if st := tb.open("/en/stories/" + work); st != http.StatusOK {
			t.Fatalf("story page: %d", st)
		}
		title := tb.text("article.story h1")
		tb.shot("1-story-en")
		tb.press("switch to French", `nav.langs > ul a[hreflang=fr]`, true)
		if got := tb.location(); got != "/fr/stories/"+work {
			t.Fatalf("French link led to %s", got)
		}
		if tb.attr("html", "lang") != "fr" || tb.text("article.story h1") != title {
			t.Errorf("French page is not the same story in a French page")
		}
		tb.shot("2-story-fr")
		tb.press("switch back to English", `nav.langs > ul a[hreflang=en]`, true)
		if got := tb.location(); got != "/en/stories/"+work {
			t.Fatalf("English link led to %s", got)
		}

		tb.press("open more languages", "nav.langs summary", false)
		tb.do("menu opens", chromedp.WaitVisible(chromedp.CSS(`nav.langs details a[hreflang=ar]`)))
		if w := eval[int](tb, `document.documentElement.scrollWidth - innerWidth`); w > 0 {
			t.Errorf("the open language menu makes the page %d px too wide", w)
		}
		tb.shot("3-more-languages")
		tb.press("open the Arabic site", `nav.langs details a[hreflang=ar]`, true)
		if got := tb.location(); got != "/ar/stories/"+work {
			t.Fatalf("Arabic link led to %s", got)
		}
		if !eval[bool](tb, `document.documentElement.dir === "rtl"`) {
			t.Error(`document.documentElement.dir is not "rtl"`)
		}
		if got := eval[string](tb, `getComputedStyle(document.body).direction`); got != "rtl" {
			t.Errorf("body direction: %q", got)
		}
		tb.shot("4-story-ar")
		tb.open("/ar/")
		if got := eval[string](tb, `getComputedStyle(document.body).direction`); got != "rtl" {
			t.Errorf("Arabic home direction: %q", got)
		}
		tb.shot("5-home-ar")

		tb.open("/en/stories")
		tb.choose("#f-theme", "work")
		if st := tb.press("filter by theme", "form.filters button[type=submit]", true); st != http.StatusOK {
			t.Fatalf("filtered list: %d", st)
		}
		if !strings.Contains(tb.location(), "theme=work") {
			t.Errorf("filter not in the address: %s", tb.location())
		}
		if tb.count(`.cards a[href="/en/stories/`+work+`"]`) != 1 || tb.count(`.cards a[href="/en/stories/`+family+`"]`) != 0 {
			t.Errorf("theme filter: the work story is missing or the family story shows")
		}
		if n := tb.count(".cards .card"); n < 2 {
			t.Errorf("theme filter found %d stories; the demo has work stories too", n)
		}
		tb.shot("6-theme-work")

		tb.open("/en/stories")
		sctx, cancel := tb.step()
		res, err := chromedp.RunResponse(sctx, chromedp.SendKeys(chromedp.CSS("#q"), "Zyzzyvafamille"+kb.Enter))
		cancel()
		if err != nil || res.Status != http.StatusOK {
			t.Fatalf("search: %v %v", res, err)
		}
		if n := tb.count(".cards .card"); n != 1 || tb.count(`.cards a[href="/en/stories/`+family+`"]`) != 1 {
			t.Errorf("search by a word found %d stories, want just the family story", n)
		}
		if got := tb.attr("#q", "value"); got != "Zyzzyvafamille" {
			t.Errorf("search box after searching: %q", got)
		}
		tb.shot("7-search")

		tb.press("open the result", `.cards a[href="/en/stories/`+family+`"]`, true)
		tb.do("share section visible", chromedp.ScrollIntoView(chromedp.CSS("section.share")), chromedp.WaitVisible(chromedp.CSS("section.share")))
		if got := tb.text("#share-heading"); got != "Share this story" {
			t.Errorf("share heading: %q", got)
		}
		storyURL := rig.URL + "/en/stories/" + family
		if got := tb.text("section.share .copy"); !strings.Contains(got, storyURL) || !strings.Contains(got, "#ItTakesaCommunity") {
			t.Errorf("copyable text %q lacks the link or the hashtag", got)
		}
		links := eval[[]struct{ Href, Rel, Text string }](tb, `[...document.querySelectorAll("section.share a")].map(a => ({Href: a.href, Rel: a.rel, Text: a.textContent}))`)
		if len(links) < 5 {
			t.Fatalf("share links: %+v", links)
		}
		escaped := url.QueryEscape(storyURL)
		// Each link counts the click on its way to the network: it leads
		// through the site, which sends the reader on.
		noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		for _, l := range links {
			if !strings.Contains(l.Rel, "noopener") {
				t.Errorf("share link %q lacks rel=noopener", l.Text)
			}
			target := l.Href
			if strings.HasPrefix(target, rig.URL+"/") {
				res, err := noFollow.Get(target)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				if res.StatusCode != http.StatusSeeOther {
					t.Errorf("share link %q: %d", l.Text, res.StatusCode)
				}
				target = res.Header.Get("Location")
			}
			if !strings.HasPrefix(target, "https://") && !strings.HasPrefix(target, "mailto:") {
				t.Errorf("share link %q is neither https nor mailto: %s", l.Text, target)
			}
			if !strings.Contains(target, escaped) && !strings.Contains(target, strings.ReplaceAll(escaped, "+", "%20")) {
				t.Errorf("share link %q does not carry the story's address: %s", l.Text, target)
			}
		}
		tb.shot("8-share")
	})
}
