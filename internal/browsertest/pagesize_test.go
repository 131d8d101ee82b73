package browsertest

import (
	"strings"
	"testing"

	"chorus/internal/testrig"
)

const maxPageBytes = 100 << 10

// Every public page is under 100 KB of HTML, and fits a 360 px phone
// screen without scrolling sideways, in English, French and Arabic, also
// with a story whose text holds a long address and a long word. Without a
// browser only the weight is checked.
func TestPageWeightAndReflow(t *testing.T) {
	s := newSite(t)
	long := testrig.Submission("Widewords")
	long.Title = "Grandparents' Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichen"
	long.Body = "We found help at https://example.org/community-centre/newcomers/registration/forms/2026/autumn/family-reunification-and-housing-support-programme?lang=en&ref=Widewords\n\nAnd the rest is history."
	long.City = "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch"
	wide, _ := s.rig.Submit(long)
	publish(t, s.rig, wide)

	var tb *tab
	if browserMissing == "" {
		tb = newTab(t, s.rig, phone, false, "reflow-phone-nojs")
	} else {
		t.Log("reflow at 360 px not checked: " + browserMissing)
	}
	for _, lang := range languages {
		pages := append(s.publicPages(lang),
			page{"story-long-words", "/" + lang + "/stories/" + wide, 200},
			page{"list-long-words", "/" + lang + "/stories?q=Widewords", 200})
		for _, p := range pages {
			t.Run(lang+"/"+p.name, func(t *testing.T) {
				res := s.rig.Do("GET", p.path, nil, nil)
				if int64(res.Status) != p.status {
					t.Fatalf("%s: %d, want %d", p.path, res.Status, p.status)
				}
				if n := len(res.Body); n >= maxPageBytes {
					t.Errorf("%s is %d bytes of HTML, over %d", p.path, n, maxPageBytes)
				}
				if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
					t.Errorf("%s: Content-Type %q", p.path, res.Header.Get("Content-Type"))
				}
				if tb == nil {
					return
				}
				tb.open(p.path)
				tb.shot(lang + "-" + p.name)
				if w := eval[int](tb, "document.documentElement.scrollWidth"); w > 360 {
					wide := eval[[]string](tb, `[...document.querySelectorAll("body *")].filter(e => {
						const r = e.getBoundingClientRect(); return r.right > 360 + 0.5 || r.left < -0.5
					}).filter(e => getComputedStyle(e).position !== "absolute").slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? "." + e.className : "") + ": " + e.textContent.trim().slice(0, 60))`)
					t.Errorf("%s scrolls sideways at 360 px: scrollWidth %d; too wide: %q", p.path, w, wide)
				}
			})
		}
	}
}
