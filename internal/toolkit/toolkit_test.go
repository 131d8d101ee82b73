package toolkit

import (
	"archive/zip"
	"bytes"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"

	"chorus/internal/toolkit/card"
)

func TestCountLikeEachNetwork(t *testing.T) {
	cases := []struct {
		network, text string
		want          int
	}{
		{"x", "hello", 5},
		{"x", "see https://example.org/a/very/long/path/that/is/long", 4 + 23},
		{"x", "你好", 4},
		{"x", "مرحبا", 5},
		{"mastodon", "read https://example.org/x", 5 + 23},
		{"bluesky", "e\u0301te\u0301", 3},
		{"instagram", "🤝 ok", 4},
	}
	for _, c := range cases {
		if got := Count(c.network, c.text); got != c.want {
			t.Errorf("%s %q: %d, want %d", c.network, c.text, got, c.want)
		}
	}
}

// TestEveryLanguageFitsAndMatchesEnglish keeps every language's posts
// within each network's limit and English and French at full parity.
func TestEveryLanguageFitsAndMatchesEnglish(t *testing.T) {
	en, ok, err := Load("en", "https://stories.example.org")
	if !ok || err != nil {
		t.Fatal(err)
	}
	shape := func(c Content) []int {
		return []int{len(c.KeyMessages), len(c.Posts), len(c.HashtagGuidance), len(c.SafetyTips), len(c.HowToShare)}
	}
	for _, lang := range Languages() {
		c, ok, err := Load(lang, "https://stories.example.org")
		if !ok || err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		for _, p := range c.Posts {
			if p.Limit == 0 || p.Length > p.Limit {
				t.Errorf("%s %s post: %d of %d", lang, p.Network, p.Length, p.Limit)
			}
			if strings.Contains(p.Text, "{url}") || !strings.Contains(p.Text, "#ItTakesaCommunity") {
				t.Errorf("%s %s post: %q", lang, p.Network, p.Text)
			}
		}
		if (lang == "fr" || lang == "ar") && !reflect.DeepEqual(shape(c), shape(en)) {
			t.Errorf("%s toolkit %v does not match English %v", lang, shape(c), shape(en))
		}
		if lang == "fr" && len(c.MythFacts) != len(en.MythFacts) {
			t.Errorf("French has %d myth/fact pairs, English %d", len(c.MythFacts), len(en.MythFacts))
		}
		if c.Sections.Posts == "" || c.Sections.Download == "" {
			t.Errorf("%s lacks section titles", lang)
		}
	}
	if _, ok, _ := Load("xx", ""); ok {
		t.Error("a language without a toolkit loaded")
	}
}

func TestPackageHoldsEveryPart(t *testing.T) {
	c, _, _ := Load("fr", "https://stories.example.org")
	var buf bytes.Buffer
	if err := WritePackage(&buf, c, map[string][]byte{"cards/x.png": []byte("png")}); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, f := range zr.File {
		rc, _ := f.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		files[f.Name] = string(data)
	}
	for _, name := range []string{"README.md", "toolkit.md", "posts.csv", "myths-and-facts.csv", "cards/x.png"} {
		if _, ok := files[name]; !ok {
			t.Errorf("package lacks %s", name)
		}
	}
	if !strings.Contains(files["README.md"], "Trousse") || !strings.Contains(files["toolkit.md"], "Messages clés") {
		t.Error("the French package is not in French")
	}
}

// TestPartialKitsOfEveryLiveLanguage: each live language without a full
// toolkit has its key messages translated (waiting for review), the rest
// in English, counted; and each key message gets its share cards, so the
// card fonts cover the language's script.
func TestPartialKitsOfEveryLiveLanguage(t *testing.T) {
	partial := PartialLanguages()
	for _, lang := range []string{"es", "uk", "zh", "fa-AF", "ps", "so", "ti"} {
		if !slices.Contains(partial, lang) {
			t.Errorf("%s has no partial toolkit", lang)
		}
	}
	en, _, _ := Load("en", site)
	r, err := card.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range partial {
		kit, err := LoadPartial(lang, site, nil)
		if err != nil {
			t.Fatal(lang, err)
		}
		if kit.Untranslated == 0 || kit.Untranslated >= kit.Texts || kit.Review != "needed" || kit.Lang != lang {
			t.Errorf("%s: %d of %d untranslated, review %q", lang, kit.Untranslated, kit.Texts, kit.Review)
		}
		if len(kit.KeyMessages) != len(en.KeyMessages) || kit.KeyMessages[0] == en.KeyMessages[0] || !strings.HasPrefix(kit.Posts[0].Text, "Our communities") {
			t.Errorf("%s: key messages %q, first post %q", lang, kit.KeyMessages, kit.Posts[0].Text)
		}
		cards, err := Cards(r, Content{Lang: lang, KeyMessages: kit.KeyMessages[:1]}, "#ItTakesaCommunity", nil)
		if err != nil || len(cards) != len(card.Sizes) {
			t.Errorf("%s: %d cards of its first key message, want %d: %v", lang, len(cards), len(card.Sizes), err)
		}
	}
}
