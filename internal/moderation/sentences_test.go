package moderation

import (
	"context"
	"testing"

	"chorus/internal/story"
)

// A long, benign story about papers, ID numbers and borders: whole, the
// faint evidence of its many sentences added up to a false alarm.
const papersStory = `When I arrived in Lyon in 2019 I had nothing but a plastic folder. Inside were my birth certificate, a photocopy of my passport and the receipt the prefecture gave me, with a case number I learned by heart.
For two years that number was my name. At the counter they asked for it before they asked how I was. I queued outside the prefecture at five in the morning, in the rain, with other asylum seekers and migrants from everywhere, and we shared coffee and advice about which documents to bring.
The police checked my papers three times on the same bridge. Each time I showed the receipt and each time my hands shook, even though everything was in order.
Then a volunteer at the library helped me fill in the forms for my residence permit. She photocopied everything twice and wrote my ID number on the back of every page, just in case.
Today I have a card with my photo on it. I keep the old folder in a drawer, because it reminds me how long the road was, and how many strangers helped me walk it.`

// The same kind of story with one hateful sentence in it.
const storyWithHate = `I have worked at the same bakery for six years. I start at four, I know every regular by name, and on Saturdays I make the bread for the market.
Last spring a new customer came in every morning for a week. He paid, he said nothing, he left.
On the last day he wrote on the back of his receipt: refugees are vermin and should be exterminated.
I kept the receipt. My boss called the police, and the regulars signed a card for me that still hangs above the ovens.`

func hateSignal(t *testing.T, s *Screen, title, body string) story.Signal {
	t.Helper()
	return signal(s.Screen(context.Background(), Input{Title: title, Body: body, Language: "en"}), story.SignalHate)
}

func sentenceOf(t *testing.T, sig story.Signal, body string) string {
	t.Helper()
	for _, sp := range sig.Spans {
		if sp.Label == LabelSentence && sp.Field == "body" {
			return body[sp.Start:sp.End]
		}
	}
	t.Fatalf("no sentence span in %+v", sig.Spans)
	return ""
}

func TestStoryScoredByWorstSentence(t *testing.T) {
	s := NewScreen(Options{})
	benign := hateSignal(t, s, "My papers", papersStory)
	t.Logf("benign story: hate %.3f (whole text %.3f), sentence %q", benign.Score, s.HateScore(papersStory, "en"), sentenceOf(t, benign, papersStory))
	if benign.Score >= DefaultPolicy.ApproveBelow {
		t.Errorf("benign story about papers and ID numbers scored %.3f hate, want below %.2f", benign.Score, DefaultPolicy.ApproveBelow)
	}

	hateful := hateSignal(t, s, "Six years at the bakery", storyWithHate)
	got := sentenceOf(t, hateful, storyWithHate)
	t.Logf("story with one hateful sentence: hate %.3f, sentence %q", hateful.Score, got)
	if hateful.Score < DecisionThreshold {
		t.Errorf("story with a hateful sentence scored %.3f, want at least %.2f", hateful.Score, DecisionThreshold)
	}
	if want := "On the last day he wrote on the back of his receipt: refugees are vermin and should be exterminated."; got != want {
		t.Errorf("sentence shown %q, want %q", got, want)
	}
}

func TestShortTextScoredWhole(t *testing.T) {
	s := NewScreen(Options{})
	sig := hateSignal(t, s, "", "Refugees are welcome here. We cooked together. It was lovely.")
	for _, sp := range sig.Spans {
		if sp.Label == LabelSentence {
			t.Errorf("short text got a sentence span %+v", sp)
		}
	}
}

func TestSentenceBounds(t *testing.T) {
	text := "First one. Second « quoted! » here?\nThird line without stop\n\n 3.5 stays؟ Last…"
	var got []string
	for _, b := range sentenceBounds(text) {
		got = append(got, text[b[0]:b[1]])
	}
	want := []string{"First one.", "Second « quoted! » here?", "Third line without stop", "3.5 stays؟", "Last…"}
	if len(got) != len(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("sentence %d: %q, want %q", i, got[i], want[i])
		}
	}
}
