package paths

import "testing"

func TestPaths(t *testing.T) {
	for got, want := range map[string]string{
		HomePath("fa-AF"):                  "/fa-AF/",
		StoryPath("ar", "s0123abc"):        "/ar/stories/s0123abc",
		OriginalStoryPath("fr", "s1"):      "/fr/stories/s1/original",
		StoryCardPath("en", "s1", "og"):    "/en/stories/s1/card/og.png",
		ToolkitCardPath("fr", 2, "square"): "/fr/toolkit/cards/2-square.png",
		VoiceCardPath("ar", "s1", "story"): "/ar/toolkit/voices/s1-story.png",
		PhotoPath("s1", "large.jpg"):       "/media/s1/large.jpg",
		PhotosPath("s1"):                   "/media/s1/",
		StaffPhotoPath("s1", "list.jpg"):   "/staff/media/s1/list.jpg",
		StaffPhotosPath("s1"):              "/staff/media/s1/",
		PhotoFile("photos/s1/large.jpg"):   "large.jpg",
		PhotoFile("large.jpg"):             "large.jpg",
		StoryPath("en", "../admin?x=1"):    "/en/stories/..%2Fadmin%3Fx=1",
		PhotoPath("s1", "a/b"):             "/media/s1/a%2Fb",
	} {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}
