package browsertest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"chorus/internal/testrig"
)

// The browser and axe-core are found once; a test that needs one that is
// missing skips with the reason.
var (
	browserPath, browserMissing string
	axeSource, axeMissing       string

	browserOnce              sync.Once
	browserCtx               context.Context
	browserErr               error
	stopBrowser, stopAlloc   context.CancelFunc = func() {}, func() {}
	shotsDir, shotsTemporary string
)

func TestMain(m *testing.M) {
	browserPath, browserMissing = findBrowser()
	axeSource, axeMissing = findAxe()
	shotsDir = os.Getenv("CHORUS_SCREENSHOTS")
	if shotsDir == "" && browserMissing == "" {
		dir, err := os.MkdirTemp("", "chorus-screenshots-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		shotsDir, shotsTemporary = dir, dir
	}
	code := m.Run()
	stopBrowser()
	stopAlloc()
	if shotsTemporary != "" {
		os.RemoveAll(shotsTemporary)
	}
	os.Exit(code)
}

// findBrowser returns the Chromium binary to use, or why there is none.
func findBrowser() (path, missing string) {
	if env := os.Getenv("CHORUS_BROWSER"); env != "" {
		if fi, err := os.Stat(env); err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
			return "", fmt.Sprintf("CHORUS_BROWSER=%s is not an executable file; run scripts/install-browser-tools.sh or point CHORUS_BROWSER at Chromium", env)
		}
		return env, ""
	}
	for _, p := range []string{"/usr/bin/chromium-headless-shell", "/usr/bin/chromium"} {
		if fi, err := os.Stat(p); err == nil && fi.Mode()&0o111 != 0 {
			return p, ""
		}
	}
	for _, name := range []string{"chromium-headless-shell", "chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, ""
		}
	}
	return "", "no Chromium found (set CHORUS_BROWSER, or run scripts/install-browser-tools.sh)"
}

// findAxe returns the source of axe.min.js, or why there is none.
func findAxe() (source, missing string) {
	dir := os.Getenv("CHORUS_AXE_DIR")
	if dir == "" {
		dir = filepath.Join("node_modules", "axe-core")
	}
	data, err := os.ReadFile(filepath.Join(dir, "axe.min.js"))
	if err != nil {
		return "", fmt.Sprintf("axe-core not found in %s (set CHORUS_AXE_DIR, or run scripts/install-browser-tools.sh): %v", dir, err)
	}
	return string(data), ""
}

// needBrowser skips the test when there is no Chromium, and returns the
// context of the one browser all tests share.
func needBrowser(t *testing.T) context.Context {
	t.Helper()
	if browserMissing != "" {
		t.Skip("browser tests skipped: " + browserMissing)
	}
	browserOnce.Do(func() {
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(browserPath),
			chromedp.NoSandbox, // the tests run as root on CI
			chromedp.DisableGPU,
			chromedp.NoFirstRun,
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("lang", "en-US"),
		)
		var actx context.Context
		actx, stopAlloc = chromedp.NewExecAllocator(context.Background(), opts...)
		browserCtx, stopBrowser = chromedp.NewContext(actx)
		// Start the browser without a deadline: a deadline here would end it.
		browserErr = chromedp.Do(browserCtx)
	})
	if browserErr != nil {
		t.Fatalf("starting %s: %v", browserPath, browserErr)
	}
	return browserCtx
}

// needAxe skips the test when axe-core is missing.
func needAxe(t *testing.T) {
	t.Helper()
	if axeMissing != "" {
		t.Skip("accessibility tests skipped: " + axeMissing)
	}
}

// viewport is a screen a page is seen on.
type viewport struct {
	name   string
	w, h   int64
	mobile bool
}

var (
	phone   = viewport{"phone", 360, 740, true}
	desktop = viewport{"desktop", 1280, 800, false}
)

// requestLog keeps every URL a tab asked the network for.
type requestLog struct {
	mu   sync.Mutex
	urls []string
}

func (l *requestLog) record(ev any) {
	if e, ok := ev.(*network.EventRequestWillBeSent); ok && e.Request != nil {
		l.mu.Lock()
		l.urls = append(l.urls, e.Request.URL)
		l.mu.Unlock()
	}
}

func (l *requestLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.urls...)
}

// foreign returns the requests that went anywhere but the site.
func foreign(urls []string, site string) []string {
	want, _ := url.Parse(site)
	var out []string
	for _, u := range urls {
		p, err := url.Parse(u)
		if err != nil {
			out = append(out, u)
			continue
		}
		switch p.Scheme {
		case "data", "blob", "about":
			continue // never leaves the browser
		case "http", "https", "ws", "wss":
			if p.Host == want.Host {
				continue
			}
		}
		out = append(out, u)
	}
	return out
}

// tab is one browser tab with its own cookies, on one viewport.
type tab struct {
	t      *testing.T
	ctx    context.Context
	rig    *testrig.Rig
	prefix string // screenshots are named prefix-step.png
	vp     viewport
	log    *requestLog
	// visited are pages of other sites the test itself opened (a
	// partner's page framing ours): the only other requests allowed.
	visited []string
}

// newTab opens a tab in a fresh browser profile. Every request the tab
// makes is checked, when the test ends, to go to the site alone.
func newTab(t *testing.T, rig *testrig.Rig, vp viewport, javascript bool, prefix string) *tab {
	t.Helper()
	root := needBrowser(t)
	log := &requestLog{}
	tctx, closeTab := chromedp.NewContext(root, chromedp.WithNewBrowserContext(), chromedp.WithListener(log.record))
	if err := chromedp.Do(tctx); err != nil {
		closeTab()
		t.Fatalf("opening a tab: %v", err)
	}
	ctx, cancel := context.WithTimeout(tctx, 2*time.Minute)
	tb := &tab{t: t, ctx: ctx, rig: rig, prefix: prefix, vp: vp, log: log}
	t.Cleanup(func() {
		cancel()
		closeTab()
		urls := log.all()
		if len(urls) == 0 {
			t.Errorf("the tab made no request at all: is the network log working?")
		}
		var bad []string
		for _, u := range foreign(urls, rig.URL) {
			if !slices.Contains(tb.visited, u) {
				bad = append(bad, u)
			}
		}
		if len(bad) > 0 {
			t.Errorf("requests to hosts other than the site %s:\n  %s", rig.URL, strings.Join(bad, "\n  "))
		}
	})
	opts := []chromedp.EmulateViewportOption{}
	if vp.mobile {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(vp.w, vp.h, opts...)); err != nil {
		t.Fatal(err)
	}
	if !javascript {
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatal(err)
		}
	}
	return tb
}

// stepTimeout bounds one step, so that a control that is missing fails
// the test quickly instead of being waited for until the tab's deadline.
const stepTimeout = 20 * time.Second

func (tb *tab) step() (context.Context, context.CancelFunc) {
	return context.WithTimeout(tb.ctx, stepTimeout)
}

// do runs the actions, failing the test with what was being done.
func (tb *tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := tb.step()
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.t.Fatalf("%s: %v (at %s)", what, err, tb.location())
	}
}

// open loads a page of the site and returns its HTTP status.
func (tb *tab) open(path string) int64 {
	tb.t.Helper()
	ctx, cancel := tb.step()
	defer cancel()
	res, err := chromedp.Run(ctx, chromedp.NavigateResponse(tb.rig.URL+path))
	if err != nil {
		tb.t.Fatalf("open %s: %v", path, err)
	}
	return res.Status
}

// press clicks a control as a person would: a tap on a phone, a mouse
// click on a desktop. It waits for the page that follows, if the press
// navigates, and returns its status (0 when nothing loaded).
func (tb *tab) press(what, sel string, navigates bool) int64 {
	tb.t.Helper()
	act := chromedp.Click(chromedp.CSS(sel))
	if tb.vp.mobile {
		act = chromedp.Tap(chromedp.CSS(sel))
	}
	if !navigates {
		tb.do(what, act)
		return 0
	}
	ctx, cancel := tb.step()
	defer cancel()
	res, err := chromedp.RunResponse(ctx, act)
	if err != nil {
		tb.t.Fatalf("%s: %v (at %s)", what, err, tb.location())
	}
	if res == nil {
		return 0
	}
	return res.Status
}

// typeInto types text into a field, key by key.
func (tb *tab) typeInto(sel, text string) {
	tb.t.Helper()
	tb.do("type into "+sel, chromedp.SendKeys(chromedp.CSS(sel), text))
}

// choose picks an option of a select by its value. It focuses the select
// and sets it the way a person's choice would, without clicking through
// the native popup (which headless Chromium does not draw).
func (tb *tab) choose(sel, value string) {
	tb.t.Helper()
	tb.do("choose "+value+" in "+sel, chromedp.Focus(chromedp.CSS(sel)), chromedp.SetValue(chromedp.CSS(sel), value))
}

// attr reads an attribute from the page's DOM.
func (tb *tab) attr(sel, name string) string {
	tb.t.Helper()
	ctx, cancel := tb.step()
	defer cancel()
	res, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(sel), name))
	if err != nil {
		tb.t.Fatalf("attribute %s of %s: %v", name, sel, err)
	}
	return res.Value
}

// text returns the visible text of the first element matching sel.
func (tb *tab) text(sel string) string {
	tb.t.Helper()
	ctx, cancel := tb.step()
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		tb.t.Fatalf("text of %s: %v (at %s)", sel, err, tb.location())
	}
	return s
}

// count returns how many elements match sel.
func (tb *tab) count(sel string) int {
	tb.t.Helper()
	return eval[int](tb, fmt.Sprintf("document.querySelectorAll(%q).length", sel))
}

// location returns the path and query of the current page.
func (tb *tab) location() string {
	ctx, cancel := tb.step()
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "?"
	}
	return strings.TrimPrefix(loc, tb.rig.URL)
}

// shot saves a screenshot of the whole page as prefix-step.png.
func (tb *tab) shot(step string) {
	tb.t.Helper()
	tb.saveShot(step, chromedp.FullScreenshot(100))
}

// shotOf saves a screenshot of the first element matching sel alone, as
// prefix-step.png.
func (tb *tab) shotOf(sel, step string) {
	tb.t.Helper()
	tb.saveShot(step, chromedp.Screenshot(chromedp.CSS(sel)))
}

// saveShot takes a screenshot and saves it as prefix-step.png.
func (tb *tab) saveShot(step string, screenshot chromedp.Action[[]byte]) {
	tb.t.Helper()
	ctx, cancel := tb.step()
	defer cancel()
	png, err := chromedp.Run(ctx, screenshot)
	if err != nil {
		tb.t.Fatalf("screenshot %s: %v", step, err)
	}
	name := safeName.ReplaceAllString(tb.prefix+"-"+step, "_") + ".png"
	if err := os.WriteFile(filepath.Join(shotsDir, name), png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}

var safeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// eval evaluates a JavaScript expression through the DevTools protocol,
// which the pages' CSP does not govern, and works with the page's own
// scripts turned off.
func eval[T any](tb *tab, expr string) T {
	tb.t.Helper()
	ctx, cancel := tb.step()
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		var ex *chromedp.ExceptionError
		if errors.As(err, &ex) {
			tb.t.Fatalf("evaluating %.80q: %v", expr, ex)
		}
		tb.t.Fatalf("evaluating %.80q: %v", expr, err)
	}
	return v
}

// The check every tab makes when it closes tells the site's own requests
// from all others, whatever their scheme.
func TestForeignRequests(t *testing.T) {
	site := "http://127.0.0.1:40000"
	urls := []string{
		site + "/en/", site + "/static/style.css", "data:image/png;base64,AA", "about:blank",
		"http://127.0.0.1:40001/x", "https://fonts.example.com/a.woff2", "http://localhost:40000/", "chrome-extension://x/y",
	}
	got := foreign(urls, site)
	want := []string{"http://127.0.0.1:40001/x", "https://fonts.example.com/a.woff2", "http://localhost:40000/", "chrome-extension://x/y"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("foreign(...) = %q, want %q", got, want)
	}
}
