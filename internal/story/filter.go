package story

// Filter selects published stories. Zero values mean "any".
type Filter struct {
	Language string
	Country  string
	Theme    string
	Query    string // full-text search
	Featured bool
	Cursor   string // opaque, from a previous Page
	Limit    int

	// Toolkit keeps the stories whose authors agreed to the campaign toolkit.
	Toolkit bool
}

// Page is one page of a listing.
type Page struct {
	Stories    []*Story
	NextCursor string // empty on the last page
}
