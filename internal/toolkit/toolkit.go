package toolkit

import (
	"archive/zip"
	"bytes"
	"embed"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"chorus/internal/moderation"
	"chorus/internal/toolkit/card"
)

//go:embed content/*.json
var contentFS embed.FS

// Content is the toolkit in one language.
type Content struct {
	Lang            string     `json:"-"`
	Title           string     `json:"title"`
	Intro           string     `json:"intro"`
	KeyMessages     []string   `json:"key_messages"`
	Posts           []Post     `json:"posts"`
	HashtagGuidance []string   `json:"hashtag_guidance"`
	SafetyTips      []string   `json:"safety_tips"`
	HowToShare      []string   `json:"how_to_share"`
	Sections        Sections   `json:"sections"`
	MythFacts       []MythFact `json:"-"`
	// Voices are quotes of storytellers who agreed to the toolkit, under
	// the heading VoicesTitle; they come from the database, not the
	// content files.
	Voices      []Voice `json:"-"`
	VoicesTitle string  `json:"-"`
	// Review is "needed" in a content file whose texts were written
	// without a native speaker and wait for one's review.
	Review string `json:"review,omitempty"`
	// Untranslated counts the texts of a partial kit shown in English
	// for want of a translation, of Texts in all (LoadPartial).
	Untranslated int `json:"-"`
	Texts        int `json:"-"`
}

// Sections are the headings and labels of the toolkit, in its language.
type Sections struct {
	KeyMessages     string `json:"key_messages"`
	Posts           string `json:"posts"`
	HashtagGuidance string `json:"hashtag_guidance"`
	SafetyTips      string `json:"safety_tips"`
	HowToShare      string `json:"how_to_share"`
	MythFacts       string `json:"myth_facts"`
	Source          string `json:"source"`
	Files           string `json:"files"`
	Copy            string `json:"copy"`
	Characters      string `json:"characters"`
	Download        string `json:"download"`
}

// Post is a ready-to-post text for one network.
type Post struct {
	Network string `json:"network"`
	Text    string `json:"text"`
	Length  int    `json:"-"` // as the network counts it
	Limit   int    `json:"-"`
}

// MythFact answers a common myth with a fact and its source.
type MythFact struct {
	Myth, Fact, Source, SourceURL string
}

// Languages lists the languages the toolkit is written in, every text of
// it; PartialLanguages those with a content file that lacks some.
func Languages() []string { return shippedLanguages(true) }

// PartialLanguages lists the languages whose shipped toolkit is partial.
func PartialLanguages() []string { return shippedLanguages(false) }

func shippedLanguages(complete bool) []string {
	var out []string
	for _, lang := range contentLanguages() {
		if _, ok, err := Merged(lang, nil); err == nil && ok == complete {
			out = append(out, lang)
		}
	}
	return out
}

// contentLanguages lists the languages with a content file.
func contentLanguages() []string {
	names, _ := fs.Glob(contentFS, "content/*.json")
	out := make([]string, 0, len(names))
	for _, n := range names {
		out = append(out, strings.TrimSuffix(strings.TrimPrefix(n, "content/"), ".json"))
	}
	return out
}

// Load returns the shipped toolkit in lang, the site's address put into
// the posts; ok is false when lang has no toolkit yet (the caller falls
// back).
func Load(lang, siteURL string) (Content, bool, error) { return LoadWith(lang, siteURL, nil) }

// LoadWith returns the toolkit in lang with the texts saved in the browser
// layered over the shipped ones, the site's address put into the posts.
// ok is false when lang lacks any of the English kit's texts (the caller
// falls back to English, and says so).
func LoadWith(lang, siteURL string, saved []Saved) (Content, bool, error) {
	c, ok, err := Merged(lang, saved)
	if err != nil || !ok {
		return Content{}, false, err
	}
	c.complete(siteURL)
	return c, true, nil
}

// LoadPartial is LoadWith for a kit not translated in full: each text
// missing in lang is the English one, and Untranslated counts them.
func LoadPartial(lang, siteURL string, saved []Saved) (Content, error) {
	c, err := merge(lang, saved, true)
	if err != nil {
		return Content{}, err
	}
	c.complete(siteURL)
	return c, nil
}

// complete puts the site's address into the posts, counts them, and adds
// the myth/fact pairs of the kit's language.
func (c *Content) complete(siteURL string) {
	lang := c.Lang
	for i := range c.Posts {
		p := &c.Posts[i]
		p.Text = strings.ReplaceAll(p.Text, "{url}", PostURL(siteURL, lang))
		p.Length, p.Limit = Count(p.Network, p.Text), Limits[p.Network]
	}
	for _, r := range moderation.Replies() {
		if r.Language == lang && r.Kind == "myth_fact" {
			c.MythFacts = append(c.MythFacts, MythFact{Myth: r.Myth, Fact: r.Text, Source: r.Source.Organisation + ", " + r.Source.Title, SourceURL: r.Source.URL})
		}
	}
}

// Merged returns the texts of the toolkit in lang as written, {url} kept,
// the saved ones layered over the shipped ones, in the English kit's
// shape; ok is false when any is missing.
func Merged(lang string, saved []Saved) (Content, bool, error) {
	c, err := merge(lang, saved, false)
	if err != nil || c.Untranslated > 0 {
		return Content{}, false, err
	}
	return c, true, nil
}

// merge layers the saved texts over the shipped ones; a text missing in
// both stays empty, or is the English one with english, and counts as
// untranslated.
func merge(lang string, saved []Saved, english bool) (Content, error) {
	kits, err := shipped()
	if err != nil {
		return Content{}, err
	}
	own, hasFile := kits[lang]
	var ownItems []Item
	if hasFile {
		ownItems = items(own)
	}
	c := kits["en"].clone()
	c.Lang = lang
	for _, it := range items(kits["en"]) {
		text := ""
		if s, ok := savedText(saved, lang, it.ID); ok {
			text = s.Text
		} else if i := slices.IndexFunc(ownItems, func(o Item) bool { return o.ID == it.ID }); i >= 0 {
			text = ownItems[i].Text
		}
		c.Texts++
		if text == "" {
			c.Untranslated++
			if !english {
				continue
			}
			text = it.Text
		}
		c.set(it.ID, text)
	}
	if hasFile {
		c.Review = own.Review
	}
	return c, nil
}

// WriteContent encodes a kit's texts as a content file.
func WriteContent(c Content) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	err := enc.Encode(c)
	return buf.Bytes(), err
}

// VoiceCardName is where the card of the kit's i-th voice (from 0) is in
// its package.
func VoiceCardName(i int, size string) string { return fmt.Sprintf("cards/voice-%d-%s.png", i+1, size) }

// Cards renders every key message and voice of a kit in every size, named as they
// appear in the package, with a partner's logo unless logo is nil; a
// message in a script the card fonts lack gets none.
func Cards(r *card.Renderer, c Content, hashtag string, logo image.Image) (map[string][]byte, error) {
	out := map[string][]byte{}
	for i, text := range c.KeyMessages {
		for _, size := range card.Sizes {
			png, err := r.Render(card.Spec{Text: text, Lang: c.Lang, Hashtag: hashtag, Logo: logo}, size)
			if errors.Is(err, card.ErrUnsupportedScript) {
				break // no font for this script yet: the package has no card for it
			}
			if err != nil {
				return nil, fmt.Errorf("toolkit %s: card %d %s: %w", c.Lang, i+1, size.Name, err)
			}
			out[fmt.Sprintf("cards/message-%d-%s.png", i+1, size.Name)] = png
		}
	}
	for i, v := range c.Voices {
		for _, size := range card.Sizes {
			png, err := r.Render(card.Spec{Text: v.Quote, Attribution: v.Attribution, Lang: v.Lang, Hashtag: hashtag, Logo: logo}, size)
			if card.NoCard(err) {
				break
			}
			if err != nil {
				return nil, fmt.Errorf("toolkit %s: voice %d %s: %w", c.Lang, i+1, size.Name, err)
			}
			out[VoiceCardName(i, size.Name)] = png
		}
	}
	return out, nil
}

// WritePackage writes the toolkit as a ZIP: a readme, the texts as
// Markdown, the posts and myth/fact pairs as CSV, and any extra files
// (share cards) given.
func WritePackage(w io.Writer, c Content, extra map[string][]byte) error {
	zw := zip.NewWriter(w)
	err := writeParts(c, extra, func(name string, data []byte) error {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			return err
		}
		_, err = f.Write(data)
		return err
	})
	if err != nil {
		return err
	}
	return zw.Close()
}

// WriteDir writes the same parts as files under dir, calling progress
// after each.
func WriteDir(dir string, c Content, extra map[string][]byte, progress func(name string)) error {
	return writeParts(c, extra, func(name string, data []byte) error {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return err
		}
		if progress != nil {
			progress(name)
		}
		return nil
	})
}

func writeParts(c Content, extra map[string][]byte, add func(name string, data []byte) error) error {
	if err := add("README.md", []byte(readme(c))); err != nil {
		return err
	}
	if err := add("toolkit.md", []byte(markdown(c, extra))); err != nil {
		return err
	}
	posts := [][]string{{"network", "text", "length", "limit"}}
	for _, p := range c.Posts {
		posts = append(posts, []string{p.Network, p.Text, fmt.Sprint(p.Length), fmt.Sprint(p.Limit)})
	}
	if err := add("posts.csv", csvBytes(posts)); err != nil {
		return err
	}
	myths := [][]string{{"myth", "fact", "source", "source_url"}}
	for _, m := range c.MythFacts {
		myths = append(myths, []string{m.Myth, m.Fact, m.Source, m.SourceURL})
	}
	if err := add("myths-and-facts.csv", csvBytes(myths)); err != nil {
		return err
	}
	names := make([]string, 0, len(extra))
	for name := range extra {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := add(name, extra[name]); err != nil {
			return err
		}
	}
	return nil
}

func csvBytes(rows [][]string) []byte {
	var b strings.Builder
	b.WriteString("\ufeff") // so spreadsheet programs read UTF-8
	w := csv.NewWriter(&b)
	w.WriteAll(rows)
	return []byte(b.String())
}

func readme(c Content) string {
	return "# " + c.Title + "\n\n" + c.notices() + c.Intro + "\n\n## " + c.Sections.Files + "\n\n" +
		"- toolkit.md\n- posts.csv\n- myths-and-facts.csv\n- cards/\n\n#ItTakesaCommunity\n"
}

// notices mark a partial kit, and texts waiting for review, at the top of
// its package, in English: the language everyone building kits shares.
func (c Content) notices() string {
	var b strings.Builder
	if c.Untranslated > 0 {
		fmt.Fprintf(&b, "> PARTIAL TOOLKIT: %d of %d texts are not translated into %s yet and are in English.\n", c.Untranslated, c.Texts, c.Lang)
	}
	if c.Review == "needed" {
		b.WriteString("> The translations in this kit wait for a review by native speakers: check them before the campaign uses them.\n")
	}
	if b.Len() > 0 {
		b.WriteString("\n")
	}
	return b.String()
}

// markdown is the kit as one text; files are the package's other files,
// so that a voice names its card only when it has one.
func markdown(c Content, files map[string][]byte) string {
	var b strings.Builder
	list := func(title string, items []string) {
		b.WriteString("\n## " + title + "\n\n")
		for _, it := range items {
			b.WriteString("- " + it + "\n")
		}
	}
	b.WriteString("# " + c.Title + "\n\n" + c.notices() + c.Intro + "\n")
	list(c.Sections.KeyMessages, c.KeyMessages)
	b.WriteString("\n## " + c.Sections.Posts + "\n")
	for _, p := range c.Posts {
		fmt.Fprintf(&b, "\n### %s (%d/%d)\n\n%s\n", p.Network, p.Length, p.Limit, p.Text)
	}
	list(c.Sections.HashtagGuidance, c.HashtagGuidance)
	list(c.Sections.SafetyTips, c.SafetyTips)
	list(c.Sections.HowToShare, c.HowToShare)
	b.WriteString("\n## " + c.Sections.MythFacts + "\n")
	for _, m := range c.MythFacts {
		fmt.Fprintf(&b, "\n**%s**\n\n%s\n\n%s: %s\n", m.Myth, m.Fact, m.Source, m.SourceURL)
	}
	if len(c.Voices) > 0 {
		b.WriteString("\n## " + c.VoicesTitle + "\n")
		for i, v := range c.Voices {
			fmt.Fprintf(&b, "\n> %s\n>\n> — %s\n\n%s\n", v.Quote, v.Attribution, v.URL)
			if name := VoiceCardName(i, card.Sizes[0].Name); files[name] != nil {
				fmt.Fprintf(&b, "\n%s\n", name)
			}
		}
	}
	return b.String()
}
