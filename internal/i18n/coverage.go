package i18n

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// InTranslation lists languages translators are working on: their
// catalogs ship and are measured, but their pages open only once complete.
var InTranslation = []Language{
	{Code: "es", NativeName: "Español"},
	{Code: "uk", NativeName: "Українська"},
	{Code: "fa-AF", NativeName: "دری", RTL: true},
	{Code: "ps", NativeName: "پښتو", RTL: true},
	{Code: "so", NativeName: "Soomaali"},
	{Code: "ti", NativeName: "ትግርኛ"},
	{Code: "zh", NativeName: "中文"},
}

// Coverage is how much of the interface one language translates.
type Coverage struct {
	Code       string
	Total      int      // keys in the source language
	Translated int      // present and up to date
	Missing    []string // keys with no translation
	Stale      []string // translated from an older source text
}

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

// MeasureCoverage compares every catalog in the locales folder of fsys
// with the source language's.
func MeasureCoverage(fsys fs.FS, langs []Language) ([]Coverage, error) {
	source, err := readCatalog(fsys, Source)
	if err != nil {
		return nil, err
	}
	var out []Coverage
	for _, l := range langs {
		if l.Code == Source {
			continue
		}
		cat, err := readCatalog(fsys, l.Code)
		if err != nil {
			return nil, err
		}
		c := Coverage{Code: l.Code, Total: len(source)}
		for key, src := range source {
			tr, ok := cat[key]
			switch {
			case !ok:
				c.Missing = append(c.Missing, key)
			case tr.hash != "" && tr.hash != SourceHash(src.text):
				c.Stale = append(c.Stale, key)
			default:
				c.Translated++
			}
		}
		sort.Strings(c.Missing)
		sort.Strings(c.Stale)
		out = append(out, c)
	}
	return out, nil
}

type entry struct{ text, hash string }

// readCatalog reads a go-i18n JSON catalog: a key maps to a string, or to
// an object of plural forms and an optional "hash".
func readCatalog(fsys fs.FS, code string) (map[string]entry, error) {
	data, err := fs.ReadFile(fsys, path.Join("locales", code+".json"))
	if err != nil {
		return nil, fmt.Errorf("i18n: no catalog for %q: %w", code, err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("i18n: catalog %s: %w", code, err)
	}
	out := make(map[string]entry, len(raw))
	for key, v := range raw {
		var s string
		if json.Unmarshal(v, &s) == nil {
			out[key] = entry{text: s}
			continue
		}
		var forms map[string]string
		if err := json.Unmarshal(v, &forms); err != nil {
			return nil, fmt.Errorf("i18n: catalog %s: key %s: %w", code, key, err)
		}
		e := entry{hash: forms["hash"]}
		delete(forms, "hash")
		if other, ok := forms["other"]; ok && len(forms) == 1 {
			e.text = other
		} else {
			// Plural forms: the source text is all of them, in order.
			keys := make([]string, 0, len(forms))
			for k := range forms {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			parts := make([]string, len(keys))
			for i, k := range keys {
				parts[i] = k + "=" + forms[k]
			}
			e.text = strings.Join(parts, "\n")
		}
		out[key] = e
	}
	return out, nil
}

// Locales is the embedded folder of catalogs, for MeasureCoverage.
func Locales() fs.FS { return locales }
