package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"chorus/internal/app"
	"chorus/internal/moderation"
	"chorus/internal/outbound"
	"chorus/internal/staff"
	"chorus/internal/story"
	"chorus/internal/testrig"
)

const threat = "We will kill every migrant in this town."

func signal(signals []story.Signal, kind string) (story.Signal, bool) {
	for _, s := range signals {
		if s.Kind == kind {
			return s, true
		}
	}
	return story.Signal{}, false
}

func flagged(signals []story.Signal) bool {
	for _, kind := range []string{story.SignalHate, story.SignalThreat} {
		if s, ok := signal(signals, kind); ok && s.Score >= 0.5 {
			return true
		}
	}
	return false
}

// TestPublicFieldsAreScreened: a story's display name and city reach the
// public as its text does, and so does a translation and its credit.
func TestPublicFieldsAreScreened(t *testing.T) {
	ctx := context.Background()
	rig := testrig.New(t)

	clean := testrig.Submission("Clean")
	id, _ := rig.Submit(clean)
	s, _ := rig.Store.Story(ctx, id)
	if flagged(s.Signals) {
		t.Fatalf("a plain story is flagged: %+v", s.Signals)
	}

	for _, field := range []string{"display_name", "city"} {
		sub := testrig.Submission("Field")
		if field == "display_name" {
			sub.DisplayName = threat
		} else {
			sub.City = threat
		}
		id, _ := rig.Submit(sub)
		s, _ := rig.Store.Story(ctx, id)
		if !flagged(s.Signals) {
			t.Errorf("a threat in the %s is not flagged: %+v", field, s.Signals)
		}
		hate, _ := signal(s.Signals, story.SignalThreat)
		if !strings.Contains(hate.Detail, field) {
			t.Errorf("the signal does not name the %s: %+v", field, hate)
		}
	}

	sub := testrig.Submission("Translated")
	sub.Consent.Translate = true
	id, _ = rig.Submit(sub)
	mod, _ := rig.Staff("mod@example.org", staff.RoleModerator)
	if _, err := rig.App.Decide(ctx, mod, id, app.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}
	translator, _ := rig.Staff("tr@example.org", staff.RoleTranslator)
	fine, err := rig.App.SaveStoryTranslation(ctx, translator, id, "fr", frenchText())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := signal(fine.Signals, story.SignalHate); !ok {
		t.Errorf("a translation was saved unscreened: %+v", fine.Signals)
	}
	hateful := app.StoryTranslationEdit{Text: story.TranslationText{Title: "Notre premier hiver",
		Body: "Les immigrés sont des rats, il faut les chasser.", Credit: "Léa"}}
	saved, err := rig.App.SaveStoryTranslation(ctx, translator, id, "fr", hateful)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := rig.Store.StoryTranslation(ctx, id, "fr")
	if err != nil {
		t.Fatal(err)
	}
	if !flagged(saved.Signals) || !flagged(stored.Signals) {
		t.Errorf("a hateful translation is not flagged: saved %+v, stored %+v", saved.Signals, stored.Signals)
	}
}

// panickyScreen fails on texts holding its trigger, like a screen with a
// bug on some input.
type panickyScreen struct {
	moderation.Screener
	trigger string
}

func (p panickyScreen) Screen(ctx context.Context, in moderation.Input) []story.Signal {
	if strings.Contains(in.Body, p.trigger) {
		panic("cannot screen: " + in.Body)
	}
	return p.Screener.Screen(ctx, in)
}

// TestPanickingScreenMarksTheTextNotScreened: a text the screen fails on
// is never passed silently. It is marked not screened (first in the
// queue by risk, and a post is queued, not shown), counted, and logged by
// id without its text.
func TestPanickingScreenMarksTheTextNotScreened(t *testing.T) {
	ctx := context.Background()
	var logged bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logged, nil))
	rig := testrig.New(t, testrig.WithLog(log),
		testrig.WithScreener(panickyScreen{moderation.NewScreen(moderation.Options{}), "Wintertime-Secret"}))

	calm, _ := rig.Submit(testrig.Submission("Calm"))
	sub := testrig.Submission("Wintertime-Secret")
	sub.DisplayName = "Amal"
	id, _ := rig.Submit(sub)
	s, err := rig.Store.Story(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if un, ok := signal(s.Signals, story.SignalUnscreened); !ok || un.Score != 1 {
		t.Fatalf("the story is not marked not screened: %+v", s.Signals)
	}
	if n := rig.App.ScreenerFailures(); n != 1 {
		t.Errorf("failures counted: %d, want 1", n)
	}
	if !strings.Contains(logged.String(), id) {
		t.Errorf("the log does not name the story: %s", logged.String())
	}
	if strings.Contains(logged.String(), "Wintertime-Secret") {
		t.Errorf("the log holds the text: %s", logged.String())
	}
	mod, _ := rig.Staff("mod@example.org", staff.RoleModerator)
	queue, err := rig.App.Queue(ctx, mod, 10, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(queue) != 2 || queue[0].ID != id || queue[1].ID != calm {
		t.Errorf("the unscreened story is not first by risk: %v", queue)
	}

	post, _, err := rig.App.IngestPost(ctx, story.IncomingPost{Network: "mastodon", SourceID: "1",
		SourceURL: "https://social.example/@a/1", Author: "a", Text: "Wintertime-Secret #ItTakesaCommunity", PostedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if post.Status != story.PostQueued {
		t.Errorf("an unscreened post was not queued: %+v", post)
	}
	if n := rig.App.ScreenerFailures(); n != 2 {
		t.Errorf("failures counted: %d, want 2", n)
	}
}

// slowClassifier is an external classifier that answers only when
// released, and says when it has been asked.
type slowClassifier struct {
	asked   chan struct{}
	release chan struct{}
	once    sync.Once
}

func (c *slowClassifier) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	c.once.Do(func() { close(c.asked) })
	select {
	case <-c.release:
	case <-r.Context().Done():
		return
	}
	json.NewEncoder(w).Encode(map[string]any{"attributeScores": map[string]any{
		"TOXICITY": map[string]any{"summaryScore": map[string]any{"value": 0.1}}}})
}

// TestScreeningHoldsNoTransaction: while the external classifier takes
// its time over a storyteller's edit or a moderator's redaction, other
// writes go through. Screening inside the transaction held SQLite's only
// writer for up to the classifier's timeout.
func TestScreeningHoldsNoTransaction(t *testing.T) {
	for _, change := range []string{"edit", "redact"} {
		t.Run(change, func(t *testing.T) {
			ctx := context.Background()
			rig := testrig.New(t)
			id, token := rig.Submit(testrig.Submission("Slow"))
			other, _ := rig.Submit(testrig.Submission("Other"))
			mod, _ := rig.Staff("mod@example.org", staff.RoleModerator)

			classifier := &slowClassifier{asked: make(chan struct{}), release: make(chan struct{})}
			srv := httptest.NewServer(classifier)
			defer srv.Close()
			allow, err := outbound.ParseAllowList("127.0.0.1")
			if err != nil {
				t.Fatal(err)
			}
			rig.App.Screener = moderation.NewScreen(moderation.Options{ExternalURL: srv.URL,
				ExternalTimeout: time.Minute, Client: outbound.New(outbound.Options{AllowPrivate: allow})})

			changed := make(chan error, 1)
			go func() {
				if change == "edit" {
					sub := testrig.Submission("Slow")
					sub.Body += "\n\nOne more thing."
					changed <- rig.App.EditSubmission(ctx, id, token, sub)
				} else {
					changed <- rig.App.Redact(ctx, mod, id, app.Redaction{Title: "Our first winter",
						Body: "We arrived in January and [name removed] helped us.", Note: "A name."})
				}
			}()
			<-classifier.asked

			decided := make(chan error, 1)
			go func() {
				_, err := rig.App.Decide(ctx, mod, other, app.Decision{Approve: true})
				decided <- err
			}()
			select {
			case err := <-decided:
				if err != nil {
					t.Fatal(err)
				}
			case err := <-changed:
				t.Fatalf("the %s finished before the classifier answered: %v", change, err)
			case <-time.After(30 * time.Second):
				t.Fatalf("another write waited on the classifier screening the %s", change)
			}
			close(classifier.release)
			if err := <-changed; err != nil {
				t.Fatal(err)
			}
		})
	}
}
