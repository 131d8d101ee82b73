package storagetest

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"chorus/internal/audit"
	"chorus/internal/org"
	"chorus/internal/staff"
	"chorus/internal/storage"
	"chorus/internal/story"
)

// testTalliesFollowEveryChange: after stories are written, linked to
// organisations, published, rejected, edited, withdrawn and erased by the
// retention job at random, the
// dashboard's figures (kept as tallies as the stories change) equal what
// counting the stories' rows again says, for the site and for each
// organisation, over all time and since a day.
func testTalliesFollowEveryChange(t *testing.T, st storage.Store) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(7, 11))
	hours := func(n int) time.Duration { return time.Duration(rng.IntN(n*60)) * time.Minute }
	pick := func(from ...string) string { return from[rng.IntN(len(from))] }
	themes := func() []string {
		var out []string
		for _, th := range []string{"work", "family", "school"} {
			if rng.IntN(2) == 0 {
				out = append(out, th)
			}
		}
		return out
	}
	const n = 60
	var ids []string
	var stories []*story.Story
	for i := range n {
		s := sample(fmt.Sprintf("t%02d", i), story.StatusPending, epoch.Add(hours(24*10)))
		s.Language, s.Country, s.Themes = pick("en", "fr", "ar"), pick("CA", "FR", "SY", ""), themes()
		s.Identity = story.Identities[rng.IntN(len(story.Identities))]
		switch rng.IntN(3) {
		case 1:
			s.Status, s.PublishedAt = story.StatusPublished, s.CreatedAt.Add(hours(150))
		case 2:
			s.Status, s.UpdatedAt = story.StatusRejected, s.CreatedAt.Add(hours(1200))
		}
		ids, stories = append(ids, s.ID), append(stories, s)
	}
	insert(t, st, stories...)

	organisations := map[string]string{}
	err := st.WithTx(ctx, func(tx storage.Tx) error {
		partner := &staff.User{Email: "partner@example.org", Role: staff.RolePartner, CreatedAt: epoch}
		if err := tx.InsertUser(ctx, partner); err != nil {
			return err
		}
		for _, o := range []string{"o-a", "o-b"} {
			if err := tx.PutOrganisation(ctx, &org.Organisation{ID: o, Slug: o, Kind: org.KindYouthNetwork,
				Texts: map[string]org.Text{"en": {Name: o}}, CreatedAt: epoch, UpdatedAt: epoch}); err != nil {
				return err
			}
		}
		// A partner without an organisation sees the stories they
		// submitted themselves (found through the audit log).
		for _, id := range ids[20:40] {
			if err := tx.AppendAudit(ctx, audit.Entry{At: epoch, Actor: "partner@example.org", Action: "submit", SubjectID: id}); err != nil {
				return err
			}
		}
		for _, id := range ids[:30] {
			o := pick("o-a", "o-b")
			organisations[id] = o
			if err := tx.InsertConsentRecord(ctx, &org.ConsentRecord{StoryID: id, OrganisationID: o, SubmittedBy: partner.ID,
				Consenter: "Consenter", Method: org.MethodRecordedVerbal, ConsentedAt: epoch, ExplainedIn: "fr",
				Scope: []org.Scope{org.ScopeSite}, CreatedAt: epoch}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	for range 120 {
		id := ids[rng.IntN(n)]
		err := st.WithTx(ctx, func(tx storage.Tx) error {
			s, err := tx.Story(ctx, id)
			if err != nil || s.Status == story.StatusWithdrawn {
				return err
			}
			at := s.CreatedAt.Add(hours(200))
			switch rng.IntN(5) {
			case 0:
				s.Status, s.PublishedAt, s.UpdatedAt = story.StatusPublished, at, at
			case 1:
				s.Status, s.PublishedAt, s.UpdatedAt = story.StatusRejected, time.Time{}, at
			case 2:
				s.Language, s.Country, s.Themes, s.UpdatedAt = pick("en", "es", "uk"), pick("CA", "UA", ""), themes(), at
			case 3:
				return tx.EraseStory(ctx, id, "", at)
			case 4:
				switch s.Status {
				case story.StatusRejected:
					return tx.EraseStory(ctx, id, story.ErasedRejected, at)
				case story.StatusPending:
					return tx.EraseStory(ctx, id, story.ErasedUndecided, at)
				}
				return nil
			}
			return tx.UpdateStory(ctx, s)
		})
		if err != nil {
			t.Fatal(err)
		}
	}

	checkAgainstRecount(t, st, ids, organisations, "partner@example.org", ids[20:40])
}

// checkAgainstRecount compares every story figure, for the site, each
// organisation (organisations maps a story to the one it was told
// through) and the partner who submitted the stories submitted, over all
// time and since a day, with a count made again from the stories' rows.
func checkAgainstRecount(t *testing.T, st storage.Store, ids []string, organisations map[string]string, submitter string, submitted []string) {
	t.Helper()
	ctx := context.Background()
	type want struct {
		perDay map[storage.StoryEvent]map[string]int64
		by     map[storage.StoryDimension]map[string]int64
		waits  map[time.Duration]int64
	}
	recount := func(in func(id string) bool, since time.Time) want {
		w := want{perDay: map[storage.StoryEvent]map[string]int64{}, by: map[storage.StoryDimension]map[string]int64{}, waits: map[time.Duration]int64{}}
		for _, ev := range storage.StoryEvents {
			w.perDay[ev] = map[string]int64{}
		}
		for _, dim := range []storage.StoryDimension{storage.ByLanguage, storage.ByCountry, storage.ByIdentity, storage.ByTheme} {
			w.by[dim] = map[string]int64{}
		}
		dayOf := func(at time.Time) (string, bool) {
			return at.UTC().Format(time.DateOnly), !at.Before(since)
		}
		for _, id := range ids {
			if !in(id) {
				continue
			}
			s, err := st.Story(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if d, ok := dayOf(s.CreatedAt); ok {
				w.perDay[storage.EventSubmitted][d]++
			}
			// The retention job's tombstones were not withdrawn; a
			// rejected story's still counts as rejected.
			status := s.Status
			switch s.WithdrawReason {
			case story.ErasedRejected:
				status = story.StatusRejected
			case story.ErasedUndecided:
			default:
				if d, ok := dayOf(s.WithdrawnAt); ok && !s.WithdrawnAt.IsZero() {
					w.perDay[storage.EventWithdrawn][d]++
				}
			}
			switch status {
			case story.StatusPublished:
				if d, ok := dayOf(s.PublishedAt); ok {
					w.perDay[storage.EventPublished][d]++
					w.by[storage.ByLanguage][s.Language]++
					w.by[storage.ByCountry][s.Country]++
					w.by[storage.ByIdentity][string(s.Identity)]++
					for _, th := range s.Themes {
						w.by[storage.ByTheme][th]++
					}
					w.waits[storage.WaitBucket(s.PublishedAt.Sub(s.CreatedAt))]++
				}
			case story.StatusRejected:
				if d, ok := dayOf(s.UpdatedAt); ok {
					w.perDay[storage.EventRejected][d]++
					w.waits[storage.WaitBucket(s.UpdatedAt.Sub(s.CreatedAt))]++
				}
			}
		}
		return w
	}
	asMap := func(tallies []storage.Tally) map[string]int64 {
		m := map[string]int64{}
		for _, tl := range tallies {
			m[tl.Label] = tl.Count
		}
		return m
	}
	type scoped struct {
		scope storage.StoryScope
		in    func(id string) bool
	}
	scopes := []scoped{{storage.StoryScope{}, func(string) bool { return true }}}
	for _, o := range slices.Compact(slices.Sorted(maps.Values(organisations))) {
		scopes = append(scopes, scoped{storage.StoryScope{OrganisationID: o}, func(id string) bool { return organisations[id] == o }})
	}
	if submitter != "" {
		scopes = append(scopes, scoped{storage.StoryScope{SubmittedBy: submitter}, func(id string) bool { return slices.Contains(submitted, id) }})
	}
	for _, sc := range scopes {
		for _, since := range []time.Time{{}, epoch.Add(5 * 24 * time.Hour).Truncate(24 * time.Hour)} {
			what := fmt.Sprintf("scope %+v since %s", sc.scope, since.Format(time.DateOnly))
			w := recount(sc.in, since)
			scope := sc.scope
			for ev, days := range w.perDay {
				got, err := st.StoriesPerDay(ctx, ev, since, scope)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.IsSortedFunc(got, func(a, b storage.Tally) int { return cmp.Compare(a.Label, b.Label) }) {
					t.Errorf("%s: %s per day out of order: %v", what, ev, got)
				}
				if !reflect.DeepEqual(asMap(got), days) {
					t.Errorf("%s: %s per day %v, counted %v", what, ev, asMap(got), days)
				}
			}
			for dim, values := range w.by {
				got, err := st.PublishedStoriesBy(ctx, dim, since, scope)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(asMap(got), values) {
					t.Errorf("%s: published by %s %v, counted %v", what, dim, asMap(got), values)
				}
			}
			waits, err := st.DecisionWaits(ctx, since, scope)
			if err != nil {
				t.Fatal(err)
			}
			got := map[time.Duration]int64{}
			for _, wc := range waits {
				got[wc.Wait] += wc.Count
			}
			if !reflect.DeepEqual(got, w.waits) {
				t.Errorf("%s: decision waits %v, counted %v", what, got, w.waits)
			}
		}
	}
}

// testTalliesUnderConcurrentWrites: writers changing the same stories at
// once, from copies read before their transaction, leave figures that
// equal a recount: each write locks the story's row while its counts move.
func testTalliesUnderConcurrentWrites(t *testing.T, st storage.Store) {
	ctx := context.Background()
	var ids []string
	var stories []*story.Story
	for i := range 2 {
		s := sample(fmt.Sprintf("c%d", i), story.StatusPending, epoch.Add(time.Duration(i)*time.Hour))
		ids, stories = append(ids, s.ID), append(stories, s)
	}
	insert(t, st, stories...)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 3))
			for i := range 15 {
				id := ids[rng.IntN(len(ids))]
				// Read outside the writing transaction, unlocked: the
				// write must still move the counts the row holds then.
				s, err := st.Story(ctx, id)
				if err != nil {
					errs <- err
					return
				}
				at := s.CreatedAt.Add(time.Duration(1+rng.IntN(300)) * time.Hour)
				switch i % 3 {
				case 0:
					s.Status, s.PublishedAt, s.UpdatedAt = story.StatusPublished, at, at
				case 1:
					s.Status, s.PublishedAt, s.UpdatedAt = story.StatusRejected, time.Time{}, at
				case 2:
					s.Language, s.Themes, s.UpdatedAt = []string{"en", "fr", "ar"}[rng.IntN(3)], []string{"work"}, at
				}
				err = st.WithTx(ctx, func(tx storage.Tx) error { return tx.UpdateStory(ctx, s) })
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	checkAgainstRecount(t, st, ids, nil, "", nil)
}

// TalliesFilledOnOpen checks that a database holding stories but no
// tallies (one written before the tallies existed, whose migration has
// just created their empty table) has them counted when it opens: forget
// empties the table behind the store's back, reopen opens the database
// again.
func TalliesFilledOnOpen(t *testing.T, st storage.Store, forget func(), reopen func() storage.Store) {
	ctx := context.Background()
	a := sample("a", story.StatusPublished, epoch)
	a.PublishedAt = epoch.Add(3 * time.Hour)
	b := sample("b", story.StatusRejected, epoch.Add(24*time.Hour))
	b.UpdatedAt = b.CreatedAt.Add(time.Hour)
	insert(t, st, a, b, sample("c", story.StatusPending, epoch))
	figures := func(st storage.Store) string {
		var out []any
		for _, ev := range storage.StoryEvents {
			got, err := st.StoriesPerDay(ctx, ev, time.Time{}, storage.StoryScope{})
			out = append(out, ev, got, err)
		}
		got, err := st.PublishedStoriesBy(ctx, storage.ByTheme, time.Time{}, storage.StoryScope{})
		waits, werr := st.DecisionWaits(ctx, time.Time{}, storage.StoryScope{})
		slices.SortFunc(waits, func(a, b storage.WaitCount) int { return cmp.Compare(a.Wait, b.Wait) })
		return fmt.Sprint(append(out, got, err, waits, werr)...)
	}
	before := figures(st)
	forget()
	if lost := figures(st); lost == before {
		t.Fatalf("the tallies were not forgotten: %s", lost)
	}
	if after := figures(reopen()); after != before {
		t.Errorf("after reopening: %s, want %s", after, before)
	}
}
