package api

import (
	_ "embed"
	"net/http"
)

//go:embed openapi.json
var openAPIDocument []byte

// OpenAPIDocument is the API's description; a test checks it against the routes.
func OpenAPIDocument() []byte { return openAPIDocument }

// OpenAPI handles GET /api/v1/openapi.json.
func (a *API) OpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(openAPIDocument)
}
