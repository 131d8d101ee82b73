package federation

import (
	"html"
	"strings"
)

// plainText turns a post's HTML into its text: tags dropped, paragraphs
// and line breaks kept as new lines, entities decoded.
func plainText(s string) string {
	var b strings.Builder
	for len(s) > 0 {
		lt := strings.IndexByte(s, '<')
		if lt < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:lt])
		gt := strings.IndexByte(s[lt:], '>')
		if gt < 0 {
			break
		}
		tag := strings.ToLower(s[lt+1 : lt+gt])
		if strings.HasPrefix(tag, "br") || strings.HasPrefix(tag, "/p") {
			b.WriteByte('\n')
		}
		s = s[lt+gt+1:]
	}
	return strings.TrimSpace(html.UnescapeString(b.String()))
}
