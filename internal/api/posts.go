package api

import (
	"io"
	"net/http"
	"slices"
	"strconv"
	"time"

	"chorus/internal/app"
	"chorus/internal/staff"
	"chorus/internal/story"
)

// MaxPostBytes bounds one incoming social post in JSON.
const MaxPostBytes = 64 << 10

// DecodePost reads one incoming social post; like DecodeSubmission it
// refuses wrong types, trailing data and oversize bodies.
func DecodePost(r io.Reader) (story.IncomingPost, error) {
	return decodeOne[story.IncomingPost](r, MaxPostBytes)
}

// Post is a social post as connectors see it after intake.
type Post struct {
	ID        string           `json:"id"`
	Network   string           `json:"network"`
	SourceID  string           `json:"source_id"`
	Status    story.PostStatus `json:"status"`
	DecidedBy string           `json:"decided_by"`
	Language  string           `json:"language"`
	CreatedAt time.Time        `json:"created_at"`
}

func postJSON(p *story.Post) Post {
	return Post{ID: p.ID, Network: p.Network, SourceID: p.SourceID, Status: p.Status, DecidedBy: p.DecidedBy, Language: p.Language, CreatedAt: p.CreatedAt}
}

// ModeratedPost is a post as moderators see it through the API.
type ModeratedPost struct {
	Post
	URL        string         `json:"url"`
	Author     string         `json:"author"`
	Text       string         `json:"text"`
	PostedAt   time.Time      `json:"posted_at"`
	HideReason string         `json:"hide_reason,omitempty"`
	Signals    []story.Signal `json:"signals"`
}

func moderatedPost(p *story.Post) ModeratedPost {
	return ModeratedPost{Post: postJSON(p), URL: p.SourceURL, Author: p.Author, Text: p.Text, PostedAt: p.PostedAt, HideReason: p.HideReason, Signals: nonNil(p.Signals)}
}

// ShowPosts handles GET /api/v1/moderation/posts?status=queued|visible|hidden.
func (a *API) ShowPosts(w http.ResponseWriter, r *http.Request, by *staff.User) error {
	status := story.PostStatus(r.URL.Query().Get("status"))
	if status == "" {
		status = story.PostQueued
	}
	if !slices.Contains(story.PostStatuses, status) {
		return story.FieldError("status", "error.post_status", `The status must be "queued", "visible" or "hidden".`)
	}
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	posts, err := a.App.Posts(r.Context(), by, status, limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(posts, moderatedPost))
	return nil
}

// DecidePost handles POST /api/v1/moderation/posts/{id}/decision.
func (a *API) DecidePost(w http.ResponseWriter, r *http.Request, by *staff.User) error {
	body, err := readDecision(w, r)
	if err != nil {
		return err
	}
	if body.Decision != "show" && body.Decision != "hide" {
		return story.FieldError("decision", "error.post_decision", `The decision must be "show" or "hide".`)
	}
	p, err := a.App.DecidePost(r.Context(), by, r.PathValue("id"), app.PostDecision{Show: body.Decision == "show", Reason: body.Reason, Note: body.Note})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, moderatedPost(p))
	return nil
}

// IngestPost handles POST /api/v1/posts: a connector hands over a post
// carrying a campaign hashtag. 201 when new, 200 when already known.
func (a *API) IngestPost(w http.ResponseWriter, r *http.Request, by *staff.User) error {
	r.Body = http.MaxBytesReader(w, r.Body, MaxPostBytes+1)
	in, err := DecodePost(r.Body)
	if err != nil {
		return err
	}
	p, created, err := a.App.IngestPostFrom(r.Context(), by, in)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, postJSON(p))
	return nil
}

// RemovePost handles DELETE /api/v1/posts?network=N&source_id=S: the post
// was deleted at its source, so it goes here too.
func (a *API) RemovePost(w http.ResponseWriter, r *http.Request, by *staff.User) error {
	q := r.URL.Query()
	if err := a.App.RemovePostFrom(r.Context(), by, q.Get("network"), q.Get("source_id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
