package federation

import (
	"chorus/internal/fediverse"

	"bytes"
	"encoding/json"
)

// The ActivityStreams vocabulary as remote servers send it: a value may be
// a single item or an array, and a reference an id or an embedded object.

const (
	activityContext = "https://www.w3.org/ns/activitystreams"
	securityContext = "https://w3id.org/security/v1"
	publicAddress   = "https://www.w3.org/ns/activitystreams#Public"
	// ContentType is the media type of ActivityStreams documents we send.
	ContentType   = "application/activity+json"
	ldContentType = `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`
)

// ref is a reference to an object: its id, and the object when embedded.
type ref struct {
	ID     string
	Object json.RawMessage
}

func (r *ref) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	switch {
	case len(data) > 0 && data[0] == '"':
		return json.Unmarshal(data, &r.ID)
	case len(data) > 0 && data[0] == '{':
		var obj struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(data, &obj); err != nil {
			return err
		}
		r.ID, r.Object = obj.ID, append(json.RawMessage(nil), data...)
		return nil
	case len(data) > 0 && data[0] == '[':
		var items []ref
		if err := json.Unmarshal(data, &items); err != nil {
			return err
		}
		if len(items) > 0 {
			*r = items[0]
		}
		return nil
	}
	return nil // null or anything else: no reference
}

// refs is a list of references, sent as one or as an array.
type refs []ref

func (rs *refs) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '[' {
		var items []ref
		if err := json.Unmarshal(data, &items); err != nil {
			return err
		}
		*rs = items
		return nil
	}
	var one ref
	if err := one.UnmarshalJSON(data); err != nil {
		return err
	}
	if one.ID != "" {
		*rs = refs{one}
	}
	return nil
}

func (rs refs) has(id string) bool {
	for _, r := range rs {
		if r.ID == id {
			return true
		}
	}
	return false
}

// types is an object's type, one or several.
type types []string

func (t *types) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '[' {
		var many []string
		err := json.Unmarshal(data, &many)
		*t = many
		return err
	}
	var one string
	if err := json.Unmarshal(data, &one); err != nil {
		return err
	}
	*t = types{one}
	return nil
}

func (t types) is(name string) bool {
	for _, v := range t {
		if v == name {
			return true
		}
	}
	return false
}

// incoming is an activity or object received.
type incoming struct {
	ID           string            `json:"id"`
	Type         types             `json:"type"`
	Actor        ref               `json:"actor"`
	Object       ref               `json:"object"`
	To           refs              `json:"to"`
	Cc           refs              `json:"cc"`
	Content      string            `json:"content"`
	URL          ref               `json:"url"`
	Published    string            `json:"published"`
	AttributedTo ref               `json:"attributedTo"`
	Tag          []incomingTag     `json:"-"`
	RawTag       json.RawMessage   `json:"tag"`
	ContentMap   map[string]string `json:"contentMap"`
}

type incomingTag struct {
	Type types  `json:"type"`
	Name string `json:"name"`
}

func parseIncoming(data []byte) (*incoming, error) {
	var in incoming
	if err := json.Unmarshal(data, &in); err != nil {
		return nil, err
	}
	if len(in.RawTag) > 0 {
		raw := bytes.TrimSpace(in.RawTag)
		if len(raw) > 0 && raw[0] == '[' {
			_ = json.Unmarshal(raw, &in.Tag)
		} else {
			var one incomingTag
			if json.Unmarshal(raw, &one) == nil {
				in.Tag = []incomingTag{one}
			}
		}
	}
	return &in, nil
}

// public reports whether an object is addressed to the public.
func (in *incoming) public() bool {
	return in.To.has(publicAddress) || in.Cc.has(publicAddress) || in.To.has("as:Public") || in.To.has("Public")
}

// domainOf is the lower-cased host of a URL, without port.
func domainOf(rawURL string) string { return fediverse.Domain(rawURL) }
