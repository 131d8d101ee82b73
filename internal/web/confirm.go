package web

import (
	"net/http"
	"sort"
)

// Destructive staff actions (reject a story, hide a post, discard a job,
// remove a reply, delete a translation) take two steps, without
// JavaScript: the first post answers with a page asking to confirm, whose
// form posts the same fields again with confirm=yes.

type confirmField struct{ Name, Value string }

type confirmView struct {
	*Page
	Question string
	Action   string
	Button   string
	Cancel   string
	Fields   []confirmField
}

// confirmed tells whether the posted form carries the second step's
// confirmation; when it does not, it renders the confirmation page (the
// handler then returns its error, nil when rendered).
func (s *Server) confirmed(r *http.Request, p *Page, question, button, cancel string) (bool, error) {
	if r.PostFormValue("confirm") == "yes" {
		return true, nil
	}
	v := confirmView{Page: p, Question: question, Action: r.URL.Path, Button: button, Cancel: cancel}
	names := make([]string, 0, len(r.PostForm))
	for name := range r.PostForm {
		if name != "csrf" && name != "confirm" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		for _, value := range r.PostForm[name] {
			v.Fields = append(v.Fields, confirmField{Name: name, Value: value})
		}
	}
	p.Title = question
	p.NoIndex = true
	return false, s.render(p, "confirm", v)
}
