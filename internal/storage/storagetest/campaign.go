package storagetest

import (
	"cmp"
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"chorus/internal/audit"
	"chorus/internal/org"
	"chorus/internal/staff"
	"chorus/internal/storage"
	"chorus/internal/story"
)

// testCampaignFigures: the dashboard's figures count per day and by
// dimension, narrow to a scope, and the analytics counts add up (the
// visitors estimate keeps its largest value).
func testCampaignFigures(t *testing.T, st storage.Store) {
	ctx := context.Background()
	day1, day2 := epoch, epoch.Add(24*time.Hour)
	a := sample("a", story.StatusPublished, day1)
	a.PublishedAt = day1.Add(2 * time.Hour)
	b := sample("b", story.StatusPublished, day2)
	b.Language, b.Country, b.Themes, b.Identity = "fr", "FR", []string{"work"}, story.IdentityRefugee
	b.PublishedAt = day2.Add(time.Hour)
	c := sample("c", story.StatusRejected, day1)
	c.UpdatedAt = day2.Add(30 * time.Minute)
	d := sample("d", story.StatusPending, day2)
	insert(t, st, a, b, c, d)
	err := st.WithTx(ctx, func(tx storage.Tx) error {
		if err := tx.AppendAudit(ctx, audit.Entry{At: day2, Actor: "partner@example.org", Action: "submit", SubjectID: "b"}); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Entry{At: day2, Actor: "storyteller", Action: "submit", SubjectID: "a"})
	})
	if err != nil {
		t.Fatal(err)
	}

	all := storage.StoryScope{}
	got, err := st.StoriesPerDay(ctx, storage.EventSubmitted, time.Time{}, all)
	checkTallies(t, "submitted", got, err, storage.Tally{Label: "2026-11-01", Count: 2}, storage.Tally{Label: "2026-11-02", Count: 2})
	got, err = st.StoriesPerDay(ctx, storage.EventPublished, day2, all)
	checkTallies(t, "published since day 2", got, err, storage.Tally{Label: "2026-11-02", Count: 1})
	got, err = st.StoriesPerDay(ctx, storage.EventRejected, time.Time{}, all)
	checkTallies(t, "rejected", got, err, storage.Tally{Label: "2026-11-02", Count: 1})
	got, err = st.StoriesPerDay(ctx, storage.EventWithdrawn, time.Time{}, all)
	checkTallies(t, "withdrawn before any", got, err)
	if err := st.WithTx(ctx, func(tx storage.Tx) error { return tx.EraseStory(ctx, "a", "", day2) }); err != nil {
		t.Fatal(err)
	}
	got, err = st.StoriesPerDay(ctx, storage.EventWithdrawn, time.Time{}, all)
	checkTallies(t, "withdrawn", got, err, storage.Tally{Label: "2026-11-02", Count: 1})

	got, err = st.PublishedStoriesBy(ctx, storage.ByLanguage, time.Time{}, all)
	checkTallies(t, "by language", got, err, storage.Tally{Label: "fr", Count: 1})
	got, err = st.PublishedStoriesBy(ctx, storage.ByTheme, time.Time{}, all)
	checkTallies(t, "by theme", got, err, storage.Tally{Label: "work", Count: 1})
	got, err = st.PublishedStoriesBy(ctx, storage.ByIdentity, time.Time{}, storage.StoryScope{SubmittedBy: "storyteller"})
	checkTallies(t, "by identity, a withdrawn story's submitter", got, err)
	partner := storage.StoryScope{SubmittedBy: "partner@example.org"}
	got, err = st.PublishedStoriesBy(ctx, storage.ByCountry, time.Time{}, partner)
	checkTallies(t, "by country, the partner's", got, err, storage.Tally{Label: "FR", Count: 1})
	got, err = st.StoriesPerDay(ctx, storage.EventSubmitted, time.Time{}, partner)
	checkTallies(t, "submitted, the partner's", got, err, storage.Tally{Label: "2026-11-02", Count: 1})

	waits, err := st.DecisionWaits(ctx, time.Time{}, all)
	slices.SortFunc(waits, func(a, b storage.WaitCount) int { return cmp.Compare(a.Wait, b.Wait) })
	if want := []storage.WaitCount{{Wait: storage.WaitBucket(time.Hour), Count: 1}, {Wait: storage.WaitBucket(24*time.Hour + 30*time.Minute), Count: 1}}; err != nil || !slices.Equal(waits, want) {
		t.Errorf("decision waits: %v %v, want %v", waits, err, want)
	}
	waits, err = st.DecisionWaits(ctx, time.Time{}, partner)
	if want := []storage.WaitCount{{Wait: storage.WaitBucket(time.Hour), Count: 1}}; err != nil || !slices.Equal(waits, want) {
		t.Errorf("decision waits of the partner's stories: %v %v, want %v", waits, err, want)
	}

	err = st.WithTx(ctx, func(tx storage.Tx) error {
		return tx.AddDailyCounts(ctx, []storage.DailyCount{
			{Day: "2026-11-01", Metric: "view", Dimension: "direct", Count: 3},
			{Day: "2026-11-02", Metric: "view", Dimension: "embed", Count: 1},
			{Day: "2026-11-02", Metric: storage.VisitorsMetric, Count: 5},
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	err = st.WithTx(ctx, func(tx storage.Tx) error {
		return tx.AddDailyCounts(ctx, []storage.DailyCount{
			{Day: "2026-11-02", Metric: "view", Dimension: "direct", Count: 2},
			{Day: "2026-11-02", Metric: storage.VisitorsMetric, Count: 4},
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err = st.DailyCounts(ctx, "view", "")
	checkTallies(t, "views by channel", got, err, storage.Tally{Label: "direct", Count: 5}, storage.Tally{Label: "embed", Count: 1})
	got, err = st.DailySeries(ctx, "view", "2026-11-02")
	checkTallies(t, "views since day 2", got, err, storage.Tally{Label: "2026-11-02", Count: 3})
	got, err = st.DailySeries(ctx, storage.VisitorsMetric, "")
	checkTallies(t, "visitors keep the largest estimate", got, err, storage.Tally{Label: "2026-11-02", Count: 5})

	ids, err := st.StoryIDsWithStatus(ctx, story.StatusPending, 10)
	if err != nil || !slices.Equal(ids, []string{"d"}) {
		t.Errorf("pending ids: %v %v", ids, err)
	}
	u := &staff.User{Email: "mod@example.org", Role: staff.RoleModerator, CreatedAt: epoch}
	var erased, signIns int
	err = st.WithTx(ctx, func(tx storage.Tx) error {
		if err := tx.InsertUser(ctx, u); err != nil {
			return err
		}
		for _, kind := range []staff.CredentialKind{staff.CredentialSession, staff.CredentialSignInLink, staff.CredentialAPIToken} {
			if err := tx.InsertCredential(ctx, staff.Credential{TokenHash: []byte(kind), Kind: kind, UserID: u.ID, CreatedAt: epoch}); err != nil {
				return err
			}
		}
		if erased, err = tx.EraseContacts(ctx); err != nil {
			return err
		}
		signIns, err = tx.DeleteSignInRecords(ctx)
		return err
	})
	if err != nil || erased != 3 || signIns != 2 {
		t.Errorf("erased %d contacts and %d sign-in records (%v), want 3 and 2", erased, signIns, err)
	}
	if n, err := st.CountStaff(ctx, staff.RoleModerator); err != nil || n != 1 {
		t.Errorf("moderators: %d %v", n, err)
	}
	if s, err := st.Story(ctx, "b"); err != nil || s.ContactSealed != nil {
		t.Errorf("contact after erasure: %v %v", s.ContactSealed, err)
	}
	if user, err := st.CredentialUser(ctx, staff.CredentialAPIToken, []byte(staff.CredentialAPIToken), epoch); err != nil || user.ID != u.ID {
		t.Errorf("API token after erasing sign-in records: %v %v", user, err)
	}
}

// testCampaignOrganisationScope: an organisation's scope keeps the
// stories told through it, by any of its members, and never another
// organisation's; a withdrawn story still counts for its organisation
// after its consent record is erased.
func testCampaignOrganisationScope(t *testing.T, st storage.Store) {
	ctx := context.Background()
	day1, day2 := epoch, epoch.Add(24*time.Hour)
	a1 := sample("a1", story.StatusPublished, day1)
	a1.PublishedAt, a1.Country = day1.Add(time.Hour), "FR"
	a2 := sample("a2", story.StatusPending, day2)
	b1 := sample("b1", story.StatusPublished, day2)
	b1.PublishedAt, b1.Country = day2.Add(time.Hour), "DE"
	own := sample("own", story.StatusPublished, day1)
	own.PublishedAt = day1.Add(time.Hour)
	insert(t, st, a1, a2, b1, own)
	first := &staff.User{Email: "first@a.example.org", Role: staff.RolePartner, CreatedAt: epoch}
	second := &staff.User{Email: "second@a.example.org", Role: staff.RolePartner, CreatedAt: epoch}
	other := &staff.User{Email: "member@b.example.org", Role: staff.RolePartner, CreatedAt: epoch}
	err := st.WithTx(ctx, func(tx storage.Tx) error {
		for _, o := range []string{"o-a", "o-b"} {
			if err := tx.PutOrganisation(ctx, &org.Organisation{ID: o, Slug: o, Kind: org.KindCivilSociety,
				Texts: map[string]org.Text{"en": {Name: o}}, CreatedAt: epoch, UpdatedAt: epoch}); err != nil {
				return err
			}
		}
		for _, u := range []*staff.User{first, second, other} {
			if err := tx.InsertUser(ctx, u); err != nil {
				return err
			}
		}
		told := []struct {
			storyID, organisationID string
			by                      *staff.User
		}{{"a1", "o-a", first}, {"a2", "o-a", second}, {"b1", "o-b", other}}
		for _, c := range told {
			if err := tx.InsertConsentRecord(ctx, &org.ConsentRecord{StoryID: c.storyID, OrganisationID: c.organisationID, SubmittedBy: c.by.ID,
				Consenter: "Consenter of " + c.storyID, Method: org.MethodSignedForm, ConsentedAt: epoch, ExplainedIn: "en",
				Scope: []org.Scope{org.ScopeSite}, CreatedAt: epoch}); err != nil {
				return err
			}
		}
		return tx.AppendAudit(ctx, audit.Entry{At: day1, Actor: "first@a.example.org", Action: "submit", SubjectID: "own"})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.WithTx(ctx, func(tx storage.Tx) error { return tx.EraseStory(ctx, "a2", "", day2) }); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ConsentRecord(ctx, "a2"); !errors.Is(err, story.ErrNotFound) {
		t.Fatalf("consent record of a withdrawn story: %v", err)
	}
	orgA, orgB := storage.StoryScope{OrganisationID: "o-a"}, storage.StoryScope{OrganisationID: "o-b"}
	got, err := st.StoriesPerDay(ctx, storage.EventSubmitted, time.Time{}, orgA)
	checkTallies(t, "submitted through A, both members'", got, err, storage.Tally{Label: "2026-11-01", Count: 1}, storage.Tally{Label: "2026-11-02", Count: 1})
	got, err = st.StoriesPerDay(ctx, storage.EventWithdrawn, time.Time{}, orgA)
	checkTallies(t, "withdrawn through A", got, err, storage.Tally{Label: "2026-11-02", Count: 1})
	got, err = st.StoriesPerDay(ctx, storage.EventWithdrawn, time.Time{}, orgB)
	checkTallies(t, "withdrawn through B", got, err)
	got, err = st.StoriesPerDay(ctx, storage.EventSubmitted, time.Time{}, orgB)
	checkTallies(t, "submitted through B", got, err, storage.Tally{Label: "2026-11-02", Count: 1})
	got, err = st.PublishedStoriesBy(ctx, storage.ByCountry, time.Time{}, orgA)
	checkTallies(t, "by country through A", got, err, storage.Tally{Label: "FR", Count: 1})
	got, err = st.PublishedStoriesBy(ctx, storage.ByCountry, time.Time{}, orgB)
	checkTallies(t, "by country through B", got, err, storage.Tally{Label: "DE", Count: 1})
	got, err = st.PublishedStoriesBy(ctx, storage.ByTheme, time.Time{}, orgB)
	checkTallies(t, "by theme through B", got, err, storage.Tally{Label: "family", Count: 1}, storage.Tally{Label: "work", Count: 1})
	got, err = st.PublishedStoriesBy(ctx, storage.ByCountry, time.Time{}, storage.StoryScope{OrganisationID: "o-none"})
	checkTallies(t, "by country through an organisation without stories", got, err)
	if waits, err := st.DecisionWaits(ctx, time.Time{}, orgB); err != nil || !slices.Equal(waits, []storage.WaitCount{{Wait: storage.WaitBucket(time.Hour), Count: 1}}) {
		t.Errorf("decision waits through B: %v %v", waits, err)
	}
}

// checkTallies fails the test when a figure could not be read or differs
// from want (no rows and an empty want agree).
func checkTallies(t *testing.T, what string, got []storage.Tally, err error, want ...storage.Tally) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
		t.Errorf("%s: %v, want %v", what, got, want)
	}
}
