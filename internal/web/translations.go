package web

import (
	"net/http"

	"chorus/internal/i18n"
	"chorus/internal/storage"
)

type coverageRow struct {
	i18n.Coverage
	Language  i18n.Language
	Published bool
}

type translationsView struct {
	*Page
	Rows []coverageRow
}

// showTranslations shows translators and admins how far each language is.
func (s *Server) showTranslations(w http.ResponseWriter, r *http.Request, p *Page) error {
	if p.User.Role != storage.RoleAdmin && p.User.Role != storage.RoleTranslator {
		return errAdminOnly
	}
	langs := append(append([]i18n.Language{}, i18n.Known...), i18n.InTranslation...)
	report, err := i18n.MeasureCoverage(i18n.Locales(), langs, nil)
	if err != nil {
		return err
	}
	v := translationsView{Page: p}
	for _, c := range report {
		row := coverageRow{Coverage: c}
		for _, l := range langs {
			if l.Code == c.Code {
				row.Language = l
			}
		}
		row.Published = s.catalog.Lang(c.Code) != nil
		v.Rows = append(v.Rows, row)
	}
	p.Title = p.L.T("translations.title")
	return s.render(p, "translations", v)
}
