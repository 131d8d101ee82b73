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
	sub, err := decodeOne[story.Submission](r, MaxSubmissionBytes)
	if err == nil && len(sub.Themes) > 50 {
		return story.Submission{}, story.FieldError("themes", "error.themes_too_many", "Please choose at most five themes.")
	}
	return sub, err
}

// decodeOne reads exactly one JSON object of at most maxBytes, with a
// domain error for every way it can fail.
func decodeOne[T any](r io.Reader, maxBytes int) (T, error) {
	var v, zero T
	data, err := io.ReadAll(io.LimitReader(r, int64(maxBytes)+1))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return zero, story.Errorf(story.CodeTooLarge, "error.too_large", "The request is too large.")
		}
		return zero, story.Errorf(story.CodeBadRequest, "error.bad_json", "The request body could not be read.")
	}
	if len(data) > maxBytes {
		return zero, story.Errorf(story.CodeTooLarge, "error.too_large", "The request is too large (%d KB at most).", maxBytes>>10)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&v); err != nil {
		return zero, badJSON(err)
	}
	if dec.More() {
		return zero, story.Errorf(story.CodeBadRequest, "error.bad_json", "The request body must hold exactly one JSON object.")
	}
	return v, nil
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
