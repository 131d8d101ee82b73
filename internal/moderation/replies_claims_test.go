package moderation

import (
	"context"
	"testing"
)

func TestReplyChosenByTheClaim(t *testing.T) {
	s := NewScreen(Options{})
	for _, c := range []struct{ lang, text, want string }{
		{"en", "Immigrants steal our jobs and nobody in parliament cares.", "en-jobs"},
		{"en", "Refugees bring crime to every town they are sent to.", "en-crime"},
		{"en", "Migrants come here to live off benefits.", "en-economy"},
		{"fr", "Les migrants ramènent la délinquance partout.", "fr-delinquance"},
		{"es", "Los inmigrantes nos roban el trabajo.", "es-empleo"},
		{"es", "Los inmigrantes traen delincuencia a los barrios.", "es-delincuencia"},
		{"uk", "Мігранти крадуть нашу роботу.", "uk-robota"},
		{"ar", "المهاجرون يسرقون وظائفنا.", "ar-jobs"},
		// No claim: the reply for the group named.
		{"es", "Los refugiados son ratas.", "es-refugiados-vecinos"},
	} {
		sigs := s.Screen(context.Background(), Input{Body: c.text, Language: c.lang})
		r, ok := SuggestReply(c.lang, sigs)
		if !ok || r.ID != c.want {
			t.Errorf("%q (%s): reply %q (ok %v), want %q", c.text, signal(sigs, "hate").Detail, r.ID, ok, c.want)
		}
	}
}

func TestRepliesInEveryCampaignLanguage(t *testing.T) {
	count := map[string]int{}
	for _, r := range Replies() {
		if err := r.Validate(); err != nil {
			t.Errorf("%s: %v", r.ID, err)
		}
		count[r.Language]++
	}
	for _, lang := range []string{"en", "fr", "ar", "es", "uk"} {
		if count[lang] < 8 {
			t.Errorf("%s: %d sourced replies, want at least 8", lang, count[lang])
		}
	}
}
