package browsertest

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"chorus/internal/testrig"
)

// focused describes the element that has the keyboard focus.
type focused struct {
	ID, Name, Tag, Type, Outline, Width string
	InMain, OnScreen                    bool
}

func (f focused) String() string {
	switch {
	case f.ID != "":
		return "#" + f.ID
	case f.Name != "":
		return f.Tag + "[name=" + f.Name + "]"
	}
	return f.Tag
}

// visibleOutline tells whether the focused element draws a focus ring.
func (f focused) visibleOutline() bool {
	return f.Outline != "none" && f.Width != "0px"
}

const describeFocus = `(() => {
	const e = document.activeElement, s = getComputedStyle(e), r = e.getBoundingClientRect();
	return {ID: e.id, Name: e.getAttribute("name") || "", Tag: e.tagName.toLowerCase(), Type: e.type || "",
		Outline: s.outlineStyle, Width: s.outlineWidth, InMain: !!e.closest("main"),
		OnScreen: r.width > 0 && r.height > 0 && r.right > 0 && r.left < innerWidth && r.bottom > 0 && r.top < innerHeight};
})()`

// tabKey presses Tab and returns what has the focus then.
func (tb *tab) tabKey() focused {
	tb.t.Helper()
	tb.do("press Tab", chromedp.KeyEvent(kb.Tab))
	return eval[focused](tb, describeFocus)
}

// skipToMain checks that the first Tab stop is the skip link, that it
// shows on screen with a focus ring, and that Enter moves the focus to main.
func skipToMain(t *testing.T, tb *tab) {
	t.Helper()
	first := tb.tabKey()
	if first.Tag != "a" || eval[string](tb, `document.activeElement.className`) != "skip" {
		t.Fatalf("first Tab stop is %s, want the skip link", first)
	}
	if !first.OnScreen || !first.visibleOutline() {
		t.Errorf("focused skip link: on screen %v, outline %s %s", first.OnScreen, first.Outline, first.Width)
	}
	tb.shot("skip-link")
	tb.do("follow the skip link", chromedp.KeyEvent(kb.Enter))
	if id := eval[string](tb, `document.activeElement.id`); id != "main" {
		t.Fatalf("after the skip link the focus is on %q, want main", id)
	}
}

// The share form can be filled with the keyboard alone: the skip link
// comes first and leads to main, then the fields come in reading order,
// each with a visible focus ring.
func TestKeyboardShareForm(t *testing.T) {
	needBrowser(t)
	rig := testrig.New(t)
	for _, lang := range languages {
		t.Run(lang, func(t *testing.T) {
			tb := newTab(t, rig, desktop, true, "keyboard-share-desktop-"+lang)
			tb.open("/" + lang + "/share")
			skipToMain(t, tb)

			var stops []focused
			for range 80 {
				f := tb.tabKey()
				stops = append(stops, f)
				if f.Tag == "button" && f.InMain {
					break
				}
			}
			var order []string
			for _, f := range stops {
				order = append(order, f.String())
				if f.InMain && !f.visibleOutline() {
					t.Errorf("%s has the focus but no visible outline (%s %s)", f, f.Outline, f.Width)
				}
			}
			if !stops[0].InMain {
				t.Errorf("after the skip link, Tab goes to %s, outside main", stops[0])
			}
			t.Logf("Tab order in main: %s", strings.Join(order, " → "))
			want := []string{"#f-title", "#f-body", "#f-language", "#f-country", "input[name=consent_publish]", "button"}
			at := 0
			for _, s := range order {
				if at < len(want) && s == want[at] {
					at++
				}
			}
			if at < len(want) {
				t.Errorf("Tab order lacks %s, or has it out of order: %s", want[at], strings.Join(order, " → "))
			}
			if last := stops[len(stops)-1]; last.Tag != "button" || last.Type != "submit" {
				t.Errorf("Tab never reached the submit button: %s", strings.Join(order, " → "))
			}
			tb.shot("submit-focused")
		})
	}
}

// A moderator reaches the first story's approve button with the keyboard
// and approves it with Enter (one story in English, the next in Arabic).
func TestKeyboardQueue(t *testing.T) {
	needBrowser(t)
	rig := testrig.New(t)
	rig.Submit(testrig.Submission("Keyboardfirst"))
	rig.Submit(testrig.Submission("Keyboardsecond"))
	for _, lang := range []string{"en", "ar"} {
		t.Run(lang, func(t *testing.T) {
			tb := newTab(t, rig, desktop, true, "keyboard-queue-desktop-"+lang)
			enrolModerator(t, tb, "keys-"+lang+"@example.org")
			tb.open("/" + lang + "/staff/queue")
			first := strings.TrimPrefix(tb.attr("article.queue-item", "aria-labelledby"), "q-")
			skipToMain(t, tb)
			approve := fmt.Sprintf(`document.activeElement.matches('article[aria-labelledby="q-%s"] .decisions form:first-child button')`, first)
			var order []string
			reached := false
			for range 20 {
				f := tb.tabKey()
				order = append(order, f.String())
				if eval[bool](tb, approve) {
					reached = true
					if !f.visibleOutline() || !f.OnScreen {
						t.Errorf("approve button focused: outline %s %s, on screen %v", f.Outline, f.Width, f.OnScreen)
					}
					break
				}
			}
			if !reached {
				t.Fatalf("Tab never reached the first approve button: %s", strings.Join(order, " → "))
			}
			t.Logf("Tab order in main: %s", strings.Join(order, " → "))
			tb.shot("approve-focused")
			ctx, cancel := tb.step()
			defer cancel()
			res, err := chromedp.RunResponse(ctx, chromedp.KeyEvent(kb.Enter))
			if err != nil || res.Status != http.StatusOK || !strings.Contains(tb.location(), "done=approve") {
				t.Fatalf("Enter on approve: %v %v at %s", res, err, tb.location())
			}
			if st := rig.Do("GET", "/api/v1/stories/"+first, nil, nil).Status; st != http.StatusOK {
				t.Errorf("story approved with the keyboard is not public: %d", st)
			}
		})
	}
}
