package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"chorus/internal/moderation"
	"chorus/internal/staff"
	"chorus/internal/testrig"
)

// queueItem cuts one story's article out of the queue page.
func queueItem(t *testing.T, queue, id string) string {
	t.Helper()
	i := strings.Index(queue, `id="q-`+id+`"`)
	if i < 0 {
		t.Fatalf("story %s not in the queue", id)
	}
	item := queue[i:]
	if end := strings.Index(item, `</article>`); end > 0 {
		item = item[:end]
	}
	return item
}

func TestQueueShowsTheSentenceThatDroveTheHateScore(t *testing.T) {
	rig := testrig.New(t)
	hateful := testrig.Submission("Bakery")
	hateful.Title = "Six years at the bakery"
	hateful.Body = `I have worked at the same bakery for six years. I start at four, I know every regular by name, and on Saturdays I make the bread for the market.
Last spring a new customer came in every morning for a week. He paid, he said nothing, he left.
On the last day he wrote on the back of his receipt: refugees are vermin and should be exterminated.
I kept the receipt. My boss called the police, and the regulars signed a card for me that still hangs above the ovens.`
	hateID, _ := rig.Submit(hateful)
	papers := testrig.Submission("Papers")
	papers.Title = "My papers"
	papers.Body = `When I arrived in Lyon in 2019 I had nothing but a plastic folder. Inside were my birth certificate, a photocopy of my passport and the receipt the prefecture gave me, with a case number I learned by heart.
For two years that number was my name. I queued outside the prefecture at five in the morning with other asylum seekers and migrants, and we shared coffee and advice about which documents to bring.
The police checked my papers three times on the same bridge. Each time I showed the receipt and each time my hands shook, even though everything was in order.
Today I have a card with my photo on it. I keep the old folder in a drawer, because it reminds me how many strangers helped me.`
	papersID, _ := rig.Submit(papers)

	b := rig.SignedIn("mod@example.org", staff.RoleModerator)
	queue := string(b.Get("/en/staff/queue").Body)
	item := html.UnescapeString(queueItem(t, queue, hateID))
	if !strings.Contains(item, "Sentence that drove the hate score:") || !strings.Contains(item, "he wrote on the back of his receipt: refugees are vermin and should be exterminated.</q>") {
		t.Errorf("the hateful sentence is not shown:\n%s", item)
	}
	if strings.Contains(queueItem(t, queue, papersID), "hate-sentence") {
		t.Errorf("a benign story about papers shows a hateful sentence:\n%s", queueItem(t, queue, papersID))
	}
	fr := html.UnescapeString(queueItem(t, string(b.Get("/fr/staff/queue").Body), hateID))
	if !strings.Contains(fr, "Phrase qui a fait monter le score de haine") {
		t.Errorf("the French queue does not name the sentence:\n%s", fr)
	}
}

func TestAnEditedReplyStillAnswersItsClaim(t *testing.T) {
	rig := testrig.New(t)
	admin := rig.SignedIn("admin@example.org", staff.RoleAdmin)
	form := admin.Get("/en/staff/replies/edit?id=en-jobs")
	if form.Status != http.StatusOK {
		t.Fatalf("edit form: %d", form.Status)
	}
	edited := url.Values{
		"csrf": {testrig.CSRF(t, form)}, "id": {"en-jobs"}, "language": {"en"}, "kind": {"myth_fact"}, "groups": {"migrants", "refugees"},
		"myth": {"Immigrants take our jobs."}, "text": {"Immigrants fill jobs nobody applies for, and the businesses they start hire locals."},
		"source_organisation": {"OECD"}, "source_title": {"Is migration good for the economy?"}, "source_url": {"https://www.oecd.org/migration/"},
	}
	if res := admin.PostForm("/en/staff/replies", edited); res.Status != http.StatusSeeOther {
		t.Fatalf("saving: %d %s", res.Status, res.Body)
	}
	s := moderation.NewScreen(moderation.Options{})
	sigs := s.Screen(context.Background(), moderation.Input{Body: "Immigrants steal our jobs and nobody cares.", Language: "en"})
	r, ok := rig.App.SuggestReply(context.Background(), "en", sigs)
	if !ok || r.ID != "en-jobs" || !strings.Contains(r.Text, "businesses they start hire locals") {
		t.Errorf("suggested %q (%v): %s", r.ID, ok, r.Text)
	}
}
