package toolkit

import (
	"bytes"
	"io"
	"log/slog"
	"strings"
	"testing"
	"unicode/utf8"

	"chorus/internal/i18n"
	"chorus/internal/story"
	"chorus/internal/toolkit/card"
)

func lang(t *testing.T, code string) *i18n.Lang {
	t.Helper()
	catalog, err := i18n.Load(i18n.Known, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return catalog.Lang(code)
}

// TestVoiceSignsAsTheStorytellerChose: a quote shows a name only when the
// storyteller gave one and is not anonymous, a city only when given, and
// never the contact address; a translation is quoted in its language.
func TestVoiceSignsAsTheStorytellerChose(t *testing.T) {
	en, ar := lang(t, "en"), lang(t, "ar")
	base := story.Story{ID: "s1", Language: "en", Country: "CA", Body: strings.Repeat("We skated all winter long. ", 20),
		ContactSealed: []byte("amal@example.org")}
	named, anonymous, noCity := base, base, base
	named.DisplayName, named.City = "Amal", "Winnipeg"
	anonymous.DisplayName, anonymous.Anonymous, anonymous.City = "Amal", true, "Winnipeg"
	noCity.DisplayName = "Amal"
	for _, c := range []struct {
		l    *i18n.Lang
		s    story.Story
		want string
	}{
		{en, named, "Amal, Winnipeg, Canada"},
		{en, anonymous, "Anonymous, Winnipeg, Canada"},
		{en, noCity, "Amal, Canada"},
		{ar, anonymous, "مجهول الهوية، Winnipeg، كندا"},
	} {
		v := NewVoice(c.l, &c.s, nil, "https://stories.example.org")
		if v.Attribution != c.want {
			t.Errorf("%s: signed %q, want %q", c.l.Code, v.Attribution, c.want)
		}
		if v.URL != "https://stories.example.org/"+c.l.Code+"/stories/s1" || v.Lang != "en" {
			t.Errorf("voice %+v", v)
		}
		if n := utf8.RuneCountInString(v.Quote); n > VoiceQuoteRunes+1 || !strings.HasSuffix(v.Quote, "…") {
			t.Errorf("quote of %d characters: %q", n, v.Quote)
		}
		if strings.Contains(v.Quote+v.Attribution, "example.org") {
			t.Errorf("voice shows the contact address: %+v", v)
		}
	}
	tr := &story.Translation{StoryID: "s1", Language: "fr", Body: "Nous avons patiné tout l’hiver."}
	if v := NewVoice(lang(t, "fr"), &named, tr, ""); v.Quote != tr.Body || v.Lang != "fr" || v.Attribution != "Amal, Winnipeg, Canada" {
		t.Errorf("translated voice %+v", v)
	}
}

// TestPackageCarriesItsVoices: a kit's voices are in toolkit.md and have
// cards in every size.
func TestPackageCarriesItsVoices(t *testing.T) {
	kit, _, err := Load("en", "https://stories.example.org")
	if err != nil {
		t.Fatal(err)
	}
	kit.VoicesTitle = "Voices"
	kit.Voices = []Voice{{StoryID: "s1", Lang: "en", Quote: "Our neighbour taught us to skate.", Attribution: "Amal, Canada", URL: "https://stories.example.org/en/stories/s1"}}
	r, err := card.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	cards, err := Cards(r, kit, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range card.Sizes {
		if len(cards[VoiceCardName(0, size.Name)]) == 0 {
			t.Errorf("no %s card of the voice", size.Name)
		}
	}
	var buf bytes.Buffer
	if err := WritePackage(&buf, kit, cards); err != nil {
		t.Fatal(err)
	}
	md := markdown(kit, cards)
	for _, want := range []string{"## Voices", "> Our neighbour taught us to skate.", "— Amal, Canada", "/en/stories/s1", "cards/voice-1-square.png"} {
		if !strings.Contains(md, want) {
			t.Errorf("toolkit.md lacks %q", want)
		}
	}
	if strings.Contains(markdown(kit, nil), "cards/voice-1") {
		t.Error("toolkit.md names a card the package lacks")
	}
	kit.Voices = nil
	if strings.Contains(markdown(kit, cards), "## Voices") {
		t.Error("a voices heading without voices")
	}
}
