package web

import (
	"net/http"
	"slices"
	"strconv"

	"chorus/internal/app"
	"chorus/internal/audit"
	"chorus/internal/moderation"
	"chorus/internal/story"
)

type postItem struct {
	*story.Post
	Reply *moderation.Reply
	Audit []audit.Entry
}

type postsView struct {
	*Page
	Status   story.PostStatus
	Statuses []story.PostStatus
	Items    []postItem
	Notice   string
	Error    string
	ErrorFor string
	Policy   moderation.Policy
	Reasons  []string
}

// showPosts lists social posts by status for moderators, with the signals,
// the decision trail and, for hateful ones, a counter-speech reply.
func (s *Server) showPosts(w http.ResponseWriter, r *http.Request, p *Page) error {
	status := story.PostStatus(r.URL.Query().Get("status"))
	if !slices.Contains(story.PostStatuses, status) {
		status = story.PostQueued
	}
	return s.renderPosts(r, p, status, "", nil)
}

// renderPosts lists the posts with a status; failure, when set, is shown
// beside the post failedID.
func (s *Server) renderPosts(r *http.Request, p *Page, status story.PostStatus, failedID string, failure error) error {
	ctx := r.Context()
	posts, err := s.app.Posts(ctx, p.User, status, 100)
	if err != nil {
		return err
	}
	policy, err := s.app.Policy(ctx)
	if err != nil {
		return err
	}
	v := postsView{Page: p, Status: status, Statuses: story.PostStatuses, Policy: policy.Policy, Reasons: story.RejectReasons}
	library := s.app.ActiveReplies(ctx)
	var decided []string
	for _, post := range posts {
		if post.DecidedBy != "" {
			decided = append(decided, post.ID)
		}
	}
	trails, err := s.app.PostAudit(ctx, p.User, decided...)
	if err != nil {
		return err
	}
	for _, post := range posts {
		item := postItem{Post: post, Audit: trails[post.ID]}
		if reply, ok := moderation.SuggestFrom(library, post.Language, post.Signals); ok {
			item.Reply = &reply
		}
		v.Items = append(v.Items, item)
	}
	switch r.URL.Query().Get("done") {
	case "show":
		v.Notice = p.L.T("posts.shown")
	case "hide":
		v.Notice = p.L.T("posts.hidden")
	case "block":
		v.Notice = p.L.T("posts.blocked")
	}
	if failure != nil {
		fields, ok := fieldErrors(p, failure)
		if !ok {
			return failure
		}
		for _, m := range fields {
			v.Error = m
		}
		v.ErrorFor = failedID
		p.status = http.StatusUnprocessableEntity
	}
	p.Title = p.L.T("posts.title")
	return s.render(p, "posts", v)
}

func (s *Server) decidePost(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := s.checkForm(w, r, 16<<10); err != nil {
		return err
	}
	decision := r.PostFormValue("decision")
	if decision != "show" && decision != "hide" {
		return story.Errorf(story.CodeBadRequest, "error.bad_form", "The form could not be read.")
	}
	id := r.PathValue("id")
	if decision == "hide" {
		if ok, err := s.confirmed(r, p, p.L.T("confirm.hide"), p.L.T("posts.hide"), p.Link("/staff/posts")); !ok {
			return err
		}
	}
	d := app.PostDecision{Show: decision == "show", Reason: r.PostFormValue("reason"), Note: r.PostFormValue("note")}
	post, err := s.app.DecidePost(r.Context(), p.User, id, d)
	if err != nil {
		current, lerr := s.app.StaffPost(r.Context(), p.User, id)
		if lerr != nil {
			return err
		}
		return s.renderPosts(r, p, current.Status, id, err)
	}
	back := "hidden"
	if post.Status == story.PostVisible {
		back = "visible"
	}
	http.Redirect(w, r, p.Link("/staff/posts?status="+back+"&done="+decision), http.StatusSeeOther)
	return nil
}

type policyView struct {
	*Page
	Policy    moderation.Policy
	UpdatedBy string
	Notice    string
	Error     string
	HideAbove string
	Approve   string
}

// showPolicy lets admins set the screening thresholds for social posts.
func (s *Server) showPolicy(w http.ResponseWriter, r *http.Request, p *Page) error {
	current, err := s.app.Policy(r.Context())
	if err != nil {
		return err
	}
	v := policyView{Page: p, Policy: current.Policy, UpdatedBy: current.UpdatedBy,
		HideAbove: formatThreshold(current.HideAbove), Approve: formatThreshold(current.ApproveBelow)}
	if r.URL.Query().Get("done") == "saved" {
		v.Notice = p.L.T("policy.saved")
	}
	p.Title = p.L.T("policy.title")
	return s.render(p, "policy", v)
}

func formatThreshold(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func (s *Server) savePolicy(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := s.checkForm(w, r, 4<<10); err != nil {
		return err
	}
	hideText, approveText := r.PostFormValue("hide_above"), r.PostFormValue("approve_below")
	hide, herr := strconv.ParseFloat(hideText, 64)
	approve, aerr := strconv.ParseFloat(approveText, 64)
	policy := moderation.Policy{HideAbove: hide, ApproveBelow: approve}
	err := policy.Validate()
	if herr != nil || aerr != nil {
		err = story.FieldError("hide_above", "error.policy_thresholds", "Thresholds must be numbers.")
	}
	if err == nil {
		err = s.app.SetPolicy(r.Context(), p.User, policy)
	}
	if err != nil {
		fields, ok := fieldErrors(p, err)
		if !ok {
			return err
		}
		current, cerr := s.app.Policy(r.Context())
		if cerr != nil {
			return cerr
		}
		v := policyView{Page: p, Policy: current.Policy, UpdatedBy: current.UpdatedBy, HideAbove: hideText, Approve: approveText}
		for _, m := range fields {
			v.Error = m
		}
		p.Title = p.L.T("policy.title")
		p.status = http.StatusUnprocessableEntity
		return s.render(p, "policy", v)
	}
	http.Redirect(w, r, p.Link("/staff/policy?done=saved"), http.StatusSeeOther)
	return nil
}
