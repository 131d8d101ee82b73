package api

import (
	"context"
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"chorus/internal/app"
	"chorus/internal/paths"
	"chorus/internal/staff"
	"chorus/internal/story"
)

// API is the JSON API v1.
type API struct {
	App     *app.App
	BaseURL string
	// PageLanguages are the interface languages; a story's page is linked in
	// its own language when it is one of them, else in the first.
	PageLanguages []string
	Log           *slog.Logger
	// Submitted counts accepted submissions for the metrics.
	Submitted func()
}

// StoryContent is what the storyteller wrote and chose to show: the part
// every JSON view of a story shares.
type StoryContent struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Body        string   `json:"body"`
	Language    string   `json:"language"`
	Country     string   `json:"country"`
	City        string   `json:"city,omitempty"`
	Themes      []string `json:"themes"`
	Identity    string   `json:"identity"`
	DisplayName string   `json:"display_name,omitempty"`
	Anonymous   bool     `json:"anonymous"`
	Photo       *Photo   `json:"photo,omitempty"`
}

// Story is the public JSON shape of a published story.
type Story struct {
	StoryContent
	PublishedAt  time.Time     `json:"published_at"`
	URL          string        `json:"url"`
	Demo         bool          `json:"demo,omitempty"`
	Translations []Translation `json:"translations"`
}

// Translation is a published story's reviewed translation. Origin is
// "human" or "machine"; a human translation carries its translator's
// credit, and a machine one was checked by a translator and reviewed by
// the campaign.
type Translation struct {
	Language    string    `json:"language"`
	Title       string    `json:"title"`
	Body        string    `json:"body"`
	Origin      string    `json:"origin"`
	Credit      string    `json:"credit,omitempty"`
	PublishedAt time.Time `json:"published_at"`
	URL         string    `json:"url"`
}

// Photo lists the URLs of a photo's sizes.
type Photo struct {
	Alt   string               `json:"alt"`
	Sizes map[string]PhotoSize `json:"sizes"`
}

// PhotoSize is one rendition.
type PhotoSize struct {
	URL    string `json:"url"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
}

// Submission is the storyteller's own view of their story.
type Submission struct {
	StoryContent
	Status       story.Status  `json:"status"`
	Consent      story.Consent `json:"consent"`
	HasContact   bool          `json:"has_contact_email"`
	RejectReason string        `json:"reject_reason,omitempty"`
	RejectNote   string        `json:"reject_note,omitempty"`
	URL          string        `json:"url,omitempty"`
	CreatedAt    time.Time     `json:"created_at"`
	UpdatedAt    time.Time     `json:"updated_at"`
	Withdrawn    *time.Time    `json:"withdrawn_at,omitempty"`
	// Translations are the published translations of the storyteller's
	// own story.
	Translations []Translation `json:"translations,omitempty"`
}

// QueueItem is a pending story as moderators see it.
type QueueItem struct {
	Submission
	Signals []story.Signal `json:"signals"`
}

func (a *API) pageLanguage(storyLang string) string {
	for _, l := range a.PageLanguages {
		if l == storyLang {
			return l
		}
	}
	if len(a.PageLanguages) > 0 {
		return a.PageLanguages[0]
	}
	return "en"
}

func (a *API) photoJSON(s *story.Story, base string) *Photo {
	if s.Photo == nil {
		return nil
	}
	p := &Photo{Alt: s.Photo.Alt, Sizes: map[string]PhotoSize{}}
	for _, size := range s.Photo.Sizes {
		p.Sizes[size.Name] = PhotoSize{URL: base + paths.PhotoFile(size.Key), Width: size.Width, Height: size.Height}
	}
	return p
}

func (a *API) content(s *story.Story, photoBase string) StoryContent {
	c := StoryContent{ID: s.ID, Title: s.Title, Body: s.Body, Language: s.Language, Country: s.Country, City: s.City,
		Themes: nonNil(s.Themes), Identity: string(s.Identity), Anonymous: s.Anonymous, Photo: a.photoJSON(s, photoBase)}
	if !s.Anonymous {
		c.DisplayName = s.DisplayName
	}
	return c
}

// PublicStory converts a published story and its published translations
// to its JSON shape.
func (a *API) PublicStory(s *story.Story, translations []*story.Translation) Story {
	out := Story{StoryContent: a.content(s, a.BaseURL+paths.PhotosPath(s.ID)), PublishedAt: s.PublishedAt,
		URL: a.BaseURL + paths.StoryPath(a.pageLanguage(s.Language), s.ID), Demo: s.Demo, Translations: []Translation{}}
	for _, t := range translations {
		if t.Status != story.TranslationPublished {
			continue
		}
		tr := Translation{Language: t.Language, Title: t.Title, Body: t.Body, Origin: string(t.Origin),
			PublishedAt: t.PublishedAt, URL: a.BaseURL + paths.StoryPath(t.Language, s.ID)}
		if t.Origin == story.OriginHuman {
			tr.Credit = t.Credit
		}
		out.Translations = append(out.Translations, tr)
	}
	return out
}

func nonNil[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

func (a *API) submissionJSON(s *story.Story) Submission {
	out := Submission{StoryContent: a.content(s, a.BaseURL+paths.StaffPhotosPath(s.ID)), Status: s.Status,
		Consent: s.Consent, HasContact: len(s.ContactSealed) > 0, RejectReason: s.RejectReason, RejectNote: s.RejectNote,
		CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt}
	if s.Status == story.StatusPublished {
		out.URL = a.BaseURL + paths.StoryPath(a.pageLanguage(s.Language), s.ID)
	}
	if s.Status == story.StatusWithdrawn {
		at := s.WithdrawnAt
		out.Withdrawn = &at
	}
	return out
}

// Bearer returns the token of an "Authorization: Bearer" header, or "".
func Bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// SearchTimeout bounds one search, so a slow one gives way rather than
// hold a database connection others are waiting for.
const SearchTimeout = 3 * time.Second

// SubmitStory handles POST /api/v1/stories.
func (a *API) SubmitStory(w http.ResponseWriter, r *http.Request) error {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		return story.Errorf(story.CodeUnsupported, "error.json_required", "Send the story as application/json.")
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxSubmissionBytes)
	sub, err := DecodeSubmission(r.Body)
	if err != nil {
		return err
	}
	receipt, err := a.App.Submit(r.Context(), sub)
	if err != nil {
		return err
	}
	if a.Submitted != nil {
		a.Submitted()
	}
	w.Header().Set("Location", "/api/v1/submissions/"+receipt.ID)
	writeJSON(w, http.StatusAccepted, map[string]string{"id": receipt.ID, "status": string(story.StatusPending), "token": receipt.Token})
	return nil
}

// MaxPhotoRequestBytes bounds a photo upload request: the photo's own
// limit plus room for the form.
const MaxPhotoRequestBytes = 10<<20 + 64<<10

// UploadPhoto handles POST /api/v1/submissions/{id}/photo.
func (a *API) UploadPhoto(w http.ResponseWriter, r *http.Request) error {
	if err := a.App.CheckToken(r.Context(), r.PathValue("id"), Bearer(r)); err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxPhotoRequestBytes)
	// In memory, so the original photo never lands in a temporary file.
	if err := r.ParseMultipartForm(MaxPhotoRequestBytes); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return story.Errorf(story.CodeTooLarge, "error.photo_too_large", "The photo is too large (10 MB at most).")
		}
		return story.Errorf(story.CodeBadRequest, "error.multipart_required", "Send the photo as multipart/form-data with fields photo and alt.")
	}
	file, _, err := r.FormFile("photo")
	if err != nil {
		return story.FieldError("photo", "error.photo_required", "Please choose a photo.")
	}
	defer file.Close()
	if err := a.App.AttachPhoto(r.Context(), r.PathValue("id"), Bearer(r), file, r.FormValue("alt")); err != nil {
		return err
	}
	return a.ShowSubmission(w, r)
}

// ShowSubmission handles GET /api/v1/submissions/{id}.
func (a *API) ShowSubmission(w http.ResponseWriter, r *http.Request) error {
	s, err := a.App.Submission(r.Context(), r.PathValue("id"), Bearer(r))
	if err != nil {
		return err
	}
	out := a.submissionJSON(s)
	if s.Status == story.StatusPublished {
		translations, err := a.App.PublishedTranslations(r.Context(), s)
		if err != nil {
			return err
		}
		out.Translations = a.PublicStory(s, translations[s.ID]).Translations
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// consentBodyHelp is the message of every refused consent body.
const consentBodyHelp = `The body must name at least one consent: {"social": true or false, "toolkit": true or false, "translate": true or false}. To withdraw the story itself, DELETE /api/v1/stories/{id}.`

// SetConsent handles PUT /api/v1/submissions/{id}/consent: the storyteller
// gives or withdraws consent to sharing on social networks, to the
// toolkit and to translation until the story is withdrawn; a consent left
// out stays as it is. Withdrawing translation consent deletes every
// translation. Consent to publish is withdrawn with DELETE
// /api/v1/stories/{id}, which erases the story.
func (a *API) SetConsent(w http.ResponseWriter, r *http.Request) error {
	if err := a.App.CheckToken(r.Context(), r.PathValue("id"), Bearer(r)); err != nil {
		return err
	}
	var body struct {
		Social    *bool `json:"social"`
		Toolkit   *bool `json:"toolkit"`
		Translate *bool `json:"translate"`
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	dec := jsonDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil || dec.More() {
		return story.Errorf(story.CodeBadRequest, "error.bad_json", consentBodyHelp)
	}
	change := app.ConsentChange{Social: body.Social, Toolkit: body.Toolkit, Translate: body.Translate}
	if change.Empty() {
		return story.FieldError("consent", "error.bad_json", consentBodyHelp)
	}
	if err := a.App.SetConsent(r.Context(), r.PathValue("id"), Bearer(r), change); err != nil {
		return err
	}
	return a.ShowSubmission(w, r)
}

// EditSubmission handles PUT /api/v1/submissions/{id}: a whole new version while pending.
func (a *API) EditSubmission(w http.ResponseWriter, r *http.Request) error {
	if err := a.App.CheckToken(r.Context(), r.PathValue("id"), Bearer(r)); err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxSubmissionBytes)
	sub, err := DecodeSubmission(r.Body)
	if err != nil {
		return err
	}
	if err := a.App.EditSubmission(r.Context(), r.PathValue("id"), Bearer(r), sub); err != nil {
		return err
	}
	return a.ShowSubmission(w, r)
}

// WithdrawStory handles DELETE /api/v1/stories/{id} with the private token.
func (a *API) WithdrawStory(w http.ResponseWriter, r *http.Request) error {
	if err := a.App.Withdraw(r.Context(), r.PathValue("id"), Bearer(r), r.URL.Query().Get("reason")); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"id": r.PathValue("id"), "status": string(story.StatusWithdrawn)})
	return nil
}

// ListStories handles GET /api/v1/stories.
func (a *API) ListStories(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	ctx := r.Context()
	if q.Get("q") != "" {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, SearchTimeout)
		defer cancel()
	}
	page, err := a.App.Stories(ctx, story.Filter{
		Language: q.Get("language"), Country: strings.ToUpper(q.Get("country")), Theme: q.Get("theme"),
		Query: q.Get("q"), Cursor: q.Get("cursor"), Limit: limit,
	})
	if err != nil {
		return err
	}
	out := struct {
		Stories    []Story `json:"stories"`
		NextCursor string  `json:"next_cursor,omitempty"`
	}{Stories: []Story{}, NextCursor: page.NextCursor}
	translations, err := a.App.PublishedTranslations(ctx, page.Stories...)
	if err != nil {
		return err
	}
	for _, s := range page.Stories {
		out.Stories = append(out.Stories, a.PublicStory(s, translations[s.ID]))
	}
	if page.NextCursor != "" {
		next := *r.URL
		nq := next.Query()
		nq.Set("cursor", page.NextCursor)
		next.RawQuery = nq.Encode()
		w.Header().Set("Link", "<"+a.BaseURL+next.RequestURI()+`>; rel="next"`)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// ShowStory handles GET /api/v1/stories/{id}.
func (a *API) ShowStory(w http.ResponseWriter, r *http.Request) error {
	s, err := a.App.PublicStory(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	translations, err := a.App.PublishedTranslations(r.Context(), s)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a.PublicStory(s, translations[s.ID]))
	return nil
}

func (a *API) staffUser(r *http.Request) (*staff.User, error) {
	token := Bearer(r)
	if token == "" {
		return nil, story.Errorf(story.CodeUnauthorized, "error.token_required", "An API token is required.")
	}
	u, err := a.App.APITokenUser(r.Context(), token)
	if errors.Is(err, story.ErrNotFound) {
		return nil, story.Errorf(story.CodeUnauthorized, "error.token_invalid", "This API token is not valid.")
	}
	return u, err
}

func (a *API) queueItem(s *story.Story) QueueItem {
	return QueueItem{Submission: a.submissionJSON(s), Signals: nonNil(s.Signals)}
}

// itemList is the JSON shape of a moderation list.
type itemList[T any] struct {
	Items []T `json:"items"`
}

// listOf converts every element of from, listing none as [], not null.
func listOf[S, T any](from []S, convert func(S) T) itemList[T] {
	list := itemList[T]{Items: make([]T, 0, len(from))}
	for _, s := range from {
		list.Items = append(list.Items, convert(s))
	}
	return list
}

// ShowQueue handles GET /api/v1/moderation/queue.
func (a *API) ShowQueue(w http.ResponseWriter, r *http.Request, by *staff.User) error {
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	items, err := a.App.Queue(r.Context(), by, limit, r.URL.Query().Get("order") == "risk")
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(items, a.queueItem))
	return nil
}

// decision is a moderator's verdict in the API, on a story or a post.
type decision struct {
	Decision string `json:"decision"`
	Reason   string `json:"reason"`
	Note     string `json:"note"`
}

// maxDecisionBytes bounds a decision: a reason and a note.
const maxDecisionBytes = 64 << 10

// readDecision reads a moderator's decision, within maxDecisionBytes.
func readDecision(w http.ResponseWriter, r *http.Request) (decision, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxDecisionBytes+1)
	return decodeOne[decision](r.Body, maxDecisionBytes)
}

// DecideItem handles POST /api/v1/moderation/items/{id}/decision.
func (a *API) DecideItem(w http.ResponseWriter, r *http.Request, by *staff.User) error {
	body, err := readDecision(w, r)
	if err != nil {
		return err
	}
	d := app.Decision{Reason: body.Reason, Note: body.Note}
	switch body.Decision {
	case "approve":
		d.Approve = true
	case "reject":
		if body.Reason != "" && !slices.Contains(story.RejectReasons, body.Reason) {
			// Free text given as the reason is kept as the note.
			d.Reason, d.Note = "other", strings.TrimSpace(body.Reason+"\n\n"+body.Note)
		}
	default:
		return story.FieldError("decision", "error.decision_invalid", `The decision must be "approve" or "reject".`)
	}
	s, err := a.App.Decide(r.Context(), by, r.PathValue("id"), d)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a.submissionJSON(s))
	return nil
}

// NotFound answers unknown API paths in JSON.
func (a *API) NotFound(w http.ResponseWriter, r *http.Request) error {
	return story.Errorf(story.CodeNotFound, "error.no_route", "There is no such API endpoint.")
}
