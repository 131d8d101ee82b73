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
	if err := decodeOne(r, &sub, MaxSubmissionBytes); err != nil {
		return story.Submission{}, err
	}
	if len(sub.Themes) > 50 {
		return story.Submission{}, story.FieldError("themes", "error.themes_too_many", "Please choose at most five themes.")
	}
	return sub, nil
}

// decodeOne reads exactly one JSON object of at most maxBytes into v, with
// a domain error for every way it can fail.
func decodeOne(r io.Reader, v any, maxBytes int) error {
	data, err := io.ReadAll(io.LimitReader(r, int64(maxBytes)+1))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return story.Errorf(story.CodeTooLarge, "error.too_large", "The request is too large.")
		}
		return story.Errorf(story.CodeBadRequest, "error.bad_json", "The request body could not be read.")
	}
	if len(data) > maxBytes {
		return story.Errorf(story.CodeTooLarge, "error.too_large", "The request is too large (%d KB at most).", maxBytes>>10)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return badJSON(err)
	}
	if dec.More() {
		return story.Errorf(story.CodeBadRequest, "error.bad_json", "The request body must hold exactly one JSON object.")
	}
	return nil
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
