package translate

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"chorus/internal/outbound"
	"chorus/internal/outbound/outboundtest"
)

// Answers as LibreTranslate gives them (libretranslate/app.py: the
// translate route and its error handlers), status and body.
var recorded = map[string]struct {
	status int
	body   string
}{
	"ok":              {200, `{"translatedText": "Nous sommes arrivés en janvier."}`},
	"ok, detected":    {200, `{"detectedLanguage": {"confidence": 90.0, "language": "en"}, "translatedText": "Nous sommes arrivés en janvier."}`},
	"missing q":       {400, `{"error": "Invalid request: missing q parameter"}`},
	"not supported":   {400, `{"error": "ps is not supported"}`},
	"no pair":         {400, `{"error": "French (fr) is not available as a target language from Pashto (ps)"}`},
	"over char limit": {400, `{"error": "Invalid request: request (6000) exceeds text limit (5000)"}`},
	"key needed":      {400, `{"error": "Please contact the server operator to get an API key"}`},
	"bad key":         {403, `{"error": "Invalid API key"}`},
	"banned":          {403, `{"error": "Too many request limits violations"}`},
	"slow down":       {429, `{"error": "Slowdown: 10 per 1 minute"}`},
	"engine failed":   {500, `{"error": "Cannot translate text: list index out of range"}`},
}

// service replays a recorded answer and keeps the requests it was sent.
type service struct {
	*httptest.Server
	mu       sync.Mutex
	requests []request
	answer   func(request) (int, string)
}

func newService(t *testing.T, answer func(request) (int, string)) *service {
	s := &service{answer: answer}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/translate" || r.Header.Get("Content-Type") != "application/json" {
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`<!doctype html><title>404 Not Found</title>`))
			return
		}
		var req request
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"error": "Invalid JSON format"}`))
			return
		}
		s.mu.Lock()
		s.requests = append(s.requests, req)
		s.mu.Unlock()
		status, body := s.answer(req)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write([]byte(body))
	}))
	t.Cleanup(s.Close)
	return s
}

func replay(name string) func(request) (int, string) {
	return func(request) (int, string) { return recorded[name].status, recorded[name].body }
}

// client is a client of the service at opts.URL, which the test runs on
// loopback: the allow-list names its address and port, and nothing else.
func client(t *testing.T, opts Options) *Client {
	t.Helper()
	u, err := url.Parse(opts.URL)
	if err != nil {
		t.Fatal(err)
	}
	allow, err := outbound.ParseAllowList(u.Host)
	if err != nil {
		t.Fatal(err)
	}
	opts.Client = outbound.New(outbound.Options{AllowPrivate: allow})
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestTranslateSendsLibreTranslatesRequest(t *testing.T) {
	for _, name := range []string{"ok", "ok, detected"} {
		svc := newService(t, replay(name))
		c := client(t, Options{URL: svc.URL + "/", APIKey: "key-123"})
		got, err := c.Translate(context.Background(), "en", "fa-AF", "We arrived in January.")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(got) != 1 || got[0] != "Nous sommes arrivés en janvier." {
			t.Errorf("%s: %q", name, got)
		}
		want := request{Q: "We arrived in January.", Source: "en", Target: "fa", Format: "text", APIKey: "key-123"}
		if len(svc.requests) != 1 || svc.requests[0] != want {
			t.Errorf("%s: sent %+v, want %+v", name, svc.requests, want)
		}
	}
}

func TestNoKeyNoEmptyRequests(t *testing.T) {
	var raw []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		json.NewDecoder(r.Body).Decode(&body)
		if _, has := body["api_key"]; has {
			t.Error("api_key sent without a key")
		}
		raw = append(raw, body["q"].(string))
		w.Write([]byte(`{"translatedText": "x"}`))
	}))
	defer srv.Close()
	got, err := client(t, Options{URL: srv.URL}).Translate(context.Background(), "en", "fr", "", "Title", "   ")
	if err != nil || len(got) != 3 || got[0] != "" || got[1] != "x" || got[2] != "   " {
		t.Fatalf("%q %v", got, err)
	}
	if len(raw) != 1 {
		t.Errorf("empty or blank texts were sent: %q", raw)
	}
}

func TestLongTextGoesParagraphByParagraph(t *testing.T) {
	svc := newService(t, func(r request) (int, string) {
		b, _ := json.Marshal(map[string]string{"translatedText": "«" + r.Q + "»"})
		return 200, string(b)
	})
	paragraph := strings.Repeat("Les voisins ont aidé. ", 20) // 440 characters
	body := strings.Join([]string{paragraph, paragraph, paragraph}, "\n\n")
	got, err := client(t, Options{URL: svc.URL, MaxChunk: 500}).Translate(context.Background(), "fr", "en", body)
	if err != nil {
		t.Fatal(err)
	}
	if len(svc.requests) != 3 {
		t.Errorf("%d requests for three paragraphs", len(svc.requests))
	}
	for _, r := range svc.requests {
		if n := utf8.RuneCountInString(r.Q); n > 500 {
			t.Errorf("a request of %d characters", n)
		}
	}
	if strings.Count(got[0], "\n\n") != 2 || !strings.HasPrefix(got[0], "«Les") || !strings.HasSuffix(got[0], "»") {
		t.Errorf("paragraphs not kept: %.200q", got[0])
	}
}

func TestServiceErrorsAreExplained(t *testing.T) {
	cases := map[string]struct {
		kind   Kind
		detail string
	}{
		"missing q":       {KindRefused, "Invalid request: missing q parameter"},
		"not supported":   {KindRefused, "ps is not supported"},
		"no pair":         {KindRefused, "French (fr) is not available as a target language from Pashto (ps)"},
		"over char limit": {KindRefused, "Invalid request: request (6000) exceeds text limit (5000)"},
		"key needed":      {KindRefused, "Please contact the server operator to get an API key"},
		"bad key":         {KindRefused, "Invalid API key"},
		"banned":          {KindRefused, "Too many request limits violations"},
		"slow down":       {KindRefused, "Slowdown: 10 per 1 minute"},
		"engine failed":   {KindFailed, "Cannot translate text: list index out of range"},
	}
	for name, want := range cases {
		svc := newService(t, replay(name))
		_, err := client(t, Options{URL: svc.URL}).Translate(context.Background(), "ps", "fr", "زموږ کیسه")
		var te *Error
		if !errors.As(err, &te) || te.Kind != want.kind || te.ServiceMessage() != want.detail || te.Status != recorded[name].status {
			t.Errorf("%s: %#v", name, err)
			continue
		}
		if strings.Contains(err.Error(), "زموږ") {
			t.Errorf("%s: the error quotes the text sent", name)
		}
	}
}

func TestBrokenServicesFailCleanly(t *testing.T) {
	handlers := map[string]http.HandlerFunc{
		"html error page": func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(502)
			w.Write([]byte("<html><body>Bad Gateway</body></html>"))
		},
		"html at 200": func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<html>hello</html>")) },
		"no translatedText": func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(`{"detectedLanguage": {"language": "en"}}`))
		},
		"array for a string": func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"translatedText": ["a", "b"]}`)) },
		// Redirects are followed, re-checked: this one leads to an address
		// the allow-list does not name.
		"redirect to a private address": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://127.0.0.1:1/elsewhere", http.StatusFound)
		},
		"endless answer": func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(`{"translatedText": "`))
			for i := 0; i < 2048; i++ {
				w.Write([]byte(strings.Repeat("a", 1024)))
			}
		},
		"answer far longer than the question": func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(`{"translatedText": "` + strings.Repeat("spam ", 500) + `"}`))
		},
	}
	for name, h := range handlers {
		srv := httptest.NewServer(h)
		_, err := client(t, Options{URL: srv.URL}).Translate(context.Background(), "en", "fr", "Hello neighbours.")
		srv.Close()
		var te *Error
		if !errors.As(err, &te) {
			t.Errorf("%s: %v", name, err)
			continue
		}
		want := KindBadAnswer
		switch name {
		case "html error page":
			want = KindFailed
		case "redirect to a private address":
			want = KindUnreachable
		}
		if te.Kind != want {
			t.Errorf("%s: kind %s, want %s (%v)", name, te.Kind, want, err)
		}
	}
}

func TestTimeoutAndUnreachable(t *testing.T) {
	slow := outboundtest.HangingServer(t)
	start := time.Now()
	_, err := client(t, Options{URL: slow.URL, Timeout: 100 * time.Millisecond}).Translate(context.Background(), "en", "fr", "Hello.")
	var te *Error
	if !errors.As(err, &te) || te.Kind != KindTimeout {
		t.Errorf("slow service: %v", err)
	}
	if time.Since(start) > 3*time.Second {
		t.Errorf("the timeout was not applied: %v", time.Since(start))
	}
	// The HTTP client's own bound, shorter than the call's, is a timeout too.
	u, _ := url.Parse(slow.URL)
	allow, _ := outbound.ParseAllowList(u.Host)
	bounded, err := New(Options{URL: slow.URL, Client: outbound.New(outbound.Options{AllowPrivate: allow, ResponseHeaderTimeout: 100 * time.Millisecond})})
	if err != nil {
		t.Fatal(err)
	}
	if _, err = bounded.Translate(context.Background(), "en", "fr", "Hello."); !errors.As(err, &te) || te.Kind != KindTimeout {
		t.Errorf("slow service, client bound: %v", err)
	}
	_, err = client(t, Options{URL: "http://127.0.0.1:1", Timeout: time.Second}).Translate(context.Background(), "en", "fr", "Hello.")
	if !errors.As(err, &te) || te.Kind != KindUnreachable {
		t.Errorf("closed port: %v", err)
	}
	_, err = client(t, Options{URL: slow.URL}).Translate(context.Background(), "en", "fr", strings.Repeat("a", MaxText+1))
	if !errors.As(err, &te) || te.Kind != KindTooLong {
		t.Errorf("text over the limit: %v", err)
	}
}

// TestPrivateServiceRefusedUnlessAllowed: a service on loopback is not
// called unless the allow-list names it.
func TestPrivateServiceRefusedUnlessAllowed(t *testing.T) {
	svc := newService(t, replay("ok"))
	c, err := New(Options{URL: svc.URL})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Translate(t.Context(), "en", "fr", "Hello.")
	var te *Error
	if !errors.As(err, &te) || te.Kind != KindUnreachable || !outbound.IsCode(err, outbound.CodeRefusedAddress) {
		t.Errorf("loopback service without the allow-list: %v", err)
	}
	if len(svc.requests) != 0 {
		t.Errorf("the service was sent %d requests", len(svc.requests))
	}
}

func TestNewChecksTheURL(t *testing.T) {
	for _, bad := range []string{"", "127.0.0.1:5000", "ftp://host", "http://", "http://user:pw@host", "http://host/?x=1", "http://[::1"} {
		if _, err := New(Options{URL: bad}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	c, err := New(Options{URL: "https://translate.example.org/lt/"})
	if err != nil || c.endpoint != "https://translate.example.org/lt/translate" {
		t.Errorf("endpoint %v %v", c, err)
	}
}

func TestServiceMessagesAreCleaned(t *testing.T) {
	_, err := ParseResponse(400, []byte(`{"error": "bad\u0000 thing\n\n<script>`+strings.Repeat("x", 400)+`"}`))
	var te *Error
	if !errors.As(err, &te) || strings.ContainsAny(te.Detail, "\x00\n") || utf8.RuneCountInString(te.Detail) > maxServiceMessage+1 {
		t.Errorf("%q", te.Detail)
	}
}

func TestSplitKeepsEverySeparator(t *testing.T) {
	cases := map[string]int{
		"Short.":                            10,
		"One.\n\nTwo.\n\nThree.":            6,
		"A sentence. Another one! A third?": 15,
		"nospacesatallinthisverylongword":   7,
		"ئەمە دەقێکە. ئەمەش دەقێکی ترە؟ و سێیەم.": 12,
		"  \n\n  ": 3,
		"Line one\nLine two\nLine three\nLine four": 20,
		"我们一月到了。邻居帮助了我们。现在我们帮助别人。":                  8,
	}
	for text, max := range cases {
		pieces := Split(text, max)
		var joined strings.Builder
		for _, p := range pieces {
			if utf8.RuneCountInString(p.Text) > max {
				t.Errorf("%q: piece %q over %d", text, p.Text, max)
			}
			joined.WriteString(p.Text + p.After)
		}
		if joined.String() != text {
			t.Errorf("%q came back as %q", text, joined.String())
		}
	}
	if p := Split("Un.\n\nDeux.", 5); len(p) != 2 || p[0].Text != "Un." || p[0].After != "\n\n" || p[1].Text != "Deux." {
		t.Errorf("paragraph split: %+v", p)
	}
}
