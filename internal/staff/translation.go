package staff

import "time"

// The catalogs a Translation belongs to.
const (
	CatalogInterface = "interface" // the interface's messages (internal/i18n)
	CatalogToolkit   = "toolkit"   // the campaign toolkit's texts (internal/toolkit)
)

// Translation is a text saved in the browser by a translator or an admin,
// layered over the shipped catalogs: one per catalog, language and key.
type Translation struct {
	Catalog string // CatalogInterface or CatalogToolkit
	Lang    string
	Key     string            // message key, or toolkit item id
	Forms   map[string]string // CLDR plural category → text; "other" alone for a plain text
	// SourceHash identifies the English text the translation was made
	// from; empty for an English text itself.
	SourceHash string
	UpdatedBy  int64 // the user who saved it
	UpdatedAt  time.Time
	// ReviewedBy is the user who checked the text as a native speaker, 0
	// while it waits for a review; saving a new text resets it.
	ReviewedBy int64
	ReviewedAt time.Time
}
