package sqlstore

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"chorus/internal/storage"
	"chorus/internal/story"
)

// The dashboard's story figures are read from story_tallies, counts per
// day kept by the writes that change a story (InsertStory, UpdateStory,
// EraseStory, LinkStoryToOrganisation), in their transaction: each write
// takes away what the story counted for before and adds what it counts
// for now. A figure is then a sum over the days of a period, whatever the
// number of stories.
//
// What a story counts for is a function of its row alone (storyTallies),
// so the table always equals what GROUP BY queries over the stories
// would say (the conformance suite compares them after random changes).

// tallyKey is one row of story_tallies. Organisation "" is the whole site.
type tallyKey struct {
	organisation, day, event, dimension, value string
}

// dimensionWait holds a decision's wait, in seconds, rounded by
// storage.WaitBucket.
const dimensionWait = "wait"

// tallyFacts are the columns of a story its tallies depend on.
type tallyFacts struct {
	status                                 story.Status
	language, country, identity, reason    string
	themes                                 []string
	created, updated, published, withdrawn time.Time
}

// factsOf reads the facts of a story about to be written, its times as
// both databases keep them (to the microsecond), so that a wait counted
// now is the wait read back later.
func factsOf(s *story.Story) tallyFacts {
	us := func(t time.Time) time.Time { return t.Truncate(time.Microsecond) }
	return tallyFacts{status: s.Status, language: s.Language, country: s.Country, identity: string(s.Identity),
		reason: s.WithdrawReason, themes: s.Themes, created: us(s.CreatedAt), updated: us(s.UpdatedAt), published: us(s.PublishedAt), withdrawn: us(s.WithdrawnAt)}
}

func day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

func waitValue(d time.Duration) string {
	return strconv.FormatInt(int64(storage.WaitBucket(d)/time.Second), 10)
}

// storyTallies lists the rows a story in this state counts for in one
// organisation's figures ("" the site's). A story the retention job
// erased was not withdrawn: it counts for what it had come to.
func storyTallies(organisation string, f tallyFacts) []tallyKey {
	keys := []tallyKey{{organisation, day(f.created), string(storage.EventSubmitted), "", ""}}
	erased := f.status == story.StatusWithdrawn && story.RetentionReason(f.reason)
	if !f.withdrawn.IsZero() && !erased {
		keys = append(keys, tallyKey{organisation, day(f.withdrawn), string(storage.EventWithdrawn), "", ""})
	}
	status := f.status
	if erased && f.reason == story.ErasedRejected {
		status = story.StatusRejected
	}
	switch status {
	case story.StatusPublished:
		d, ev := day(f.published), string(storage.EventPublished)
		keys = append(keys,
			tallyKey{organisation, d, ev, "", ""},
			tallyKey{organisation, d, ev, string(storage.ByLanguage), f.language},
			tallyKey{organisation, d, ev, string(storage.ByCountry), f.country},
			tallyKey{organisation, d, ev, string(storage.ByIdentity), f.identity},
			tallyKey{organisation, d, ev, dimensionWait, waitValue(f.published.Sub(f.created))})
		for _, theme := range slices.Compact(slices.Sorted(slices.Values(f.themes))) {
			keys = append(keys, tallyKey{organisation, d, ev, string(storage.ByTheme), theme})
		}
	case story.StatusRejected:
		// A rejected story cannot be edited: its last change is its
		// rejection.
		d, ev := day(f.updated), string(storage.EventRejected)
		keys = append(keys,
			tallyKey{organisation, d, ev, "", ""},
			tallyKey{organisation, d, ev, dimensionWait, waitValue(f.updated.Sub(f.created))})
	}
	return keys
}

// tallyChange adds up the rows a write changes.
type tallyChange map[tallyKey]int64

func (c tallyChange) add(keys []tallyKey, n int64) {
	for _, k := range keys {
		c[k] += n
	}
}

// scopes counts a story's state for the site and its organisation.
func (c tallyChange) scopes(organisation string, f tallyFacts, n int64) {
	c.add(storyTallies("", f), n)
	if organisation != "" {
		c.add(storyTallies(organisation, f), n)
	}
}

// applyTallies writes a change; rows it leaves as they were are not
// written.
func (t *Tx) applyTallies(ctx context.Context, change tallyChange) error {
	// One order for every writer: two PostgreSQL transactions updating
	// the same rows take their locks in the same order.
	keys := slices.SortedFunc(maps.Keys(change), func(a, b tallyKey) int {
		return cmp.Or(strings.Compare(a.organisation, b.organisation), strings.Compare(a.event, b.event),
			strings.Compare(a.dimension, b.dimension), strings.Compare(a.day, b.day), strings.Compare(a.value, b.value))
	})
	keys = slices.DeleteFunc(keys, func(k tallyKey) bool { return change[k] == 0 })
	return insertRows(ctx, t, "story tallies", "INSERT INTO story_tallies (organisation_id, day, event, dimension, value, count)",
		"ON CONFLICT (organisation_id, event, dimension, day, value) DO UPDATE SET count = story_tallies.count + excluded.count",
		keys, func(k tallyKey) []any { return []any{k.organisation, k.day, k.event, k.dimension, k.value, change[k]} })
}

// factsSelect reads a story's id, tally facts and organisation
// (scanFacts).
const factsSelect = `SELECT id, status, language, country, identity, withdraw_reason, themes, created_at, updated_at, published_at, withdrawn_at,
	(SELECT organisation_id FROM story_organisations WHERE story_id = stories.id) FROM stories`

// storyFacts is a row of factsSelect.
type storyFacts struct {
	id, organisation string
	tallyFacts
}

func scanFacts(row Row) (storyFacts, error) {
	var (
		f                                      storyFacts
		status                                 string
		themes                                 List
		created, updated, published, withdrawn Time
		linked                                 *string
	)
	err := row.Scan(&f.id, &status, &f.language, &f.country, &f.identity, &f.reason, &themes, &created, &updated, &published, &withdrawn, &linked)
	if linked != nil {
		f.organisation = *linked
	}
	f.status, f.themes = story.Status(status), themes
	f.created, f.updated, f.published, f.withdrawn = created.Time, updated.Time, published.Time, withdrawn.Time
	return f, err
}

// storedFacts reads what a story counts for now and the organisation it
// was told through, locking the story's row until the transaction ends so
// that no other write moves its counts meanwhile.
func (t *Tx) storedFacts(ctx context.Context, id string) (tallyFacts, string, error) {
	f, err := scanFacts(t.DB.QueryRow(ctx, factsSelect+" WHERE id = ?"+t.D.ForUpdate(), id))
	if err != nil {
		return f.tallyFacts, "", t.err("story tallies", err)
	}
	return f.tallyFacts, f.organisation, nil
}

// retally moves a story's counts from what it was to what write leaves:
// written, the facts of the story written when the write sets them all,
// nil to read them back.
func (t *Tx) retally(ctx context.Context, id string, written *tallyFacts, write func() error) error {
	before, organisation, err := t.storedFacts(ctx, id)
	if err != nil {
		return err
	}
	if err := write(); err != nil {
		return err
	}
	if written == nil {
		after, _, err := t.storedFacts(ctx, id)
		if err != nil {
			return err
		}
		written = &after
	}
	change := tallyChange{}
	change.scopes(organisation, before, -1)
	change.scopes(organisation, *written, 1)
	return t.applyTallies(ctx, change)
}

// RebuildStoryTallies counts every story again, for a database whose
// tallies are missing (created before them): one pass over the stories'
// facts, a thousand stories a read.
func (t *Tx) RebuildStoryTallies(ctx context.Context) error {
	if _, err := t.DB.Exec(ctx, "DELETE FROM story_tallies"); err != nil {
		return t.err("rebuild story tallies", err)
	}
	after := ""
	for {
		change := tallyChange{}
		page, err := queryAll(ctx, t.Queries, "rebuild story tallies", scanFacts, factsSelect+" WHERE id > ? ORDER BY id LIMIT 1000", after)
		if err != nil || len(page) == 0 {
			return err
		}
		for _, f := range page {
			change.scopes(f.organisation, f.tallyFacts, 1)
		}
		if err := t.applyTallies(ctx, change); err != nil {
			return err
		}
		after = page[len(page)-1].id
	}
}

// FillStoryTallies counts every story when the database holds stories
// but no tallies: the state right after the migration that created them.
func (t *Tx) FillStoryTallies(ctx context.Context) error {
	var stories, tallies bool
	err := t.DB.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM stories), EXISTS (SELECT 1 FROM story_tallies)").Scan(&stories, &tallies)
	if err != nil || !stories || tallies {
		return t.err("story tallies", err)
	}
	return t.RebuildStoryTallies(ctx)
}

func tallyScope(scope storage.StoryScope) string { return scope.OrganisationID }

func sinceDay(since time.Time) string {
	if since.IsZero() {
		return ""
	}
	return day(since)
}
