package browsertest

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"chorus/internal/testrig"
)

// TestPartnerSiteFramesEmbeds: a partner's page, on another origin, frames
// a story embed and a list embed, which render with nothing loaded from
// anywhere but this site and no accessibility violation inside the frame;
// the same page cannot frame the story page itself.
func TestPartnerSiteFramesEmbeds(t *testing.T) {
	needBrowser(t)
	needAxe(t)
	rig := testrig.New(t)
	sub := testrig.Submission("Embedded")
	sub.Themes = []string{"work"}
	id, token := rig.Submit(sub)
	if res := rig.UploadPhoto(id, token, "street.jpg", testrig.PhotoWithGPS(900, 600), "Our street in the snow"); res.Status != http.StatusOK {
		t.Fatalf("photo: %d", res.Status)
	}
	publish(t, rig, id)
	for _, marker := range []string{"Embeddedtwo", "Embeddedthree"} {
		other := testrig.Submission(marker)
		other.Themes = []string{"work"}
		oid, _ := rig.Submit(other)
		publish(t, rig, oid)
	}

	frames := map[string]string{
		"story-embed": rig.URL + "/en/embed/stories/" + id,
		"list-embed":  rig.URL + "/fr/embed/stories?theme=work",
		"story-page":  rig.URL + "/en/stories/" + id,
	}
	partner := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A partner's page</title></head><body><h1>Our partner page</h1>`)
		for _, name := range []string{"story-embed", "list-embed", "story-page"} {
			fmt.Fprintf(w, `<h2>%s</h2><iframe name="%s" src="%s" title="%s" width="560" height="480" style="border:0"></iframe>`,
				name, name, html.EscapeString(frames[name]), name)
		}
		fmt.Fprint(w, `</body></html>`)
	}))
	t.Cleanup(partner.Close)
	if partner.URL == rig.URL {
		t.Fatal("the partner must be another origin")
	}

	tb := newTab(t, rig, desktop, true, "embedding")
	tb.visited = []string{partner.URL + "/"}
	tb.do("open the partner's page", chromedp.Navigate(partner.URL+"/"))
	// The frames load after the page: wait until the three have settled.
	eval[bool](tb, `new Promise(done => {
		const frames = [...document.querySelectorAll("iframe")];
		let left = frames.length;
		frames.forEach(f => f.addEventListener("load", () => { if (--left === 0) done(true); }));
		setTimeout(() => done(true), 10000);
	})`)

	tree := frameTree(tb)
	byName := map[string]*cdp.Frame{}
	for _, child := range tree.ChildFrames {
		byName[child.Frame.Name] = child.Frame
	}
	for _, name := range []string{"story-embed", "list-embed"} {
		f := byName[name]
		if f == nil || f.URL != frames[name] || f.UnreachableURL != "" {
			t.Fatalf("%s did not load in the partner's page: %+v", name, f)
		}
	}
	// The story page was asked for, and refused by the browser: the frame
	// holds an error page, not the story.
	blocked := byName["story-page"]
	if blocked == nil || !slices.Contains(tb.log.all(), frames["story-page"]) {
		t.Fatalf("the story page's frame was never tried: %+v", blocked)
	}
	if title := inFrame[string](tb, blocked.ID, `document.title`); strings.Contains(title, "Our first winter") || blocked.UnreachableURL != frames["story-page"] {
		t.Errorf("the story page was framed by another site: title %q, frame %+v", title, blocked)
	}

	if title := inFrame[string](tb, byName["story-embed"].ID, `document.querySelector("h1 a").textContent`); title != "Our first winter Embedded" {
		t.Errorf("story embed shows %q", title)
	}
	if loaded := inFrame[bool](tb, byName["story-embed"].ID, `(() => { const i = document.querySelector("img"); return !!i && i.complete && i.naturalWidth > 0 && i.alt === "Our street in the snow"; })()`); !loaded {
		t.Errorf("the story embed's photo did not load")
	}
	if n := inFrame[int](tb, byName["list-embed"].ID, `document.querySelectorAll("li").length`); n != 3 {
		t.Errorf("list embed shows %d stories, want 3", n)
	}
	for _, name := range []string{"story-embed", "list-embed"} {
		if styled := inFrame[bool](tb, byName[name].ID, `getComputedStyle(document.body).margin === "0px"`); !styled {
			t.Errorf("%s: its style sheet did not apply", name)
		}
		if cookies := inFrame[string](tb, byName[name].ID, `document.cookie`); cookies != "" {
			t.Errorf("%s: cookies %q", name, cookies)
		}
		inFrame[bool](tb, byName[name].ID, axeSource+"\n;true")
		var vs []axeViolation
		raw := inFrame[json.RawMessage](tb, byName[name].ID, axeRun)
		if err := json.Unmarshal(raw, &vs); err != nil {
			t.Fatal(err)
		}
		if len(vs) > 0 {
			t.Errorf("%s: accessibility violations inside the frame:%s", name, formatViolations(vs))
		}
	}
	tb.shot("partner-page")
	tb.shotOf(`iframe[name="story-embed"]`, "story-embed")
	tb.shotOf(`iframe[name="list-embed"]`, "list-embed")

	// The story page offers the snippet partners paste.
	tb.open("/en/stories/" + id)
	if snippet := eval[string](tb, `document.querySelector("#embed-code").value`); !strings.Contains(snippet, `<iframe src="`+frames["story-embed"]+`"`) {
		t.Errorf("embed snippet %q", snippet)
	}
	tb.shotOf(".embed-box", "snippet")

	// Where scripts run, the Mastodon server typed once is remembered in
	// this browser, and the copy button appears.
	eval[bool](tb, `localStorage.setItem("chorus.mastodon.server", "social.example"), true`)
	tb.open("/en/stories/" + id)
	if server := eval[string](tb, `document.querySelector("form.mastodon input[name=server]").value`); server != "social.example" {
		t.Errorf("the Mastodon server is not remembered: %q", server)
	}
	if shown := eval[bool](tb, `!document.querySelector(".share-script").hidden && document.querySelector(".copy-link").offsetParent !== null`); !shown {
		t.Errorf("the copy button is not shown where scripts run")
	}
	tb.shotOf(".share", "share-links")
}

// frameTree is the tab's tree of frames, as the browser holds it.
func frameTree(tb *tab) *cdppage.FrameTree {
	tb.t.Helper()
	ctx, cancel := tb.step()
	defer cancel()
	res, err := chromedp.Call(ctx, cdppage.GetFrameTree, cdp.Empty{})
	if err != nil {
		tb.t.Fatalf("frame tree: %v", err)
	}
	return res.FrameTree
}

// inFrame evaluates an expression inside one frame, in a world of its own
// (which the frame's policy does not govern, as with eval).
func inFrame[T any](tb *tab, frame cdp.FrameID, expr string) T {
	tb.t.Helper()
	ctx, cancel := tb.step()
	defer cancel()
	world, err := chromedp.Call(ctx, cdppage.CreateIsolatedWorld, cdppage.CreateIsolatedWorldParams{FrameID: frame, WorldName: "chorus-test"})
	if err != nil {
		tb.t.Fatalf("world in frame %s: %v", frame, err)
	}
	yes := true
	res, err := chromedp.Call(ctx, runtime.Evaluate, runtime.EvaluateParams{Expression: expr, ContextID: world.ExecutionContextID, ReturnByValue: &yes, AwaitPromise: &yes})
	if err != nil {
		tb.t.Fatalf("evaluating %.60q in frame: %v", expr, err)
	}
	if res.ExceptionDetails != nil {
		tb.t.Fatalf("evaluating %.60q in frame: %s", expr, res.ExceptionDetails.Text+" "+exceptionText(res.ExceptionDetails))
	}
	var v T
	if res.Result != nil && len(res.Result.Value) > 0 {
		if err := json.Unmarshal(res.Result.Value, &v); err != nil {
			tb.t.Fatalf("result of %.60q: %v", expr, err)
		}
	}
	return v
}

func exceptionText(d *runtime.ExceptionDetails) string {
	if d.Exception != nil {
		return d.Exception.Description
	}
	return ""
}
