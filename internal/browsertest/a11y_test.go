package browsertest

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"chorus/internal/auth"
	"chorus/internal/staff"
	"chorus/internal/story"
	"chorus/internal/testrig"
)

// axeRun runs the axe-core rules of WCAG 2.0 and 2.1, levels A and AA.
const axeRun = `axe.run(document, {
	runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
	resultTypes: ['violations'],
}).then(r => r.violations.map(v => ({
	id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
	nodes: v.nodes.map(n => ({target: n.target.map(String).join(' '), html: n.html, summary: n.failureSummary || ''})),
})))`

type axeViolation struct {
	ID, Impact, Help, HelpURL string
	Nodes                     []struct{ Target, HTML, Summary string }
}

// axeViolations injects axe-core into the page through the DevTools
// protocol (the pages' CSP forbids every script, and rightly so) and runs
// the WCAG 2.1 A and AA rules.
func axeViolations(tb *tab) []axeViolation {
	tb.t.Helper()
	if !eval[bool](tb, `typeof axe === "object"`) {
		eval[bool](tb, axeSource+"\n;true")
	}
	return eval[[]axeViolation](tb, axeRun)
}

func formatViolations(vs []axeViolation) string {
	var b strings.Builder
	for _, v := range vs {
		fmt.Fprintf(&b, "\n  [%s] %s: %s (%s)", v.Impact, v.ID, v.Help, v.HelpURL)
		for _, n := range v.Nodes {
			fmt.Fprintf(&b, "\n      at %s\n         %s", n.Target, n.HTML)
			if n.Summary != "" {
				fmt.Fprintf(&b, "\n         %s", strings.ReplaceAll(n.Summary, "\n", "\n         "))
			}
		}
	}
	return b.String()
}

// site is a rig holding one story in every state a page shows, and a
// moderator's sign-in link.
type site struct {
	rig                   *testrig.Rig
	published, family     string // published stories, the first with a photo
	pending, pendingToken string // awaiting review, with a photo
	withdrawn             string // withdrawn after publication: its page is 410
	translated, toReview  string // translated and reviewed; a translation waiting for review
	voice                 voice  // published, in the toolkit, shared on social networks
}

func newSite(t *testing.T) *site {
	t.Helper()
	rig := testrig.New(t)
	s := &site{rig: rig}
	s.published, s.family = readerStories(t, rig)

	sub := testrig.Submission("Pendingtale")
	sub.Body += "\n\nCall me on +33 6 12 34 56 78 if you want to help."
	s.pending, s.pendingToken = rig.Submit(sub)
	if res := rig.UploadPhoto(s.pending, s.pendingToken, "street.jpg", testrig.PhotoWithGPS(900, 600), "Our street in the snow"); res.Status != http.StatusOK {
		t.Fatalf("photo: %d", res.Status)
	}
	rig.Submit(testrig.Submission("Secondinqueue"))

	id, token := rig.Submit(testrig.Submission("Goneforgood"))
	publish(t, rig, id)
	if res := rig.Do("DELETE", "/api/v1/stories/"+id, nil, map[string]string{"Authorization": "Bearer " + token}); res.Status >= 300 {
		t.Fatalf("withdraw: %d %s", res.Status, res.Body)
	}
	s.withdrawn = id
	s.translated, s.toReview = translatedStories(t, rig)
	s.voice = voiceStories(t, rig)["en"]

	for i, text := range []string{
		"Our new neighbours from Syria cooked for the whole street tonight. #ItTakesaCommunity",
		"Refugees are filthy vermin, subhuman parasites. Send them all back. #ItTakesaCommunity",
		"Send the refugees back. #ItTakesaCommunity",
	} {
		_, _, err := rig.App.IngestPost(context.Background(), story.IncomingPost{Network: "mastodon", SourceID: strconv.Itoa(i),
			SourceURL: "https://social.example/@someone/" + strconv.Itoa(i), Author: "@someone@social.example",
			Text: text, Language: "en", PostedAt: rig.Clock.Now()})
		if err != nil {
			t.Fatal(err)
		}
	}
	return s
}

type page struct {
	name, path string
	status     int64
}

// publicPages are every page a visitor can reach, in one language.
func (s *site) publicPages(lang string) []page {
	l := "/" + lang
	return []page{
		{"home", l + "/", 200},
		{"list", l + "/stories", 200},
		{"list-filtered", l + "/stories?theme=work&q=bakery", 200},
		{"list-empty", l + "/stories?q=nothingmatchesthis", 200},
		{"story", l + "/stories/" + s.published, 200},
		{"story-translated", l + "/stories/" + s.translated, 200},
		{"story-original", l + "/stories/" + s.translated + "/original", 200},
		{"share", l + "/share", 200},
		{"about", l + "/about", 200},
		{"toolkit", l + "/toolkit", 200},
		{"wall", l + "/wall", 200},
		{"privacy", l + "/privacy", 200},
		{"private", l + "/my/" + s.pending + "/" + s.pendingToken + "?new=1", 200},
		{"private-published", l + "/my/" + s.voice.id + "/" + s.voice.token + "?done=consent", 200},
		{"gone", l + "/stories/" + s.withdrawn, 410},
		{"not-found", l + "/stories/nosuchstory", 404},
	}
}

var languages = []string{"en", "fr", "ar"}

// axe-core really runs in these pages: an unlabelled field added to one
// is found.
func TestAxeFindsAViolation(t *testing.T) {
	needBrowser(t)
	needAxe(t)
	rig := testrig.New(t)
	tb := newTab(t, rig, desktop, true, "axe-sanity")
	tb.open("/en/about")
	if vs := axeViolations(tb); len(vs) != 0 {
		t.Fatalf("about page:%s", formatViolations(vs))
	}
	eval[bool](tb, `document.querySelector("main").append(document.createElement("input")), true`)
	vs := axeViolations(tb)
	if len(vs) != 1 || vs[0].ID != "label" || len(vs[0].Nodes) != 1 {
		t.Fatalf("axe missed an unlabelled input:%s", formatViolations(vs))
	}
	t.Logf("as a failure prints:%s", formatViolations(vs))
}

// Every public page and every moderation page, in English, French and
// Arabic, has no WCAG 2.1 A or AA violation that axe-core finds.
func TestAccessibility(t *testing.T) {
	needBrowser(t)
	needAxe(t)
	s := newSite(t)
	for _, vp := range []viewport{desktop, phone} {
		t.Run(vp.name, func(t *testing.T) {
			tb := newTab(t, s.rig, vp, true, "a11y-"+vp.name)
			welcome := welcomeLink(t, s.rig, "viewer-"+vp.name+"@example.org")
			check := func(t *testing.T, tb *tab, p page, lang string) {
				if st := tb.open(p.path); st != p.status {
					t.Fatalf("%s: status %d, want %d", p.path, st, p.status)
				}
				if vs := axeViolations(tb); len(vs) > 0 {
					tb.shot(lang + "-" + p.name)
					t.Errorf("%s has %d axe violations:%s", p.path, len(vs), formatViolations(vs))
				}
			}
			checkPages := func(t *testing.T, tb *tab, lang string, pages []page) {
				for _, p := range pages {
					t.Run(lang+"/"+p.name, func(t *testing.T) { check(t, tb, p, lang) })
				}
			}
			for _, lang := range languages {
				checkPages(t, tb, lang, s.publicPages(lang))
				t.Run(lang+"/share-with-errors", func(t *testing.T) {
					// The server's own error page for a form the browser
					// would have stopped: turn off the browser's checks.
					tb.open("/" + lang + "/share")
					tb.typeInto("#f-title", "Hi")
					eval[bool](tb, `document.querySelector("form.story-form").noValidate = true`)
					if st := tb.press("send an incomplete story", "form.story-form button[type=submit]", true); st != http.StatusUnprocessableEntity {
						t.Fatalf("incomplete story: %d", st)
					}
					if tb.count(".error-summary a") == 0 {
						t.Fatal("no error summary")
					}
					if vs := axeViolations(tb); len(vs) > 0 {
						t.Errorf("share form with errors has %d axe violations:%s", len(vs), formatViolations(vs))
					}
				})
				t.Run(lang+"/signin", func(t *testing.T) {
					check(t, tb, page{"signin", "/" + lang + "/staff/signin", 200}, lang)
				})
				t.Run(lang+"/welcome", func(t *testing.T) {
					check(t, tb, page{"welcome", "/" + lang + "/staff/welcome/" + welcome, 200}, lang)
				})
			}

			// Sign in as the moderator, in a tab of its own, and check the
			// queue with its items in each language.
			staffTab := newTab(t, s.rig, vp, true, "a11y-"+vp.name)
			enrolModerator(t, staffTab, "mod-"+vp.name+"@example.org")
			for _, lang := range languages {
				for _, p := range []page{
					{"story-translations", "/" + lang + "/staff/story-translations", 200},
					{"translation-review", "/" + lang + "/staff/story-translations/" + s.toReview + "/fr", 200},
					{"story-audit", "/" + lang + "/staff/stories/" + s.pending + "/audit", 200},
					{"story-audit-translated", "/" + lang + "/staff/stories/" + s.translated + "/audit", 200},
				} {
					t.Run(lang+"/"+p.name, func(t *testing.T) {
						check(t, staffTab, p, lang)
						if strings.HasPrefix(p.name, "story-audit") && staffTab.count("ol.audit-trail li") == 0 {
							t.Errorf("%s: no audit rows", p.path)
						}
						if p.name == "story-audit-translated" && vp.name == phone.name {
							staffTab.shot(lang + "-story-audit")
						}
					})
				}
			}
			translator := newTab(t, s.rig, vp, true, "a11y-"+vp.name)
			enrolWithoutSecondFactor(t, translator, "tr-"+vp.name+"@example.org", staff.RolePartner)
			for _, lang := range languages {
				checkPages(t, translator, lang, []page{
					{"translation-editor", "/" + lang + "/staff/story-translations/" + s.translated + "/ar", 200},
					{"translation-new", "/" + lang + "/staff/story-translations/" + s.toReview + "/ar", 200},
				})
			}
			for _, lang := range languages {
				t.Run(lang+"/queue", func(t *testing.T) {
					if staffTab.open("/" + lang + "/staff/queue"); staffTab.count("article.queue-item") < 2 {
						t.Fatalf("queue has %d items", staffTab.count("article.queue-item"))
					}
					if staffTab.count(".span-removals button") == 0 {
						t.Error("no button removes the highlighted phone number")
					}
					if vp.name == phone.name {
						staffTab.shot(lang + "-queue-span-removal")
					}
					if vs := axeViolations(staffTab); len(vs) > 0 {
						staffTab.shot(lang + "-queue")
						t.Errorf("queue has %d axe violations:%s", len(vs), formatViolations(vs))
					}
				})
				for _, status := range []string{"queued", "hidden", "visible"} {
					t.Run(lang+"/posts-"+status, func(t *testing.T) {
						if staffTab.open("/" + lang + "/staff/posts?status=" + status); staffTab.count("article.queue-item") == 0 {
							t.Fatalf("%s posts: %d items", status, staffTab.count("article.queue-item"))
						}
						if vs := axeViolations(staffTab); len(vs) > 0 {
							staffTab.shot(lang + "-posts-" + status)
							t.Errorf("%s posts have %d axe violations:%s", status, len(vs), formatViolations(vs))
						}
					})
				}
			}

			// An admin's pages: the screening policy, the reply library and
			// the translation editors (an admin sees them all): plural
			// forms, a right-to-left target, a language with nothing
			// translated yet, the toolkit's English, and a refused post.
			admin := newTab(t, s.rig, vp, true, "a11y-admin-"+vp.name)
			enrolStaff(t, admin, "admin-"+vp.name+"@example.org", staff.RoleAdmin)
			for _, lang := range languages {
				checkPages(t, admin, lang, []page{
					{"policy", "/" + lang + "/staff/policy", 200},
					{"replies", "/" + lang + "/staff/replies", 200},
					{"reply-edit", "/" + lang + "/staff/replies/edit?id=en-refugees-neighbours", 200},
					{"partner", "/" + lang + "/staff/partner", 200},
					{"translations", "/" + lang + "/staff/translations", 200},
					{"translate-plural-rtl", "/" + lang + "/staff/translations/ar?area=queue&show=all", 200},
					{"translate-todo", "/" + lang + "/staff/translations/ti", 200},
					{"translate-toolkit", "/" + lang + "/staff/translations/es/toolkit", 200},
					{"translate-toolkit-source", "/" + lang + "/staff/translations/en/toolkit", 200},
				})
				t.Run(lang+"/translate-refused", func(t *testing.T) {
					admin.open("/" + lang + "/staff/translations/fr/toolkit?show=all")
					eval[bool](admin, `document.querySelector("#t-posts\\.x").value = "trop long ".repeat(40) + "#ItTakesaCommunity {url}", true`)
					if st := admin.press("save a post too long for X", "#m-posts\\.x button[type=submit]", true); st != http.StatusUnprocessableEntity {
						t.Fatalf("a post too long: %d", st)
					}
					if admin.count(`#m-posts\.x [aria-invalid="true"]`) != 1 {
						t.Fatal("the refused field is not marked")
					}
					if vs := axeViolations(admin); len(vs) > 0 {
						admin.shot(lang + "-translate-refused")
						t.Errorf("refused translation has %d axe violations:%s", len(vs), formatViolations(vs))
					}
				})
			}
		})
	}
}

// enrolModerator creates a moderator and signs the tab in through the
// welcome link, with the second factor.
func enrolModerator(t *testing.T, tb *tab, email string) {
	t.Helper()
	enrolStaff(t, tb, email, staff.RoleModerator)
}

// enrolStaff creates a staff account with role and signs the tab in.
func enrolStaff(t *testing.T, tb *tab, email string, role staff.Role) {
	t.Helper()
	link, err := tb.rig.App.AddUser(context.Background(), email, role)
	if err != nil {
		t.Fatal(err)
	}
	tb.open("/en/staff/welcome/" + link)
	code, err := auth.TOTPCode(tb.attr("input[name=totp_secret]", "value"), tb.rig.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	tb.typeInto("#f-password", "a long enough passphrase for moderation")
	tb.typeInto("#f-totp", code)
	if st := tb.press("enrol", "main form button[type=submit]", true); st != http.StatusOK || tb.location() != "/en/staff/queue" {
		t.Fatalf("enrol: %d at %s", st, tb.location())
	}
}

func welcomeLink(t *testing.T, rig *testrig.Rig, email string) string {
	t.Helper()
	link, err := rig.App.AddUser(context.Background(), email, staff.RoleModerator)
	if err != nil {
		t.Fatal(err)
	}
	return link
}
