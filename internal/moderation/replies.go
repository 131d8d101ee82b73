package moderation

import (
	_ "embed"
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"chorus/internal/story"
)

// Reply is a counter-narrative or myth/fact pair to answer hate with, and
// the source that backs it.
type Reply struct {
	ID       string   `json:"id"`
	Language string   `json:"language"`
	Groups   []string `json:"groups"`           // target groups it answers; empty: any
	Claims   []string `json:"claims,omitempty"` // claims it answers ("jobs", "crime"; see Claims); empty: none in particular
	Kind     string   `json:"kind"`             // "myth_fact" or "narrative"
	Myth     string   `json:"myth,omitempty"`
	Text     string   `json:"text"`
	Source   Source   `json:"source"`
}

// Source names the organisation and publication a reply relies on.
type Source struct {
	Organisation string `json:"organisation"`
	Title        string `json:"title"`
	URL          string `json:"url"`
}

//go:embed replies/replies.json
var repliesJSON []byte

// ParseReplies decodes a replies file, so that an edited copy can replace
// the embedded one.
func ParseReplies(data []byte) ([]Reply, error) {
	var r []Reply
	err := json.Unmarshal(data, &r)
	return r, err
}

var defaultReplies = func() []Reply {
	r, err := ParseReplies(repliesJSON)
	if err != nil {
		panic(err)
	}
	return r
}()

// Replies returns the embedded counter-speech library.
func Replies() []Reply { return append([]Reply(nil), defaultReplies...) }

// SuggestReply picks a reply from the embedded library; see SuggestFrom.
func SuggestReply(language string, signals []story.Signal) (Reply, bool) {
	return SuggestFrom(defaultReplies, language, signals)
}

// SuggestFrom picks a reply in language for the hate signal: one that
// answers the claim it found ("they steal our jobs" gets the reply about
// jobs), else one for the target group it names, else a general one. It
// returns false when the signals show no hate or no reply fits.
func SuggestFrom(replies []Reply, language string, signals []story.Signal) (Reply, bool) {
	var hate *story.Signal
	for i := range signals {
		if signals[i].Kind == story.SignalHate {
			hate = &signals[i]
		}
	}
	if hate == nil || hate.Score < DefaultPolicy.ApproveBelow {
		return Reply{}, false
	}
	groups, claims := parseHateDetail(hate.Detail)
	lang := baseLang(language)
	var byClaim, byGroup, general *Reply
	for i := range replies {
		r := &replies[i]
		if r.Language != lang {
			continue
		}
		switch {
		case byClaim == nil && overlaps(r.Claims, claims) && (len(r.Groups) == 0 || overlaps(r.Groups, groups)):
			byClaim = r
		case byGroup == nil && len(r.Claims) == 0 && overlaps(r.Groups, groups):
			byGroup = r
		case general == nil && len(r.Groups) == 0 && len(r.Claims) == 0:
			general = r
		}
	}
	for _, r := range []*Reply{byClaim, byGroup, general} {
		if r != nil {
			return *r, true
		}
	}
	return Reply{}, false
}

func overlaps(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

// parseHateDetail reads the hate signal's detail, "target: migrants,
// refugees; claim: jobs", where the app may have added the details of other
// fields ("…; display_name; target: muslims").
func parseHateDetail(detail string) (groups, claims []string) {
	for part := range strings.SplitSeq(detail, "; ") {
		if v, ok := strings.CutPrefix(part, "target: "); ok {
			groups = append(groups, strings.Split(v, ", ")...)
		} else if v, ok := strings.CutPrefix(part, "claim: "); ok {
			claims = append(claims, strings.Split(v, ", ")...)
		}
	}
	return groups, claims
}

// Reply kinds.
const (
	ReplyMythFact  = "myth_fact"
	ReplyNarrative = "narrative"
)

// Limits of a reply: short enough to post on any network with a link.
const (
	MaxReplyText = 500
	MaxReplyMyth = 300
)

var replyID = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)

// Validate checks a reply an admin wrote, as a form would.
func (r *Reply) Validate() error {
	r.Language, r.Myth, r.Text = story.CleanLine(r.Language), story.CleanText(r.Myth), story.CleanText(r.Text)
	r.Source.Organisation, r.Source.Title, r.Source.URL = story.CleanLine(r.Source.Organisation), story.CleanLine(r.Source.Title), story.CleanLine(r.Source.URL)
	switch {
	case !replyID.MatchString(r.ID):
		return story.FieldError("id", "error.reply_id", "The id may hold only lowercase letters, digits and dashes (64 at most).")
	case !baseLanguage.MatchString(r.Language):
		return story.FieldError("language", "error.reply_language", "Choose the reply's language.")
	case r.Kind != ReplyMythFact && r.Kind != ReplyNarrative:
		return story.FieldError("kind", "error.reply_kind", "Choose whether this is a myth and its facts or a counter-narrative.")
	case r.Kind == ReplyMythFact && r.Myth == "":
		return story.FieldError("myth", "error.reply_myth_required", "Write the myth this reply answers.")
	case utf8.RuneCountInString(r.Myth) > MaxReplyMyth:
		return story.FieldError("myth", "error.reply_myth_too_long", "The myth is too long (300 characters at most).")
	case r.Text == "":
		return story.FieldError("text", "error.reply_text_required", "Write the reply.")
	case utf8.RuneCountInString(r.Text) > MaxReplyText:
		return story.FieldError("text", "error.reply_text_too_long", "The reply is too long (500 characters at most).")
	case r.Source.Organisation == "" || r.Source.Title == "" || len(r.Source.Organisation) > 200 || len(r.Source.Title) > 300:
		return story.FieldError("source", "error.reply_source", "Name the organisation and the publication that back this reply.")
	case !httpsURL(r.Source.URL):
		return story.FieldError("source_url", "error.reply_source_url", "The source's address must be an https URL.")
	}
	known := TargetGroups()
	for _, g := range r.Groups {
		if !slices.Contains(known, g) {
			return story.FieldError("groups", "error.reply_groups", "Choose target groups from the list.")
		}
	}
	for _, c := range r.Claims {
		if !slices.Contains(defaultLexicon.claims, c) {
			return story.FieldError("groups", "error.reply_groups", "Choose target groups from the list.")
		}
	}
	if r.Kind == ReplyNarrative {
		r.Myth = ""
	}
	return nil
}

var baseLanguage = regexp.MustCompile(`^[a-z]{2,3}$`)

func httpsURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && len(s) <= 2000 && u.Scheme == "https" && u.Host != "" && u.User == nil
}

// Claims lists the topics of the stereotyped claims the lexicons know
// ("benefits", "crime", "jobs", …), the ones a reply can answer.
func Claims() []string { return append([]string(nil), defaultLexicon.claims...) }

// TargetGroups lists the groups the lexicons know, the ones a reply can
// answer for.
func TargetGroups() []string {
	var out []string
	for _, g := range defaultLexicon.groups {
		if g != "-" && g != "" && g != "group" {
			out = append(out, g)
		}
	}
	return out
}
