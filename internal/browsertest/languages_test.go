package browsertest

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"chorus/internal/i18n"
	"chorus/internal/testrig"
)

// storyLanguage is the story language a storyteller writing in an
// interface language picks (Dari stories are filed as Persian).
func storyLanguage(code string) string {
	base, _, _ := strings.Cut(code, "-")
	return base
}

var privateLink = regexp.MustCompile(`^/[a-zA-Z-]+/my/([a-z0-9]+)/([A-Za-z0-9_-]+)\?new=1$`)

// TestStorytellersPathInEveryLanguage walks the storyteller's path (the
// share form, a form sent back with errors, the private link, the
// privacy notice, withdrawal) in every language on the site, on a phone,
// with axe passing and screenshots saved. A page on that path showing
// any text in a fallback language fails, as does a page whose lang or
// dir is wrong.
func TestStorytellersPathInEveryLanguage(t *testing.T) {
	needBrowser(t)
	needAxe(t)
	rig := testrig.New(t)
	catalog, err := i18n.Load(i18n.Known, nil)
	if err != nil {
		t.Fatal(err)
	}
	live := catalog.Languages()
	if len(live) < 10 {
		t.Errorf("%d languages live, want the ten of the campaign", len(live))
	}
	for _, l := range live {
		t.Run(l.Code, func(t *testing.T) {
			tb := newTab(t, rig, phone, true, "languages-"+l.Code)
			root := "/" + l.Code
			check := func(step string) {
				t.Helper()
				tb.shot(step)
				if got := tb.attr("html", "lang"); got != l.Code {
					t.Errorf("%s: html lang %q", step, got)
				}
				if got := tb.attr("html", "dir"); got != l.Dir() {
					t.Errorf("%s: html dir %q, want %s", step, got, l.Dir())
				}
				if n := tb.count("[data-fallback]"); n > 0 {
					texts := eval[[]string](tb, `[...document.querySelectorAll("[data-fallback]")].map(e => e.textContent)`)
					t.Errorf("%s: %d texts fall back: %q", step, n, texts)
				}
				if vs := axeViolations(tb); len(vs) > 0 {
					t.Errorf("%s has %d axe violations:%s", step, len(vs), formatViolations(vs))
				}
			}

			if st := tb.open(root + "/share"); st != http.StatusOK {
				t.Fatalf("share form: %d", st)
			}
			if n := tb.count("nav.langs details a[lang]"); n != len(live) {
				t.Errorf("the language chooser lists %d languages, want %d", n, len(live))
			}
			check("1-form")

			// The server's own answer to a form the browser would have stopped.
			tb.typeInto("#f-title", "Hi")
			eval[bool](tb, `document.querySelector("form.story-form").noValidate = true`)
			if st := tb.press("send an incomplete story", "form.story-form button[type=submit]", true); st != http.StatusUnprocessableEntity {
				t.Fatalf("incomplete story: %d", st)
			}
			check("2-errors")

			tb.open(root + "/share")
			tb.typeInto("#f-title", "A first winter "+l.Code)
			tb.typeInto("#f-body", "Our neighbours brought soup on the first cold night, and we have cooked for each other since.")
			// The rig's campaign takes stories in a few languages only.
			story := storyLanguage(l.Code)
			if tb.count(`form.story-form #f-language option[value="`+story+`"]`) == 0 {
				story = "en"
			}
			tb.choose("form.story-form #f-language", story)
			tb.choose("#f-country", "CA")
			tb.press("tick a theme", `input[name=themes][value=community]`, false)
			tb.press("pick an identity", `input[name=identity][value=refugee]`, false)
			tb.press("stay anonymous", `input[name=anonymous]`, false)
			tb.press("consent to publish", `input[name=consent_publish]`, false)
			if st := tb.press("send the story", "form.story-form button[type=submit]", true); st != http.StatusOK {
				t.Fatalf("after sending: %d at %s", st, tb.location())
			}
			m := privateLink.FindStringSubmatch(tb.location())
			if m == nil || !strings.HasPrefix(tb.location(), root+"/") {
				t.Fatalf("after sending, landed on %s, want the private page", tb.location())
			}
			check("3-private-link")

			if st := tb.open(root + "/privacy"); st != http.StatusOK {
				t.Fatalf("privacy notice: %d", st)
			}
			check("4-privacy")

			tb.open(root + "/my/" + m[1] + "/" + m[2])
			tb.press("tick the confirm box", `input[name=confirm]`, false)
			if st := tb.press("withdraw", "section.danger button.danger", true); st != http.StatusOK {
				t.Fatalf("after withdrawing: %d at %s", st, tb.location())
			}
			if tb.count(".status-withdrawn") != 1 {
				t.Error("the withdrawn page lacks the withdrawn status")
			}
			check("5-withdrawn")

			// Off the path, a partial language shows what it lacks in its
			// fallback language, marked as such: the check above can fail.
			if !l.Complete {
				tb.open(root + "/")
				if tb.count("[data-fallback]") == 0 {
					t.Error("the home page shows no fallback text in a partial language")
				} else if got := tb.attr("[data-fallback]", "lang"); got != l.FallbackCode() {
					t.Errorf("fallback text marked lang=%q, want %s", got, l.FallbackCode())
				}
				tb.shot("6-home-with-fallback")
			}
		})
	}
}
