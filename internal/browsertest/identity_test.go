package browsertest

import (
	"fmt"
	"testing"
)

// desktop1366 is a common laptop's width; with phone390, the screens the
// campaign's pages are checked on.
var desktop1366 = viewport{"1366", 1366, 768, false}

// layoutProblems finds, on the page the tab shows, what a reader would
// see as broken: a sideways scroll, a badge or a date broken over two
// lines, the private link cut off.
const layoutProblems = `(() => {
	const problems = [];
	const width = document.documentElement.clientWidth;
	if (document.documentElement.scrollWidth > width) {
		const wide = [...document.querySelectorAll("body *")].filter(e => {
			const r = e.getBoundingClientRect(); return r.width > 0 && (r.right > width + 0.5 || r.left < -0.5);
		}).filter(e => getComputedStyle(e).position !== "absolute").slice(0, 3)
			.map(e => e.tagName.toLowerCase() + "." + e.className);
		problems.push("scrolls sideways: " + document.documentElement.scrollWidth + " > " + width + " " + wide.join(", "));
	}
	const lines = e => new Set([...e.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top))).size;
	for (const badge of document.querySelectorAll(".demo, .state")) {
		if (lines(badge) > 1) problems.push("badge wraps: " + badge.textContent);
	}
	for (const time of document.querySelectorAll("time")) {
		if (lines(time) > 1) problems.push("date broken: " + time.textContent);
	}
	const link = document.getElementById("private-link");
	if (link) {
		const r = link.getBoundingClientRect(), box = link.parentElement.getBoundingClientRect();
		if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.right > width || r.height === 0) {
			problems.push("private link cut off: " + JSON.stringify([r.left, r.right, box.left, box.right]));
		}
		if (link.textContent.trim() !== link.getAttribute("href")) problems.push("private link not shown whole");
	}
	return problems;
})()`

// brokenWords lists the words of the element's text that the layout
// splits over two lines: a word's range must sit on one line box.
const brokenWords = `((sel) => {
	const broken = [];
	for (const root of document.querySelectorAll(sel)) {
		const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
		for (let node = walker.nextNode(); node; node = walker.nextNode()) {
			// A hyphen is a fair place to break a line: the parts are the words.
			const re = /[^\s\-\u2010\u2011]+/g;
			let m;
			while ((m = re.exec(node.data))) {
				const range = document.createRange();
				range.setStart(node, m.index);
				range.setEnd(node, m.index + m[0].length);
				const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
				if (tops.size > 1) broken.push(m[0]);
			}
		}
	}
	return broken;
})`

// TestScreensOfTheCampaign saves screenshots of the main pages in every
// official language at 390 and 1366 px, and checks each: no sideways
// scroll, no badge or date broken over two lines, the private link whole,
// no word split in the toolkit, and axe finds nothing (when installed).
func TestScreensOfTheCampaign(t *testing.T) {
	s := newSite(t)
	for _, vp := range []viewport{phone390, desktop1366} {
		public := newTab(t, s.rig, vp, true, "identity-"+vp.name)
		staffTab := newTab(t, s.rig, vp, true, "identity-"+vp.name)
		enrolModerator(t, staffTab, "screens-"+vp.name+"@example.org")
		for _, lang := range languages {
			l := "/" + lang
			pages := []struct {
				tb         *tab
				name, path string
			}{
				{public, "home", l + "/"},
				{public, "story", l + "/stories/" + s.published},
				{public, "share", l + "/share"},
				{public, "private", l + "/my/" + s.pending + "/" + s.pendingToken + "?new=1"},
				{public, "toolkit", l + "/toolkit"},
				{public, "wall", l + "/wall"},
				{staffTab, "queue", l + "/staff/queue"},
			}
			for _, p := range pages {
				t.Run(fmt.Sprintf("%s/%s/%s", vp.name, lang, p.name), func(t *testing.T) {
					p.tb.t = t
					if st := p.tb.open(p.path); st != 200 {
						t.Fatalf("%s: %d", p.path, st)
					}
					p.tb.shot(lang + "-" + p.name)
					for _, problem := range eval[[]string](p.tb, layoutProblems) {
						t.Errorf("%s at %d px: %s", p.path, vp.w, problem)
					}
					if p.name == "toolkit" {
						if broken := eval[[]string](p.tb, brokenWords+`("main")`); len(broken) > 0 {
							t.Errorf("%s at %d px splits words: %q", p.path, vp.w, broken)
						}
					}
					if p.name == "private" && eval[int](p.tb, `document.querySelectorAll("#private-link").length`) != 1 {
						t.Errorf("%s: no private link", p.path)
					}
					if axeMissing == "" {
						if vs := axeViolations(p.tb); len(vs) > 0 {
							t.Errorf("%s at %d px: axe:%s", p.path, vp.w, formatViolations(vs))
						}
					}
				})
			}
		}
	}
}
