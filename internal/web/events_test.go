package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"chorus/internal/app"
)

func (c *cardCache) keysWith(part string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var keys []string
	for key := range c.entries {
		if strings.Contains(key, part) {
			keys = append(keys, key)
		}
	}
	return keys
}

// TestAChangedStoryLeavesNoCardInMemory: the share cards and the toolkit
// voice cards rendered from a story (its words on an image) are dropped
// when the story changes, so a withdrawn story's text does not stay in the
// server's memory; the cards of other stories stay.
func TestAChangedStoryLeavesNoCardInMemory(t *testing.T) {
	s := benchServer(t)
	for _, id := range []string{"demo01", "demo02"} {
		for _, lang := range []string{"en", "fr"} {
			w := httptest.NewRecorder()
			s.ServeHTTP(w, httptest.NewRequest("GET", "/"+lang+"/stories/"+id+"/card/og.png", nil))
			if w.Code != http.StatusOK {
				t.Fatalf("%s card in %s: %d", id, lang, w.Code)
			}
		}
	}
	if got := s.cards.keysWith("/demo01/"); len(got) != 2 {
		t.Fatalf("cards of demo01 in memory: %v", got)
	}
	voiced, err := s.app.PublicStory(t.Context(), "demo01")
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest("GET", "/"+voiced.Language+"/toolkit/voices/demo01-og.png", nil))
	if w.Code != http.StatusOK {
		t.Fatalf("voice card of demo01: %d", w.Code)
	}
	if got := s.cards.keysWith("/demo01/"); len(got) != 3 {
		t.Fatalf("cards of demo01 in memory: %v", got)
	}
	s.app.Events.Publish(app.StoryChanged{ID: "demo01"})
	if got := s.cards.keysWith("/demo01/"); len(got) != 0 {
		t.Errorf("cards of a changed story still in memory: %v", got)
	}
	if got := s.cards.keysWith("/demo02/"); len(got) != 2 {
		t.Errorf("cards of another story dropped: %v", got)
	}
	s.app.Events.PublishRemote(app.EverythingChanged{})
	if got := s.cards.keysWith("story/"); len(got) != 0 {
		t.Errorf("story cards left after events were missed: %v", got)
	}
}
