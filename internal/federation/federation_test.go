package federation

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"chorus/internal/analytics"
	"chorus/internal/app"
	"chorus/internal/fediverse"
	"chorus/internal/outbound/outboundtest"
	"chorus/internal/staff"
	"chorus/internal/storage"
	"chorus/internal/story"
	"chorus/internal/testrig"
)

// TestFollowThenCreateUpdateDelete: a second server discovers the actor,
// follows it, and receives the Accept, then Create, Update and Delete of a
// story, each signed and digested as Mastodon checks them.
func TestFollowThenCreateUpdateDelete(t *testing.T) {
	s := newSite(t)
	remote := newRemoteServer(t, "alice")
	s.follow(t, remote)

	id, token := s.publish(t, "Federated")
	object := s.URL + objectPrefix + id
	create := remote.waitFor("Create", object, 30*time.Second)
	note := create["object"].(map[string]any)
	content, _ := note["content"].(string)
	if !strings.Contains(content, "Our first winter Federated") || !strings.Contains(content, "#<span>ItTakesaCommunity</span>") {
		t.Errorf("content: %s", content)
	}
	if note["attributedTo"] != s.URL+actorPath || note["url"] != s.URL+"/en/stories/"+id {
		t.Errorf("note: %v", note)
	}
	if cm, _ := note["contentMap"].(map[string]any); cm["en"] == nil {
		t.Errorf("contentMap: %v", note["contentMap"])
	}
	var hashtags []string
	for _, tag := range note["tag"].([]any) {
		hashtags = append(hashtags, tag.(map[string]any)["name"].(string))
	}
	if strings.Join(hashtags, " ") != "#ItTakesaCommunity #arrival #community" {
		t.Errorf("hashtags: %v", hashtags)
	}
	if status, _ := s.get(t, objectPrefix+id); status != http.StatusOK {
		t.Errorf("object: %d", status)
	}

	// A published translation updates the copies.
	ctx := context.Background()
	translator, _ := s.Staff("translator@example.org", staff.RoleTranslator)
	if _, err := s.App.SaveStoryTranslation(ctx, translator, id, "fr", app.StoryTranslationEdit{
		Text: story.TranslationText{Title: "Notre premier hiver", Body: "Nous sommes arrivés en janvier.", Credit: "Léa"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.App.PublishTranslation(ctx, s.moderator(t), id, "fr"); err != nil {
		t.Fatal(err)
	}
	update := remote.waitFor("Update", object, 30*time.Second)
	if cm, _ := update["object"].(map[string]any)["contentMap"].(map[string]any); cm["fr"] == nil {
		t.Errorf("update without the translation: %v", update["object"])
	}

	if err := s.App.Withdraw(ctx, id, token, ""); err != nil {
		t.Fatal(err)
	}
	del := remote.waitFor("Delete", object, 30*time.Second)
	if del["object"].(map[string]any)["type"] != "Tombstone" {
		t.Errorf("delete: %v", del)
	}
	if status, doc := s.get(t, objectPrefix+id); status != http.StatusGone || doc["type"] != "Tombstone" {
		t.Errorf("withdrawn object: %d %v", status, doc)
	}
}

// TestDeliveryRetriedWhenTheFollowerIsDown: the follower's server answers
// 500 at first; the Accept and the story still arrive.
func TestDeliveryRetriedWhenTheFollowerIsDown(t *testing.T) {
	s := newSite(t)
	remote := newRemoteServer(t, "bob")
	remote.failing.Store(1)
	s.follow(t, remote)
	remote.failing.Store(1)
	id, _ := s.publish(t, "Retried")
	remote.waitFor("Create", s.URL+objectPrefix+id, 60*time.Second)
	if got := remote.failing.Load(); got >= 0 {
		t.Errorf("the server did not refuse a first delivery (%d left)", got)
	}
	waitDeliveries(t, s, id, "delivered", 1)
}

// waitDeliveries waits until n of a story's deliveries are in a state.
func waitDeliveries(t *testing.T, s *site, id, state string, n int) {
	t.Helper()
	admin, _ := s.Staff("admin-"+id+"@example.org", staff.RoleAdmin)
	deadline := time.Now().Add(30 * time.Second)
	for {
		fed, err := s.App.StoryFederation(context.Background(), admin, id)
		if err != nil {
			t.Fatal(err)
		}
		count := 0
		for _, d := range fed.Deliveries {
			if string(d.State) == state {
				count++
			}
		}
		if count == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("deliveries of %s: %+v, want %d %s", id, fed.Deliveries, n, state)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestWithdrawalReachesEveryFollower: a story delivered to three
// followers on three servers is deleted on all three when withdrawn.
func TestWithdrawalReachesEveryFollower(t *testing.T) {
	s := newSite(t)
	remotes := []*remoteServer{newRemoteServer(t, "ana"), newRemoteServer(t, "ben"), newRemoteServer(t, "chloe")}
	for _, r := range remotes {
		s.follow(t, r)
	}
	id, token := s.publish(t, "Three")
	object := s.URL + objectPrefix + id
	for _, r := range remotes {
		r.waitFor("Create", object, 30*time.Second)
	}
	waitDeliveries(t, s, id, "delivered", 3)
	if err := s.App.Withdraw(context.Background(), id, token, "safety"); err != nil {
		t.Fatal(err)
	}
	for _, r := range remotes {
		r.waitFor("Delete", object, 30*time.Second)
	}
	if status, _ := s.get(t, objectPrefix+id); status != http.StatusGone {
		t.Errorf("object after withdrawal: %d, want 410", status)
	}
}

// TestStoryObject: a long story goes out as an Article with its title as
// name, its photo as an Image with its alt text, its text escaped.
func TestStoryObject(t *testing.T) {
	s := newSite(t)
	at := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	long := &story.Story{ID: "abc", Title: "A <b>title</b>", Body: strings.Repeat("Words & more words. ", 40) + "\n\nSecond <script>x</script>",
		Language: "fr", Themes: []string{"work"}, Status: story.StatusPublished, PublishedAt: at, UpdatedAt: at,
		Consent: story.Consent{Publish: true, Social: true},
		Photo:   &story.Photo{Alt: "a street in snow", Sizes: []story.PhotoSize{{Name: "list", Key: "p/abc/list.webp", Width: 400, Height: 300}, {Name: "page", Key: "p/abc/page.webp", Width: 1200, Height: 900}}}}
	obj, err := s.fed.storyObject(context.Background(), long)
	if err != nil {
		t.Fatal(err)
	}
	if obj["type"] != "Article" || obj["name"] != "A <b>title</b>" || obj["url"] != s.URL+"/fr/stories/abc" {
		t.Errorf("article: %v", obj)
	}
	content := obj["content"].(string)
	if strings.Contains(content, "<script>") || !strings.Contains(content, "&lt;script&gt;") || strings.Count(content, "<p>") != 4 {
		t.Errorf("content: %s", content)
	}
	image := obj["attachment"].([]map[string]any)[0]
	if image["type"] != "Image" || image["name"] != "a street in snow" || image["url"] != s.URL+"/media/abc/page.webp" || image["mediaType"] != "image/webp" {
		t.Errorf("image: %v", image)
	}
	short := *long
	short.Body, short.Photo = "A short story of our first winter.", nil
	obj, _ = s.fed.storyObject(context.Background(), &short)
	if obj["type"] != "Note" || obj["name"] != nil || !strings.Contains(obj["content"].(string), "<strong>A &lt;b&gt;title&lt;/b&gt;</strong>") {
		t.Errorf("note: %v", obj)
	}
}

// TestNoSocialConsentNeverFederated: a story whose author refused social
// sharing is not sent, and its object is not served.
func TestNoSocialConsentNeverFederated(t *testing.T) {
	s := newSite(t)
	remote := newRemoteServer(t, "eve")
	s.follow(t, remote)
	sub := testrig.Submission("Private")
	sub.Consent.Social = false
	id, _ := s.Submit(sub)
	if _, err := s.App.Decide(context.Background(), s.moderator(t), id, app.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}
	shared, _ := s.publish(t, "Shared")
	remote.waitFor("Create", s.URL+objectPrefix+shared, 30*time.Second)
	remote.mu.Lock()
	for _, got := range remote.received {
		if strings.Contains(objectIDOf(got.Doc), id) {
			t.Errorf("a story without social consent was sent: %v", got.Doc)
		}
	}
	remote.mu.Unlock()
	if status, _ := s.get(t, objectPrefix+id); status != http.StatusNotFound {
		t.Errorf("its object: %d, want 404", status)
	}
	admin, _ := s.Staff("admin@example.org", staff.RoleAdmin)
	if fed, err := s.App.StoryFederation(context.Background(), admin, id); err != nil || len(fed.Deliveries) != 0 {
		t.Errorf("deliveries queued: %+v, %v", fed.Deliveries, err)
	}
}

// TestHangingServerDoesNotHoldUpOthers: a follower's server that never
// answers does not keep the story from the others: it arrives there while
// the hanging delivery is still waiting.
func TestHangingServerDoesNotHoldUpOthers(t *testing.T) {
	s := newSite(t)
	hanging := outboundtest.HangingServer(t)
	ctx := context.Background()
	if err := s.Store.WithTx(ctx, func(tx storage.Tx) error {
		return tx.PutFollower(ctx, fediverse.Follower{ActorID: hanging.URL + "/users/stuck", Inbox: hanging.URL + "/users/stuck/inbox", FollowedAt: time.Now()})
	}); err != nil {
		t.Fatal(err)
	}
	remote := newRemoteServer(t, "fine")
	s.follow(t, remote)
	id, _ := s.publish(t, "Hanging")
	remote.waitFor("Create", s.URL+objectPrefix+id, 30*time.Second)
	admin, _ := s.Staff("admin@example.org", staff.RoleAdmin)
	fed, err := s.App.StoryFederation(ctx, admin, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range fed.Deliveries {
		if strings.HasPrefix(d.Inbox, hanging.URL) && (d.State != fediverse.DeliveryPending || d.Attempts > 0) {
			t.Errorf("the hanging server's delivery ended before the other arrived: %+v", d)
		}
	}
}

// TestFederationViewsCounted: a story delivered to a follower's server and
// a server fetching it count as views through the federation channel, and
// neither counts as a visitor.
func TestFederationViewsCounted(t *testing.T) {
	s := newSite(t)
	remote := newRemoteServer(t, "alice")
	s.follow(t, remote)
	id, _ := s.publish(t, "Counted")
	remote.waitFor("Create", s.URL+objectPrefix+id, 30*time.Second)
	if status, _ := s.get(t, objectPrefix+id); status != http.StatusOK {
		t.Fatalf("object: %d", status)
	}
	ctx := context.Background()
	var views []storage.Tally
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if err := s.App.FlushAnalytics(ctx); err != nil {
			t.Fatal(err)
		}
		var err error
		if views, err = s.Store.DailyCounts(ctx, analytics.MetricView, ""); err != nil {
			t.Fatal(err)
		}
		if len(views) == 1 && views[0].Count == 2 {
			break
		}
	}
	if len(views) != 1 || views[0] != (storage.Tally{Label: string(analytics.Federation), Count: 2}) {
		t.Errorf("views: %v, want the delivery and the fetch through the federation", views)
	}
	if visitors, err := s.Store.DailySeries(ctx, analytics.MetricVisitors, ""); err != nil || len(visitors) != 0 {
		t.Errorf("visitors: %v %v, want none", visitors, err)
	}
}
