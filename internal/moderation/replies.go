package moderation

import (
	_ "embed"
	"encoding/json"
	"strings"

	"chorus/internal/story"
)

// Reply is a counter-narrative or myth/fact pair to answer hate with, and
// the source that backs it.
type Reply struct {
	ID       string   `json:"id"`
	Language string   `json:"language"`
	Groups   []string `json:"groups"` // target groups it answers; empty: any
	Kind     string   `json:"kind"`   // "myth_fact" or "narrative"
	Myth     string   `json:"myth,omitempty"`
	Text     string   `json:"text"`
	Source   Source   `json:"source"`
}

// Source names the organisation and publication a reply relies on.
type Source struct {
	Organisation string `json:"organisation"`
	Title        string `json:"title"`
	URL          string `json:"url"`
}

//go:embed replies/replies.json
var repliesJSON []byte

// ParseReplies decodes a replies file, so that an edited copy can replace
// the embedded one.
func ParseReplies(data []byte) ([]Reply, error) {
	var r []Reply
	err := json.Unmarshal(data, &r)
	return r, err
}

var defaultReplies = func() []Reply {
	r, err := ParseReplies(repliesJSON)
	if err != nil {
		panic(err)
	}
	return r
}()

// Replies returns the embedded counter-speech library.
func Replies() []Reply { return append([]Reply(nil), defaultReplies...) }

// SuggestReply picks a reply in language for the target group named by the
// hate signal; a reply for that group is preferred to a general one. It
// returns false when the signals show no hate or no reply fits.
func SuggestReply(language string, signals []story.Signal) (Reply, bool) {
	return suggestReply(defaultReplies, language, signals)
}

func suggestReply(replies []Reply, language string, signals []story.Signal) (Reply, bool) {
	var hate *story.Signal
	for i := range signals {
		if signals[i].Kind == story.SignalHate {
			hate = &signals[i]
		}
	}
	if hate == nil || hate.Score < DefaultPolicy.ApproveBelow {
		return Reply{}, false
	}
	groups := strings.Split(strings.TrimPrefix(hate.Detail, "target: "), ", ")
	lang := baseLang(language)
	var general *Reply
	for i := range replies {
		r := &replies[i]
		if r.Language != lang {
			continue
		}
		if len(r.Groups) == 0 {
			if general == nil {
				general = r
			}
			continue
		}
		for _, g := range r.Groups {
			for _, want := range groups {
				if g == want {
					return *r, true
				}
			}
		}
	}
	if general != nil {
		return *general, true
	}
	return Reply{}, false
}
