package web_test

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"chorus/internal/app"
	"chorus/internal/staff"
	"chorus/internal/story"
	"chorus/internal/testrig"
)

var languages = []string{"en", "fr", "ar"}

// TestStoryLifecycle follows one story from submission to withdrawal and
// checks every public surface, and the files on disk, at each step.
func TestStoryLifecycle(t *testing.T) {
	rig := testrig.New(t)
	const marker = "Zephyrinequartz"
	const translated = "Quenouillevrai" // a word only the French translation holds
	sub := testrig.Submission(marker)
	sub.Consent.Translate = true
	id, token := rig.Submit(sub)
	auth := map[string]string{"Authorization": "Bearer " + token}

	res := rig.UploadPhoto(id, token, "street.jpg", testrig.PhotoWithGPS(900, 600), "Our street in the snow")
	if res.Status != http.StatusOK {
		t.Fatalf("photo upload: %d %s", res.Status, res.Body)
	}
	var own struct {
		Status string
		Photo  struct {
			Sizes map[string]struct{ URL string }
		}
	}
	res.JSON(t, &own)
	if own.Status != "pending" || len(own.Photo.Sizes) != 2 {
		t.Fatalf("submission after photo: %s", res.Body)
	}
	storedPhotos := testrig.FilesContaining(t, rig.MediaDir, []byte{0xFF, 0xD8})
	if len(storedPhotos) != 2 {
		t.Fatalf("want 2 stored renditions, got %v", storedPhotos)
	}
	for _, path := range storedPhotos {
		data, _ := os.ReadFile(path)
		for _, leak := range [][]byte{[]byte(testrig.PhotoMarker), testrig.GPSBytes(), []byte("Exif")} {
			if bytes.Contains(data, leak) {
				t.Fatalf("stored photo %s still carries %q", filepath.Base(path), leak)
			}
		}
	}

	t.Run("pending is not public", func(t *testing.T) {
		for _, lang := range languages {
			if got := rig.Do("GET", "/"+lang+"/stories/"+id, nil, nil).Status; got != http.StatusNotFound {
				t.Errorf("%s page of a pending story: %d", lang, got)
			}
			if body := rig.Do("GET", "/"+lang+"/stories?q="+marker, nil, nil).Body; bytes.Contains(body, []byte("/stories/"+id)) {
				t.Errorf("%s search shows a pending story", lang)
			}
		}
		if got := rig.Do("GET", "/api/v1/stories/"+id, nil, nil).Status; got != http.StatusNotFound {
			t.Errorf("API of a pending story: %d", got)
		}
		if body := rig.Do("GET", "/api/v1/stories", nil, nil).Body; bytes.Contains(body, []byte(marker)) {
			t.Error("API list shows a pending story")
		}
		for _, size := range own.Photo.Sizes {
			file := size.URL[strings.LastIndexByte(size.URL, '/')+1:]
			if got := rig.Do("GET", "/media/"+id+"/"+file, nil, nil).Status; got != http.StatusNotFound {
				t.Errorf("public photo of a pending story: %d", got)
			}
		}
		if got := rig.Do("GET", "/api/v1/submissions/"+id, nil, nil).Status; got != http.StatusUnauthorized {
			t.Errorf("own view without token: %d", got)
		}
		if got := rig.Do("GET", "/api/v1/submissions/"+id, nil, map[string]string{"Authorization": "Bearer " + token + "x"}).Status; got != http.StatusUnauthorized {
			t.Errorf("own view with a wrong token: %d", got)
		}
	})

	_, staffToken := rig.Staff("moderator@example.org", staff.RoleModerator)
	staffAuth := map[string]string{"Authorization": "Bearer " + staffToken}
	res = rig.Do("GET", "/api/v1/moderation/queue", nil, staffAuth)
	if res.Status != http.StatusOK || !bytes.Contains(res.Body, []byte(id)) {
		t.Fatalf("queue: %d %s", res.Status, res.Body)
	}
	res = rig.Do("POST", "/api/v1/moderation/items/"+id+"/decision", map[string]string{"decision": "approve"}, staffAuth)
	if res.Status != http.StatusOK {
		t.Fatalf("approve: %d %s", res.Status, res.Body)
	}

	var photoURLs []string
	t.Run("published is public everywhere", func(t *testing.T) {
		for _, lang := range languages {
			page := rig.Do("GET", "/"+lang+"/stories/"+id, nil, nil)
			if page.Status != http.StatusOK || !bytes.Contains(page.Body, []byte(sub.Title)) {
				t.Errorf("%s page: %d", lang, page.Status)
			}
			if list := rig.Do("GET", "/"+lang+"/stories", nil, nil); !bytes.Contains(list.Body, []byte(sub.Title)) {
				t.Errorf("%s list lacks the story", lang)
			}
			if found := rig.Do("GET", "/"+lang+"/stories?q="+strings.ToLower(marker), nil, nil); !bytes.Contains(found.Body, []byte(sub.Title)) {
				t.Errorf("%s search does not find the story", lang)
			}
		}
		var apiStory struct {
			ID, Title, Body, Language, URL string
			Photo                          struct {
				Sizes map[string]struct{ URL string }
			}
		}
		res := rig.Do("GET", "/api/v1/stories/"+id, nil, nil)
		res.JSON(t, &apiStory)
		if apiStory.ID != id || apiStory.Title != sub.Title || apiStory.URL != rig.URL+"/en/stories/"+id || len(apiStory.Photo.Sizes) != 2 {
			t.Fatalf("API story: %s", res.Body)
		}
		for _, size := range apiStory.Photo.Sizes {
			photoURLs = append(photoURLs, strings.TrimPrefix(size.URL, rig.URL))
			photo := rig.Do("GET", strings.TrimPrefix(size.URL, rig.URL), nil, nil)
			if photo.Status != http.StatusOK || photo.Header.Get("Content-Type") != "image/jpeg" {
				t.Fatalf("photo %s: %d", size.URL, photo.Status)
			}
			if bytes.Contains(photo.Body, testrig.GPSBytes()) || bytes.Contains(photo.Body, []byte(testrig.PhotoMarker)) {
				t.Fatal("served photo carries its metadata")
			}
		}
		if list := rig.Do("GET", "/api/v1/stories?q="+marker, nil, nil); !bytes.Contains(list.Body, []byte(id)) {
			t.Errorf("API search does not find the story: %s", list.Body)
		}
	})

	t.Run("a reviewed translation is public", func(t *testing.T) {
		ctx := context.Background()
		translator, _ := rig.Staff("translator@example.org", staff.RoleTranslator)
		reviewer, _ := rig.Staff("reviewer@example.org", staff.RoleModerator)
		edit := app.StoryTranslationEdit{Text: story.TranslationText{Title: "Notre premier hiver " + translated,
			Body: "Nous sommes arrivés en janvier chez " + translated + ".", Credit: "Léa " + translated}}
		if _, err := rig.App.SaveStoryTranslation(ctx, translator, id, "fr", edit); err != nil {
			t.Fatal(err)
		}
		if err := rig.App.PublishTranslation(ctx, reviewer, id, "fr"); err != nil {
			t.Fatal(err)
		}
		if page := rig.Do("GET", "/fr/stories/"+id, nil, nil); !bytes.Contains(page.Body, []byte("chez "+translated)) {
			t.Errorf("French page lacks the translation: %d", page.Status)
		}
	})

	res = rig.Do("DELETE", "/api/v1/stories/"+id, nil, auth)
	if res.Status != http.StatusOK {
		t.Fatalf("withdraw: %d %s", res.Status, res.Body)
	}

	t.Run("withdrawn is gone everywhere", func(t *testing.T) {
		for _, lang := range languages {
			if got := rig.Do("GET", "/"+lang+"/stories/"+id, nil, nil).Status; got != http.StatusGone {
				t.Errorf("%s page after withdrawal: %d", lang, got)
			}
			if body := rig.Do("GET", "/"+lang+"/stories", nil, nil).Body; bytes.Contains(body, []byte(marker)) {
				t.Errorf("%s list still shows the story", lang)
			}
			if body := rig.Do("GET", "/"+lang+"/stories?q="+marker, nil, nil).Body; bytes.Contains(body, []byte("/stories/"+id)) {
				t.Errorf("%s search still finds the story", lang)
			}
		}
		if got := rig.Do("GET", "/api/v1/stories/"+id, nil, nil).Status; got != http.StatusGone {
			t.Errorf("API after withdrawal: %d", got)
		}
		if got := rig.Do("GET", "/fr/stories/"+id+"/original", nil, nil).Status; got != http.StatusGone {
			t.Errorf("original view after withdrawal: %d", got)
		}
		if left, _ := rig.Store.StoryTranslations(context.Background(), []string{id}, ""); len(left) != 0 {
			t.Errorf("translations outlive the withdrawal: %d", len(left))
		}
		for _, u := range photoURLs {
			if got := rig.Do("GET", u, nil, nil).Status; got != http.StatusGone {
				t.Errorf("photo after withdrawal: %d", got)
			}
		}
		var own struct{ Status, Title, Body, DisplayName string }
		rig.Do("GET", "/api/v1/submissions/"+id, nil, auth).JSON(t, &own)
		if own.Status != "withdrawn" || own.Title != "" || own.Body != "" {
			t.Errorf("tombstone keeps content: %+v", own)
		}
		if again := rig.Do("DELETE", "/api/v1/stories/"+id, nil, auth); again.Status != http.StatusOK {
			t.Errorf("withdrawing twice: %d", again.Status)
		}
	})

	t.Run("personal data is erased from disk", func(t *testing.T) {
		for _, needle := range []string{marker, strings.ToLower(marker), "Our street in the snow", sub.ContactEmail, translated, strings.ToLower(translated)} {
			if files := testrig.FilesContaining(t, rig.DataDir, []byte(needle)); len(files) > 0 {
				t.Errorf("%q still in %v", needle, files)
			}
		}
		if files := testrig.FilesContaining(t, rig.MediaDir, []byte{0xFF, 0xD8}); len(files) > 0 {
			t.Errorf("photo files remain: %v", files)
		}
		if !testrig.Postgres() {
			// The byte scan above is only meaningful if the database is there.
			if _, err := os.Stat(filepath.Join(rig.DataDir, "chorus.db")); err != nil {
				t.Fatalf("database file missing: %v", err)
			}
		}
		entries, err := rig.Store.Audit(context.Background(), id)
		if err != nil || len(entries) < 3 {
			t.Fatalf("audit log lost entries: %v %+v", err, entries)
		}
		if last := entries[len(entries)-1]; last.Action != "withdraw" {
			t.Errorf("last audit entry %q, want withdraw", last.Action)
		}
	})
}
