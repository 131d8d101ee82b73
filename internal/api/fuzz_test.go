package api

import (
	"bytes"
	"errors"
	"testing"

	"chorus/internal/story"
)

// FuzzDecodeSubmission feeds arbitrary bodies to the submission decoder:
// it must never panic, and must either refuse with a domain error or return
// a submission that survives normalisation and validation without panicking.
func FuzzDecodeSubmission(f *testing.F) {
	f.Add([]byte(`{"title":"Winter","body":"We arrived in January and our neighbours helped.","language":"en","country":"CA","identity":"refugee","anonymous":true,"consent":{"publish":true}}`))
	f.Add([]byte(`{"title":5}`))
	f.Add([]byte(`{"themes":["a","b","c","d","e","f"],"consent":{"publish":"yes"}}`))
	f.Add([]byte(`{"title":"\u202e\u0000<script>","body":"\ud800"}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"title":"a"} trailing`))
	rules := story.Rules{Languages: []string{"en", "fr", "ar"}, Themes: []string{"work", "family"}}
	f.Fuzz(func(t *testing.T, body []byte) {
		sub, err := DecodeSubmission(bytes.NewReader(body))
		if err != nil {
			var de *story.Error
			if !errors.As(err, &de) {
				t.Fatalf("non-domain error %T: %v", err, err)
			}
			return
		}
		sub.Normalize()
		if err := sub.Validate(rules); err == nil {
			if sub.Title == "" || !sub.Consent.Publish {
				t.Fatalf("invalid submission accepted: %+v", sub)
			}
		}
	})
}

// FuzzDecodePost feeds arbitrary bodies to the social post decoder, the
// edge where connectors hand over text from anyone on the networks.
func FuzzDecodePost(f *testing.F) {
	f.Add([]byte(`{"network":"mastodon","source_id":"1","url":"https://social.example/@a/1","author":"@a","text":"Welcome #ItTakesaCommunity","language":"en","posted_at":"2026-11-20T09:00:00Z"}`))
	f.Add([]byte(`{"posted_at":"yesterday"}`))
	f.Add([]byte(`{"network":"bluesky","url":"javascript:alert(1)","text":"\u0000\u202e"}`))
	f.Add([]byte(`{} {}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		in, err := DecodePost(bytes.NewReader(body))
		if err != nil {
			var de *story.Error
			if !errors.As(err, &de) {
				t.Fatalf("non-domain error %T: %v", err, err)
			}
			return
		}
		in.Normalize()
		if err := in.Validate(); err == nil && (in.Text == "" || in.Author == "" || in.PostedAt.IsZero()) {
			t.Fatalf("invalid post accepted: %+v", in)
		}
	})
}
