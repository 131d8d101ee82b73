package toolkit

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"chorus/internal/i18n"
	"chorus/internal/story"
	"chorus/internal/toolkit/card"
)

const site = "https://stories.example.org"

// The items of a shipped kit put back into the English shape give the
// kit as written.
func TestItemsCoverEveryText(t *testing.T) {
	for _, lang := range Languages() {
		data, _ := contentFS.ReadFile("content/" + lang + ".json")
		var want Content
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatal(err)
		}
		kits, _ := shipped()
		got := kits["en"].clone()
		for _, it := range items(kits[lang]) {
			got.set(it.ID, it.Text)
		}
		got.Lang = ""
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: items lose texts:\n got %+v\nwant %+v", lang, got, want)
		}
	}
}

func TestSavedTextsLayerOverTheShippedOnes(t *testing.T) {
	saved := []Saved{
		{Lang: "fr", ID: "key_messages.2", Text: "Chaque récit est raconté par la personne qui l’a vécu.", SourceHash: "sha1-x"},
		{Lang: "fr", ID: "posts.x", Text: "Lisez et partagez. #ItTakesaCommunity {url}"},
	}
	fr, ok, err := LoadWith("fr", site, saved)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if fr.KeyMessages[1] != saved[0].Text || fr.Posts[0].Text != "Lisez et partagez. #ItTakesaCommunity "+site+"/fr/" || fr.Posts[0].Length != 38+23 {
		t.Errorf("saved texts not applied: %q %+v", fr.KeyMessages[1], fr.Posts[0])
	}
	shippedFR, _, _ := Load("fr", site)
	if fr.Title != shippedFR.Title || len(fr.MythFacts) != len(shippedFR.MythFacts) || fr.KeyMessages[0] != shippedFR.KeyMessages[0] {
		t.Error("the rest of the kit changed")
	}

	// A language without a content file has a kit once every text is saved.
	var pt []Saved
	source, _ := SourceItems(nil)
	for _, it := range source[:len(source)-1] {
		pt = append(pt, Saved{Lang: "pt", ID: it.ID, Text: "pt: " + it.Text})
	}
	if _, ok, _ := LoadWith("pt", site, pt); ok {
		t.Error("an incomplete kit was served")
	}
	last := source[len(source)-1]
	pt = append(pt, Saved{Lang: "pt", ID: last.ID, Text: "pt: " + last.Text})
	kit, ok, err := LoadWith("pt", site, pt)
	if err != nil || !ok || kit.Sections.Download != "pt: "+last.Text || kit.Lang != "pt" {
		t.Errorf("complete Portuguese kit: %v %v %+v", ok, err, kit.Sections)
	}
}

func TestEntriesTellMissingStaleAndDone(t *testing.T) {
	en, _, _ := Load("en", site)
	editedEN := Saved{Lang: "en", ID: "key_messages.1", Text: "Migrants and refugees are our neighbours."}
	saved := []Saved{
		editedEN,
		{Lang: "ar", ID: "title", Text: "عدة الحملة", SourceHash: i18n.SourceHash(en.Title)},
		{Lang: "es", ID: "title", Text: "Kit de campaña", SourceHash: i18n.SourceHash("An older title")},
		{Lang: "es", ID: "intro", Text: "Todo lo que necesitas.", SourceHash: i18n.SourceHash(en.Intro)},
	}
	state := func(lang, id string) (Entry, bool) {
		list, err := Entries(lang, saved)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range list {
			if e.Source.ID == id {
				return e, true
			}
		}
		return Entry{}, false
	}
	checks := []struct {
		lang, id string
		want     i18n.State
		saved    bool
	}{
		{"fr", "key_messages.1", i18n.StateStale, false}, // its English text was edited
		{"fr", "key_messages.2", i18n.StateDone, false},
		{"ar", "title", i18n.StateDone, true},
		{"es", "title", i18n.StateStale, true},
		{"es", "intro", i18n.StateDone, true},
		{"es", "posts.x", i18n.StateMissing, false},
		{"en", "key_messages.1", i18n.StateDone, true},
	}
	for _, c := range checks {
		e, ok := state(c.lang, c.id)
		if !ok || e.State != c.want || e.Saved != c.saved {
			t.Errorf("%s %s: %+v, want %s (saved %v)", c.lang, c.id, e, c.want, c.saved)
		}
	}
	if e, _ := state("fr", "key_messages.1"); e.Source.Text != editedEN.Text {
		t.Errorf("the source is not the edited English: %q", e.Source.Text)
	}
	if e, _ := state("fr", "posts.mastodon"); e.Source.Network != "mastodon" || e.Source.Area() != "posts" {
		t.Errorf("post item: %+v", e.Source)
	}
}

func TestCheckText(t *testing.T) {
	x, _, _ := SourceItem("posts.x", nil)
	title, _, _ := SourceItem("title", nil)
	ok := "Nos communautés se construisent ensemble. #ItTakesaCommunity {url}"
	if got, err := CheckText(x, "fr", "  "+ok+"\r\n", site, "#ItTakesaCommunity"); err != nil || got != ok {
		t.Fatalf("a fitting post: %q %v", got, err)
	}
	long := strings.Repeat("très ", 60) + "#ItTakesaCommunity {url}"
	_, err := CheckText(x, "fr", long, site, "#ItTakesaCommunity")
	de, _ := err.(*story.Error)
	if de == nil || de.Key != "error.post_too_long" || !reflect.DeepEqual(de.Args, []any{"Network", "X", "Length", 300 + 19 + 23, "Limit", 280}) {
		t.Fatalf("a post too long for X: %v %+v", err, de)
	}
	// X counts a link as 23 whatever its length; Instagram counts it whole.
	if _, err := CheckText(x, "fr", "Lisez. #ItTakesaCommunity {url}", strings.Repeat("https://a.example", 30), "#ItTakesaCommunity"); err != nil {
		t.Errorf("X counts a long address as 23: %v", err)
	}
	bad := map[string]struct {
		item Item
		text string
	}{
		"error.toolkit_url_missing":     {x, "Lisez. #ItTakesaCommunity"},
		"error.toolkit_hashtag_missing": {x, "Lisez. {url}"},
		"error.translation_empty":       {title, " \n\t"},
		"error.toolkit_text_too_long":   {title, strings.Repeat("a", card.MaxTextRunes+1)},
	}
	for key, b := range bad {
		if _, err := CheckText(b.item, "fr", b.text, site, "#ItTakesaCommunity"); story.ErrorCode(err) != story.CodeInvalid || err.(*story.Error).Key != key {
			t.Errorf("%s: %v", key, err)
		}
	}
}

func TestCardsSkipScriptsWithoutFont(t *testing.T) {
	r, err := card.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	// Korean: no embedded font has hangul.
	cards, err := Cards(r, Content{Lang: "ko", KeyMessages: []string{"공동체는 함께 만듭니다."}}, "#ItTakesaCommunity", nil)
	if err != nil || len(cards) != 0 {
		t.Errorf("a script without font: %d cards, %v", len(cards), err)
	}
}

// A merged kit written as a content file is the shipped file when nothing
// was saved, and reads back as the merged kit.
func TestWriteContentAsShipped(t *testing.T) {
	for _, lang := range Languages() {
		c, ok, err := Merged(lang, nil)
		if err != nil || !ok {
			t.Fatal(lang, ok, err)
		}
		data, err := WriteContent(c)
		if err != nil {
			t.Fatal(err)
		}
		if shippedFile, _ := contentFS.ReadFile("content/" + lang + ".json"); string(data) != string(shippedFile) {
			t.Errorf("%s: the written content differs from the shipped file", lang)
		}
	}
}
