package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"chorus/internal/api"
	"chorus/internal/app"
	"chorus/internal/i18n"
	"chorus/internal/moderation"
	"chorus/internal/paths"
	"chorus/internal/staff"
	"chorus/internal/story"
	"chorus/internal/toolkit"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Page is what every template receives, embedded in its own view.
type Page struct {
	L         *i18n.Lang
	Langs     []*i18n.Lang
	Path      string // the path after the language root, e.g. "/stories"
	Query     string // the query string to keep when switching language
	Title     string
	BaseURL   string
	Campaign  app.Campaign
	CSRF      string
	User      *staff.User
	StyleURL  string
	ScriptURL string
	NoIndex   bool
	// Feeds are the feeds the page advertises with <link rel="alternate">.
	Feeds []feedLink
	// OEmbed is the oEmbed discovery URL of the page, when it has one.
	OEmbed     string
	csp        string // a Content-Security-Policy of the page's own
	frameable  bool   // any site may frame the page
	langLinks  []langLink
	alternates []alternate // when set, the page's own hreflang alternates
	xDefault   string
	cacheable  bool
	status     int
	request    *http.Request
	writer     http.ResponseWriter
	server     *Server
	generation uint64
}

// langLink is a link to the same page in one language.
type langLink struct {
	Code, Dir, NativeName, URL string
	Current, Official          bool
}

// LangLinks lists the page in every language, built once per page.
func (p *Page) LangLinks() []langLink {
	if p.langLinks == nil {
		for _, l := range p.Langs {
			p.langLinks = append(p.langLinks, langLink{Code: l.Code, Dir: l.Dir(), NativeName: l.NativeName, URL: p.URL(l.Code),
				Current: l.Code == p.L.Code, Official: l.Code == "en" || l.Code == "fr"})
		}
	}
	return p.langLinks
}

// alternate is a version of the page whose content is in one language.
type alternate struct{ Code, URL string }

// Alternates lists the versions of the page for hreflang: by default the
// page in every interface language.
func (p *Page) Alternates() []alternate {
	if p.alternates != nil {
		return p.alternates
	}
	out := make([]alternate, 0, len(p.Langs))
	for _, l := range p.LangLinks() {
		out = append(out, alternate{Code: l.Code, URL: l.URL})
	}
	return out
}

// XDefault is the version for readers of any other language.
func (p *Page) XDefault() string {
	if p.xDefault != "" {
		return p.xDefault
	}
	return p.URL("en")
}

// URL is the same page in another language.
func (p *Page) URL(lang string) string {
	u := "/" + lang + p.Path
	if p.Query != "" {
		u += "?" + p.Query
	}
	return u
}

// Link is a path under the page's language root.
func (p *Page) Link(rest string) string { return "/" + p.L.Code + rest }

// Can tells whether the signed-in staff member may carry out the action
// (app.Action's names), from the one table the use-cases check: templates
// show a control or a menu entry only to those it would not refuse.
func (p *Page) Can(action string) bool { return app.Allowed(p.User, app.Action(action)) }

// EmbedStyleURL is the style sheet of the embeds.
func (p *Page) EmbedStyleURL() string { return p.server.views.embed }

// ShareScriptURL is the script enhancing the share links.
func (p *Page) ShareScriptURL() string { return p.server.views.share }

// HasCard tells whether a story has a share card (its author agreed to
// sharing, and the card's fonts cover its words).
func (p *Page) HasCard(st *story.Story) bool { return p.server.hasCard(st, p) }

// Token returns the form's CSRF token, setting its cookie when needed.
func (p *Page) Token() string {
	if p.CSRF == "" {
		p.CSRF = p.server.csrfToken(p.writer, p.request)
	}
	return p.CSRF
}

type views struct {
	pages   map[string]*template.Template
	style   string // fingerprinted URL of the style sheet
	script  string // fingerprinted URL of the queue's script
	embed   string // fingerprinted URL of the embeds' style sheet
	share   string // fingerprinted URL of the share links' script
	wall    string // fingerprinted URL of the live wall's script
	private string // fingerprinted URL of the private page's copy button
	static  map[string]staticFile
}

type staticFile struct {
	contentType string
	data        []byte
}

func parseViews(catalog *i18n.Catalog) (*views, error) {
	v := &views{pages: map[string]*template.Template{}, static: map[string]staticFile{}}
	// Static files are served under a name carrying a hash of their
	// content, so browsers may keep them forever.
	for _, f := range []struct {
		name, ext, contentType string
		url                    *string
	}{
		{"style", ".css", "text/css; charset=utf-8", &v.style},
		{"queue", ".js", "text/javascript; charset=utf-8", &v.script},
		{"embed", ".css", "text/css; charset=utf-8", &v.embed},
		{"share", ".js", "text/javascript; charset=utf-8", &v.share},
		{"wall", ".js", "text/javascript; charset=utf-8", &v.wall},
		{"private", ".js", "text/javascript; charset=utf-8", &v.private},
	} {
		data, err := staticFS.ReadFile("static/" + f.name + f.ext)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(data)
		file := f.name + "." + hex.EncodeToString(sum[:6]) + f.ext
		v.static[file] = staticFile{contentType: f.contentType, data: data}
		*f.url = "/static/" + file
	}
	funcs := template.FuncMap{
		"text":        RenderText,
		"isolate":     Isolate,
		"highlight":   Highlight,
		"country":     countryName,
		"countries":   countryOptions,
		"date":        func(t time.Time) string { return t.UTC().Format("2006-01-02") },
		"number":      formatNumber,
		"photoSize":   photoSize,
		"cardOf":      func(p *Page, s *story.Story) cardData { return cardData{Page: p, Story: s} },
		"cardsOf":     func(p *Page, list []*story.Story) cardsData { return cardsData{Page: p, Stories: list} },
		"excerpt":     toolkit.Excerpt,
		"spans":       allSpans,
		"notable":     notableSignals,
		"networkName": wallNetworkName,
		"inc":         func(i int) int { return i + 1 },
		"replyBox":    func(p *Page, r *moderation.Reply) replyBox { return replyBox{Page: p, Reply: r} },
		"signalsOf":   func(p *Page, signals []story.Signal) signalsBox { return signalsBox{Page: p, Signals: signals} },
		"has":         slices.Contains[[]string],
		"signalLabel": signalLabel,
		"percent":     func(f float64) int { return int(f*100 + 0.5) },
		"storyPath":   paths.StoryPath,
		"cardPath":    paths.StoryCardPath,
		"kitCardPath": paths.ToolkitCardPath,
		"voiceCard":   paths.VoiceCardPath,
		"photoPath":   paths.PhotoPath,
		"postImage":   paths.PostImagePath,
		"staffPhoto":  paths.StaffPhotoPath,
		"langName":    func(l *i18n.Lang, code string) string { return l.T("language." + code) },
		"isolated":    isolated,
		"removable":   removableSpans,
		"textVersion": app.TextVersion,
		"textDir":     i18n.TextDir,
		"shareOf":     shareOf,
		// Partners and collections.
		"partnersPath":   paths.PartnersPath,
		"partnerPath":    paths.PartnerPath,
		"partnerLogo":    paths.PartnerLogoPath,
		"collectionPath": paths.CollectionPath,
		"inList":         func(list []string, s any) bool { return slices.Contains(list, fmt.Sprint(s)) },
	}
	funcs["hateSentence"] = hateSentence
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse layout: %w", err)
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		base := path.Base(name)
		if base == "layout.html" || base == "partials.html" || base == "embed.html" {
			continue
		}
		if strings.HasPrefix(base, "embed_") {
			// Embeds are documents of their own, without the site's layout.
			t, err := template.New(base).Funcs(funcs).ParseFS(templateFS, "templates/partials.html", "templates/embed.html", name)
			if err != nil {
				return nil, fmt.Errorf("web: parse %s: %w", base, err)
			}
			v.pages[strings.TrimSuffix(base, ".html")] = t
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(templateFS, name)
		if err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", base, err)
		}
		v.pages[strings.TrimSuffix(base, ".html")] = t
	}
	return v, nil
}

// render executes a page template and writes it; cacheable pages are kept
// in memory and answered with an ETag.
func (s *Server) render(p *Page, name string, view any) error {
	t := s.views.pages[name]
	if t == nil {
		return fmt.Errorf("web: no template %q", name)
	}
	entry := "layout.html"
	if t.Lookup(entry) == nil { // a page with a document of its own (an embed)
		entry = name
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, entry, view); err != nil {
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	p.writer.Header().Set("Content-Language", p.L.Code)
	return s.send(p, htmlType, buf.Bytes())
}

const htmlType = "text/html; charset=utf-8"

// send writes a rendered body of contentType with the page's status;
// cacheable pages are kept in memory and answered with an ETag.
func (s *Server) send(p *Page, contentType string, body []byte) error {
	status := p.status
	if status == 0 {
		status = http.StatusOK
	}
	h := p.writer.Header()
	h.Set("Content-Type", contentType)
	if p.csp != "" {
		h.Set("Content-Security-Policy", p.csp)
	}
	if p.cacheable {
		entry := s.cache.put(cacheKey(p.request), p.generation, cachedPage{status: status, body: body,
			contentType: contentType, csp: p.csp, frameable: p.frameable})
		writeCached(p.writer, p.request, entry)
		return nil
	}
	h.Set("Cache-Control", "no-store")
	p.writer.WriteHeader(status)
	_, err := p.writer.Write(body)
	return err
}

func cacheKey(r *http.Request) string { return r.URL.RequestURI() }

func writeCached(w http.ResponseWriter, r *http.Request, p cachedPage) {
	h := w.Header()
	if p.contentType == "" {
		p.contentType = htmlType
	}
	h.Set("Content-Type", p.contentType)
	if p.csp != "" {
		h.Set("Content-Security-Policy", p.csp)
	}
	if p.frameable {
		allowFraming(h)
	}
	h.Set("ETag", p.etag)
	h.Set("Last-Modified", p.modified.Format(http.TimeFormat))
	h.Set("Cache-Control", "no-cache")
	h.Set("Vary", "Accept-Encoding")
	if p.status == http.StatusOK && notModified(r, p) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := p.body
	if acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		body = p.gzipped
	}
	w.WriteHeader(p.status)
	w.Write(body)
}

// notModified answers a conditional GET: If-None-Match when the client
// sends it (the exact validator), else If-Modified-Since.
func notModified(r *http.Request, p cachedPage) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, tag := range strings.Split(inm, ",") {
			if tag = strings.TrimSpace(tag); tag == p.etag || tag == "W/"+p.etag || tag == "*" {
				return true
			}
		}
		return false
	}
	since, err := http.ParseTime(r.Header.Get("If-Modified-Since"))
	return err == nil && !p.modified.After(since)
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") && !strings.Contains(strings.ReplaceAll(params, " ", ""), "q=0") {
			return true
		}
	}
	return false
}

type errorView struct {
	*Page
	Status  int
	Message string
	// Missing is an address no route serves: the page offers ways on.
	Missing bool
	// ChooseLanguage lists the site's languages, for an address outside
	// every language root.
	ChooseLanguage bool
}

// renderError answers err as a page in the visitor's language.
func (s *Server) renderError(p *Page, err error) {
	status, key, msg := http.StatusInternalServerError, "error.internal", ""
	var args []any
	var de *story.Error
	var verrs story.ValidationErrors
	switch {
	case errors.As(err, &verrs):
		status, key = http.StatusUnprocessableEntity, verrs[0].Key
	case errors.As(err, &de):
		status, key, args = api.StatusFor(de.Code), de.Key, de.Args
		api.SetRetryAfter(p.writer, err)
	}
	if status >= 500 {
		s.log.Error("page failed", "route", p.request.Pattern, "err", err)
	}
	msg = p.L.T(key, args...)
	if status == http.StatusGone {
		p.cacheable = true
	}
	p.status = status
	p.Title = p.L.T("error.title")
	p.NoIndex = true
	if rerr := s.render(p, "error", errorView{Page: p, Status: status, Message: msg}); rerr != nil {
		s.log.Error("cannot render the error page", "err", rerr)
		http.Error(p.writer, http.StatusText(status), status)
	}
}

type cardData struct {
	Page  *Page
	Story *story.Story
}

type cardsData struct {
	Page    *Page
	Stories []*story.Story
}

type photoSizeView struct {
	File          string
	Width, Height int
}

// photoSize finds a story's photo rendition by name; nil when none.
func photoSize(s *story.Story, name string) *photoSizeView {
	if s == nil || s.Photo == nil {
		return nil
	}
	for _, ps := range s.Photo.Sizes {
		if ps.Name == name {
			return &photoSizeView{File: paths.PhotoFile(ps.Key), Width: ps.Width, Height: ps.Height}
		}
	}
	return nil
}

// notableSignals are the signals worth a moderator's eye: a score of at
// least 0.2 or spans to show; the language guess is shown elsewhere.
func notableSignals(signals []story.Signal) []story.Signal {
	var out []story.Signal
	for _, s := range signals {
		if s.Kind != story.SignalLanguage && (s.Score >= 0.2 || len(highlighted(s.Spans)) > 0) {
			out = append(out, s)
		}
	}
	return out
}

// suggestedReply is a sourced counter-speech reply for hateful text, nil
// when none fits.
type signalsBox struct {
	Page    *Page
	Signals []story.Signal
}

type replyBox struct {
	Page  *Page
	Reply *moderation.Reply
}

func allSpans(signals []story.Signal) []story.Span {
	var out []story.Span
	for _, s := range signals {
		out = append(out, highlighted(s.Spans)...)
	}
	return out
}

// highlighted are the spans marked in the text: all but the sentence that
// drove a hate score, which is quoted apart (hateSentence).
func highlighted(spans []story.Span) []story.Span {
	var out []story.Span
	for _, sp := range spans {
		if sp.Label != moderation.LabelSentence {
			out = append(out, sp)
		}
	}
	return out
}

// hateSentence is the sentence of a story that drove its hate score, when
// that score asks for a moderator's attention; "" otherwise.
func hateSentence(s *story.Story) string {
	for _, sig := range s.Signals {
		if sig.Kind != story.SignalHate || sig.Score < moderation.DefaultPolicy.ApproveBelow {
			continue
		}
		for _, sp := range sig.Spans {
			var text string
			switch sp.Field {
			case "title":
				text = s.Title
			case "body":
				text = s.Body
			}
			if sp.Label == moderation.LabelSentence && sp.Start >= 0 && sp.Start < sp.End && sp.End <= len(text) &&
				utf8.RuneStart(text[sp.Start]) && (sp.End == len(text) || utf8.RuneStart(text[sp.End])) {
				return text[sp.Start:sp.End]
			}
		}
	}
	return ""
}

var countryNames sync.Map // language code + country code → name

func countryName(lang *i18n.Lang, code string) string {
	key := lang.Code + "/" + code
	if name, ok := countryNames.Load(key); ok {
		return name.(string)
	}
	name := code
	if renamed, ok := renamedCountry(lang, code); ok {
		name = renamed
	} else if region, err := language.ParseRegion(code); err == nil {
		if n := display.Regions(lang.Tag).Name(region); n != "" {
			name = n
		}
	}
	countryNames.Store(key, name)
	return name
}

// countryCodes are the ISO 3166-1 alpha-2 codes offered in the form.
var countryCodes = strings.Fields(`AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL
GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR
LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK
PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR
TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW`)

type countryOption struct{ Code, Name string }

var countryOptionsByLang sync.Map // language code → []countryOption

// countryOptions lists every country, named and sorted for the language.
func countryOptions(lang *i18n.Lang) []countryOption {
	if cached, ok := countryOptionsByLang.Load(lang.Code); ok {
		return cached.([]countryOption)
	}
	out := make([]countryOption, 0, len(countryCodes))
	for _, c := range countryCodes {
		out = append(out, countryOption{Code: c, Name: countryName(lang, c)})
	}
	collator := collate.New(lang.Tag)
	sort.SliceStable(out, func(i, j int) bool { return collator.CompareString(out[i].Name, out[j].Name) < 0 })
	countryOptionsByLang.Store(lang.Code, out)
	return out
}

func signalLabel(lang *i18n.Lang, label string) string {
	if lang.Has("signal." + label) {
		return lang.T("signal." + label)
	}
	return strings.ReplaceAll(label, "_", " ")
}

// auditAction names an audit action; one the catalog does not know yet
// shows as its code.
func auditAction(lang *i18n.Lang, action string) string {
	if lang.Has("audit.action_" + action) {
		return lang.T("audit.action_" + action)
	}
	return strings.ReplaceAll(action, "_", " ")
}

// isolated wraps text in Unicode isolates (FSI … PDI), so a name in one
// script keeps its order inside a sentence in another, where a <bdi>
// cannot go (a translated message is one string).
func isolated(text string) string { return "\u2068" + text + "\u2069" }

// formatNumber writes a count shown to people in the page's language.
func formatNumber(l *i18n.Lang, n any) string {
	switch n := n.(type) {
	case int:
		return l.Number(n)
	case int64:
		return l.Number(int(n))
	case float64:
		// Only as many decimals as the figure holds: 150, 12, 0.5.
		places := 0
		if n != math.Trunc(n) {
			places = 1
		}
		return l.Decimal(n, places)
	}
	return fmt.Sprint(n)
}
