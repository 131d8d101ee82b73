package browsertest

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"chorus/internal/story"
	"chorus/internal/testrig"
)

// voice is a published story whose author agreed to social networks and
// the toolkit, with its private token and the words its quote opens with.
type voice struct {
	id, token, quote string
}

// voiceStories publishes one such story in each of English, French and
// Arabic; the Arabic storyteller stays anonymous and gives no city.
func voiceStories(t *testing.T, rig *testrig.Rig) map[string]voice {
	t.Helper()
	out := map[string]voice{}
	for _, v := range []struct {
		lang, country, city, name, title, body, quote string
	}{
		{"en", "CA", "Winnipeg", "Amal", "The backyard rink",
			"Our neighbour taught my daughter to skate on the backyard rink the first winter we were here.", "taught my daughter to skate"},
		{"fr", "FR", "Lyon", "Léa", "La boulangerie",
			"La boulangerie de notre rue m’a embauchée la semaine de notre arrivée, avant que je parle français.", "boulangerie de notre rue"},
		{"ar", "JO", "", "", "جيراننا",
			"وصلنا في الشتاء وساعدنا جيراننا في إيجاد مدرسة للأطفال وعمل لي.", "ساعدنا جيراننا"},
	} {
		sub := story.Submission{Title: v.title, Body: v.body, Language: v.lang, Country: v.country, City: v.city,
			Themes: []string{"community"}, Identity: story.IdentityRefugee, DisplayName: v.name, Anonymous: v.name == "",
			ContactEmail: "voice-" + v.lang + "@example.org", Consent: story.Consent{Publish: true, Social: true, Toolkit: true}}
		id, token := rig.Submit(sub)
		publish(t, rig, id)
		out[v.lang] = voice{id, token, v.quote}
	}
	return out
}

// zipQuotes tells whether the toolkit package in lang quotes words.
func zipQuotes(t *testing.T, rig *testrig.Rig, lang, words string) bool {
	t.Helper()
	res := rig.Do("GET", "/"+lang+"/toolkit.zip", nil, nil)
	zr, err := zip.NewReader(bytes.NewReader(res.Body), int64(len(res.Body)))
	if err != nil {
		t.Fatalf("toolkit.zip: %d %v", res.Status, err)
	}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		if bytes.Contains(data, []byte(words)) {
			return true
		}
	}
	return false
}

// A storyteller who agreed to social networks and the toolkit sees their
// story's card and its quote in the toolkit, then, from their private
// page, takes it out of the toolkit (the page and the package lose it) and
// stops sharing on social networks (the story page loses its Open Graph
// image and share links, and the card's address answers 404).
func TestConsentJourney(t *testing.T) {
	eachMode(t, "consent", func(t *testing.T, rig *testrig.Rig, open func() *tab) {
		v := voiceStories(t, rig)["en"]
		card := "/en/stories/" + v.id + "/card/og.png"
		tb := open()

		if st := tb.open("/en/stories/" + v.id); st != http.StatusOK {
			t.Fatalf("story page: %d", st)
		}
		if n := tb.count(`meta[property="og:image"][content$="` + card + `"]`); n != 1 {
			t.Errorf("story page advertises its card %d times", n)
		}
		if tb.count(`section.share a[href$="/share/bluesky"]`) != 1 {
			t.Error("no share links while the storyteller agrees")
		}
		if st := tb.open(card); st != http.StatusOK {
			t.Fatalf("card: %d", st)
		}

		tb.open("/en/toolkit")
		if got := tb.text("section.voices"); !strings.Contains(got, v.quote) || !strings.Contains(got, "Amal, Winnipeg") {
			t.Fatalf("the toolkit's voices: %q", got)
		}
		if tb.count(`section.voices a[href$="/toolkit/voices/`+v.id+`-square.png"]`) != 1 {
			t.Error("no card of the quote in the toolkit")
		}
		if !zipQuotes(t, rig, "en", v.quote) {
			t.Error("the toolkit package lacks the quote")
		}
		tb.shot("1-toolkit")

		private := "/en/my/" + v.id + "/" + v.token
		tb.open(private)
		tb.shot("2-private")
		if st := tb.press("take the story out of the toolkit", `button[aria-describedby="toolkit-state"]`, true); st != http.StatusOK {
			t.Fatalf("toolkit consent: %d", st)
		}
		if got := tb.text("p.notice"); !strings.Contains(got, "Your choice is saved") {
			t.Errorf("notice: %q", got)
		}
		if got := tb.text("#toolkit-state"); !strings.Contains(got, "not in the campaign toolkit") {
			t.Errorf("toolkit consent shown as %q", got)
		}
		tb.shot("3-toolkit-withdrawn")
		tb.open("/en/toolkit")
		if tb.count("section.voices") != 0 || strings.Contains(tb.text("main"), v.quote) {
			t.Error("the toolkit page still quotes the story")
		}
		if zipQuotes(t, rig, "en", v.quote) {
			t.Error("the toolkit package still quotes the story")
		}

		tb.open(private)
		if st := tb.press("stop sharing on social networks", `button[aria-describedby="social-state"]`, true); st != http.StatusOK {
			t.Fatalf("social consent: %d", st)
		}
		if got := tb.text("#social-state"); !strings.Contains(got, "not offered for sharing") {
			t.Errorf("social consent shown as %q", got)
		}
		tb.open("/en/stories/" + v.id)
		if n := tb.count(`meta[property="og:image"]`); n != 0 {
			t.Errorf("story page still advertises %d Open Graph images", n)
		}
		if n := tb.count(`section.share, a[href*="/card/"], a[href^="https://bsky.app/"]`); n != 0 {
			t.Errorf("story page still has %d share links", n)
		}
		if st := tb.open(card); st != http.StatusNotFound {
			t.Errorf("card after social consent was withdrawn: %d", st)
		}
	})
}

// Phone-width screenshots of the toolkit's voices and of the private
// page's consent controls, in English, French and Arabic; the Arabic
// voice is anonymous and laid out right to left.
func TestConsentScreens(t *testing.T) {
	needBrowser(t)
	rig := testrig.New(t)
	voices := voiceStories(t, rig)
	tb := newTab(t, rig, phone, true, "consent-screens")
	for _, lang := range languages {
		v := voices[lang]
		tb.open("/" + lang + "/toolkit")
		if got := tb.text("section.voices blockquote"); !strings.Contains(got, v.quote) {
			t.Errorf("%s voices: %q", lang, got)
		}
		if lang == "ar" {
			if got := tb.text("section.voices figcaption"); strings.Contains(got, "voice-ar") || !strings.Contains(got, "مجهول") {
				t.Errorf("Arabic voice signed %q, want anonymous", got)
			}
			if dir := eval[string](tb, `getComputedStyle(document.querySelector("section.voices")).direction`); dir != "rtl" {
				t.Errorf("Arabic voices laid out %s", dir)
			}
		}
		tb.shotOf("section.voices", lang+"-toolkit-voices")
		tb.open("/" + lang + "/my/" + v.id + "/" + v.token)
		if tb.count(`section[aria-labelledby="sharing-h"] form button`) != 2 {
			t.Errorf("%s private page: no consent controls", lang)
		}
		tb.shotOf(`section[aria-labelledby="sharing-h"]`, lang+"-private-consent")
	}
}
