package toolkit

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"chorus/internal/i18n"
	"chorus/internal/paths"
	"chorus/internal/story"
	"chorus/internal/toolkit/card"
)

// Item is one text of the toolkit, as translators edit it. Its id says
// where it goes: "title", "intro", "key_messages.2", "posts.x",
// "hashtag_guidance.1", "safety_tips.3", "how_to_share.1",
// "sections.download".
type Item struct {
	ID      string
	Network string // for a post, the network whose length limit applies
	Text    string // as written: {url} stands for the site's address
}

// Area is the part of the item's id before the dot.
func (i Item) Area() string {
	area, _, _ := strings.Cut(i.ID, ".")
	return area
}

// Saved is a toolkit text saved in the browser, layered over the shipped
// content files.
type Saved struct {
	Lang, ID, Text string
	SourceHash     string // of the English text it was made from; empty for English
}

// shipped are the embedded content files, read once and never changed.
var shipped = sync.OnceValues(func() (map[string]Content, error) {
	out := map[string]Content{}
	for _, lang := range contentLanguages() {
		data, err := contentFS.ReadFile("content/" + lang + ".json")
		if err != nil {
			return nil, err
		}
		var c Content
		if err := json.Unmarshal(data, &c); err != nil {
			return nil, fmt.Errorf("toolkit %s: %w", lang, err)
		}
		c.Lang = lang
		out[lang] = c
	}
	if _, ok := out["en"]; !ok {
		return nil, fmt.Errorf("toolkit: no English content")
	}
	return out, nil
})

// items lists a kit's texts in the order of its page.
func items(c Content) []Item {
	out := []Item{{ID: "title", Text: c.Title}, {ID: "intro", Text: c.Intro}}
	list := func(area string, texts []string) {
		for i, t := range texts {
			out = append(out, Item{ID: area + "." + strconv.Itoa(i+1), Text: t})
		}
	}
	list("key_messages", c.KeyMessages)
	for _, p := range c.Posts {
		out = append(out, Item{ID: "posts." + p.Network, Network: p.Network, Text: p.Text})
	}
	list("hashtag_guidance", c.HashtagGuidance)
	list("safety_tips", c.SafetyTips)
	list("how_to_share", c.HowToShare)
	for _, s := range c.Sections.fields() {
		out = append(out, Item{ID: "sections." + s.name, Text: *s.text})
	}
	return out
}

type sectionField struct {
	name string
	text *string
}

// fields are the section titles and labels by their item name (their
// name in the content files).
func (s *Sections) fields() []sectionField {
	return []sectionField{
		{"key_messages", &s.KeyMessages}, {"posts", &s.Posts}, {"hashtag_guidance", &s.HashtagGuidance},
		{"safety_tips", &s.SafetyTips}, {"how_to_share", &s.HowToShare}, {"myth_facts", &s.MythFacts},
		{"source", &s.Source}, {"files", &s.Files}, {"copy", &s.Copy}, {"characters", &s.Characters},
		{"download", &s.Download},
	}
}

// set puts text where id says in c, which has the English kit's shape.
func (c *Content) set(id, text string) {
	area, rest, _ := strings.Cut(id, ".")
	at := func(list []string) {
		if n, err := strconv.Atoi(rest); err == nil && n >= 1 && n <= len(list) {
			list[n-1] = text
		}
	}
	switch area {
	case "title":
		c.Title = text
	case "intro":
		c.Intro = text
	case "key_messages":
		at(c.KeyMessages)
	case "hashtag_guidance":
		at(c.HashtagGuidance)
	case "safety_tips":
		at(c.SafetyTips)
	case "how_to_share":
		at(c.HowToShare)
	case "posts":
		for i := range c.Posts {
			if c.Posts[i].Network == rest {
				c.Posts[i].Text = text
			}
		}
	case "sections":
		for _, f := range c.Sections.fields() {
			if f.name == rest {
				*f.text = text
			}
		}
	}
}

// clone copies a kit deeply enough for set.
func (c Content) clone() Content {
	c.KeyMessages = slices.Clone(c.KeyMessages)
	c.Posts = slices.Clone(c.Posts)
	c.HashtagGuidance = slices.Clone(c.HashtagGuidance)
	c.SafetyTips = slices.Clone(c.SafetyTips)
	c.HowToShare = slices.Clone(c.HowToShare)
	c.MythFacts = nil
	return c
}

func savedText(saved []Saved, lang, id string) (Saved, bool) {
	for _, s := range saved {
		if s.Lang == lang && s.ID == id {
			return s, true
		}
	}
	return Saved{}, false
}

// SourceItems are the English texts, saved ones applied: what translations
// are made from.
func SourceItems(saved []Saved) ([]Item, error) {
	kits, err := shipped()
	if err != nil {
		return nil, err
	}
	list := items(kits["en"])
	for i, it := range list {
		if s, ok := savedText(saved, "en", it.ID); ok {
			list[i].Text = s.Text
		}
	}
	return list, nil
}

// SourceItem returns one English text, saved ones applied.
func SourceItem(id string, saved []Saved) (Item, bool, error) {
	list, err := SourceItems(saved)
	if err != nil {
		return Item{}, false, err
	}
	for _, it := range list {
		if it.ID == id {
			return it, true, nil
		}
	}
	return Item{}, false, nil
}

// Entry is one toolkit text of a language as translators see it.
type Entry struct {
	Source Item   // the English text
	Text   string // the translation; empty when missing
	State  i18n.State
	Saved  bool // the text was saved in the browser, not shipped
}

// Entries lists every English text with its translation into lang and
// where it stands: a translation is stale when the English text changed
// since it was made (a shipped translation was made from the shipped
// English text).
func Entries(lang string, saved []Saved) ([]Entry, error) {
	kits, err := shipped()
	if err != nil {
		return nil, err
	}
	shippedSource := items(kits["en"])
	var shippedTarget []Item
	if kit, ok := kits[lang]; ok && lang != "en" {
		shippedTarget = items(kit)
	}
	source, err := SourceItems(saved)
	if err != nil {
		return nil, err
	}
	out := make([]Entry, 0, len(source))
	for i, src := range source {
		e := Entry{Source: src, State: i18n.StateMissing}
		if lang == "en" {
			e.Text, e.State = src.Text, i18n.StateDone
			_, e.Saved = savedText(saved, "en", src.ID)
			out = append(out, e)
			continue
		}
		madeFrom := ""
		if s, ok := savedText(saved, lang, src.ID); ok {
			e.Text, e.Saved, madeFrom = s.Text, true, s.SourceHash
		} else if j := slices.IndexFunc(shippedTarget, func(it Item) bool { return it.ID == src.ID }); j >= 0 {
			e.Text, madeFrom = shippedTarget[j].Text, i18n.SourceHash(shippedSource[i].Text)
		}
		switch {
		case e.Text == "":
		case madeFrom != "" && madeFrom != i18n.SourceHash(src.Text):
			e.State = i18n.StateStale
		default:
			e.State = i18n.StateDone
		}
		out = append(out, e)
	}
	return out, nil
}

// NetworkName is how a social network writes its own name.
func NetworkName(id string) string {
	switch id {
	case "x":
		return "X"
	case "bluesky":
		return "Bluesky"
	case "mastodon":
		return "Mastodon"
	case "instagram":
		return "Instagram"
	}
	return id
}

// PostURL is the address {url} stands for in a post in lang.
func PostURL(siteURL, lang string) string { return siteURL + paths.HomePath(lang) }

// CheckText validates a text for the toolkit item source in lang and
// returns it cleaned. A post must fit its network's limit as the network
// counts it, with {url} as the site's address, and keep the source's
// {url} and campaign hashtag; other texts hold at most as much as a share
// card quotes.
func CheckText(source Item, lang, text, siteURL, hashtag string) (string, error) {
	text = story.CleanText(text)
	if text == "" {
		return "", story.FieldError("text", "error.translation_empty", "Please write the translation, every form of it.")
	}
	if strings.Contains(source.Text, "{url}") && !strings.Contains(text, "{url}") {
		return "", story.FieldError("text", "error.toolkit_url_missing", "The post must keep {url}, which becomes the site's address.")
	}
	if hashtag != "" && strings.Contains(source.Text, hashtag) && !strings.Contains(text, hashtag) {
		e := story.FieldError("text", "error.toolkit_hashtag_missing", "The text must keep the campaign hashtag "+hashtag+".")
		e.Args = []any{"Hashtag", "\u2066" + hashtag + "\u2069"} // isolated in right-to-left sentences
		return "", e
	}
	if source.Network == "" {
		if utf8.RuneCountInString(text) > card.MaxTextRunes {
			return "", story.FieldError("text", "error.toolkit_text_too_long", "The text is too long (1,000 characters at most).")
		}
		return text, nil
	}
	length, limit := Count(source.Network, strings.ReplaceAll(text, "{url}", PostURL(siteURL, lang))), Limits[source.Network]
	if length > limit {
		name := NetworkName(source.Network)
		e := story.FieldError("text", "error.post_too_long", fmt.Sprintf("This post is %d characters as %s counts them; %s allows %d.", length, name, name, limit))
		e.Args = []any{"Network", name, "Length", length, "Limit", limit}
		return "", e
	}
	return text, nil
}
