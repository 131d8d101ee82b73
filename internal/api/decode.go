package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"chorus/internal/story"
)

// MaxSubmissionBytes bounds a JSON submission (a long story is ~60 KB).
const MaxSubmissionBytes = 256 << 10

// DecodeSubmission reads one JSON submission object. Unknown fields are
// ignored; wrong types, trailing data and oversize bodies are refused.
func DecodeSubmission(r io.Reader) (story.Submission, error) {
	var sub story.Submission
	data, err := io.ReadAll(io.LimitReader(r, MaxSubmissionBytes+1))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return sub, story.Errorf(story.CodeTooLarge, "error.too_large", "The request is too large.")
		}
		return sub, story.Errorf(story.CodeBadRequest, "error.bad_json", "The request body could not be read.")
	}
	if len(data) > MaxSubmissionBytes {
		return sub, story.Errorf(story.CodeTooLarge, "error.too_large", "The request is too large (256 KB at most).")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&sub); err != nil {
		return story.Submission{}, badJSON(err)
	}
	if dec.More() {
		return story.Submission{}, story.Errorf(story.CodeBadRequest, "error.bad_json", "The request body must hold exactly one JSON object.")
	}
	if len(sub.Themes) > 50 {
		return story.Submission{}, story.FieldError("themes", "error.themes_too_many", "Please choose at most five themes.")
	}
	return sub, nil
}

func badJSON(err error) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return &story.Error{Code: story.CodeBadRequest, Key: "error.bad_json", Field: typeErr.Field, Message: fmt.Sprintf("The field %q has the wrong type.", typeErr.Field)}
	}
	return story.Errorf(story.CodeBadRequest, "error.bad_json", "The request body is not valid JSON.")
}

func jsonDecoder(r *http.Request) *json.Decoder {
	return json.NewDecoder(r.Body)
}
