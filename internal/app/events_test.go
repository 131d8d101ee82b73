package app_test

import (
	"context"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"chorus/internal/app"
	"chorus/internal/story"
	"chorus/internal/testrig"
)

func TestSubscribersHearEveryEventInOrderUntilTheyCancel(t *testing.T) {
	var events app.Events
	var first, second []app.Event
	cancelFirst := events.Subscribe(func(ev app.Event) { first = append(first, ev) })
	events.Subscribe(func(ev app.Event) { second = append(second, ev) })
	events.Publish(app.StoryChanged{ID: "s1"})
	events.PublishRemote(app.QueueChanged{})
	cancelFirst()
	events.Publish(app.TranslationsChanged{Lang: "fr"})

	want := []app.Event{app.StoryChanged{ID: "s1"}, app.QueueChanged{}}
	if !slices.Equal(first, want) {
		t.Errorf("first subscriber heard %v, want %v", first, want)
	}
	if want = append(want, app.TranslationsChanged{Lang: "fr"}); !slices.Equal(second, want) {
		t.Errorf("second subscriber heard %v, want %v", second, want)
	}
}

func TestASubscriberMayCancelWhileBeingCalled(t *testing.T) {
	var events app.Events
	heard := 0
	var cancel func()
	cancel = events.Subscribe(func(app.Event) { heard++; cancel() })
	events.Publish(app.WallChanged{})
	events.Publish(app.WallChanged{})
	if heard != 1 {
		t.Errorf("heard %d events after cancelling in the first", heard)
	}
}

func TestForwardNeverBlocksThePublisherAndStopsItsGoroutine(t *testing.T) {
	// synctest fails the test if the forwarding goroutine outlives it.
	synctest.Test(t, func(t *testing.T) {
		var events app.Events
		release := make(chan struct{})
		var got []app.Event
		stop := events.Forward(4, func(ev app.Event) {
			<-release // another machine that does not answer
			got = append(got, ev)
		})
		start := time.Now()
		events.Publish(app.StoryChanged{ID: "first"})
		synctest.Wait() // the forwarder now waits on the first event
		for i := range 1000 {
			events.Publish(app.StoryChanged{ID: string(rune('a' + i%26))})
		}
		events.PublishRemote(app.StoryChanged{ID: "from-another-node"})
		if waited := time.Since(start); waited != 0 {
			t.Errorf("the publisher waited %v for a slow forwarder", waited)
		}
		close(release)
		synctest.Wait()
		stop()

		if len(got) > 6 || got[0] != (app.StoryChanged{ID: "first"}) || !slices.Contains(got, app.Event(app.EverythingChanged{})) {
			t.Errorf("forwarded %v: want the first event, then at most the buffer with EverythingChanged for what was dropped", got)
		}
		if slices.Contains(got, app.Event(app.StoryChanged{ID: "from-another-node"})) {
			t.Error("an event from another node was forwarded back")
		}
	})
}

func TestStoppingAForwarderHandsOverWhatIsLeftInOneCall(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var events app.Events
		release := make(chan struct{})
		var got []app.Event
		stop := events.Forward(16, func(ev app.Event) {
			if ev == (app.QueueChanged{}) {
				<-release
			}
			got = append(got, ev)
		})
		events.Publish(app.QueueChanged{})
		synctest.Wait()
		events.Publish(app.StoryChanged{ID: "withdrawn"})
		events.Publish(app.WallChanged{})
		stopped := make(chan struct{})
		go func() { stop(); close(stopped) }()
		synctest.Wait()
		close(release)
		<-stopped
		want := []app.Event{app.QueueChanged{}, app.EverythingChanged{}}
		if !slices.Equal(got, want) {
			t.Errorf("forwarded %v, want %v", got, want)
		}
		events.Publish(app.WallChanged{})
		if len(got) != 2 {
			t.Errorf("a stopped forwarder still forwards: %v", got)
		}
	})
}

func TestEventTopicsRoundTrip(t *testing.T) {
	for _, ev := range []app.Event{app.StoryChanged{ID: "abc"}, app.WallChanged{}, app.QueueChanged{},
		app.TranslationsChanged{Lang: "fr"}, app.TranslationsChanged{}, app.PublicChanged{}} {
		if back := app.TopicEvent(app.EventTopic(ev)); back != ev {
			t.Errorf("%#v came back as %#v", ev, back)
		}
	}
	// Topics from nodes of the release before typed events, and ones no
	// release writes, are read on the safe side.
	for topic, want := range map[string]app.Event{
		"public": app.PublicChanged{}, "queue": app.QueueChanged{}, "translations": app.TranslationsChanged{},
		"": app.EverythingChanged{}, "story:": app.EverythingChanged{}, "federation:x": app.EverythingChanged{},
		"story:" + string(make([]byte, 300)): app.EverythingChanged{},
	} {
		if got := app.TopicEvent(topic); got != want {
			t.Errorf("topic %.20q read as %#v, want %#v", topic, got, want)
		}
	}
}

// BenchmarkPublish measures what a use-case pays after its commit: three
// quick subscribers and one forwarder whose far end is slow.
func BenchmarkPublish(b *testing.B) {
	var events app.Events
	heard := 0
	for range 3 {
		events.Subscribe(func(app.Event) { heard++ })
	}
	stop := events.Forward(256, func(app.Event) { time.Sleep(time.Millisecond) })
	defer stop()
	for b.Loop() {
		events.Publish(app.StoryChanged{ID: "abcdefghijkm"})
	}
	if heard != 3*b.N {
		b.Fatalf("heard %d of %d", heard, 3*b.N)
	}
}

// TestSeedingTellsThePublicPages: stories seeded straight into the store
// reach the page caches like any other published story.
func TestSeedingTellsThePublicPages(t *testing.T) {
	rig := testrig.New(t)
	var heard []app.Event
	rig.App.Events.Subscribe(func(ev app.Event) { heard = append(heard, ev) })
	now := rig.Clock.Now()
	s := &story.Story{ID: "seed01", Status: story.StatusPublished, Title: "Seeded", Body: "A seeded story.",
		Language: "en", Country: "CA", Themes: []string{"arrival"}, Anonymous: true,
		Consent: story.Consent{Publish: true}, CreatedAt: now, UpdatedAt: now, PublishedAt: now}
	if err := rig.App.SeedStories(context.Background(), []*story.Story{s}); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(heard, app.Event(app.PublicChanged{})) {
		t.Errorf("seeding published %v, want PublicChanged", heard)
	}
}
