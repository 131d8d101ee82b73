package moderation

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"chorus/internal/story"
)

// perspectiveRequest is the body of a Perspective-compatible analyze call.
type perspectiveRequest struct {
	Comment struct {
		Text string `json:"text"`
	} `json:"comment"`
	Languages           []string            `json:"languages,omitempty"`
	RequestedAttributes map[string]struct{} `json:"requestedAttributes"`
}

type perspectiveResponse struct {
	AttributeScores map[string]struct {
		SummaryScore struct {
			Value float64 `json:"value"`
		} `json:"summaryScore"`
	} `json:"attributeScores"`
}

// externalToxicity asks the configured Perspective-compatible endpoint for a
// TOXICITY score of text.
func (s *Screen) externalToxicity(ctx context.Context, text, lang string) (float64, error) {
	var req perspectiveRequest
	req.Comment.Text = text
	if l := baseLang(lang); l != "" {
		req.Languages = []string{l}
	}
	req.RequestedAttributes = map[string]struct{}{"TOXICITY": {}}
	ctx, cancel := context.WithTimeout(ctx, s.opts.ExternalTimeout)
	defer cancel()
	res, err := s.opts.Client.PostJSON(ctx, s.opts.ExternalURL, req)
	if err != nil {
		return 0, fmt.Errorf("external classifier: %w", err)
	}
	if res.Status != http.StatusOK {
		return 0, fmt.Errorf("external classifier: HTTP %d", res.Status)
	}
	var pr perspectiveResponse
	if err := res.Decode(&pr); err != nil {
		return 0, fmt.Errorf("external classifier: %w", err)
	}
	tox, ok := pr.AttributeScores["TOXICITY"]
	if !ok {
		return 0, errors.New("external classifier: no TOXICITY score")
	}
	v := tox.SummaryScore.Value
	if v < 0 || v > 1 || v != v {
		return 0, errors.New("external classifier: score out of range")
	}
	return v, nil
}

// applyExternal replaces the built-in hate score by the external one when
// the call succeeds; the built-in spans stay as the explanation.
func (s *Screen) applyExternal(ctx context.Context, in Input, hate *story.Signal) {
	text := in.Title
	if in.Body != "" {
		if text != "" {
			text += "\n\n"
		}
		text += in.Body
	}
	v, err := s.externalToxicity(ctx, text, in.Language)
	if err != nil {
		return
	}
	hate.Score = v
	hate.ModelVersion = "external:perspective"
}
