// Package i18n serves the interface text from embedded message catalogs,
// with CLDR plural rules, text direction and language negotiation.
package i18n

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

//go:embed locales/*.json
var locales embed.FS

// shippedSource is the embedded English catalog, read once.
var shippedSource = sync.OnceValue(func() map[string]Message {
	m, err := readCatalog(locales, Source)
	if err != nil {
		panic(err) // embedded at build time: a test catches it first
	}
	return m
})

// Source is the reference language: every key exists in it.
const Source = "en"

// Language describes one interface language.
type Language struct {
	Code       string // BCP 47, e.g. "fr", "fa-AF"
	NativeName string
	RTL        bool
	// Complete languages must have every key. The others go live once the
	// storyteller's path is translated (OnStorytellerPath), and show any
	// other text in their Fallback language.
	Complete bool
	// Fallback is the complete language whose text stands in for a
	// missing translation; empty means the source language.
	Fallback string
	// Held keeps the language off the site although it could go live.
	Held bool
}

// Known lists the interface languages Chorus ships, in display order.
var Known = []Language{
	{Code: "en", NativeName: "English", Complete: true},
	{Code: "fr", NativeName: "Français", Complete: true},
	{Code: "ar", NativeName: "العربية", RTL: true, Complete: true},
	{Code: "es", NativeName: "Español"},
	{Code: "uk", NativeName: "Українська"},
	{Code: "zh", NativeName: "中文"},
	{Code: "fa-AF", NativeName: "دری", RTL: true},
	{Code: "ps", NativeName: "پښتو", RTL: true},
	{Code: "so", NativeName: "Soomaali"},
	{Code: "ti", NativeName: "ትግርኛ"},
}

// NativeName is a shipped language's own name, or its code when Chorus
// does not ship it.
func NativeName(code string) string {
	for _, l := range Known {
		if l.Code == code {
			return l.NativeName
		}
	}
	return code
}

// FallbackCode is the language whose text stands in for a missing one.
func (l Language) FallbackCode() string {
	if l.Fallback == "" {
		return Source
	}
	return l.Fallback
}

// Catalog holds every language's messages: the shipped catalogs, with the
// translations saved outside them (Override) layered on top.
type Catalog struct {
	shipped  map[string]map[string]Message // language → key → message, as embedded
	langs    map[string]*Lang
	ordered  []*Lang
	matcher  language.Matcher
	log      *slog.Logger
	reported sync.Map // "lang/key" already logged as missing
	applying sync.Mutex
}

// Lang is one language's view of the catalog.
type Lang struct {
	Language
	Tag     language.Tag
	catalog *Catalog
	current atomic.Pointer[langMessages]
	printer *message.Printer // numbers in the language's CLDR format
}

// langMessages is what a language translates with, replaced as a whole
// when overrides change, so a request never sees half of a change and
// pays one atomic load for it.
type langMessages struct {
	localizer *goi18n.Localizer
	keys      map[string]bool
}

// Load reads the embedded catalogs of the given languages and serves those
// that are live: complete, or with the storyteller's path translated, and
// not held back. A language's fallback must be a complete language among
// those given.
func Load(langs []Language, log *slog.Logger) (*Catalog, error) {
	return loadFrom(locales, langs, log)
}

func loadFrom(fsys fs.FS, langs []Language, log *slog.Logger) (*Catalog, error) {
	if log == nil {
		log = slog.Default()
	}
	c := &Catalog{shipped: map[string]map[string]Message{}, langs: map[string]*Lang{}, log: log}
	source, err := readCatalog(fsys, Source)
	if err != nil {
		return nil, err
	}
	var tags []language.Tag
	for _, l := range langs {
		tag, err := language.Parse(l.Code)
		if err != nil {
			return nil, fmt.Errorf("i18n: language %q: %w", l.Code, err)
		}
		if err := checkFallback(l, langs); err != nil {
			return nil, err
		}
		messages, err := readCatalog(fsys, l.Code)
		if err != nil {
			return nil, err
		}
		if l.Held {
			log.Info("language held back", "lang", l.Code)
			continue
		}
		if missing := MissingOnPath(source, messages); !l.Complete && len(missing) > 0 {
			log.Info("language not live: the storyteller's path is not translated", "lang", l.Code, "missing", len(missing))
			continue
		}
		c.shipped[l.Code] = messages
		lang := &Lang{Language: l, Tag: tag, catalog: c, printer: numberPrinter(l.Code)}
		c.langs[l.Code] = lang
		c.ordered = append(c.ordered, lang)
		tags = append(tags, tag)
	}
	if c.langs[Source] == nil {
		return nil, fmt.Errorf("i18n: the source language %q must be loaded", Source)
	}
	c.matcher = language.NewMatcher(tags)
	if err := c.Apply(nil); err != nil {
		return nil, err
	}
	return c, nil
}

// Apply layers overrides over the shipped catalogs, replacing those applied
// before. Overrides of the source language, of languages not loaded and of
// keys the source does not have are left out: the interface's English is
// the shipped catalog's.
func (c *Catalog) Apply(overrides []Override) error {
	c.applying.Lock()
	defer c.applying.Unlock()
	source := c.shipped[Source]
	byLang := map[string][]Override{}
	for _, o := range overrides {
		if _, known := source[o.Key]; known && o.Lang != Source && c.langs[o.Lang] != nil && len(o.Forms) > 0 {
			byLang[o.Lang] = append(byLang[o.Lang], o)
		}
	}
	bundle := goi18n.NewBundle(language.English)
	keys := map[string]map[string]bool{}
	for _, l := range c.ordered {
		merged := make(map[string]*goi18n.Message, len(c.shipped[l.Code]))
		for key, m := range c.shipped[l.Code] {
			merged[key] = m.goi18n()
		}
		for _, o := range byLang[l.Code] {
			merged[o.Key] = o.Message.goi18n()
		}
		list := make([]*goi18n.Message, 0, len(merged))
		keys[l.Code] = make(map[string]bool, len(merged))
		for key, m := range merged {
			list = append(list, m)
			keys[l.Code][key] = true
		}
		if err := bundle.AddMessages(l.Tag, list...); err != nil {
			return fmt.Errorf("i18n: %s: %w", l.Code, err)
		}
	}
	for _, l := range c.ordered {
		l.current.Store(&langMessages{localizer: goi18n.NewLocalizer(bundle, l.Code, Source), keys: keys[l.Code]})
	}
	return nil
}

// Lang returns the language with this code, or nil.
func (c *Catalog) Lang(code string) *Lang { return c.langs[code] }

// Languages lists the loaded languages in display order.
func (c *Catalog) Languages() []*Lang { return c.ordered }

// Negotiate picks the best language for an Accept-Language header,
// the source language when nothing matches.
func (c *Catalog) Negotiate(acceptLanguage string) *Lang {
	if len(acceptLanguage) > 512 {
		acceptLanguage = acceptLanguage[:512]
	}
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return c.langs[Source]
	}
	_, index, confidence := c.matcher.Match(tags...)
	if confidence == language.No {
		return c.langs[Source]
	}
	return c.ordered[index]
}

// Keys lists a language's message keys, sorted.
func (c *Catalog) Keys(code string) []string {
	l := c.langs[code]
	if l == nil {
		return nil
	}
	keys := l.current.Load().keys
	out := make([]string, 0, len(keys))
	for k := range keys {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Dir is the value of the HTML dir attribute.
func (l *Lang) Dir() string {
	if l.RTL {
		return "rtl"
	}
	return "ltr"
}

// T translates key. Args are name/value pairs for the message's
// {{.Name}} placeholders.
func (l *Lang) T(key string, args ...any) string {
	return l.translate(key, nil, args)
}

// N translates key with the plural form for count; {{.Count}} is set to
// count written as the language writes numbers.
func (l *Lang) N(key string, count int, args ...any) string {
	return l.translate(key, count, append(args, "Count", l.Number(count)))
}

func (l *Lang) translate(key string, count any, args []any) string {
	current := l.current.Load()
	if !current.keys[key] {
		l.catalog.reportMissing(l.Code, key)
		// go-i18n falls back to its bundle's language alone.
		if fallback := l.catalog.langs[l.FallbackCode()]; fallback != nil && fallback != l && fallback.Has(key) {
			return fallback.translate(key, count, args)
		}
	}
	var data map[string]any
	if len(args) > 0 {
		data = make(map[string]any, len(args)/2)
	}
	for i := 0; i+1 < len(args); i += 2 {
		if name, ok := args[i].(string); ok {
			data[name] = args[i+1]
		}
	}
	msg, err := current.localizer.Localize(&goi18n.LocalizeConfig{MessageID: key, TemplateData: data, PluralCount: count})
	if err != nil {
		if msg != "" {
			return msg
		}
		l.catalog.reportMissing(Source, key)
		return strings.ReplaceAll(key, ".", " ")
	}
	return msg
}

func (c *Catalog) reportMissing(code, key string) {
	if _, seen := c.reported.LoadOrStore(code+"/"+key, true); !seen {
		// A complete language missing a key is a bug; a language live
		// before it is complete falls back by design.
		level, fallback := slog.LevelWarn, Source
		if l := c.langs[code]; l != nil && !l.Complete {
			level, fallback = slog.LevelDebug, l.FallbackCode()
		}
		c.log.Log(context.Background(), level, "missing translation, falling back", "lang", code, "key", key, "fallback", fallback)
	}
}

// HTML is T for a page: a text that falls back is wrapped in a span
// naming the fallback language and its direction, so that screen
// readers pronounce it right and the text lays out the right way.
func (l *Lang) HTML(key string, args ...any) template.HTML {
	return l.markFallback(key, l.T(key, args...))
}

// PluralHTML is N for a page, marked as HTML marks a fallback.
func (l *Lang) PluralHTML(key string, count int, args ...any) template.HTML {
	return l.markFallback(key, l.N(key, count, args...))
}

func (l *Lang) markFallback(key, text string) template.HTML {
	escaped := template.HTMLEscapeString(text)
	if l.Has(key) {
		return template.HTML(escaped)
	}
	fallback := l.catalog.langs[l.FallbackCode()]
	if fallback == nil || !fallback.Has(key) {
		fallback = l.catalog.langs[Source]
	}
	return template.HTML(`<span lang="` + fallback.Code + `" dir="` + fallback.Dir() + `" data-fallback>` + escaped + `</span>`)
}

// checkFallback refuses a fallback that is not a complete language given
// to Load: the text standing in for a missing one must itself be there.
func checkFallback(l Language, langs []Language) error {
	code := l.FallbackCode()
	for _, other := range langs {
		if other.Code == code {
			if !other.Complete || other.Held {
				return fmt.Errorf("i18n: %s falls back to %s, which is not a complete language on the site", l.Code, code)
			}
			return nil
		}
	}
	return fmt.Errorf("i18n: %s falls back to %s, which is not a language of the site", l.Code, code)
}

// MissingOnPath lists the keys of the storyteller's path that the source
// catalog has and a language's catalog does not, sorted.
func MissingOnPath(source, messages map[string]Message) []string {
	var missing []string
	for key := range source {
		if _, ok := messages[key]; !ok && OnStorytellerPath(key) {
			missing = append(missing, key)
		}
	}
	sort.Strings(missing)
	return missing
}

// Has tells whether the language's own catalog, or an override, holds key.
func (l *Lang) Has(key string) bool { return l.current.Load().keys[key] }
