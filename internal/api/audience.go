package api

import (
	"net/http"

	"chorus/internal/app"
	"chorus/internal/staff"
)

// StaffHandler answers an API request made with a staff member's token.
type StaffHandler func(w http.ResponseWriter, r *http.Request, by *staff.User) error

// Moderators lets through the tokens of moderators and admins.
func (a *API) Moderators(h StaffHandler) http.HandlerFunc {
	return a.Serve(a.staffIn(app.Moderators, h))
}

// Admins lets through the tokens of admins, which connectors run with.
func (a *API) Admins(h StaffHandler) http.HandlerFunc { return a.Serve(a.staffIn(app.Admins, h)) }

// staffIn refuses early, from the same table the use-cases check again, a
// request whose token is missing, unknown, or not of the audience.
func (a *API) staffIn(audience app.Audience, h StaffHandler) Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := a.staffUser(r)
		if err != nil {
			return err
		}
		if !audience.Includes(u) {
			return app.ErrForbidden
		}
		return h(w, r, u)
	}
}
