package web

import (
	"html/template"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"chorus/internal/story"
)

// RenderText turns a storyteller's plain text into HTML paragraphs. Every
// character is escaped; links stay text; hashtags are isolated with <bdi>
// so a Latin tag reads correctly inside right-to-left text.
func RenderText(text string) template.HTML {
	var b strings.Builder
	for _, para := range strings.Split(text, "\n\n") {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		b.WriteString("<p>")
		for i, line := range strings.Split(para, "\n") {
			if i > 0 {
				b.WriteString("<br>")
			}
			writeIsolatingHashtags(&b, line)
		}
		b.WriteString("</p>\n")
	}
	return template.HTML(b.String())
}

// Isolate escapes one line of text, isolating hashtags, and web addresses
// as left-to-right runs, so that an address inside Arabic text keeps its
// slashes where they belong.
func Isolate(text string) template.HTML {
	var b strings.Builder
	for text != "" {
		start := urlStart(text)
		if start < 0 {
			writeIsolatingHashtags(&b, text)
			break
		}
		writeIsolatingHashtags(&b, text[:start])
		end := start + strings.IndexFunc(text[start:], unicode.IsSpace)
		if end < start {
			end = len(text)
		}
		b.WriteString(`<bdi dir="ltr">`)
		b.WriteString(template.HTMLEscapeString(text[start:end]))
		b.WriteString("</bdi>")
		text = text[end:]
	}
	return template.HTML(b.String())
}

// urlStart is the index of the first http or https address in text, or -1.
func urlStart(text string) int {
	i, j := strings.Index(text, "http://"), strings.Index(text, "https://")
	switch {
	case i < 0:
		return j
	case j < 0:
		return i
	}
	return min(i, j)
}

func writeIsolatingHashtags(b *strings.Builder, line string) {
	for {
		i := strings.IndexByte(line, '#')
		if i < 0 {
			b.WriteString(template.HTMLEscapeString(line))
			return
		}
		end := i + 1
		for end < len(line) {
			r, size := utf8.DecodeRuneInString(line[end:])
			if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || unicode.Is(unicode.Mn, r)) {
				break
			}
			end += size
		}
		b.WriteString(template.HTMLEscapeString(line[:i]))
		if end == i+1 {
			b.WriteString("#")
		} else {
			b.WriteString("<bdi>")
			b.WriteString(template.HTMLEscapeString(line[i:end]))
			b.WriteString("</bdi>")
		}
		line = line[end:]
	}
}

// Highlight escapes text and wraps the spans of one field in <mark>, each
// titled with its label, for the moderation queue. Overlapping or invalid
// spans are clipped, never trusted.
func Highlight(text, field string, spans []story.Span) template.HTML {
	var mine []story.Span
	for _, s := range spans {
		if s.Field == field && s.Start >= 0 && s.End <= len(text) && s.Start < s.End &&
			utf8.RuneStart(text[s.Start]) && (s.End == len(text) || utf8.RuneStart(text[s.End])) {
			mine = append(mine, s)
		}
	}
	sort.Slice(mine, func(i, j int) bool { return mine[i].Start < mine[j].Start })
	var b strings.Builder
	pos := 0
	for _, s := range mine {
		if s.Start < pos {
			continue
		}
		b.WriteString(template.HTMLEscapeString(text[pos:s.Start]))
		b.WriteString(`<mark class="signal-` + template.HTMLEscapeString(labelClass(s.Label)) + `" title="` + template.HTMLEscapeString(s.Label) + `">`)
		b.WriteString(template.HTMLEscapeString(text[s.Start:s.End]))
		b.WriteString("</mark>")
		pos = s.End
	}
	b.WriteString(template.HTMLEscapeString(text[pos:]))
	return template.HTML(strings.ReplaceAll(b.String(), "\n", "<br>"))
}

func labelClass(label string) string {
	var b strings.Builder
	for _, r := range label {
		if r >= 'a' && r <= 'z' || r == '_' {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "other"
	}
	return b.String()
}
