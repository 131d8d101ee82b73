package paths

import "strings"

// PostImagePath is where a social post's kept image is served; key is its
// media key, "posts/ID/N.jpg".
func PostImagePath(key string) string {
	parts := strings.Split(key, "/")
	for i := range parts {
		parts[i] = seg(parts[i])
	}
	return "/media/" + strings.Join(parts, "/")
}

// SharePath is the share form, where a post's author is invited to tell
// the full story.
func SharePath(lang string) string { return "/" + seg(lang) + "/share" }
