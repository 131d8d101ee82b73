package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"chorus/internal/staff"
	"chorus/internal/story"
	"chorus/internal/testrig"
)

// xssPayloads are classic injection attempts; none may become markup.
var xssPayloads = []string{
	`<script>alert("x")</script>`,
	`"><img src=x onerror=alert(1)>`,
	`'><svg/onload=alert(1)>`,
	`javascript:alert(1)`,
	`</textarea><script>alert(1)</script>`,
	`</title><script>alert(1)</script>`,
	`<a href="javascript:alert(1)">click</a>`,
	`{{.}}{{template "x"}}`,
	"<iframe srcdoc='<script>alert(1)</script>'>",
	`<style>body{display:none}</style>`,
	"\u202e<b>reversed</b>",
	`#<img src=x onerror=alert(1)>`,
}

// TestNoInjectionThroughAnyField puts every payload into every text field a
// storyteller or moderator controls, then parses every page that shows
// them and fails on any element or attribute that the templates do not
// write themselves.
func TestNoInjectionThroughAnyField(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	moderator := rig.SignedIn("mod@example.org", staff.RoleModerator)
	modUser, _ := rig.Store.UserByEmail(ctx, "mod@example.org")
	var pages []string
	for i, p := range xssPayloads {
		sub := story.Submission{Title: "T " + p, Body: "Body of the story " + p + "\n\n" + p, Language: "en", Country: "CA",
			City: p, Themes: []string{"work"}, Identity: story.IdentityMigrant, DisplayName: p, Consent: story.Consent{Publish: true}}
		id, token := rig.Submit(sub)
		if res := rig.UploadPhoto(id, token, p+".jpg", testrig.PhotoWithGPS(64, 48), p); res.Status != http.StatusOK {
			t.Fatalf("photo with payload alt: %d %s", res.Status, res.Body)
		}
		pages = append(pages, "/en/my/"+id+"/"+token, "/ar/my/"+id+"/"+token)
		if i%2 == 0 {
			if _, err := rig.App.Decide(ctx, modUser, id, appDecision(true, "", p)); err != nil {
				t.Fatal(err)
			}
			pages = append(pages, "/en/stories/"+id, "/fr/stories/"+id)
		} else {
			if _, err := rig.App.Decide(ctx, modUser, id, appDecision(false, "other", p)); err != nil {
				t.Fatal(err)
			}
		}
	}
	rig.Submit(story.Submission{Title: "Pending " + xssPayloads[0], Body: "Waiting in the queue " + xssPayloads[1], Language: "fr", Country: "FR",
		Identity: story.IdentityOther, Anonymous: true, Consent: story.Consent{Publish: true}})
	pages = append(pages, "/en/", "/en/stories", "/en/stories?q="+url.QueryEscape(xssPayloads[0]), "/fr/stories?country=%22%3E%3Cscript%3E")
	for _, p := range pages {
		res := rig.Do("GET", p, nil, nil)
		checkNoInjection(t, p, res.Body)
	}
	queue := moderator.Get("/en/staff/queue")
	checkNoInjection(t, "queue", queue.Body)
	checkNoInjection(t, "published list", moderator.Get("/en/staff/published").Body)

	// The share form re-displays what was typed when it has errors.
	b := rig.Browser()
	csrf := testrig.CSRF(t, b.Get("/en/share"))
	form := url.Values{"csrf": {csrf}, "title": {xssPayloads[0]}, "body": {xssPayloads[4]}, "city": {xssPayloads[1]},
		"display_name": {xssPayloads[2]}, "contact_email": {xssPayloads[3]}, "alt": {xssPayloads[5]}, "language": {`"><script>`}}
	res := b.PostForm("/en/share", form)
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("invalid form: %d", res.Status)
	}
	checkNoInjection(t, "share form with errors", res.Body)
}

// written lists the attributes the templates write; anything else, and any
// event handler or script URL, means user text became markup.
var written = map[string]bool{
	"lang": true, "dir": true, "charset": true, "name": true, "content": true, "rel": true, "href": true, "hreflang": true,
	"class": true, "id": true, "aria-label": true, "aria-current": true, "aria-labelledby": true, "aria-describedby": true,
	"aria-invalid": true, "aria-live": true, "tabindex": true, "role": true, "method": true, "action": true, "enctype": true,
	"type": true, "value": true, "for": true, "required": true, "maxlength": true, "minlength": true, "rows": true,
	"selected": true, "checked": true, "src": true, "alt": true, "width": true, "height": true, "loading": true,
	"property": true, "datetime": true, "readonly": true, "accept": true, "autocomplete": true, "inputmode": true,
	"pattern": true, "title": true, "scope": true, "defer": true, "data-events": true, "data-message": true, "data-reload": true,
	"target": true, "spellcheck": true, "placeholder": true, "hidden": true, "data-text": true, "data-url": true, "data-copied": true,
	"data-copy": true, "download": true,
	// the campaign mark and QR codes: inline SVG drawn by the templates and package qr
	"xmlns": true, "viewbox": true, "shape-rendering": true, "aria-hidden": true, "focusable": true,
	"cx": true, "cy": true, "r": true, "fill": true, "d": true,
}

var elements = map[string]bool{
	"html": true, "head": true, "meta": true, "title": true, "link": true, "body": true, "a": true, "header": true, "div": true,
	"nav": true, "ul": true, "li": true, "details": true, "summary": true, "form": true, "input": true, "button": true, "main": true,
	"footer": true, "p": true, "bdi": true, "h1": true, "h2": true, "h3": true, "section": true, "img": true, "span": true,
	"article": true, "figure": true, "figcaption": true, "time": true, "br": true, "label": true, "select": true, "option": true,
	"textarea": true, "fieldset": true, "legend": true, "strong": true, "blockquote": true, "mark": true, "small": true,
	"ol": true, "table": true, "thead": true, "tbody": true, "tr": true, "th": true, "td": true, "code": true,
	"q": true, "dl": true, "dt": true, "dd": true,
	"svg": true, "circle": true, "path": true, "rect": true,
}

func checkNoInjection(t *testing.T, page string, body []byte) {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(string(body)))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return
		case html.StartTagToken, html.SelfClosingTagToken:
			raw := string(z.Raw())
			name, more := z.TagName()
			ownScript := string(name) == "script" && (strings.Contains(raw, ` src="/static/queue.`) || strings.Contains(raw, ` src="/static/share.`) ||
				strings.Contains(raw, ` src="/static/private.`) || raw == `<script type="application/ld+json">`)
			if !elements[string(name)] && !ownScript {
				t.Errorf("%s: unexpected element <%s>", page, name)
			}
			for more {
				var key, val []byte
				key, val, more = z.TagAttr()
				k := string(key)
				if !written[k] || strings.HasPrefix(k, "on") {
					t.Errorf("%s: unexpected attribute %s=%q on <%s>", page, k, val, name)
				}
				if (k == "href" || k == "src" || k == "action") && strings.HasPrefix(strings.ToLower(strings.TrimSpace(string(val))), "javascript:") {
					t.Errorf("%s: script URL in %s", page, k)
				}
			}
		}
	}
}
