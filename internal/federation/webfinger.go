package federation

import (
	"encoding/json"
	"net/http"
	"strings"

	"chorus/internal/outbound"
)

// writeJSON answers a document with its content type.
func writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "cannot encode", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.WriteHeader(status)
	w.Write(data)
}

// webfinger answers acct:stories@HOST (and the actor's URL) with a JRD.
func (f *Federation) webfinger(w http.ResponseWriter, r *http.Request) {
	resource := r.URL.Query().Get("resource")
	if resource == "" || len(resource) > 512 {
		http.Error(w, "resource is required", http.StatusBadRequest)
		return
	}
	subject := "acct:" + Username + "@" + f.host
	if !strings.EqualFold(resource, subject) && resource != f.actorURL() {
		http.Error(w, "no such account", http.StatusNotFound)
		return
	}
	writeJSON(w, http.StatusOK, "application/jrd+json", map[string]any{
		"subject": subject,
		"aliases": []string{f.actorURL()},
		"links": []map[string]string{
			{"rel": "self", "type": ContentType, "href": f.actorURL()},
			{"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": f.base + "/"},
		},
	})
}

// hostMeta points at WebFinger, for servers that look there first.
func (f *Federation) hostMeta(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/xrd+xml; charset=utf-8")
	w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?>
<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">
  <Link rel="lrdd" template="` + f.base + `/.well-known/webfinger?resource={uri}"/>
</XRD>
`))
}

func (f *Federation) nodeinfoLinks(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, "application/json", map[string]any{
		"links": []map[string]string{
			{"rel": "http://nodeinfo.diaspora.software/ns/schema/2.1", "href": f.base + "/nodeinfo/2.1"},
		},
	})
}

// nodeinfo describes the server (NodeInfo 2.1): one account, the
// campaign's, and no sign-ups.
func (f *Federation) nodeinfo(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, `application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.1#"`, map[string]any{
		"version": "2.1",
		"software": map[string]string{
			"name": "chorus", "version": outbound.Version(),
		},
		"protocols":         []string{"activitypub"},
		"services":          map[string][]string{"inbound": {}, "outbound": {}},
		"openRegistrations": false,
		"usage":             map[string]any{"users": map[string]int{"total": 1}},
		"metadata":          map[string]string{"nodeName": f.app.Campaign.Name},
	})
}
