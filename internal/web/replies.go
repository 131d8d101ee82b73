package web

import (
	"net/http"
	"net/url"

	"chorus/internal/app"
	"chorus/internal/moderation"
	"chorus/internal/story"
)

type repliesView struct {
	*Page
	Entries []app.LibraryEntry
	Notice  string
}

// showReplies lists the counter-speech library for staff; admins edit it.
func (s *Server) showReplies(w http.ResponseWriter, r *http.Request, p *Page) error {
	entries, err := s.app.ReplyLibrary(r.Context())
	if err != nil {
		return err
	}
	v := repliesView{Page: p, Entries: entries}
	if done := r.URL.Query().Get("done"); done == "saved" || done == "removed" || done == "restored" {
		v.Notice = p.L.T("replies." + done)
	}
	p.Title = p.L.T("replies.title")
	return s.render(p, "replies", v)
}

type replyFormView struct {
	*Page
	Reply     moderation.Reply
	New       bool
	Groups    []string
	Languages []string
	Errors    map[string]string
}

// showReplyForm edits one reply (?id=) or writes a new one.
func (s *Server) showReplyForm(w http.ResponseWriter, r *http.Request, p *Page) error {
	v := replyFormView{Page: p, New: true, Reply: moderation.Reply{Language: p.L.Code, Kind: moderation.ReplyMythFact}}
	if id := r.URL.Query().Get("id"); id != "" {
		entry, err := s.app.ReplyEntry(r.Context(), id)
		if err != nil {
			return err
		}
		v.Reply, v.New = entry.Reply, false
	}
	return s.renderReplyForm(p, v)
}

func (s *Server) renderReplyForm(p *Page, v replyFormView) error {
	v.Groups = moderation.TargetGroups()
	for _, l := range s.catalog.Languages() {
		v.Languages = append(v.Languages, l.Code)
	}
	p.Title = p.L.T("replies.edit_title")
	return s.render(p, "reply", v)
}

func (s *Server) saveReply(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := s.checkForm(w, r, 32<<10); err != nil {
		return err
	}
	form := r.PostForm
	reply := moderation.Reply{
		ID: form.Get("id"), Language: form.Get("language"), Kind: form.Get("kind"), Groups: form["groups"],
		Myth: form.Get("myth"), Text: form.Get("text"),
		Source: moderation.Source{Organisation: form.Get("source_organisation"), Title: form.Get("source_title"), URL: form.Get("source_url")},
	}
	id, err := s.app.SaveReply(r.Context(), p.User, reply)
	if err != nil {
		fields, ok := fieldErrors(p, err)
		if !ok {
			return err
		}
		p.status = http.StatusUnprocessableEntity
		return s.renderReplyForm(p, replyFormView{Page: p, Reply: reply, New: reply.ID == "", Errors: fields})
	}
	http.Redirect(w, r, p.Link("/staff/replies?done=saved#reply-"+url.PathEscape(id)), http.StatusSeeOther)
	return nil
}

func (s *Server) changeReply(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := s.checkForm(w, r, 4<<10); err != nil {
		return err
	}
	id := r.PathValue("id")
	var err error
	switch r.PathValue("action") {
	case "remove":
		if ok, cerr := s.confirmed(r, p, p.L.T("confirm.remove_reply"), p.L.T("replies.remove"), p.Link("/staff/replies")); !ok {
			return cerr
		}
		err = s.app.RemoveReply(r.Context(), p.User, id)
	case "restore":
		err = s.app.RestoreReply(r.Context(), p.User, id)
	default:
		return story.ErrNotFound
	}
	if err != nil {
		return err
	}
	done := "removed"
	if r.PathValue("action") == "restore" {
		done = "restored"
	}
	http.Redirect(w, r, p.Link("/staff/replies?done="+done), http.StatusSeeOther)
	return nil
}
