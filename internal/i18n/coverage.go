package i18n

import (
	"crypto/sha1"
	"encoding/hex"
	"io/fs"
	"sort"
)

// Coverage is how much of the interface one language translates.
type Coverage struct {
	Code       string
	Total      int      // keys in the source language
	Translated int      // present and up to date
	Missing    []string // keys with no translation
	Stale      []string // translated from an older source text
	// NeedsReview lists the translations (current or stale) that wait
	// for a native speaker's review.
	NeedsReview []string
	// Areas is the same count for each area of the interface (KeyArea).
	Areas map[string]AreaCoverage
}

// AreaCoverage is how much of one area of the interface a language translates.
type AreaCoverage struct {
	Total, Translated, Missing, NeedsReview int
}

// Percent is the share of the area's keys translated and up to date.
func (a AreaCoverage) Percent() float64 {
	if a.Total == 0 {
		return 100
	}
	return 100 * float64(a.Translated) / float64(a.Total)
}

// FallbackPercent is the share of the area's keys shown in the fallback
// language, for want of a translation.
func (a AreaCoverage) FallbackPercent() float64 {
	if a.Total == 0 {
		return 0
	}
	return 100 * float64(a.Missing) / float64(a.Total)
}

// Rest sums every area but the storyteller's path.
func (c Coverage) Rest() AreaCoverage {
	var rest AreaCoverage
	for area, a := range c.Areas {
		if area != AreaStoryteller {
			rest.Total += a.Total
			rest.Translated += a.Translated
			rest.Missing += a.Missing
			rest.NeedsReview += a.NeedsReview
		}
	}
	return rest
}

// PathComplete tells whether the storyteller's path is translated in full
// (stale texts included: they are served), the condition to go live.
func (c Coverage) PathComplete() bool { return c.Areas[AreaStoryteller].Missing == 0 }

// Percent is the share of keys translated and up to date.
func (c Coverage) Percent() float64 {
	if c.Total == 0 {
		return 0
	}
	return 100 * float64(c.Translated) / float64(c.Total)
}

// SourceHash identifies a source text; a translation records the hash of
// the text it was made from (go-i18n's "hash" field), so a change of the
// source marks it stale.
func SourceHash(text string) string {
	sum := sha1.Sum([]byte(text))
	return "sha1-" + hex.EncodeToString(sum[:])
}

// Override is a translation kept outside the shipped catalogs (saved by a
// translator in the browser), layered over them; its Hash is the
// SourceHash of the English text it was made from.
type Override struct {
	Lang string
	Message
}

// State says where a translation stands against its English source.
type State string

const (
	StateMissing State = "missing" // no translation
	StateStale   State = "stale"   // translated from an older English text
	StateDone    State = "done"
)

// Entry is one message of a language as translators see it: the English
// source beside the current translation.
type Entry struct {
	Source      Message
	Translation Message // no forms when missing
	State       State
	Area        string // KeyArea of the key
	Saved       bool   // the translation is an override, not the shipped text
}

// Entries lists every source message of the embedded catalogs with its
// translation into code, overrides of that language applied, by key.
func Entries(code string, overrides []Override) ([]Entry, error) {
	return entries(locales, code, overrides)
}

func entries(fsys fs.FS, code string, overrides []Override) ([]Entry, error) {
	source, err := readCatalog(fsys, Source)
	if err != nil {
		return nil, err
	}
	shipped, err := readCatalog(fsys, code)
	if err != nil {
		return nil, err
	}
	saved := map[string]Message{}
	for _, o := range overrides {
		if o.Lang == code {
			saved[o.Key] = o.Message
		}
	}
	keys := make([]string, 0, len(source))
	for k := range source {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]Entry, 0, len(keys))
	for _, key := range keys {
		e := Entry{Source: source[key], Area: KeyArea(key)}
		tr, ok := saved[key]
		e.Saved = ok
		if !ok {
			tr, ok = shipped[key]
		}
		switch {
		case code == Source:
			e.Translation, e.State = e.Source, StateDone
		case !ok:
			e.State = StateMissing
		case tr.Hash != "" && tr.Hash != e.Source.SourceHash():
			e.Translation, e.State = tr, StateStale
		default:
			e.Translation, e.State = tr, StateDone
		}
		out = append(out, e)
	}
	return out, nil
}

// MeasureCoverage compares every catalog in the locales folder of fsys,
// with the overrides of its language layered on, with the source
// language's.
func MeasureCoverage(fsys fs.FS, langs []Language, overrides []Override) ([]Coverage, error) {
	var out []Coverage
	for _, l := range langs {
		if l.Code == Source {
			continue
		}
		list, err := entries(fsys, l.Code, overrides)
		if err != nil {
			return nil, err
		}
		c := Coverage{Code: l.Code, Total: len(list), Areas: map[string]AreaCoverage{}}
		for _, area := range Areas {
			c.Areas[area] = AreaCoverage{}
		}
		for _, e := range list {
			a := c.Areas[e.Area]
			a.Total++
			switch e.State {
			case StateMissing:
				c.Missing = append(c.Missing, e.Source.Key)
				a.Missing++
			case StateStale:
				c.Stale = append(c.Stale, e.Source.Key)
			default:
				c.Translated++
				a.Translated++
			}
			if e.State != StateMissing && e.Translation.Review == ReviewNeeded {
				c.NeedsReview = append(c.NeedsReview, e.Source.Key)
				a.NeedsReview++
			}
			c.Areas[e.Area] = a
		}
		out = append(out, c)
	}
	return out, nil
}

// MergedCatalog is a language's catalog as the site serves it, shipped
// texts with overrides applied, ready to write with WriteCatalog: every
// translation carries the hash of the English text it was made from (a
// shipped one without hash counts as made from today's), so it can be
// committed or sent to Weblate and still tell stale from current. The
// source language comes out as its shipped catalog.
func MergedCatalog(code string, overrides []Override) ([]Message, error) {
	list, err := Entries(code, overrides)
	if err != nil {
		return nil, err
	}
	var out []Message
	for _, e := range list {
		switch {
		case code == Source:
			out = append(out, e.Source)
		case e.State == StateMissing:
		default:
			m := e.Translation
			if m.Hash == "" {
				m.Hash = e.Source.SourceHash()
			}
			out = append(out, m)
		}
	}
	return out, nil
}

// Locales is the embedded folder of catalogs, for MeasureCoverage.
func Locales() fs.FS { return locales }
