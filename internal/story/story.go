// Package story holds the domain of Chorus: stories, consent, status,
// screening signals and the error codes every layer speaks.
package story

import (
	"slices"
	"time"
)

// Status is where a story stands in its life.
type Status string

const (
	StatusPending   Status = "pending"
	StatusPublished Status = "published"
	StatusRejected  Status = "rejected"
	StatusWithdrawn Status = "withdrawn"
)

// Identity is how a storyteller describes themselves.
type Identity string

const (
	IdentityMigrant   Identity = "migrant"
	IdentityRefugee   Identity = "refugee"
	IdentityCommunity Identity = "community"
	IdentityOther     Identity = "other"
)

// Identities lists every accepted Identity in display order.
var Identities = []Identity{IdentityMigrant, IdentityRefugee, IdentityCommunity, IdentityOther}

// Consent records what the storyteller explicitly agreed to.
type Consent struct {
	Publish bool `json:"publish"`
	Social  bool `json:"social"`
	Toolkit bool `json:"toolkit"`
	// Translate lets translators and partners translate the published
	// story into the site's other languages; off unless the author agrees.
	Translate bool `json:"translate"`
}

// Photo is a story's processed picture: only re-encoded sizes are kept.
type Photo struct {
	Alt   string
	Sizes []PhotoSize
}

// PhotoSize is one rendition of a photo, stored under Key in the blob store.
type PhotoSize struct {
	Name   string // "list" or "page"
	Key    string
	Width  int
	Height int
}

// Story is one storyteller's submission, from pending to published or withdrawn.
type Story struct {
	ID          string
	Title       string
	Body        string
	Language    string
	Country     string
	City        string
	Themes      []string
	Identity    Identity
	DisplayName string
	Anonymous   bool
	// ContactSealed is the contact e-mail encrypted at rest; nil when none was given.
	ContactSealed []byte
	Consent       Consent
	Status        Status
	Photo         *Photo
	Demo          bool
	Featured      bool
	Signals       []Signal

	// RejectReason is a code from RejectReasons; RejectNote is the moderator's free text.
	RejectReason string
	RejectNote   string
	// WithdrawReason is a code from WithdrawReasons, or empty when the
	// storyteller gave none; never free text.
	WithdrawReason string

	CreatedAt   time.Time
	UpdatedAt   time.Time
	PublishedAt time.Time
	WithdrawnAt time.Time
}

// Signal is one automatic screening result: a score and the spans that drove it.
type Signal struct {
	Kind         string  `json:"kind"` // see Signal* constants
	Score        float64 `json:"score"`
	Spans        []Span  `json:"spans,omitempty"`
	Detail       string  `json:"detail,omitempty"`
	ModelVersion string  `json:"model_version,omitempty"`
}

// Signal kinds.
const (
	SignalHate         = "hate"
	SignalThreat       = "threat"
	SignalPersonalData = "personal_data"
	SignalSpam         = "spam"
	SignalLanguage     = "language"
	// SignalUnscreened marks a text the screen failed on: a moderator must
	// read it with no help, and it sorts first in the queue.
	SignalUnscreened = "unscreened"
)

// Span marks a part of a field, in byte offsets of that field's text.
type Span struct {
	Field string `json:"field"` // "title" or "body"
	Start int    `json:"start"`
	End   int    `json:"end"`
	Label string `json:"label"` // e.g. "phone", "email", "address", "id_number", "slur"
}

// RejectReasons are the translatable reasons a moderator picks from.
var RejectReasons = []string{"personal_data", "hate", "off_topic", "spam", "not_authentic", "duplicate", "other"}

// WithdrawReasons are the reasons a storyteller may pick when withdrawing
// a story; giving none is fine. Only the code is kept, so nothing they
// write survives the withdrawal.
var WithdrawReasons = []string{"changed_mind", "safety", "privacy", "incorrect", "other"}

// ErrUnknownWithdrawReason answers a withdrawal reason not in WithdrawReasons.
var ErrUnknownWithdrawReason = &Error{Code: CodeBadRequest, Key: "error.withdraw_reason_unknown", Field: "reason",
	Message: "This withdrawal reason is not on the list: use changed_mind, safety, privacy, incorrect or other, or leave it out."}

// The retention job erases, after the campaign, the stories that were
// never published, leaving tombstones whose reason says what the story
// had come to (no storyteller can pick these), so that the campaign's
// figures and the storyteller's page do not read them as withdrawn.
const (
	// ErasedRejected: rejected, then erased; the tombstone keeps the
	// rejection's time as its UpdatedAt.
	ErasedRejected = "erased_rejected"
	// ErasedUndecided: never decided before the campaign ended.
	ErasedUndecided = "erased_undecided"
)

// RetentionReason tells the reasons the retention job leaves from those a
// storyteller picks.
func RetentionReason(reason string) bool {
	return reason == ErasedRejected || reason == ErasedUndecided
}

// ErasedByRetention tells a tombstone left by the retention job from a
// story its storyteller (or a partner for them) withdrew.
func (s *Story) ErasedByRetention() bool {
	return s.Status == StatusWithdrawn && RetentionReason(s.WithdrawReason)
}

// Tombstone is what is kept of a withdrawn story, in the database and in
// an export: its id (so its addresses answer 410 Gone), when it was told
// (the order of the storyteller's record) and when it was withdrawn (the
// proof of the erasure), and the code of the reason they chose, if any
// (or that the retention job erased it, and for a rejected story when it
// was rejected). Nothing else, not even the country, language, identity
// or consents, which together can point at a person; with no name, it is
// anonymous.
func Tombstone(s *Story) *Story {
	updated := s.WithdrawnAt
	if s.WithdrawReason == ErasedRejected && !s.UpdatedAt.IsZero() {
		updated = s.UpdatedAt
	}
	return &Story{ID: s.ID, Status: StatusWithdrawn, Anonymous: true, WithdrawReason: s.WithdrawReason,
		CreatedAt: s.CreatedAt, UpdatedAt: updated, WithdrawnAt: s.WithdrawnAt}
}

// WithdrawReasonCode reads a withdrawal reason recorded before reasons
// were codes: a code stays (the retention job's too), the former default
// "author_request" meant that none was given, and anything else, free
// text, becomes "other".
func WithdrawReasonCode(reason string) string {
	if slices.Contains(WithdrawReasons, reason) || RetentionReason(reason) {
		return reason
	}
	if reason == "" || reason == "author_request" {
		return ""
	}
	return "other"
}
