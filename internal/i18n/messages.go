package i18n

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
)

// Message is one entry of a catalog: a plain text (the "other" form
// alone) or the text of each plural form.
type Message struct {
	Key   string
	Forms map[string]string // CLDR plural category → text
	// Hash is, in a translation, the SourceHash of the English text it was
	// made from; empty when unknown (the translation then counts as current).
	Hash string
	// Review says whether a native speaker checked a translation:
	// ReviewNeeded for a text written without one (the shipped
	// catalogs' "review" field), ReviewDone once someone did.
	Review Review
	// Reviewer names who reviewed it (the catalogs' "reviewer" field).
	Reviewer string
}

// Review is where a translation stands with its reviewers.
type Review string

const (
	ReviewNone   Review = ""         // not marked: a shipped translation from before reviews were tracked
	ReviewNeeded Review = "needed"   // waits for a native speaker's review
	ReviewDone   Review = "reviewed" // a native speaker checked it
)

// PluralCategories are CLDR's plural categories, in their usual order.
var PluralCategories = []string{"zero", "one", "two", "few", "many", "other"}

// Plural tells whether the message has plural forms.
func (m Message) Plural() bool {
	_, hasOther := m.Forms["other"]
	return len(m.Forms) > 1 || !hasOther
}

// Text is the message's plain text, or its "other" form.
func (m Message) Text() string { return m.Forms["other"] }

// SourceHash identifies the message as a source text: a plain text's
// hash, or for plural forms the hash of "form=text" lines sorted by form.
func (m Message) SourceHash() string {
	if !m.Plural() {
		return SourceHash(m.Text())
	}
	forms := make([]string, 0, len(m.Forms))
	for f := range m.Forms {
		forms = append(forms, f)
	}
	sort.Strings(forms)
	for i, f := range forms {
		forms[i] = f + "=" + m.Forms[f]
	}
	return SourceHash(strings.Join(forms, "\n"))
}

func (m Message) goi18n() *goi18n.Message {
	return &goi18n.Message{ID: m.Key, Hash: m.Hash, Zero: m.Forms["zero"], One: m.Forms["one"], Two: m.Forms["two"],
		Few: m.Forms["few"], Many: m.Forms["many"], Other: m.Forms["other"]}
}

// parseCatalog reads a go-i18n JSON v2 catalog with flat keys: a key maps
// to a string, or to an object of plural forms, an optional "hash" and
// the optional review fields "review" and "reviewer" (go-i18n and
// Weblate ignore fields they do not know).
func parseCatalog(data []byte, name string) (map[string]Message, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("i18n: catalog %s: %w", name, err)
	}
	out := make(map[string]Message, len(raw))
	for key, v := range raw {
		var s string
		if json.Unmarshal(v, &s) == nil {
			out[key] = Message{Key: key, Forms: map[string]string{"other": s}}
			continue
		}
		var forms map[string]string
		if err := json.Unmarshal(v, &forms); err != nil {
			return nil, fmt.Errorf("i18n: catalog %s: key %s: %w", name, key, err)
		}
		m := Message{Key: key, Hash: forms["hash"], Review: Review(forms["review"]), Reviewer: forms["reviewer"], Forms: map[string]string{}}
		if m.Review != ReviewNone && m.Review != ReviewNeeded && m.Review != ReviewDone {
			return nil, fmt.Errorf("i18n: catalog %s: key %s: review %q is neither %q nor %q", name, key, m.Review, ReviewNeeded, ReviewDone)
		}
		for _, c := range PluralCategories {
			if text, ok := forms[c]; ok {
				m.Forms[c] = text
			}
		}
		if len(m.Forms) == 0 {
			return nil, fmt.Errorf("i18n: catalog %s: key %s has no text", name, key)
		}
		out[key] = m
	}
	return out, nil
}

// readCatalog reads the catalog of one language from the locales folder of fsys.
func readCatalog(fsys fs.FS, code string) (map[string]Message, error) {
	data, err := fs.ReadFile(fsys, path.Join("locales", code+".json"))
	if err != nil {
		return nil, fmt.Errorf("i18n: no catalog for %q: %w", code, err)
	}
	return parseCatalog(data, code)
}

// SourceMessage returns the shipped English message with this key.
func SourceMessage(key string) (Message, bool) {
	m, ok := shippedSource()[key]
	return m, ok
}

// ShippedMessage returns the message with this key in a language's
// shipped catalog.
func ShippedMessage(code, key string) (Message, bool) {
	messages, err := readCatalog(locales, code)
	if err != nil {
		return Message{}, false
	}
	m, ok := messages[key]
	return m, ok
}

// SourceKeys lists the shipped English catalog's keys, sorted.
func SourceKeys() []string {
	src := shippedSource()
	keys := make([]string, 0, len(src))
	for k := range src {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Area is the part of a key before its first dot: the page or feature the
// message belongs to ("error", "queue", ...).
func Area(key string) string {
	area, _, _ := strings.Cut(key, ".")
	return area
}

// WriteCatalog encodes messages as a go-i18n JSON v2 catalog, keys sorted,
// as the shipped files are: a plain message without hash as a string, any
// other as an object of its forms and "hash".
func WriteCatalog(messages []Message) ([]byte, error) {
	out := make(map[string]any, len(messages))
	for _, m := range messages {
		if !m.Plural() && m.Hash == "" && m.Review == ReviewNone {
			out[m.Key] = m.Text()
			continue
		}
		obj := make(map[string]string, len(m.Forms)+1)
		for f, text := range m.Forms {
			obj[f] = text
		}
		if m.Hash != "" {
			obj["hash"] = m.Hash
		}
		if m.Review != ReviewNone {
			obj["review"] = string(m.Review)
		}
		if m.Reviewer != "" {
			obj["reviewer"] = m.Reviewer
		}
		out[m.Key] = obj
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
