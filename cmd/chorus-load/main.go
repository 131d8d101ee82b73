// Command chorus-load measures how fast a Chorus server answers its hot
// paths, next to a bare net/http handler serving the same bytes as a story
// page, and prints a plain table and a Markdown table.
//
// By default it builds the chorus binary, starts "chorus serve" on a fresh
// temporary data folder on a free loopback port (with a very high
// submission rate limit), measures, stops the server and deletes the
// folder. With --url it measures a server that is already running instead
// (--pid then lets it read that server's memory). Several comma-separated
// --url values measure several nodes of one site (on one PostgreSQL
// database) together: the requests of every target are spread over them in
// turn, with the same connections in total, and the table gives the total.
//
// Every run is bounded: --duration (and --max-requests) per target, a
// fixed list of targets, loopback addresses only.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"chorus/internal/loadtest"
)

type options struct {
	url          string
	pid          int
	chorus       string
	data         string
	seedStories  int
	synthetic    int
	conns        int
	duration     time.Duration
	warmup       time.Duration
	maxRequests  int64
	short        bool
	only         string
	storyID      string
	markdownPath string
	keep         bool
	soak         soakOptions
}

func main() {
	var o options
	flag.StringVar(&o.url, "url", "", "measure the chorus server at this loopback URL instead of starting one (e.g. http://127.0.0.1:8080); several comma-separated URLs (nodes of one site) share the load in turn")
	flag.IntVar(&o.pid, "pid", 0, "with --url: the server's process id, to report its resident memory (of the first node when there are several)")
	flag.StringVar(&o.chorus, "chorus", "", "chorus binary to start (default: build ./cmd/chorus into the temporary folder)")
	flag.StringVar(&o.data, "data", "", "data folder for the started server (default: a fresh temporary folder, deleted afterwards)")
	flag.IntVar(&o.seedStories, "seed-stories", 0, "before measuring, add this many synthetic stories with \"chorus seed\" (fresh data folder only)")
	flag.IntVar(&o.synthetic, "synthetic", 0, "the data folder already holds this many synthetic stories (ids syn000000000...); enables the uncached story-page target")
	flag.IntVar(&o.conns, "c", 64, "concurrent connections")
	flag.DurationVar(&o.duration, "duration", 5*time.Second, "measured time per target")
	flag.DurationVar(&o.warmup, "warmup", 500*time.Millisecond, "unmeasured warm-up per target")
	flag.Int64Var(&o.maxRequests, "max-requests", 500000, "at most this many measured requests per target")
	flag.BoolVar(&o.short, "short", false, "CI mode: 1.5 s per target, 0.2 s warm-up")
	flag.StringVar(&o.storyID, "story", "demo01", "id of the published story behind the story target (a database filled by \"chorus seed\" alone has no demo stories: use syn000000000)")
	flag.StringVar(&o.only, "only", "", "comma-separated target names to run (default: all)")
	flag.StringVar(&o.markdownPath, "markdown", "", "also write the Markdown table to this file")
	flag.BoolVar(&o.keep, "keep", false, "keep the temporary folder (server log, database) for inspection")
	soakFlags(&o.soak)
	flag.Parse()
	if o.short {
		o.duration, o.warmup = 1500*time.Millisecond, 200*time.Millisecond
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "chorus-load:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options, out io.Writer) error {
	var bases []string
	for _, u := range strings.Split(o.url, ",") {
		if u = strings.TrimRight(strings.TrimSpace(u), "/"); u != "" {
			bases = append(bases, u)
		}
	}
	base := ""
	if len(bases) > 0 {
		base = bases[0]
	}
	if len(bases) > 1 && o.soak.enabled {
		return errors.New("--soak measures one node: give one --url")
	}
	for _, b := range bases[min(1, len(bases)):] {
		if err := checkLoopback(b); err != nil {
			return err
		}
	}
	pid := o.pid
	if base == "" {
		srv, err := startServer(ctx, o, out)
		if err != nil {
			return err
		}
		defer srv.stop(out)
		base, pid = srv.base, srv.cmd.Process.Pid
		bases = []string{base}
		if o.seedStories > 0 {
			o.synthetic = o.seedStories
		}
		if o.soak.enabled {
			return runSoak(ctx, o, soakServer{base: base, pid: pid, bin: srv.bin, data: srv.data, logPath: srv.logPath}, out)
		}
	} else if err := checkLoopback(base); err != nil {
		return err
	} else if o.soak.enabled {
		if o.data == "" || o.chorus == "" {
			return errors.New("--soak with --url needs --data (the server's data folder) and --chorus (its binary), to add a moderator and a token")
		}
		return runSoak(ctx, o, soakServer{base: base, pid: pid, bin: o.chorus, data: o.data}, out)
	}

	client := loadtest.NewClient(o.conns, 10*time.Second)
	storyURL := base + "/en/stories/" + o.storyID
	page, err := fetch(ctx, client, storyURL)
	if err != nil {
		return fmt.Errorf("fetch the story page once: %w", err)
	}
	bare, err := startBare(page)
	if err != nil {
		return err
	}
	defer bare.Close()

	// at gives the URL of a path on the server of the i-th request: the
	// nodes take turns.
	at := func(i int64, path string) string { return bases[int(i%int64(len(bases)))] + path }
	onNodes := func(name, path string) loadtest.Target {
		if len(bases) == 1 {
			return loadtest.Target{Name: name, URL: base + path}
		}
		return loadtest.Target{Name: name, URLFor: func(i int64) string { return at(i, path) }}
	}
	// counted sends what a reader's browser sends, so the view is counted
	// (the load generator's own user agent counts as a robot's).
	counted := func(t loadtest.Target) loadtest.Target {
		t.Header = http.Header{"User-Agent": {"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"}}
		return t
	}
	targets := []loadtest.Target{
		{Name: "bare", URL: bare.URL},
		onNodes("story", "/en/stories/"+o.storyID),
		counted(onNodes("story-counted", "/en/stories/"+o.storyID)),
		onNodes("home", "/en/"),
		onNodes("list", "/en/stories"),
		onNodes("list-filtered", "/en/stories?language=fr&theme=work"),
		onNodes("search", "/en/stories?q=community"),
		onNodes("feed", "/en/feed.atom"),
		onNodes("embed", "/en/embed/stories/"+o.storyID),
	}
	if o.synthetic > 0 {
		n := int64(o.synthetic)
		targets = append(targets, loadtest.Target{Name: "story-uncached", URLFor: func(i int64) string {
			// A stride walks over many different stories, so most are
			// not in the page cache yet.
			return at(i, fmt.Sprintf("/en/stories/syn%09d", (i*7919)%n))
		}})
	}
	submit := onNodes("submit", "/api/v1/stories")
	submit.Method, submit.ContentType, submit.WantStatus, submit.Body = http.MethodPost, "application/json", http.StatusAccepted, []byte(submission)
	targets = append(targets, submit)
	if o.only != "" {
		keep := map[string]bool{}
		for _, n := range strings.Split(o.only, ",") {
			keep[strings.TrimSpace(n)] = true
		}
		keep["bare"] = keep["bare"] || keep["story"] || keep["story-counted"]
		var sel []loadtest.Target
		for _, t := range targets {
			if keep[t.Name] {
				sel = append(sel, t)
			}
		}
		targets = sel
	}

	fmt.Fprintf(out, "chorus-load: %s, %d connections, %s per target (+%s warm-up), at most %d requests each\n",
		strings.Join(bases, " + "), o.conns, o.duration, o.warmup, o.maxRequests)
	fmt.Fprintf(out, "machine: %s/%s, %d CPUs (load generator, bare handler and server share them), %s\n",
		runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
	fmt.Fprintf(out, "story page: %d bytes\n", len(page))

	mem := newMemWatch(pid)
	defer mem.stop()
	var results []row
	for _, t := range targets {
		if ctx.Err() != nil {
			break
		}
		// The bare handler lives in this process: it gets its own client
		// so its connections never count against the server's.
		c := client
		if t.Name == "bare" {
			c = loadtest.NewClient(o.conns, 10*time.Second)
		}
		fmt.Fprintf(out, "  %-15s ...", t.Name)
		r := loadtest.Run(ctx, c, t, loadtest.Options{Conns: o.conns, Duration: o.duration, Warmup: o.warmup,
			MaxRequests: o.maxRequests, Timeout: 10 * time.Second})
		rss := mem.sample()
		fmt.Fprintf(out, " %8.0f req/s, p99 %s\n", r.RPS(), ms(r.P99))
		results = append(results, row{Result: r, rssKB: rss})
		c.CloseIdleConnections()
	}
	time.Sleep(200 * time.Millisecond)
	final := mem.sample()
	fmt.Fprintln(out)
	printTable(out, results)
	md := markdown(results, o, mem, final)
	fmt.Fprintln(out)
	fmt.Fprint(out, md)
	if o.markdownPath != "" {
		if err := os.WriteFile(o.markdownPath, []byte(md), 0o644); err != nil {
			return err
		}
	}
	for _, r := range results {
		if r.Errors > 0 {
			fmt.Fprintf(out, "\n%s: %d errors; first: %s\n", r.Name, r.Errors, r.FirstError)
		}
	}
	return ctx.Err()
}

// submission is a valid JSON submission (see story.Submission).
const submission = `{"title":"A load test story","body":"We arrived in winter and the neighbours brought soup and warm boots.",` +
	`"language":"en","country":"CA","identity":"migrant","anonymous":true,"consent":{"publish":true}}`

type row struct {
	loadtest.Result
	rssKB int64
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

func ratio(results []row, r row) string {
	if r.Name != "story" {
		return ""
	}
	for _, b := range results {
		if b.Name == "bare" && b.RPS() > 0 {
			return fmt.Sprintf("%.0f%%", 100*r.RPS()/b.RPS())
		}
	}
	return ""
}

func printTable(out io.Writer, results []row) {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "target\trequests\treq/s\tp50\tp90\tp99\tmax\terrors\tvs bare\tserver RSS\t")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t\n", r.Name, r.Requests, r.RPS(), ms(r.P50), ms(r.P90),
			ms(r.P99), ms(r.Max), r.Errors, ratio(results, r), mb(r.rssKB))
	}
	tw.Flush()
}

func mb(kb int64) string {
	if kb <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f MB", float64(kb)/1024)
}

func markdown(results []row, o options, mem *memWatch, finalKB int64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "| target | req/s | p50 | p99 | errors | vs bare | server RSS after |\n|---|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range results {
		rss := mb(r.rssKB)
		if r.Name == "bare" {
			rss = "(not the server)"
		}
		fmt.Fprintf(&b, "| %s | %.0f | %s | %s | %d | %s | %s |\n", r.Name, r.RPS(), ms(r.P50), ms(r.P99), r.Errors, ratio(results, r), rss)
	}
	fmt.Fprintf(&b, "\n%d connections, %s per target; server RSS at the end %s, peak (VmHWM) %s.\n",
		o.conns, o.duration, mb(finalKB), mb(mem.peakKB()))
	return b.String()
}

// fetch returns the body of a successful GET.
func fetch(ctx context.Context, c *http.Client, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: status %d", u, resp.StatusCode)
	}
	return body, nil
}

// bareServer is the baseline: the plainest net/http handler writing the
// story page's bytes, on its own loopback port in this process.
type bareServer struct {
	URL string
	srv *http.Server
}

func startBare(page []byte) (*bareServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	}), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return &bareServer{URL: "http://" + ln.Addr().String() + "/", srv: srv}, nil
}

func (b *bareServer) Close() { b.srv.Close() }

func checkLoopback(base string) error {
	u, err := url.Parse(base)
	if err != nil {
		return err
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("--url %s: only loopback addresses are measured", base)
}

// server is a chorus serve process this tool started.
type server struct {
	cmd     *exec.Cmd
	base    string
	tmp     string
	keepTmp bool
	logPath string
	bin     string // the chorus binary
	data    string // the server's data folder
}

func startServer(ctx context.Context, o options, out io.Writer) (*server, error) {
	tmp, err := os.MkdirTemp("", "chorus-load-")
	if err != nil {
		return nil, err
	}
	s := &server{tmp: tmp, keepTmp: o.keep}
	fail := func(err error) (*server, error) {
		s.cleanup()
		return nil, err
	}
	bin := o.chorus
	if bin == "" {
		bin = filepath.Join(tmp, "chorus")
		fmt.Fprintln(out, "building chorus ...")
		build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/chorus")
		build.Stdout, build.Stderr = out, os.Stderr
		if err := build.Run(); err != nil {
			return fail(fmt.Errorf("build chorus (run from the module root, or pass --chorus): %w", err))
		}
	}
	data := o.data
	if data == "" {
		data = filepath.Join(tmp, "data")
	} else if o.seedStories > 0 {
		return fail(errors.New("--seed-stories needs a fresh data folder: leave --data out"))
	}
	addr, err := freeLoopbackAddr()
	if err != nil {
		return fail(err)
	}
	s.base = "http://" + addr
	s.bin, s.data = bin, data
	s.logPath = filepath.Join(tmp, "server.log")
	logf, err := os.Create(s.logPath)
	if err != nil {
		return fail(err)
	}
	defer logf.Close()
	s.cmd = exec.Command(bin, "serve", "--addr", addr, "--data", data, "--log-level", "warn",
		"--submissions-per-hour", "1000000000", "--edits-per-hour-per-address", "1000000000",
		// Every load connection comes from this one address.
		"--max-connections-per-address", "0")
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	if err := s.cmd.Start(); err != nil {
		return fail(err)
	}
	if err := waitHealthy(ctx, s.base, 30*time.Second); err != nil {
		s.stop(out)
		return nil, fmt.Errorf("server did not start (see its log): %w", err)
	}
	fmt.Fprintf(out, "started chorus serve (pid %d) on %s, data in a fresh temporary folder\n", s.cmd.Process.Pid, s.base)
	if o.seedStories > 0 {
		// Seeding while the server runs keeps the demo stories the first
		// start added; nothing is cached yet, so nothing is stale.
		fmt.Fprintf(out, "seeding %d synthetic stories ...\n", o.seedStories)
		t0 := time.Now()
		seed := exec.CommandContext(ctx, bin, "seed", "--stories", fmt.Sprint(o.seedStories), "--data", data, "--log-level", "warn")
		seed.Stdout, seed.Stderr = io.Discard, os.Stderr
		if err := seed.Run(); err != nil {
			s.stop(out)
			return nil, fmt.Errorf("seed: %w", err)
		}
		fmt.Fprintf(out, "seeded in %s\n", time.Since(t0).Round(100*time.Millisecond))
	}
	return s, nil
}

// stop ends the server this tool started (by its own process id) and
// removes the temporary folder.
func (s *server) stop(out io.Writer) {
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			s.cmd.Process.Kill()
			<-done
		}
	}
	if s.keepTmp {
		fmt.Fprintf(out, "kept the temporary folder: %s\n", s.tmp)
		return
	}
	s.cleanup()
}

func (s *server) cleanup() {
	if !s.keepTmp {
		os.RemoveAll(s.tmp)
	}
}

func freeLoopbackAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func waitHealthy(ctx context.Context, base string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	c := &http.Client{Timeout: time.Second}
	var last error
	for time.Now().Before(deadline) {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		resp, err := c.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("healthz: status %d", resp.StatusCode)
		}
		last = err
		time.Sleep(100 * time.Millisecond)
	}
	return last
}
