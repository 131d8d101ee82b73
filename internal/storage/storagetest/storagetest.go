// Package storagetest is the conformance suite every storage backend runs.
package storagetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"chorus/internal/audit"
	"chorus/internal/staff"
	"chorus/internal/storage"
	"chorus/internal/story"
)

// Run checks a backend; open returns a fresh, empty store for each test.
func Run(t *testing.T, open func(t *testing.T) storage.Store) {
	tests := map[string]func(*testing.T, storage.Store){
		"StoryRoundTrip":       testStoryRoundTrip,
		"NotFoundAndConflict":  testNotFoundAndConflict,
		"PublishedFilters":     testPublishedFilters,
		"CursorPagination":     testCursorPagination,
		"Search":               testSearch,
		"QueueOldestFirst":     testQueue,
		"EraseKeepsTombstone":  testErase,
		"RollbackOnError":      testRollback,
		"AuditLog":             testAudit,
		"UsersAndCredentials":  testUsers,
		"BlobDeletionSchedule": testBlobDeletions,
		"JobsRunAfterCommit":   testJobs,
		"DumpAndLoad":          testDumpLoad,
		"Posts":                testPosts,
		"SettingsAndReplies":   testSettingsAndReplies,
		"Translations":         testTranslations,
		"StoryTranslations":    testStoryTranslations,
		"EraseTranslations":    testEraseRemovesTranslations,
		"OnlyTombstoneKept":    testEraseKeepsOnlyTheTombstone,
		"TOTPStepsUsedOnce":    testTOTPStepsAreUsedOnce,
		"CampaignFigures":      testCampaignFigures,
		"Sources":              testSources,
		"Leases":               testLeases,
		"PostProvenance":       testPostProvenanceAndFigures,
		"Organisations":        testOrganisations,
		"Federation":           testFederation,
	}
	tests["CampaignOrganisationScope"] = testCampaignOrganisationScope
	tests["TalliesFollowEveryChange"] = testTalliesFollowEveryChange
	tests["TalliesUnderConcurrentWrites"] = testTalliesUnderConcurrentWrites
	tests["RetentionTombstoneKeepsTheRejection"] = testRetentionTombstoneKeepsTheRejection
	for name, fn := range tests {
		t.Run(name, func(t *testing.T) { fn(t, open(t)) })
	}
}

var epoch = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

func sample(id string, status story.Status, at time.Time) *story.Story {
	s := &story.Story{
		ID: id, Status: status, Title: "Title " + id, Body: "Body of " + id + " about neighbours and winter.",
		Language: "en", Country: "CA", City: "Halifax", Themes: []string{"work", "family"}, Identity: story.IdentityMigrant,
		DisplayName: "Name " + id, ContactSealed: []byte{1, 2, 3}, Consent: story.Consent{Publish: true, Social: true},
		Signals:   []story.Signal{{Kind: story.SignalPersonalData, Score: 0.8, Spans: []story.Span{{Field: "body", Start: 0, End: 4, Label: "phone"}}}},
		CreatedAt: at, UpdatedAt: at,
	}
	if status == story.StatusPublished {
		s.PublishedAt = at
	}
	return s
}

func insert(t *testing.T, st storage.Store, stories ...*story.Story) {
	t.Helper()
	each(t, st, stories, func(ctx context.Context, tx storage.Tx, s *story.Story) error {
		return tx.InsertStory(ctx, s, []byte("hash-of-"+s.ID))
	})
}

// each writes every item with write, in one transaction, or fails the test.
func each[T any](t *testing.T, st storage.Store, items []T, write func(context.Context, storage.Tx, T) error) {
	t.Helper()
	ctx := context.Background()
	err := st.WithTx(ctx, func(tx storage.Tx) error {
		for _, item := range items {
			if err := write(ctx, tx, item); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func testStoryRoundTrip(t *testing.T, st storage.Store) {
	ctx := context.Background()
	want := sample("round", story.StatusPending, epoch)
	want.Consent.Translate = true
	want.Photo = &story.Photo{Alt: "a street", Sizes: []story.PhotoSize{{Name: "list", Key: "photos/round/x-list.jpg", Width: 640, Height: 480}}}
	insert(t, st, want)
	got, err := st.Story(ctx, "round")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, want)
	}
	hash, err := st.SubmissionTokenHash(ctx, "round")
	if err != nil || string(hash) != "hash-of-round" {
		t.Fatalf("token hash %q %v", hash, err)
	}
	got.Title, got.Status, got.PublishedAt = "Changed", story.StatusPublished, epoch.Add(time.Hour)
	if err := st.WithTx(ctx, func(tx storage.Tx) error { return tx.UpdateStory(ctx, got) }); err != nil {
		t.Fatal(err)
	}
	again, _ := st.Story(ctx, "round")
	if again.Title != "Changed" || again.Status != story.StatusPublished || !again.PublishedAt.Equal(epoch.Add(time.Hour)) {
		t.Fatalf("update lost: %+v", again)
	}
}

func testNotFoundAndConflict(t *testing.T, st storage.Store) {
	ctx := context.Background()
	if _, err := st.Story(ctx, "missing"); !errors.Is(err, story.ErrNotFound) {
		t.Errorf("missing story: %v", err)
	}
	if _, err := st.UserByEmail(ctx, "nobody@example.org"); !errors.Is(err, story.ErrNotFound) {
		t.Errorf("missing user: %v", err)
	}
	insert(t, st, sample("dup", story.StatusPending, epoch))
	err := st.WithTx(ctx, func(tx storage.Tx) error {
		return tx.InsertStory(ctx, sample("dup", story.StatusPending, epoch), []byte("h"))
	})
	if story.ErrorCode(err) != story.CodeConflict {
		t.Errorf("duplicate id: %v", err)
	}
	err = st.WithTx(ctx, func(tx storage.Tx) error { return tx.UpdateStory(ctx, sample("ghost", story.StatusPending, epoch)) })
	if !errors.Is(err, story.ErrNotFound) {
		t.Errorf("updating a missing story: %v", err)
	}
}

func testPublishedFilters(t *testing.T, st storage.Store) {
	ctx := context.Background()
	a := sample("a", story.StatusPublished, epoch)
	b := sample("b", story.StatusPublished, epoch.Add(time.Minute))
	b.Language, b.Country, b.Themes, b.Featured = "fr", "FR", []string{"education"}, true
	b.Consent.Toolkit = true
	c := sample("c", story.StatusPending, epoch.Add(2*time.Minute))
	c.Consent.Toolkit = true
	d := sample("d", story.StatusRejected, epoch.Add(3*time.Minute))
	insert(t, st, a, b, c, d)
	cases := []struct {
		filter story.Filter
		want   []string
	}{
		{story.Filter{}, []string{"b", "a"}},
		{story.Filter{Language: "fr"}, []string{"b"}},
		{story.Filter{Country: "CA"}, []string{"a"}},
		{story.Filter{Theme: "work"}, []string{"a"}},
		{story.Filter{Theme: "education", Language: "fr"}, []string{"b"}},
		{story.Filter{Theme: "education", Language: "en"}, nil},
		{story.Filter{Featured: true}, []string{"b"}},
		{story.Filter{Toolkit: true}, []string{"b"}},
		{story.Filter{Toolkit: true, Language: "en"}, nil},
	}
	for _, tc := range cases {
		page, err := st.PublishedStories(ctx, tc.filter)
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(page.Stories); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%+v: got %v, want %v", tc.filter, got, tc.want)
		}
	}
	if n, _ := st.CountByStatus(ctx, story.StatusPublished); n != 2 {
		t.Errorf("published count %d", n)
	}
	countries, _ := st.Countries(ctx)
	if !reflect.DeepEqual(countries, []string{"CA", "FR"}) {
		t.Errorf("countries %v", countries)
	}
}

func ids(list []*story.Story) []string {
	var out []string
	for _, s := range list {
		out = append(out, s.ID)
	}
	return out
}

func testCursorPagination(t *testing.T, st storage.Store) {
	ctx := context.Background()
	var all []*story.Story
	for i := 0; i < 25; i++ {
		// Pairs share a timestamp, so the id must break ties.
		all = append(all, sample(fmt.Sprintf("s%02d", i), story.StatusPublished, epoch.Add(time.Duration(i/2)*time.Minute)))
	}
	insert(t, st, all...)
	seen := map[string]bool{}
	var order []string
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("pagination does not end")
		}
		page, err := st.PublishedStories(ctx, story.Filter{Limit: 7, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range page.Stories {
			if seen[s.ID] {
				t.Fatalf("%s twice", s.ID)
			}
			seen[s.ID] = true
			order = append(order, s.ID)
		}
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	if len(order) != 25 || order[0] != "s24" || order[24] != "s00" {
		t.Fatalf("order %v", order)
	}
	if _, err := st.PublishedStories(ctx, story.Filter{Cursor: "not a cursor!"}); story.ErrorCode(err) != story.CodeInvalid {
		t.Errorf("bad cursor: %v", err)
	}
}

func testSearch(t *testing.T, st storage.Store) {
	ctx := context.Background()
	en := sample("en1", story.StatusPublished, epoch)
	en.Title, en.Body = "The library card", "Before I had a bank account, I had a library card and a skating lesson."
	fr := sample("fr1", story.StatusPublished, epoch.Add(time.Minute))
	fr.Language, fr.Title, fr.Body = "fr", "Ma première rentrée", "Les élèves de l'école m'ont accueillie à la bibliothèque."
	ar := sample("ar1", story.StatusPublished, epoch.Add(2*time.Minute))
	ar.Language, ar.Title, ar.Body = "ar", "جارتي التي علمتني اللغة", "كانت جارتي تطرق بابي كل يوم أربعاء ومعها كتاب صغير"
	es := sample("es1", story.StatusPublished, epoch.Add(3*time.Minute))
	es.Language, es.Title, es.Body = "es", "La panadería del barrio", "Mi vecina abrió una panadería y todos los niños aprendieron canciones nuevas."
	uk := sample("uk1", story.StatusPublished, epoch.Add(4*time.Minute))
	uk.Language, uk.Title, uk.Body = "uk", "Нове життя у Вінніпезі", "Сусіди допомогли нам знайти школу для доньки і роботу для чоловіка."
	vowelled := sample("ar2", story.StatusPublished, epoch.Add(5*time.Minute))
	vowelled.Language, vowelled.Title, vowelled.Body = "ar", "مَدْرَسَةُ الأَمَلِ", "ذهبتُ إلى المـــدرسة مع أختي في الشتاء"
	zh := sample("zh1", story.StatusPublished, epoch.Add(6*time.Minute))
	zh.Language, zh.Title, zh.Body = "zh", "我们的社区很温暖", "邻居们每天都来帮忙，孩子们一起上学。"
	hidden := sample("p1", story.StatusPending, epoch)
	hidden.Body = "A pending story about the library must not be found."
	insert(t, st, en, fr, ar, es, uk, vowelled, zh, hidden)
	cases := map[string][]string{
		"library":      {"en1"},
		"LIBRARY card": {"en1"},
		"skat":         {"en1"},
		"ecole":        {"fr1"},
		"bibliothèque": {"fr1"},
		"première":     {"fr1"},
		"جارتي":        {"ar1"},
		"كتاب":         {"ar1"},
		"panaderia":    {"es1"},
		"canciones":    {"es1"},
		"школу":        {"uk1"},
		"Сусіди":       {"uk1"},
		"сусід":        {"uk1"},
		// Arabic script: marks and tatweel dropped, letter forms folded,
		// Persian keheh read as kaf.
		"مدرسة":  {"ar2"},
		"الامل":  {"ar2"},
		"أختي":   {"ar2"},
		"کتاب":   {"ar1"},
		"مدرسه":  {"ar2"},
		"مَدرسة": {"ar2"},
		// Chinese, written without spaces: found by its pairs of characters.
		"社区":                   {"zh1"},
		"温暖":                   {"zh1"},
		"邻居":                   {"zh1"},
		"一起上学":                 {"zh1"},
		"社区 温暖":                {"zh1"},
		"上海":                   nil,
		`"quoted" OR ( NEAR *`: nil,
		"nothingmatchesthis":   nil,
	}
	for q, want := range cases {
		page, err := st.PublishedStories(ctx, story.Filter{Query: q})
		if err != nil {
			t.Errorf("%q: %v", q, err)
			continue
		}
		if got := ids(page.Stories); !reflect.DeepEqual(got, want) {
			t.Errorf("search %q: got %v, want %v", q, got, want)
		}
	}
}

func testQueue(t *testing.T, st storage.Store) {
	ctx := context.Background()
	insert(t, st, sample("late", story.StatusPending, epoch.Add(time.Hour)), sample("early", story.StatusPending, epoch),
		sample("done", story.StatusPublished, epoch.Add(-time.Hour)))
	q, err := st.Queue(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(q); !reflect.DeepEqual(got, []string{"early", "late"}) {
		t.Errorf("queue %v", got)
	}
	if q[0].Signals[0].Spans[0].Label != "phone" {
		t.Errorf("signals lost: %+v", q[0].Signals)
	}
	rejected := sample("no", story.StatusRejected, epoch)
	insert(t, st, rejected)
	decided, err := st.DecidedStories(ctx, "", 10)
	if err != nil || !reflect.DeepEqual(ids(decided), []string{"done", "no"}) {
		t.Errorf("decided stories %v %v", ids(decided), err)
	}
	if rest, _ := st.DecidedStories(ctx, "done", 10); !reflect.DeepEqual(ids(rest), []string{"no"}) {
		t.Errorf("decided stories after done: %v", ids(rest))
	}
}

func testErase(t *testing.T, st storage.Store) {
	ctx := context.Background()
	s := sample("gone", story.StatusPublished, epoch)
	insert(t, st, s)
	err := st.WithTx(ctx, func(tx storage.Tx) error {
		if err := tx.AppendAudit(ctx, audit.Entry{At: epoch, Actor: "user:1", Action: "approve", SubjectID: "gone", Note: "called Name gone"}); err != nil {
			return err
		}
		return tx.EraseStory(ctx, "gone", "author_request", epoch.Add(time.Hour))
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PurgeErased(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.CompactErased(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.CompactErased(ctx); err != nil {
		t.Fatalf("a second compaction with nothing due: %v", err)
	}
	got, err := st.Story(ctx, "gone")
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != story.StatusWithdrawn || got.Title != "" || got.Body != "" || got.DisplayName != "" || got.City != "" ||
		got.ContactSealed != nil || got.Photo != nil || got.Signals != nil || len(got.Themes) != 0 {
		t.Errorf("tombstone keeps personal data: %+v", got)
	}
	if got.WithdrawReason != "author_request" || !got.WithdrawnAt.Equal(epoch.Add(time.Hour)) || !got.CreatedAt.Equal(epoch) {
		t.Errorf("tombstone lost its dates or reason: %+v", got)
	}
	page, _ := st.PublishedStories(ctx, story.Filter{Query: "neighbours"})
	if len(page.Stories) != 0 {
		t.Error("erased story still found by search")
	}
	page, _ = st.PublishedStories(ctx, story.Filter{Theme: "work"})
	if len(page.Stories) != 0 {
		t.Error("erased story still listed by theme")
	}
	entries, _ := st.Audit(ctx, "gone")
	if len(entries) != 1 || entries[0].Note != "" || entries[0].Action != "approve" {
		t.Errorf("audit after erasure: %+v", entries)
	}
}

func testRollback(t *testing.T, st storage.Store) {
	ctx := context.Background()
	boom := errors.New("boom")
	err := st.WithTx(ctx, func(tx storage.Tx) error {
		if err := tx.InsertStory(ctx, sample("half", story.StatusPending, epoch), []byte("h")); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("error not passed through: %v", err)
	}
	if _, err := st.Story(ctx, "half"); !errors.Is(err, story.ErrNotFound) {
		t.Errorf("half-written story survived a rollback: %v", err)
	}
}

func testAudit(t *testing.T, st storage.Store) {
	ctx := context.Background()
	for i, action := range []string{"submit", "edit", "approve"} {
		err := st.WithTx(ctx, func(tx storage.Tx) error {
			return tx.AppendAudit(ctx, audit.Entry{At: epoch.Add(time.Duration(i) * time.Second), Actor: "storyteller", Action: action, SubjectID: "x", Reason: "r", Note: "n"})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	entries, err := st.Audit(ctx, "x")
	if err != nil || len(entries) != 3 || entries[0].Action != "submit" || entries[2].Action != "approve" || !entries[1].At.Equal(epoch.Add(time.Second)) {
		t.Fatalf("audit %+v %v", entries, err)
	}
	err = st.WithTx(ctx, func(tx storage.Tx) error {
		for _, subject := range []string{"y", "z"} {
			if err := tx.AppendAudit(ctx, audit.Entry{At: epoch, Actor: "policy", Action: "auto_hide", SubjectID: subject}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	several, err := st.Audit(ctx, "z", "x", "missing")
	if err != nil || len(several) != 4 || several[0].SubjectID != "x" || several[3].SubjectID != "z" {
		t.Fatalf("audit of several subjects, oldest first: %+v %v", several, err)
	}
	if none, err := st.Audit(ctx); err != nil || len(none) != 0 {
		t.Fatalf("audit of no subject: %+v %v", none, err)
	}
}

func testUsers(t *testing.T, st storage.Store) {
	ctx := context.Background()
	u := &staff.User{Email: "Mod@Example.org", Role: staff.RoleModerator, CreatedAt: epoch}
	err := st.WithTx(ctx, func(tx storage.Tx) error {
		if err := tx.InsertUser(ctx, u); err != nil {
			return err
		}
		if err := tx.InsertCredential(ctx, staff.Credential{Kind: staff.CredentialSession, TokenHash: []byte("live"), UserID: u.ID, CreatedAt: epoch, ExpiresAt: epoch.Add(time.Hour)}); err != nil {
			return err
		}
		return tx.InsertCredential(ctx, staff.Credential{Kind: staff.CredentialAPIToken, TokenHash: []byte("api"), UserID: u.ID, CreatedAt: epoch})
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := st.UserByEmail(ctx, "mod@example.org"); err != nil || got.ID != u.ID {
		t.Errorf("e-mail lookup ignores case? %v %v", got, err)
	}
	if got, err := st.CredentialUser(ctx, staff.CredentialSession, []byte("live"), epoch.Add(time.Minute)); err != nil || got.ID != u.ID {
		t.Errorf("live session: %v", err)
	}
	if _, err := st.CredentialUser(ctx, staff.CredentialSession, []byte("live"), epoch.Add(2*time.Hour)); !errors.Is(err, story.ErrNotFound) {
		t.Errorf("expired session accepted: %v", err)
	}
	if _, err := st.CredentialUser(ctx, staff.CredentialSession, []byte("api"), epoch); !errors.Is(err, story.ErrNotFound) {
		t.Errorf("API token accepted as a session: %v", err)
	}
	if got, err := st.CredentialUser(ctx, staff.CredentialAPIToken, []byte("api"), epoch.AddDate(5, 0, 0)); err != nil || got.Role != staff.RoleModerator {
		t.Errorf("API token: %v", err)
	}
	var expired int
	err = st.WithTx(ctx, func(tx storage.Tx) error {
		var err error
		expired, err = tx.DeleteExpiredCredentials(ctx, epoch.Add(30*time.Minute))
		return err
	})
	if err != nil || expired != 0 {
		t.Fatalf("nothing expired yet: %d %v", expired, err)
	}
	err = st.WithTx(ctx, func(tx storage.Tx) error { return tx.DeleteCredential(ctx, staff.CredentialSession, []byte("live")) })
	if err != nil {
		t.Fatal(err)
	}
	err = st.WithTx(ctx, func(tx storage.Tx) error {
		if err := tx.InsertCredential(ctx, staff.Credential{Kind: staff.CredentialSession, TokenHash: []byte("old"), UserID: u.ID, CreatedAt: epoch, ExpiresAt: epoch.Add(time.Minute)}); err != nil {
			return err
		}
		var err error
		expired, err = tx.DeleteExpiredCredentials(ctx, epoch.Add(time.Hour))
		return err
	})
	if err != nil || expired != 1 {
		t.Errorf("expired credentials removed: %d %v", expired, err)
	}
	if _, err := st.CredentialUser(ctx, staff.CredentialAPIToken, []byte("api"), epoch.AddDate(1, 0, 0)); err != nil {
		t.Errorf("an API token without expiry was removed: %v", err)
	}
	err = st.WithTx(ctx, func(tx storage.Tx) error { return tx.DeleteCredential(ctx, staff.CredentialSession, []byte("live")) })
	if !errors.Is(err, story.ErrNotFound) {
		t.Errorf("deleting twice: %v", err)
	}
	err = st.WithTx(ctx, func(tx storage.Tx) error {
		return tx.InsertUser(ctx, &staff.User{Email: "mod@example.org", Role: staff.RoleAdmin, CreatedAt: epoch})
	})
	if story.ErrorCode(err) != story.CodeConflict {
		t.Errorf("duplicate e-mail: %v", err)
	}
}

func testBlobDeletions(t *testing.T, st storage.Store) {
	ctx := context.Background()
	err := st.WithTx(ctx, func(tx storage.Tx) error {
		for _, k := range []string{"a", "b", "c"} {
			if err := tx.ScheduleBlobDeletion(ctx, k, epoch); err != nil {
				return err
			}
		}
		if err := tx.ScheduleBlobDeletion(ctx, "later", epoch.Add(time.Hour)); err != nil {
			return err
		}
		return tx.CancelBlobDeletion(ctx, "b")
	})
	if err != nil {
		t.Fatal(err)
	}
	due, err := st.DueBlobDeletions(ctx, epoch.Add(time.Minute), 10)
	if err != nil || !reflect.DeepEqual(due, []string{"a", "c"}) && !reflect.DeepEqual(due, []string{"c", "a"}) {
		t.Errorf("due %v %v", due, err)
	}
	st.WithTx(ctx, func(tx storage.Tx) error { return tx.DoneBlobDeletion(ctx, "a") })
	due, _ = st.DueBlobDeletions(ctx, epoch.Add(2*time.Hour), 10)
	if len(due) != 2 {
		t.Errorf("after done: %v", due)
	}
}
