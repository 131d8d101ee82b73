package main

// Soak mode (--soak): readers, storytellers and moderators at once for a
// bounded time, with the server's memory sampled throughout. It finds what
// the one-target-at-a-time benchmark cannot: errors that only appear when
// writes, withdrawals and reads overlap, and memory that keeps growing.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"chorus/internal/loadtest"
	"chorus/internal/story"
)

type soakOptions struct {
	enabled      bool
	duration     time.Duration
	readers      int
	storytellers int
	moderators   int
	pause        time.Duration
	sample       time.Duration
	table        time.Duration
	rssPct       float64
	rssSlackMB   int
}

// maxSoak bounds a soak run whatever the flags say.
const maxSoak = 2 * time.Hour

func soakFlags(s *soakOptions) {
	flag.BoolVar(&s.enabled, "soak", false, "soak mode: readers, storytellers and moderators at once for --soak-duration, with the server's memory over time")
	flag.DurationVar(&s.duration, "soak-duration", 10*time.Minute, "soak: how long the mixed workload runs (at most 2h)")
	flag.IntVar(&s.readers, "soak-readers", 10, "soak: reader connections (no think time)")
	flag.IntVar(&s.storytellers, "soak-storytellers", 3, "soak: storyteller connections")
	flag.IntVar(&s.moderators, "soak-moderators", 2, "soak: moderator connections (1 or 2 make sense)")
	flag.DurationVar(&s.pause, "soak-pause", 100*time.Millisecond, "soak: a storyteller's mean pause between two stories")
	flag.DurationVar(&s.sample, "soak-sample", 2*time.Second, "soak: server memory sampling interval")
	flag.DurationVar(&s.table, "soak-table", 30*time.Second, "soak: interval between rows of the memory table")
	flag.Float64Var(&s.rssPct, "soak-rss-pct", 25, "soak: fail if the last window's RSS exceeds the baseline by more than this percentage ...")
	flag.IntVar(&s.rssSlackMB, "soak-rss-mb", 20, "soak: ... and by more than this many MB")
}

// soakServer is the server under test.
type soakServer struct {
	base    string
	pid     int
	bin     string // chorus binary, for "user add" and "token add"
	data    string // its data folder
	logPath string // its log, when this tool started it
}

// kindSpec says which statuses a kind of request answers when all is well
// (ok) and which the workload provokes on purpose (expected conflicts).
type kindSpec struct {
	name     string
	ok       []int
	expected []int
}

var (
	kHome     = &kindSpec{name: "home", ok: []int{200}}
	kRoots    = &kindSpec{name: "root-fr-ar", ok: []int{200}}
	kList     = &kindSpec{name: "list", ok: []int{200}}
	kSearch   = &kindSpec{name: "search", ok: []int{200}}
	kStory    = &kindSpec{name: "story", ok: []int{200}, expected: []int{404, 410}} // withdrawn since its id was seen
	kAPIList  = &kindSpec{name: "api-list", ok: []int{200}}
	kSubmit   = &kindSpec{name: "submit", ok: []int{202}}
	kPhoto    = &kindSpec{name: "photo", ok: []int{200}, expected: []int{409}} // decided before the upload
	kEdit     = &kindSpec{name: "edit", ok: []int{200}, expected: []int{409}}  // decided before the edit
	kWithdraw = &kindSpec{name: "withdraw", ok: []int{200}}
	kQueue    = &kindSpec{name: "queue", ok: []int{200}}
	// 409: decided by the other moderator or withdrawn meanwhile.
	kDecision = &kindSpec{name: "decision", ok: []int{200}, expected: []int{404, 409, 410}}
	allKinds  = []*kindSpec{kHome, kRoots, kList, kSearch, kStory, kAPIList, kSubmit, kPhoto, kEdit, kWithdraw, kQueue, kDecision}
)

type soak struct {
	o        soakOptions
	srv      soakServer
	client   *http.Client
	rec      *loadtest.Recorder
	ids      idPool
	deadline time.Time

	approved, rejected atomic.Int64
}

func runSoak(ctx context.Context, o options, srv soakServer, out io.Writer) error {
	so := o.soak
	if so.duration <= 0 || so.duration > maxSoak {
		return fmt.Errorf("--soak-duration %s: must be between 0 and %s", so.duration, maxSoak)
	}
	if so.readers < 1 || so.storytellers < 1 || so.moderators < 1 || so.readers+so.storytellers+so.moderators > 256 {
		return errors.New("--soak-readers, --soak-storytellers and --soak-moderators: at least 1 each, at most 256 in all")
	}
	if so.sample <= 0 {
		so.sample = 2 * time.Second
	}
	if so.table < so.sample {
		so.table = so.sample
	}

	var tokens []string
	for i := 1; i <= so.moderators; i++ {
		tok, err := addModerator(ctx, srv.bin, srv.data, fmt.Sprintf("soak-moderator-%d-%d@example.org", i, time.Now().UnixNano()))
		if err != nil {
			return err
		}
		tokens = append(tokens, tok)
	}

	conns := so.readers + so.storytellers + so.moderators
	names := make([]string, len(allKinds))
	for i, k := range allKinds {
		names[i] = k.name
	}
	s := &soak{o: so, srv: srv, client: loadtest.NewClient(conns, 30*time.Second), rec: loadtest.NewRecorder(names...)}
	s.ids.max = 300
	s.refreshIDs(ctx, rand.New(rand.NewPCG(1, 2)))

	fmt.Fprintf(out, "chorus-load soak: %s for %s: %d readers, %d storytellers (mean pause %s), %d moderators; memory every %s\n",
		srv.base, so.duration, so.readers, so.storytellers, so.pause, so.moderators, so.sample)
	fmt.Fprintf(out, "machine: %s\n", machine())

	start := time.Now()
	s.deadline = start.Add(so.duration)
	var wg sync.WaitGroup
	for i := 0; i < so.readers; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); s.reader(ctx, rand.New(rand.NewPCG(uint64(i), 11))) }()
	}
	photo := smallJPEG()
	for i := 0; i < so.storytellers; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); s.storyteller(ctx, rand.New(rand.NewPCG(uint64(i), 22)), i, photo) }()
	}
	for i, tok := range tokens {
		wg.Add(1)
		go func() { defer wg.Done(); s.moderator(ctx, rand.New(rand.NewPCG(uint64(i), 33)), i, tok) }()
	}

	// Memory: a sample every so.sample, a progress line every so.table.
	var samples []loadtest.MemSample
	takeSample := func() loadtest.MemSample {
		rss, hwm, _ := loadtest.ProcessMemory(srv.pid)
		req, errs := s.rec.Totals()
		m := loadtest.MemSample{At: time.Since(start), RSSKB: rss, HWMKB: hwm, Requests: req, Errors: errs}
		samples = append(samples, m)
		return m
	}
	fmt.Fprintf(out, "\n%8s %10s %10s %10s %8s\n", "time", "RSS", "peak", "req/s", "errors")
	takeSample()
	tick := time.NewTicker(so.sample)
	nextRow := so.table
	lastRow := samples[0]
	for running := true; running; {
		select {
		case <-ctx.Done():
			running = false
		case <-tick.C:
			m := takeSample()
			if m.At >= nextRow || time.Now().After(s.deadline) {
				fmt.Fprintln(out, memRow(lastRow, m))
				lastRow = m
				nextRow += so.table
			}
			running = time.Now().Before(s.deadline)
		}
	}
	tick.Stop()
	wg.Wait() // requests in flight at the deadline finish and count
	elapsed := time.Since(start)
	time.Sleep(200 * time.Millisecond)
	final := takeSample()
	if final.At-lastRow.At > so.sample {
		fmt.Fprintln(out, memRow(lastRow, final))
	}

	rep := s.report(samples, elapsed)
	fmt.Fprintln(out)
	fmt.Fprint(out, rep.text)
	if srv.logPath != "" {
		fmt.Fprint(out, serverLogSummary(srv.logPath))
	}
	if dbSize := dataSize(srv.data); dbSize > 0 {
		fmt.Fprintf(out, "data folder at the end: %.1f MB\n", float64(dbSize)/(1<<20))
	}
	if o.markdownPath != "" {
		if err := os.WriteFile(o.markdownPath, []byte(rep.markdown), 0o644); err != nil {
			return err
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var fails []string
	if rep.errors > 0 {
		fails = append(fails, fmt.Sprintf("%d unexpected errors", rep.errors))
	}
	if !rep.memOK {
		fails = append(fails, "server memory kept growing")
	}
	if len(fails) > 0 {
		return errors.New("soak failed: " + strings.Join(fails, "; "))
	}
	fmt.Fprintln(out, "soak passed")
	return nil
}

func machine() string {
	return fmt.Sprintf("%d CPUs shared by the load generator and the server", runtime.NumCPU())
}

func memRow(prev, m loadtest.MemSample) string {
	rate := 0.0
	if dt := (m.At - prev.At).Seconds(); dt > 0 {
		rate = float64(m.Requests-prev.Requests) / dt
	}
	return fmt.Sprintf("%8s %10s %10s %10.0f %8d", m.At.Round(time.Second), mb(m.RSSKB), mb(m.HWMKB), rate, m.Errors)
}

func (s *soak) done(ctx context.Context) bool {
	return ctx.Err() != nil || !time.Now().Before(s.deadline)
}

// sleep waits d unless the run ends first.
func (s *soak) sleep(ctx context.Context, d time.Duration) {
	if left := time.Until(s.deadline); d > left {
		d = max(left, 0)
	}
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// do sends one request, records its outcome under k and decodes a
// successful JSON answer into into (when not nil). It returns the status,
// 0 when there was no answer or the answer could not be decoded.
func (s *soak) do(ctx context.Context, k *kindSpec, method, u, ctype, bearer string, body []byte, into any) int {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		s.rec.Record(k.name, loadtest.Error, 0, 0, err.Error())
		return 0
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	t0 := time.Now()
	resp, err := s.client.Do(req)
	if err != nil {
		if ctx.Err() == nil { // not stopped by the user
			s.rec.Record(k.name, loadtest.Error, 0, 0, method+" "+req.URL.Path+": "+err.Error())
		}
		return 0
	}
	data, rerr := io.ReadAll(resp.Body)
	resp.Body.Close()
	el := time.Since(t0)
	if rerr != nil {
		if ctx.Err() == nil {
			s.rec.Record(k.name, loadtest.Error, 0, 0, method+" "+req.URL.Path+": reading the answer: "+rerr.Error())
		}
		return 0
	}
	o := loadtest.Classify(resp.StatusCode, k.ok, k.expected)
	var errText string
	if o == loadtest.Error {
		errText = fmt.Sprintf("%s %s: status %d: %s", method, req.URL.Path, resp.StatusCode, snippet(data))
	} else if o == loadtest.OK && into != nil {
		if err := json.Unmarshal(data, into); err != nil {
			o, errText = loadtest.Error, fmt.Sprintf("%s %s: answer is not the expected JSON: %v", method, req.URL.Path, err)
		}
	}
	s.rec.Record(k.name, o, resp.StatusCode, el, errText)
	if o == loadtest.Error {
		return 0
	}
	return resp.StatusCode
}

func snippet(b []byte) string {
	t := strings.Join(strings.Fields(string(b)), " ")
	if len(t) > 200 {
		t = t[:200] + "..."
	}
	return t
}

// idPool holds the ids of recently seen published stories, for readers.
type idPool struct {
	mu   sync.Mutex
	ids  []string
	seen map[string]bool
	max  int
}

func (p *idPool) add(ids []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.seen == nil {
		p.seen = map[string]bool{}
	}
	for _, id := range ids {
		if p.seen[id] {
			continue
		}
		p.seen[id] = true
		p.ids = append(p.ids, id)
	}
	if over := len(p.ids) - p.max; over > 0 {
		for _, id := range p.ids[:over] {
			delete(p.seen, id)
		}
		p.ids = append(p.ids[:0], p.ids[over:]...)
	}
}

// remove forgets a story that turned out to be withdrawn.
func (p *idPool) remove(id string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.seen[id] {
		return
	}
	delete(p.seen, id)
	for i, v := range p.ids {
		if v == id {
			p.ids = append(p.ids[:i], p.ids[i+1:]...)
			break
		}
	}
}

func (p *idPool) pick(r *rand.Rand) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.ids) == 0 {
		return ""
	}
	return p.ids[r.IntN(len(p.ids))]
}

var (
	pageLangs   = []string{"en", "fr", "ar"}
	storyLangs  = []string{"en", "fr", "ar", "es", "uk"}
	themes      = []string{"arrival", "belonging", "work", "family", "education", "community", "culture", "resilience"}
	countries   = []string{"CA", "FR", "JO", "DE", "US", "KE", "LB", "SE", "UA", "MA"}
	searchWords = []string{"community", "winter", "neighbours", "école", "soup", "river", "famille", "boots"}
)

func (s *soak) refreshIDs(ctx context.Context, r *rand.Rand) {
	u := s.srv.base + "/api/v1/stories"
	switch r.IntN(4) {
	case 0:
		u += "?language=" + pageLangs[r.IntN(len(pageLangs))]
	case 1:
		u += "?limit=50"
	}
	var page struct {
		Stories []struct {
			ID string `json:"id"`
		} `json:"stories"`
	}
	if s.do(ctx, kAPIList, http.MethodGet, u, "", "", nil, &page) == http.StatusOK {
		ids := make([]string, len(page.Stories))
		for i, st := range page.Stories {
			ids[i] = st.ID
		}
		s.ids.add(ids)
	}
}

// reader browses without pausing: home, the French and Arabic roots, lists
// with random filters, searches, story pages, the public API list.
func (s *soak) reader(ctx context.Context, r *rand.Rand) {
	base := s.srv.base
	for !s.done(ctx) {
		lang := pageLangs[r.IntN(len(pageLangs))]
		switch n := r.IntN(100); {
		case n < 12:
			s.do(ctx, kHome, http.MethodGet, base+"/en/", "", "", nil, nil)
		case n < 20:
			s.do(ctx, kRoots, http.MethodGet, base+"/"+[]string{"fr", "ar"}[r.IntN(2)]+"/", "", "", nil, nil)
		case n < 40:
			q := url.Values{}
			if r.IntN(2) == 0 {
				q.Set("language", pageLangs[r.IntN(len(pageLangs))])
			}
			if r.IntN(2) == 0 {
				q.Set("theme", themes[r.IntN(len(themes))])
			}
			u := base + "/" + lang + "/stories"
			if len(q) > 0 {
				u += "?" + q.Encode()
			}
			s.do(ctx, kList, http.MethodGet, u, "", "", nil, nil)
		case n < 45:
			q := url.Values{"q": {searchWords[r.IntN(len(searchWords))]}}
			if r.IntN(3) == 0 {
				q.Set("theme", themes[r.IntN(len(themes))])
			}
			s.do(ctx, kSearch, http.MethodGet, base+"/"+lang+"/stories?"+q.Encode(), "", "", nil, nil)
		case n < 85:
			if id := s.ids.pick(r); id != "" {
				if st := s.do(ctx, kStory, http.MethodGet, base+"/"+lang+"/stories/"+id, "", "", nil, nil); st == http.StatusGone || st == http.StatusNotFound {
					s.ids.remove(id)
				}
			} else {
				s.refreshIDs(ctx, r)
			}
		default:
			s.refreshIDs(ctx, r)
		}
	}
}

var bodyWords = map[string][]string{
	"en": {"We arrived in winter and the neighbours brought soup and warm boots.", "The library became our second home.", "My daughter learned to skate on the river.", "At work a colleague taught me the words I was missing.", "The community garden fed three families that summer."},
	"fr": {"Nous sommes arrivés en hiver et les voisins ont apporté de la soupe.", "L'école a accueilli mes enfants comme les siens.", "Au travail, une collègue m'a appris les mots qui me manquaient.", "La famille d'à côté nous a invités pour le nouvel an."},
	"ar": {"وصلنا في الشتاء وجاء الجيران بالحساء والأحذية الدافئة.", "أصبحت المكتبة بيتنا الثاني.", "علمني زميل في العمل الكلمات التي كانت تنقصني."},
}

func randomSubmission(r *rand.Rand, n int) story.Submission {
	lang := storyLangs[r.IntN(len(storyLangs))]
	words := bodyWords[lang]
	if words == nil {
		words = bodyWords["en"]
	}
	var body []string
	for i := 0; i < 2+r.IntN(5); i++ {
		body = append(body, words[r.IntN(len(words))])
	}
	sub := story.Submission{
		Title:    fmt.Sprintf("Soak story %d", n),
		Body:     strings.Join(body, " "),
		Language: lang,
		Country:  countries[r.IntN(len(countries))],
		Identity: story.Identities[r.IntN(len(story.Identities))],
		Consent:  story.Consent{Publish: true, Social: r.IntN(2) == 0},
	}
	for _, i := range r.Perm(len(themes))[:1+r.IntN(3)] {
		sub.Themes = append(sub.Themes, themes[i])
	}
	if r.IntN(3) == 0 {
		sub.Anonymous = true
	} else {
		sub.DisplayName = "Soak Teller"
		sub.City = "Springfield"
	}
	return sub
}

type ownStory struct{ id, token string }

// storyteller submits stories; some get a photo, some an edit; some of its
// earlier stories, published or not, are withdrawn.
func (s *soak) storyteller(ctx context.Context, r *rand.Rand, who int, photo []byte) {
	base := s.srv.base
	var mine []ownStory
	for n := 0; !s.done(ctx); n++ {
		sub := randomSubmission(r, who*1_000_000+n)
		body, _ := json.Marshal(sub)
		var receipt struct {
			ID    string `json:"id"`
			Token string `json:"token"`
		}
		if s.do(ctx, kSubmit, http.MethodPost, base+"/api/v1/stories", "application/json", "", body, &receipt) == http.StatusAccepted {
			own := ownStory{receipt.ID, receipt.Token}
			mine = append(mine, own)
			if len(mine) > 200 {
				mine = mine[1:]
			}
			if r.IntN(100) < 30 {
				form, ctype := photoForm(photo, "A street in winter, seen from our first flat")
				s.do(ctx, kPhoto, http.MethodPost, base+"/api/v1/submissions/"+own.id+"/photo", ctype, own.token, form, nil)
			}
			if r.IntN(100) < 30 {
				sub.Body += " " + bodyWords["en"][r.IntN(len(bodyWords["en"]))]
				sub.Title += " (edited)"
				edit, _ := json.Marshal(sub)
				s.do(ctx, kEdit, http.MethodPut, base+"/api/v1/submissions/"+own.id, "application/json", own.token, edit, nil)
			}
		}
		if len(mine) > 0 && r.IntN(100) < 20 {
			i := r.IntN(len(mine))
			w := mine[i]
			mine = append(mine[:i], mine[i+1:]...)
			s.do(ctx, kWithdraw, http.MethodDelete, base+"/api/v1/stories/"+w.id, "", w.token, nil, nil)
		}
		// Pause between 0.5 and 1.5 times the mean.
		s.sleep(ctx, s.o.pause/2+time.Duration(r.Int64N(int64(s.o.pause)+1)))
	}
}

// moderator reads the queue and decides every item: approve mostly,
// sometimes reject as off topic. Two moderators walk the queue from
// opposite ends, so they sometimes decide the same story (409).
func (s *soak) moderator(ctx context.Context, r *rand.Rand, who int, token string) {
	base := s.srv.base
	approve := []byte(`{"decision":"approve"}`)
	reject := []byte(`{"decision":"reject","reason":"off_topic"}`)
	for !s.done(ctx) {
		var q struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		if s.do(ctx, kQueue, http.MethodGet, base+"/api/v1/moderation/queue?limit=20", "", token, nil, &q) != http.StatusOK || len(q.Items) == 0 {
			s.sleep(ctx, 200*time.Millisecond)
			continue
		}
		if who%2 == 1 {
			for i, j := 0, len(q.Items)-1; i < j; i, j = i+1, j-1 {
				q.Items[i], q.Items[j] = q.Items[j], q.Items[i]
			}
		}
		for _, it := range q.Items {
			if s.done(ctx) {
				return
			}
			body, ok := approve, true
			if r.IntN(100) < 15 {
				body, ok = reject, false
			}
			if s.do(ctx, kDecision, http.MethodPost, base+"/api/v1/moderation/items/"+it.ID+"/decision", "application/json", token, body, nil) == http.StatusOK {
				if ok {
					s.approved.Add(1)
				} else {
					s.rejected.Add(1)
				}
			}
		}
	}
}

// smallJPEG is a 320×240 photo-like picture (a gradient with a few
// shapes), a few kilobytes.
func smallJPEG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 320, 240))
	for y := 0; y < 240; y++ {
		for x := 0; x < 320; x++ {
			c := color.RGBA{uint8(x * 255 / 320), uint8(y * 255 / 240), uint8((x + y) % 256), 255}
			if (x/40+y/40)%3 == 0 {
				c.B = 200
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}); err != nil {
		panic(err) // encoding into memory does not fail
	}
	return b.Bytes()
}

func photoForm(photo []byte, alt string) ([]byte, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile("photo", "street.jpg")
	fw.Write(photo)
	mw.WriteField("alt", alt)
	mw.Close()
	return b.Bytes(), mw.FormDataContentType()
}

// addModerator creates a moderator account and an API token for it with
// the chorus binary, against the server's data folder.
func addModerator(ctx context.Context, bin, data, email string) (string, error) {
	user := exec.CommandContext(ctx, bin, "user", "add", "--email", email, "--role", "moderator", "--data", data, "--log-level", "warn")
	user.Stdout = io.Discard
	user.Stderr = os.Stderr
	if err := user.Run(); err != nil {
		return "", fmt.Errorf("chorus user add: %w", err)
	}
	var outBuf bytes.Buffer
	tok := exec.CommandContext(ctx, bin, "token", "add", "--email", email, "--data", data, "--log-level", "warn")
	tok.Stdout = &outBuf
	tok.Stderr = os.Stderr
	if err := tok.Run(); err != nil {
		return "", fmt.Errorf("chorus token add: %w", err)
	}
	lines := strings.Fields(strings.TrimSpace(outBuf.String()))
	if len(lines) == 0 {
		return "", errors.New("chorus token add printed no token")
	}
	return lines[len(lines)-1], nil
}

type soakReport struct {
	text, markdown string
	errors         int64
	memOK          bool
}

func expectedText(m map[int]int64) string {
	var codes []int
	for c := range m {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	var parts []string
	for _, c := range codes {
		parts = append(parts, fmt.Sprintf("%d×%d", m[c], c))
	}
	return strings.Join(parts, " ")
}

func (s *soak) report(samples []loadtest.MemSample, elapsed time.Duration) soakReport {
	var rep soakReport
	kinds := s.rec.Snapshot()
	var t, md strings.Builder

	tw := tabwriter.NewWriter(&t, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "kind\trequests\treq/s\tok\texpected conflicts\terrors\tp50\tp90\tp99\tmax\t")
	fmt.Fprintf(&md, "| kind | requests | req/s | ok | expected conflicts | errors | p50 | p90 | p99 | max |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	var total, totalExp int64
	var all loadtest.Hist
	for _, k := range kinds {
		rate := float64(k.Total()) / elapsed.Seconds()
		exp := fmt.Sprint(k.Expected)
		if k.Expected > 0 {
			exp = fmt.Sprintf("%d (%s)", k.Expected, expectedText(k.ExpectedStatuses))
		}
		fmt.Fprintf(tw, "%s\t%d\t%.1f\t%d\t%s\t%d\t%s\t%s\t%s\t%s\t\n", k.Name, k.Total(), rate, k.OK, exp, k.Errors,
			ms(k.Latency.Percentile(50)), ms(k.Latency.Percentile(90)), ms(k.Latency.Percentile(99)), ms(k.Latency.Max()))
		fmt.Fprintf(&md, "| %s | %d | %.1f | %d | %s | %d | %s | %s | %s | %s |\n", k.Name, k.Total(), rate, k.OK, exp, k.Errors,
			ms(k.Latency.Percentile(50)), ms(k.Latency.Percentile(90)), ms(k.Latency.Percentile(99)), ms(k.Latency.Max()))
		total += k.Total()
		totalExp += k.Expected
		rep.errors += k.Errors
		all.Merge(&k.Latency)
	}
	fmt.Fprintf(tw, "all\t%d\t%.1f\t\t%d\t%d\t%s\t%s\t%s\t%s\t\n", total, float64(total)/elapsed.Seconds(), totalExp, rep.errors,
		ms(all.Percentile(50)), ms(all.Percentile(90)), ms(all.Percentile(99)), ms(all.Max()))
	tw.Flush()
	fmt.Fprintf(&md, "| **all** | %d | %.1f | | %d | **%d** | %s | %s | %s | %s |\n", total, float64(total)/elapsed.Seconds(), totalExp, rep.errors,
		ms(all.Percentile(50)), ms(all.Percentile(90)), ms(all.Percentile(99)), ms(all.Max()))
	fmt.Fprintf(&t, "\nstories: %d submitted, %d approved, %d rejected, %d withdrawn, in %s\n",
		countOK(kinds, "submit"), s.approved.Load(), s.rejected.Load(), countOK(kinds, "withdraw"), elapsed.Round(time.Second))
	for _, k := range kinds {
		if k.Errors > 0 {
			fmt.Fprintf(&t, "%s: %d errors; first: %s\n", k.Name, k.Errors, k.FirstError)
		}
	}

	// Memory table: one row per table interval.
	fmt.Fprintf(&md, "\n| time | server RSS | peak (VmHWM) | req/s since previous row |\n|---:|---:|---:|---:|\n")
	var prev loadtest.MemSample
	next := time.Duration(0)
	for i, m := range samples {
		if m.At >= next || (i == len(samples)-1 && m.At-prev.At >= s.o.sample) {
			rate := 0.0
			if dt := (m.At - prev.At).Seconds(); dt > 0 && i > 0 {
				rate = float64(m.Requests-prev.Requests) / dt
			}
			fmt.Fprintf(&md, "| %s | %s | %s | %.0f |\n", m.At.Round(time.Second), mb(m.RSSKB), mb(m.HWMKB), rate)
			prev = m
			for next <= m.At {
				next += s.o.table
			}
		}
	}

	// Windows: the first (warm-up: caches and pools fill), the one after
	// it (the baseline) and the last, each a minute, or a quarter of a
	// shorter run.
	w := min(time.Minute, (elapsed / 4).Round(time.Second))
	first, nFirst := loadtest.AverageRSS(samples, 0, w)
	baseAvg, nBase := loadtest.AverageRSS(samples, w, 2*w)
	last, nLast := loadtest.AverageRSS(samples, elapsed-w, elapsed+time.Hour)
	var peak int64
	for _, m := range samples {
		peak = max(peak, m.HWMKB, m.RSSKB)
	}
	rep.memOK = loadtest.RSSGrowthOK(baseAvg, last, s.o.rssPct, int64(s.o.rssSlackMB)*1024)
	verdict := "within tolerance"
	if !rep.memOK {
		verdict = "GROWING: over tolerance"
	}
	growth := ""
	if baseAvg > 0 {
		growth = fmt.Sprintf("%+.1f MB, %+.0f%%", float64(last-baseAvg)/1024, 100*float64(last-baseAvg)/float64(baseAvg))
	}
	memLine := fmt.Sprintf("server RSS: first %s average %s (%d samples, warm-up); baseline %s–%s %s (%d); last %s %s (%d); last vs baseline %s: %s "+
		"(tolerance: +%.0f%% and +%d MB); peak %s\n",
		w, mb(first), nFirst, w, 2*w, mb(baseAvg), nBase, w, mb(last), nLast, growth, verdict, s.o.rssPct, s.o.rssSlackMB, mb(peak))
	t.WriteString(memLine)
	md.WriteString("\n" + memLine)
	rep.text, rep.markdown = t.String(), md.String()
	return rep
}

func countOK(kinds []loadtest.KindStats, name string) int64 {
	for _, k := range kinds {
		if k.Name == name {
			return k.OK
		}
	}
	return 0
}

// serverLogSummary counts the warnings and errors the server logged and
// shows the first few distinct messages.
func serverLogSummary(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	counts := map[string]int{}
	var firsts []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		var level string
		switch {
		case strings.Contains(line, "level=ERROR"):
			level = "ERROR"
		case strings.Contains(line, "level=WARN"):
			level = "WARN"
		default:
			continue
		}
		counts[level]++
		msg := line
		if i := strings.Index(line, "msg="); i >= 0 {
			msg = line[i:]
		}
		if len(firsts) < 5 && !containsPrefix(firsts, level+" "+msg[:min(len(msg), 60)]) {
			firsts = append(firsts, level+" "+msg)
		}
	}
	if len(counts) == 0 {
		return "server log: no warnings or errors\n"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "server log: %d errors, %d warnings; first distinct:\n", counts["ERROR"], counts["WARN"])
	for _, l := range firsts {
		if len(l) > 300 {
			l = l[:300] + "..."
		}
		fmt.Fprintf(&b, "  %s\n", l)
	}
	return b.String()
}

func containsPrefix(list []string, p string) bool {
	for _, l := range list {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return false
}

// dataSize is the total size of the files in the data folder.
func dataSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}
