package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"chorus/internal/app"
	"chorus/internal/story"
)

// removableSpan is a personal-data span of a queued story that a
// moderator may remove with one button.
type removableSpan struct {
	Field, Label, Text string
	Start, End         int
}

// removableSpans lists the personal-data spans of a story, title first.
func removableSpans(s *story.Story) []removableSpan {
	var out []removableSpan
	for _, field := range [...]string{"title", "body"} {
		text := s.Body
		if field == "title" {
			text = s.Title
		}
		for _, sig := range s.Signals {
			if sig.Kind != story.SignalPersonalData {
				continue
			}
			for _, sp := range sig.Spans {
				if sp.Field == field && sp.Start >= 0 && sp.Start < sp.End && sp.End <= len(text) {
					out = append(out, removableSpan{Field: field, Label: sp.Label, Text: text[sp.Start:sp.End], Start: sp.Start, End: sp.End})
				}
			}
		}
	}
	return out
}

// redactSpan removes one highlighted span of personal data from a story.
func (s *Server) redactSpan(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := s.checkForm(w, r, 4<<10); err != nil {
		return err
	}
	id := r.PathValue("id")
	// The use-case refuses offsets that could not be read, after checking the role.
	start, err := strconv.Atoi(r.PostFormValue("start"))
	if err != nil {
		start = -1
	}
	end, err := strconv.Atoi(r.PostFormValue("end"))
	if err != nil {
		end = -1
	}
	err = s.app.RedactSpan(r.Context(), p.User, id, app.SpanRedaction{
		Field: r.PostFormValue("field"), Start: start, End: end, Label: r.PostFormValue("label"), Version: r.PostFormValue("version"),
		Marker: func(language string) string {
			if l := s.catalog.Lang(language); l != nil {
				return l.T("redaction.marker")
			}
			return p.L.T("redaction.marker")
		},
	})
	if err != nil {
		return s.queueWithError(w, r, p, id, err)
	}
	http.Redirect(w, r, p.Link("/staff/queue?done=redact_span#q-"+id), http.StatusSeeOther)
	return nil
}

type storyAuditView struct {
	*Page
	Story *story.Story
	Rows  []auditRow
	// Fediverse is where the story's deliveries stand, and its reactions.
	Fediverse app.StoryFederation
}

// auditRow is an audit entry as the page shows it.
type auditRow struct {
	At     time.Time
	Action string
	Who    string
	Why    string // the reason, translated where the catalog can
	Note   string
}

// showStoryAudit shows moderators who approved, edited, redacted and
// translated a story, when and why.
func (s *Server) showStoryAudit(w http.ResponseWriter, r *http.Request, p *Page) error {
	st, entries, err := s.app.StoryAudit(r.Context(), p.User, r.PathValue("id"))
	if err != nil {
		return err
	}
	fed, err := s.app.StoryFederation(r.Context(), p.User, st.ID)
	if err != nil {
		return err
	}
	v := storyAuditView{Page: p, Story: st, Fediverse: fed}
	for _, e := range entries {
		row := auditRow{At: e.At, Action: auditAction(p.L, e.Action), Who: e.Staff, Note: e.Note}
		switch {
		case row.Who != "":
		case e.Actor == "storyteller":
			row.Who = p.L.T("audit.by_storyteller")
		case e.Actor == "system":
			row.Who = p.L.T("audit.by_system")
		default:
			row.Who = e.Actor
		}
		row.Why = e.Reason
		switch {
		case e.Reason == "":
		case e.Action == "reject" && p.L.Has("reason."+e.Reason):
			row.Why = p.L.T("reason." + e.Reason)
		case e.Action == "redact":
			row.Why = signalLabel(p.L, e.Reason)
		case strings.HasPrefix(e.Action, "translation") && p.L.Has("language."+e.Reason):
			row.Why = p.L.T("language." + e.Reason)
		}
		if strings.HasPrefix(e.Action, "translation") && p.L.Has("audit.origin_"+e.Note) {
			row.Note = p.L.T("audit.origin_" + e.Note)
		}
		v.Rows = append(v.Rows, row)
	}
	p.Title = p.L.T("audit.title")
	return s.render(p, "story_audit", v)
}
