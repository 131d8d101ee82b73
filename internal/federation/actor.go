package federation

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"net/http"
	"strings"
	"sync"

	"chorus/internal/fediverse"
	"chorus/internal/story"
)

// wantsActivity tells a server asking for ActivityStreams from a browser.
func wantsActivity(r *http.Request) bool {
	accept := r.Header.Get("Accept")
	return strings.Contains(accept, "application/activity+json") || strings.Contains(accept, "application/ld+json")
}

// contentTypeFor answers in the form asked for.
func contentTypeFor(r *http.Request) string {
	if strings.Contains(r.Header.Get("Accept"), "application/ld+json") {
		return ldContentType
	}
	return ContentType
}

// actor serves the campaign actor; a browser is sent to the home page.
func (f *Federation) actor(w http.ResponseWriter, r *http.Request) {
	if !wantsActivity(r) {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	key, err := f.actorKey(r.Context())
	if err != nil {
		f.log.Error("federation: no actor key", "err", err)
		http.Error(w, "temporarily unavailable", http.StatusServiceUnavailable)
		return
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		http.Error(w, "temporarily unavailable", http.StatusServiceUnavailable)
		return
	}
	names, summaries := map[string]string{}, map[string]string{}
	for _, l := range f.catalog.Languages() {
		names[l.Code] = l.T("campaign.name")
		summaries[l.Code] = "<p>" + htmlEscape(l.T("federation.actor_summary")) + "</p>"
	}
	source := f.catalog.Languages()[0]
	writeJSON(w, http.StatusOK, contentTypeFor(r), map[string]any{
		"@context":                  []string{activityContext, securityContext},
		"id":                        f.actorURL(),
		"type":                      "Organization",
		"preferredUsername":         Username,
		"name":                      source.T("campaign.name"),
		"nameMap":                   names,
		"summary":                   summaries[source.Code],
		"summaryMap":                summaries,
		"url":                       f.base + "/",
		"icon":                      map[string]string{"type": "Image", "mediaType": "image/png", "url": f.actorURL() + "/icon.png"},
		"inbox":                     f.actorURL() + "/inbox",
		"outbox":                    f.actorURL() + "/outbox",
		"followers":                 f.actorURL() + "/followers",
		"following":                 f.actorURL() + "/following",
		"endpoints":                 map[string]string{"sharedInbox": f.base + sharedInboxPath},
		"manuallyApprovesFollowers": false,
		"discoverable":              true,
		"publicKey": map[string]string{
			"id":           f.keyID(),
			"owner":        f.actorURL(),
			"publicKeyPem": string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})),
		},
	})
}

var (
	iconOnce sync.Once
	iconPNG  []byte
)

// icon is the actor's avatar: the campaign's colours, drawn once, with no
// file to ship.
func (f *Federation) icon(w http.ResponseWriter, r *http.Request) {
	iconOnce.Do(func() {
		img := image.NewRGBA(image.Rect(0, 0, 400, 400))
		draw.Draw(img, img.Bounds(), &image.Uniform{color.RGBA{0x1d, 0x4e, 0x89, 0xff}}, image.Point{}, draw.Src)
		draw.Draw(img, image.Rect(100, 100, 300, 300), &image.Uniform{color.RGBA{0xf2, 0xa9, 0x00, 0xff}}, image.Point{}, draw.Src)
		var b bytes.Buffer
		_ = png.Encode(&b, img)
		iconPNG = b.Bytes()
	})
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Write(iconPNG)
}

// followers shows the count only: who follows the campaign is theirs to
// tell, not ours.
func (f *Federation) followers(w http.ResponseWriter, r *http.Request) {
	n, err := f.app.CountFollowers(r.Context())
	if err != nil {
		http.Error(w, "temporarily unavailable", http.StatusServiceUnavailable)
		return
	}
	writeJSON(w, http.StatusOK, contentTypeFor(r), map[string]any{
		"@context": activityContext, "id": f.actorURL() + "/followers", "type": "OrderedCollection", "totalItems": n,
	})
}

// following: the campaign follows nobody.
func (f *Federation) following(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, contentTypeFor(r), map[string]any{
		"@context": activityContext, "id": f.actorURL() + "/following", "type": "OrderedCollection",
		"totalItems": 0, "orderedItems": []string{},
	})
}

// outboxPage is how many stories one page of the outbox holds.
const outboxPage = 20

// outbox lists the published stories' Create activities, newest first,
// page by page.
func (f *Federation) outbox(w http.ResponseWriter, r *http.Request) {
	id := f.actorURL() + "/outbox"
	q := r.URL.Query()
	if q.Get("page") == "" {
		writeJSON(w, http.StatusOK, contentTypeFor(r), map[string]any{
			"@context": activityContext, "id": id, "type": "OrderedCollection", "first": id + "?page=1",
		})
		return
	}
	cursor := q.Get("cursor")
	if len(cursor) > 256 {
		http.Error(w, "bad cursor", http.StatusBadRequest)
		return
	}
	page, err := f.app.Stories(r.Context(), story.Filter{Cursor: cursor, Limit: outboxPage})
	if err != nil {
		var se *story.Error
		if errors.As(err, &se) {
			http.Error(w, "bad cursor", http.StatusBadRequest)
			return
		}
		http.Error(w, "temporarily unavailable", http.StatusServiceUnavailable)
		return
	}
	items := []any{}
	for _, s := range page.Stories {
		if !s.Consent.Social {
			continue
		}
		if ended, err := f.app.FederationEnded(r.Context(), s.ID); err != nil {
			http.Error(w, "temporarily unavailable", http.StatusServiceUnavailable)
			return
		} else if ended {
			continue
		}
		obj, err := f.storyObject(r.Context(), s)
		if err != nil {
			http.Error(w, "temporarily unavailable", http.StatusServiceUnavailable)
			return
		}
		items = append(items, f.activity(fediverse.ActivityCreate, s, obj))
	}
	self := id + "?page=1"
	if cursor != "" {
		self += "&cursor=" + urlQueryEscape(cursor)
	}
	doc := map[string]any{
		"@context": activityContext, "id": self, "type": "OrderedCollectionPage", "partOf": id, "orderedItems": items,
	}
	if page.NextCursor != "" {
		doc["next"] = id + "?page=1&cursor=" + urlQueryEscape(page.NextCursor)
	}
	writeJSON(w, http.StatusOK, contentTypeFor(r), doc)
}

// object serves a story as its Note or Article; once it was removed from
// the fediverse (withdrawn, redacted, consent withdrawn), 410 with its
// Tombstone.
func (f *Federation) object(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !wantsActivity(r) {
		s, err := f.app.PublicStory(r.Context(), id)
		if err == nil {
			http.Redirect(w, r, f.storyPage(s.Language, s.ID), http.StatusSeeOther)
			return
		}
	}
	s, state, err := f.federable(r.Context(), id)
	switch {
	case err != nil:
		http.Error(w, "temporarily unavailable", http.StatusServiceUnavailable)
	case state == storyGone:
		writeJSON(w, http.StatusGone, contentTypeFor(r), f.tombstone(id))
	case state == storyUnknown:
		http.Error(w, "not found", http.StatusNotFound)
	default:
		obj, err := f.storyObject(r.Context(), s)
		if err != nil {
			http.Error(w, "temporarily unavailable", http.StatusServiceUnavailable)
			return
		}
		obj["@context"] = activityContext
		writeJSON(w, http.StatusOK, contentTypeFor(r), obj)
		f.app.CountFederationView()
	}
}
