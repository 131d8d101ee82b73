package web

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"chorus/internal/analytics"
	"chorus/internal/app"
	"chorus/internal/paths"
	"chorus/internal/story"
)

// countView counts a view of a story through a channel: the web side of
// app.CountView, which every surface showing stories calls.
func (s *Server) countView(r *http.Request, ch analytics.Channel) {
	s.app.CountView(analytics.VisitOf(r, s.clientAddress(r)), ch)
}

// counted counts the views a handler answers with a page (200 or 304),
// after it answered: cached pages included, and never on a GET of a page
// that is not there.
func (s *Server) counted(ch analytics.Channel, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.status == http.StatusOK || rec.status == http.StatusNotModified {
			s.countView(r, ch)
		}
	})
}

// shareStory counts a click on a share link and sends the reader on to the
// network's own sharing page.
func (s *Server) shareStory(w http.ResponseWriter, r *http.Request, p *Page) error {
	st, err := s.app.PublicStory(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if !st.Consent.Social {
		return story.ErrNotFound
	}
	network := r.PathValue("network")
	pageURL := s.cfg.BaseURL + paths.StoryPath(p.L.Code, st.ID)
	for _, l := range storyShare(p, st.ID, pageURL, st.Title, s.app.Campaign.Hashtag).Links {
		if shareSlug(l.Name) == network {
			s.app.CountShare(analytics.VisitOf(r, s.clientAddress(r)), network)
			w.Header().Set("Cache-Control", "no-store")
			w.Header().Set("Referrer-Policy", "no-referrer")
			http.Redirect(w, r, l.URL, http.StatusSeeOther)
			return nil
		}
	}
	return story.ErrNotFound
}

// shareSlug is a network's name in the share route.
func shareSlug(name string) string { return strings.ToLower(strings.ReplaceAll(name, "-", "")) }

// campaignView is the admins' page of the campaign's timeline.
type campaignView struct {
	*Page
	Timeline app.Timeline
	Themes   string // one "YYYY-MM theme" a line
	Featured string // one "story-id YYYY-MM-DD YYYY-MM-DD" a line
	Licences []app.Licence
	Closed   bool
	Errors   map[string]string
	Notice   string
}

func (s *Server) campaignView(p *Page, t app.Timeline) campaignView {
	v := campaignView{Page: p, Timeline: t, Licences: app.Licences, Errors: map[string]string{}, Closed: t.Closed(s.app.Now())}
	var themes, featured []string
	for _, m := range t.Themes {
		themes = append(themes, m.Month+" "+m.Theme)
	}
	for _, f := range t.Featured {
		featured = append(featured, f.StoryID+" "+f.From+" "+f.To)
	}
	v.Themes, v.Featured = strings.Join(themes, "\n"), strings.Join(featured, "\n")
	return v
}

func (s *Server) showCampaign(w http.ResponseWriter, r *http.Request, p *Page) error {
	t, err := s.app.Timeline(r.Context())
	if err != nil {
		return err
	}
	v := s.campaignView(p, t)
	if r.URL.Query().Get("done") == "saved" {
		v.Notice = p.L.T("campaign.saved")
	}
	p.Title = p.L.T("campaign.title")
	return s.render(p, "campaign", v)
}

// errCampaignLine refuses a line of the themes or featured lists that does
// not have its parts.
func errCampaignLine(field string) error {
	return story.FieldError(field, "error.campaign_line", "Each line needs all its parts, separated by spaces.")
}

func (s *Server) saveCampaign(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := s.checkForm(w, r, 64<<10); err != nil {
		return err
	}
	t := app.Timeline{Start: strings.TrimSpace(r.PostFormValue("start")), End: strings.TrimSpace(r.PostFormValue("end")),
		Licence: r.PostFormValue("licence")}
	var err error
	if days := strings.TrimSpace(r.PostFormValue("retention_days")); days != "" {
		if t.RetentionDays, err = strconv.Atoi(days); err != nil || t.RetentionDays <= 0 {
			err = story.FieldError("retention_days", "error.campaign_retention", "Keep private data 1 to 3650 days after the end.")
		}
	}
	for line := range strings.Lines(r.PostFormValue("themes")) {
		if parts := strings.Fields(line); len(parts) == 2 {
			t.Themes = append(t.Themes, app.MonthTheme{Month: parts[0], Theme: parts[1]})
		} else if len(parts) > 0 && err == nil {
			err = errCampaignLine("themes")
		}
	}
	for line := range strings.Lines(r.PostFormValue("featured")) {
		if parts := strings.Fields(line); len(parts) == 3 {
			t.Featured = append(t.Featured, app.ScheduledFeature{StoryID: parts[0], From: parts[1], To: parts[2]})
		} else if len(parts) > 0 && err == nil {
			err = errCampaignLine("featured")
		}
	}
	if err == nil {
		err = s.app.SaveTimeline(r.Context(), p.User, t)
	}
	if err != nil {
		fields, ok := fieldErrors(p, err)
		if !ok {
			return err
		}
		v := s.campaignView(p, t)
		v.Themes, v.Featured, v.Errors = r.PostFormValue("themes"), r.PostFormValue("featured"), fields
		p.Title = p.L.T("campaign.title")
		p.status = http.StatusUnprocessableEntity
		return s.render(p, "campaign", v)
	}
	http.Redirect(w, r, p.Link("/staff/campaign?done=saved"), http.StatusSeeOther)
	return nil
}

// dashboardView is the dashboard of one period.
type dashboardView struct {
	*Page
	*app.Dashboard
	Periods []app.Period
	Charts  []chartView
}

// chartView is a panel as the page shows it: its chart, its table and its
// CSV.
type chartView struct {
	app.Panel
	Title, Desc string
	Columns     []string // translated
	Labels      []string // translated, one per row
	SVG         chartSVG
	CSV         string
}

func (s *Server) parsePeriod(r *http.Request) app.Period {
	period := app.Period(r.URL.Query().Get("period"))
	if !slices.Contains(app.Periods, period) {
		period = app.Last30Days
	}
	return period
}

func (s *Server) showDashboard(w http.ResponseWriter, r *http.Request, p *Page) error {
	period := s.parsePeriod(r)
	d, err := s.app.Dashboard(r.Context(), p.User, period)
	if err != nil {
		return err
	}
	v := dashboardView{Page: p, Dashboard: d, Periods: app.Periods}
	for _, panel := range d.Panels {
		c := chartView{Panel: panel, Title: p.L.T("dashboard.panel_" + panel.ID), Desc: p.L.T("dashboard.desc_" + panel.ID),
			CSV: p.Link("/staff/dashboard/csv/" + panel.ID + "?period=" + string(period))}
		for _, col := range panel.Columns {
			c.Columns = append(c.Columns, p.L.T("dashboard.column_"+col))
		}
		for _, row := range panel.Rows {
			c.Labels = append(c.Labels, rowLabel(p, panel.Labels, row.Label))
		}
		c.SVG = drawChart(c)
		v.Charts = append(v.Charts, c)
	}
	p.Title = p.L.T("dashboard.title")
	p.NoIndex = true
	return s.render(p, "dashboard", v)
}

// rowLabel translates a row's label by its kind.
func rowLabel(p *Page, kind, label string) string {
	switch kind {
	case "language":
		if name := p.L.T("language." + label); name != "language."+label {
			return name
		}
	case "country":
		return countryName(p.L, label)
	case "theme", "identity":
		return p.L.T(kind + "." + label)
	case "channel":
		return p.L.T("dashboard.channel_" + label)
	}
	if label == "" {
		return p.L.T("dashboard.unknown")
	}
	return label
}

// downloadDashboardCSV sends one panel's table as CSV.
func (s *Server) downloadDashboardCSV(w http.ResponseWriter, r *http.Request, p *Page) error {
	period := s.parsePeriod(r)
	d, err := s.app.Dashboard(r.Context(), p.User, period)
	if err != nil {
		return err
	}
	panel := d.Panel(r.PathValue("panel"))
	if panel == nil {
		return story.ErrNotFound
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%s.csv"`, panel.ID, period))
	w.Header().Set("Cache-Control", "no-store")
	out := csv.NewWriter(w)
	header := []string{panel.Labels}
	if header[0] == "" {
		header[0] = "label"
	}
	header = append(header, panel.Columns...)
	out.Write(header)
	for _, row := range panel.Rows {
		record := []string{csvSafe(row.Label)}
		for _, v := range row.Values {
			record = append(record, strconv.FormatInt(v, 10))
		}
		out.Write(record)
	}
	out.Flush()
	return out.Error()
}

// csvSafe keeps a spreadsheet from reading a cell as a formula.
func csvSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

type impactView struct {
	*Page
	app.Impact
}

func (s *Server) showImpact(w http.ResponseWriter, r *http.Request, p *Page) error {
	im, err := s.app.Impact(r.Context())
	if err != nil {
		return err
	}
	p.Title = p.L.T("impact.title")
	p.cacheable = true
	return s.render(p, "impact", impactView{Page: p, Impact: im})
}

type openDataView struct {
	*Page
	Licence          app.Licence
	CSVURL, JSONLURL string
}

func (s *Server) showOpenData(w http.ResponseWriter, r *http.Request, p *Page) error {
	t, err := s.app.Timeline(r.Context())
	if err != nil {
		return err
	}
	p.Title = p.L.T("opendata.title")
	p.cacheable = true
	return s.render(p, "opendata", openDataView{Page: p, Licence: app.LicenceOf(t.Licence),
		CSVURL: paths.OpenDataPath("stories.csv"), JSONLURL: paths.OpenDataPath("stories.jsonl")})
}

// openStoryHeader is the CSV's first line; translations go as JSON in one
// column.
var openStoryHeader = []string{"id", "title", "body", "language", "country", "city", "themes", "published", "url", "translations", "licence"}

// serveOpenData streams every published story as CSV or JSON Lines, one
// page of stories in memory at a time.
func (s *Server) serveOpenData(format string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		t, err := s.app.Timeline(r.Context())
		if err != nil {
			s.log.Error("open data", "err", err)
			http.Error(w, "unavailable", http.StatusServiceUnavailable)
			return
		}
		licence := app.LicenceOf(t.Licence)
		h := w.Header()
		h.Set("Link", `<`+licence.URL+`>; rel="license"`)
		h.Set("Cache-Control", "no-cache")
		h.Set("Access-Control-Allow-Origin", "*")
		buf := bufio.NewWriterSize(w, 64<<10)
		storyURL := func(st *story.Story) string { return s.cfg.BaseURL + paths.StoryPath(pageLang(s, st.Language), st.ID) }
		var write func(*app.OpenStory) error
		switch format {
		case "csv":
			h.Set("Content-Type", "text/csv; charset=utf-8; header=present")
			h.Set("Content-Disposition", `attachment; filename="stories.csv"`)
			out := csv.NewWriter(buf)
			out.Write(openStoryHeader)
			write = func(o *app.OpenStory) error {
				translations, _ := json.Marshal(o.Translations)
				out.Write([]string{o.ID, csvSafe(o.Title), csvSafe(o.Body), o.Language, o.Country, csvSafe(o.City), strings.Join(o.Themes, ","),
					o.Published.Format(time.RFC3339), o.URL, string(translations), o.Licence})
				return out.Error()
			}
			defer out.Flush() // into buf, before buf's own flush below
		default:
			h.Set("Content-Type", "application/jsonl; charset=utf-8")
			h.Set("Content-Disposition", `attachment; filename="stories.jsonl"`)
			enc := json.NewEncoder(buf)
			write = func(o *app.OpenStory) error { return enc.Encode(o) }
		}
		err = s.app.EachOpenStory(r.Context(), storyURL, write)
		if err != nil && !errors.Is(err, r.Context().Err()) {
			// The status is sent; a broken last line tells the client.
			s.log.Error("open data stopped", "err", err)
		}
		defer buf.Flush()
	}
}

// pageLang is the page language a story is shown in: its own when the
// site has it, else the first.
func pageLang(s *Server, lang string) string {
	if s.catalog.Lang(lang) != nil {
		return lang
	}
	return s.catalog.Languages()[0].Code
}
