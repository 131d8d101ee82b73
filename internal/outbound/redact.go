package outbound

import "strings"

// RedactURL hides the user information of a URL (a database, media store
// or service URL), so it can be logged or shown in an error. It cuts up to
// the last '@', so a secret holding a raw '/', '?' or '@' is hidden too.
func RedactURL(rawURL string) string {
	scheme := strings.Index(rawURL, "://")
	at := strings.LastIndex(rawURL, "@")
	if scheme < 0 || at < scheme {
		return rawURL
	}
	return rawURL[:scheme+3] + "…" + rawURL[at:]
}
