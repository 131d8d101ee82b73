package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/riverqueue/river/rivertype"

	"chorus/internal/story"
)

type failedJobView struct {
	ID        int64
	Kind      string
	Attempts  int
	Error     string
	CreatedAt time.Time
	FailedAt  time.Time
}

type jobsView struct {
	*Page
	Jobs   []failedJobView
	Notice string
}

// showFailedJobs lists the jobs that exhausted their retries, for admins.
func (s *Server) showFailedJobs(w http.ResponseWriter, r *http.Request, p *Page) error {
	rows, err := s.app.FailedJobs(r.Context(), p.User)
	if err != nil {
		return err
	}
	v := jobsView{Page: p}
	for _, row := range rows {
		v.Jobs = append(v.Jobs, failedJob(row))
	}
	switch r.URL.Query().Get("done") {
	case "retry":
		v.Notice = p.L.T("jobs.retried")
	case "discard":
		v.Notice = p.L.T("jobs.discarded")
	}
	p.Title = p.L.T("jobs.title")
	return s.render(p, "jobs", v)
}

func failedJob(row *rivertype.JobRow) failedJobView {
	v := failedJobView{ID: row.ID, Kind: row.Kind, Attempts: row.Attempt, CreatedAt: row.CreatedAt}
	if n := len(row.Errors); n > 0 {
		v.Error, v.FailedAt = row.Errors[n-1].Error, row.Errors[n-1].At
	}
	return v
}

// handleFailedJob retries or discards one failed job.
func (s *Server) handleFailedJob(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := s.checkForm(w, r, 4<<10); err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("job"), 10, 64)
	if err != nil {
		return story.ErrNotFound
	}
	action := r.PathValue("action")
	switch action {
	case "retry":
		err = s.app.RetryJob(r.Context(), p.User, id)
	case "discard":
		if ok, cerr := s.confirmed(r, p, p.L.T("confirm.discard"), p.L.T("jobs.discard"), p.Link("/staff/jobs")); !ok {
			return cerr
		}
		err = s.app.DiscardJob(r.Context(), p.User, id)
	default:
		return story.ErrNotFound
	}
	if err != nil {
		return err
	}
	s.log.Info("failed job handled", "job", id, "action", action, "by", p.User.ID)
	http.Redirect(w, r, p.Link("/staff/jobs?done="+action), http.StatusSeeOther)
	return nil
}
