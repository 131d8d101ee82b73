package moderation

import (
	"context"
	"time"

	"chorus/internal/outbound"
	"chorus/internal/story"
)

// Options configures a Screen. The zero value uses only embedded data.
type Options struct {
	// ExternalURL, when set, is a Perspective-compatible endpoint asked for
	// a TOXICITY score; the built-in classifier is used when it fails.
	ExternalURL string
	// ExternalTimeout bounds each external call; default 2s.
	ExternalTimeout time.Duration
	// Client sends the external calls; default a guarded client that
	// reaches public addresses only.
	Client *outbound.Client
}

// Screen is the built-in screener: lexicons, patterns and the embedded
// classifier. It is safe for concurrent use.
type Screen struct {
	opts  Options
	lex   *lexicon
	model *Model
}

var _ Screener = (*Screen)(nil)

// NewScreen returns a screen configured by opts.
func NewScreen(opts Options) *Screen {
	if opts.ExternalTimeout <= 0 {
		opts.ExternalTimeout = 2 * time.Second
	}
	if opts.Client == nil {
		opts.Client = outbound.New(outbound.Options{})
	}
	return &Screen{opts: opts, lex: defaultLexicon, model: DefaultModel()}
}

// Screen returns one signal of each kind: hate, threat, personal_data, spam
// and language. Scores are 0..1; spans point into the original fields.
func (s *Screen) Screen(ctx context.Context, in Input) (out []story.Signal) {
	defer func() {
		if r := recover(); r != nil {
			out = nil
		}
	}()
	return s.screen(ctx, in)
}

// screen is Screen without the recovery, so that tests see a panic.
func (s *Screen) screen(ctx context.Context, in Input) []story.Signal {
	version := ModelVersion()
	hate := story.Signal{Kind: story.SignalHate, ModelVersion: version}
	threat := story.Signal{Kind: story.SignalThreat, ModelVersion: version}
	pii := story.Signal{Kind: story.SignalPersonalData}
	spam := story.Signal{Kind: story.SignalSpam}
	lang := story.Signal{Kind: story.SignalLanguage}

	groups := map[string]bool{}
	var claims map[string]bool // made when a claim is found: most texts have none
	var langCode string
	var langScore float64
	var fieldHate [2]float64
	for fi, f := range [2]struct{ name, text string }{{"title", in.Title}, {"body", in.Body}} {
		if f.text == "" {
			continue
		}
		a := getAnalysis(f.text, s.lex)
		lexiconHate(a, s.lex, f.name, &hate, groups)
		claims = claimTopics(a, s.lex, claims)
		before := threat.Score
		threatSignal(a, f.name, &threat)
		fieldHate[fi], _ = hateScore(a, s.lex, s.model, threat.Score > before)
		spamSignal(f.name, f.text, a, &spam)
		if f.name == "body" || langCode == "" {
			langCode, langScore = detectLanguage(a, in.Language)
		}
		putAnalysis(a)
	}
	hate.Score = 1 - (1-fieldHate[0])*(1-fieldHate[1])
	if worst, start, end, ok := s.worstSentence(in.Body); ok {
		// A story: scored by its worst sentence, the title read as one
		// more sentence with the story's first as its context.
		field := "body"
		if in.Title != "" {
			if t := s.inContext(in.Title, in.Title+"\n"+firstSentence(in.Body)); t > worst {
				worst, field, start, end = t, "title", 0, len(in.Title)
			}
		}
		hate.Score = worst
		hate.Spans = append(hate.Spans, sentenceSpan(field, start, end))
	}
	hate.Detail = groupDetail(groups, claims)
	if s.opts.ExternalURL != "" {
		s.applyExternal(ctx, in, &hate)
	}

	hint := in.Language
	if hint == "" {
		hint = langCode
	}
	pii.Spans = findPII("title", in.Title, hint, pii.Spans)
	pii.Spans = findPII("body", in.Body, hint, pii.Spans)
	for _, sp := range pii.Spans {
		pii.Score = max(pii.Score, piiConfidence[sp.Label])
	}
	if len(pii.Spans) > 1 {
		pii.Score = min(1, pii.Score+0.05)
	}
	lang.Detail = langCode
	lang.Score = langScore
	return []story.Signal{hate, threat, pii, spam, lang}
}

// HateScore is the hate score of one text, as the hate signal computes it.
func (s *Screen) HateScore(text, language string) float64 {
	a := getAnalysis(text, s.lex)
	defer putAnalysis(a)
	score, _ := hateScore(a, s.lex, s.model, hasThreat(a))
	return score
}
