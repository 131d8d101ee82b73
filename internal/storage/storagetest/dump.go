package storagetest

import (
	"context"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"chorus/internal/audit"
	"chorus/internal/org"
	"chorus/internal/staff"
	"chorus/internal/storage"
	"chorus/internal/story"
)

// dumpFixture is a small site in canonical dump order: ids with gaps (a
// deleted user, audit entries of a rolled-back past), every story status, a
// tombstone, credentials of every kind, a partner's stories (the pending
// one with its consent record, which links it too; the withdrawn one with
// its link alone) and the campaign's daily counts.
func dumpFixture() []storage.Record {
	pub := sample("d-pub", story.StatusPublished, epoch)
	pub.Title, pub.Body = "Snowshoes", "The neighbours lent us snowshoes the first winter."
	pub.Photo = &story.Photo{Alt: "snow", Sizes: []story.PhotoSize{{Name: "list", Key: "photos/d-pub/a-list.webp", Width: 640, Height: 480}}}
	pub.Featured = true
	pub.Consent.Translate = true
	pending := sample("d-pend", story.StatusPending, epoch.Add(time.Minute))
	rejected := sample("d-rej", story.StatusRejected, epoch.Add(2*time.Minute))
	rejected.RejectReason, rejected.RejectNote = "off_topic", "Not about arrival."
	hiddenPost := samplePost("p-1", "201", story.PostHidden, epoch)
	hiddenPost.DecidedBy, hiddenPost.DecidedAt, hiddenPost.HideReason = "user:3", epoch, "spam"
	tomb := &story.Story{ID: "d-tomb", Status: story.StatusWithdrawn, Language: "fr", Country: "FR", Identity: story.IdentityRefugee,
		Anonymous: true, WithdrawReason: "author_request", CreatedAt: epoch, UpdatedAt: epoch.Add(time.Hour), WithdrawnAt: epoch.Add(time.Hour)}
	return []storage.Record{
		{User: &staff.User{ID: 3, Email: "admin@example.org", Role: staff.RoleAdmin, PasswordHash: "$argon2id$x", TOTPSecret: "ABC", CreatedAt: epoch}},
		{User: &staff.User{ID: 7, Email: "Mod@Example.org", Role: staff.RoleModerator, CreatedAt: epoch}},
		{Credential: &staff.Credential{Kind: staff.CredentialAPIToken, TokenHash: []byte("a-api"), UserID: 7, CreatedAt: epoch}},
		{Credential: &staff.Credential{Kind: staff.CredentialSession, TokenHash: []byte("b-session"), UserID: 3, CreatedAt: epoch, ExpiresAt: epoch.Add(time.Hour)}},
		{Credential: &staff.Credential{Kind: staff.CredentialSignInLink, TokenHash: []byte("c-link"), UserID: 7, CreatedAt: epoch, ExpiresAt: epoch.Add(24 * time.Hour)}},
		{Story: &storage.StoryRecord{Story: pending, TokenHash: []byte("hash-pend")}},
		{Story: &storage.StoryRecord{Story: pub, TokenHash: []byte("hash-pub")}},
		{Story: &storage.StoryRecord{Story: rejected, TokenHash: []byte("hash-rej")}},
		{Story: &storage.StoryRecord{Story: tomb, TokenHash: []byte("hash-tomb")}},
		{StoryTranslation: &story.Translation{StoryID: "d-pub", Language: "ar", Title: "أحذية الثلج", Body: "أعارنا الجيران أحذية الثلج.",
			Origin: story.OriginMachine, Status: story.TranslationDraft, TranslatorID: 7, CheckedBy: 7, CreatedAt: epoch, UpdatedAt: epoch.Add(time.Minute)}},
		{StoryTranslation: &story.Translation{StoryID: "d-pub", Language: "fr", Title: "Raquettes", Body: "Les voisins nous ont prêté des raquettes.",
			Credit: "Léa", Origin: story.OriginHuman, Status: story.TranslationPublished, TranslatorID: 3, ReviewedBy: 7,
			CreatedAt: epoch, UpdatedAt: epoch.Add(time.Minute), PublishedAt: epoch.Add(time.Hour)}},
		{Audit: &audit.Entry{ID: 2, At: epoch, Actor: "storyteller", Action: "submit", SubjectID: "d-pub"}},
		{Audit: &audit.Entry{ID: 5, At: epoch.Add(time.Minute), Actor: "user:7", Action: "approve", SubjectID: "d-pub", Note: "fine"}},
		{Audit: &audit.Entry{ID: 9, At: epoch.Add(time.Hour), Actor: "storyteller", Action: "withdraw", SubjectID: "d-tomb", Reason: "author_request"}},
		{BlobDeletion: &storage.BlobDeletion{Key: "photos/d-tomb/x-list.webp", DueAt: epoch.Add(time.Hour)}},
		{Post: hiddenPost},
		{Post: samplePost("p-2", "202", story.PostQueued, epoch.Add(time.Minute))},
		{Setting: &storage.Setting{Key: policyKey, Value: []byte(`{"hide_above":0.85,"approve_below":0.2}`), UpdatedAt: epoch, UpdatedBy: "user:3"}},
		{StoredReply: &storage.StoredReply{ID: "en-one", Data: []byte(`{"id":"en-one","text":"Edited."}`), UpdatedAt: epoch, UpdatedBy: "user:3"}},
		{StoredReply: &storage.StoredReply{ID: "fr-two", Data: []byte(`{}`), Removed: true, UpdatedAt: epoch, UpdatedBy: "user:3"}},
		{Translation: &staff.Translation{Catalog: staff.CatalogInterface, Lang: "ar", Key: "queue.count", Forms: map[string]string{"one": "قصة واحدة", "other": "{{.Count}} قصة"},
			SourceHash: "sha1-1", UpdatedBy: 3, UpdatedAt: epoch}},
		{Translation: &staff.Translation{Catalog: staff.CatalogToolkit, Lang: "en", Key: toolkitTitle, Forms: map[string]string{"other": "Campaign kit"}, UpdatedBy: 3, UpdatedAt: epoch.Add(time.Minute)}},
		{Organisation: &org.Organisation{ID: "o-1", Slug: "harbour-youth", Kind: org.KindYouthNetwork, Texts: map[string]org.Text{
			"en": {Name: "Harbour Youth", Description: "Young people welcoming newcomers."}, "fr": {Name: "Jeunesse du port"}},
			Logo: []byte("\x89PNG-logo"), Website: "https://harbour.example.org", Country: "CA", CreatedAt: epoch, UpdatedAt: epoch.Add(time.Minute)}},
		{Member: &org.Member{UserID: 7, OrganisationID: "o-1", Owner: true}},
		{ConsentRecord: &org.ConsentRecord{StoryID: "d-pend", OrganisationID: "o-1", SubmittedBy: 7, Consenter: "Amina K.", Method: org.MethodSignedForm,
			ConsentedAt: epoch, ExplainedIn: "fr", Scope: []org.Scope{org.ScopeSite, org.ScopeTranslation}, ScanKey: "consent/d-pend/scan.jpg", CreatedAt: epoch}},
		{StoryOrganisation: &storage.StoryOrganisation{StoryID: "d-pend", OrganisationID: "o-1"}},
		{StoryOrganisation: &storage.StoryOrganisation{StoryID: "d-tomb", OrganisationID: "o-1"}},
		{Collection: &org.Collection{ID: "c-1", Slug: "first-winter", Language: "en", Title: "First winters", Description: "Snow.",
			OrganisationID: "o-1", StoryIDs: []string{"d-pub", "d-pend"}, CreatedAt: epoch, UpdatedAt: epoch}},
		{Collection: &org.Collection{ID: "c-2", Slug: "empty", Language: "fr", Title: "Vide", CreatedAt: epoch, UpdatedAt: epoch}},
		{AnalyticsDay: &storage.DailyCount{Day: "2026-11-01", Metric: "share", Dimension: "mastodon", Count: 2}},
		{AnalyticsDay: &storage.DailyCount{Day: "2026-11-01", Metric: "view", Dimension: "direct", Count: 40}},
		{AnalyticsDay: &storage.DailyCount{Day: "2026-11-01", Metric: "view", Dimension: "embed", Count: 0}},
		{AnalyticsDay: &storage.DailyCount{Day: "2026-11-02", Metric: "view", Dimension: "direct", Count: 7}},
		{AnalyticsDay: &storage.DailyCount{Day: "2026-11-01", Metric: storage.VisitorsMetric, Count: 31}},
		{AnalyticsDay: &storage.DailyCount{Day: "2026-11-02", Metric: storage.VisitorsMetric, Count: 5}},
	}
}

// toolkitTitle is a toolkit item, not a message key.
const toolkitTitle = "title"

// policyKey is a setting's key, named so that the catalog check does not
// take it for a message id.
const policyKey = "policy.social_post"

func feed(records []storage.Record) func() (storage.Record, error) {
	i := 0
	return func() (storage.Record, error) {
		if i == len(records) {
			return storage.Record{}, io.EOF
		}
		i++
		return records[i-1], nil
	}
}

func dumpAll(t *testing.T, d storage.Dumper) (storage.Counts, []storage.Record) {
	t.Helper()
	var counts storage.Counts
	var out []storage.Record
	err := d.Dump(context.Background(), func(c storage.Counts) error { counts = c; return nil },
		func(r storage.Record) error { out = append(out, r); return nil })
	if err != nil {
		t.Fatal(err)
	}
	return counts, out
}

func testDumpLoad(t *testing.T, st storage.Store) {
	dumper, ok1 := st.(storage.Dumper)
	loader, ok2 := st.(storage.Loader)
	if !ok1 || !ok2 {
		t.Skip("backend has no Dump or Load")
	}
	ctx := context.Background()
	fixture := dumpFixture()

	// A failure part-way leaves nothing behind; the reader's own error
	// comes back as is.
	bad := errors.New("line 11: truncated")
	i := 0
	err := loader.Load(ctx, func() (storage.Record, error) {
		if i == 11 {
			return storage.Record{}, bad
		}
		i++
		return fixture[i-1], nil
	})
	if !errors.Is(err, bad) {
		t.Fatalf("reader error not passed through: %v", err)
	}
	// A database error (credential of a missing user) too.
	orphan := append(fixture[:2:2], storage.Record{Credential: &staff.Credential{Kind: staff.CredentialSession, TokenHash: []byte("x"), UserID: 99, CreatedAt: epoch}})
	if err := loader.Load(ctx, feed(orphan)); err == nil {
		t.Fatal("credential of a missing user loaded")
	}
	// A count twice (a damaged file) would be added up or, for visitors,
	// compared: it is refused.
	twice := append(fixture[:len(fixture):len(fixture)], fixture[len(fixture)-1])
	if err := loader.Load(ctx, feed(twice)); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Fatalf("the same daily count loaded twice: %v", err)
	}
	if c, recs := dumpAll(t, dumper); c.Total() != 0 || len(recs) != 0 {
		t.Fatalf("failed loads left %+v %d records", c, len(recs))
	}

	if err := loader.Load(ctx, feed(fixture)); err != nil {
		t.Fatal(err)
	}
	counts, got := dumpAll(t, dumper)
	if want := (storage.Counts{Users: 2, Credentials: 3, Stories: 4, StoryTranslations: 2, Audit: 3, BlobDeletions: 1, Posts: 2, Settings: 1, StoredReplies: 2, Translations: 2,
		Organisations: 1, Members: 1, ConsentRecords: 1, StoryOrganisations: 2, Collections: 2, AnalyticsDays: 6}); counts != want {
		t.Errorf("counts %+v, want %+v", counts, want)
	}
	if !reflect.DeepEqual(got, fixture) {
		for i := range max(len(got), len(fixture)) {
			var g, w any
			if i < len(got) {
				g = recordValue(got[i])
			}
			if i < len(fixture) {
				w = recordValue(fixture[i])
			}
			if !reflect.DeepEqual(g, w) {
				t.Errorf("record %d:\n got %+v\nwant %+v", i, g, w)
			}
		}
	}

	// The loaded site works: listings, themes, search, queue, tokens.
	page, err := st.PublishedStories(ctx, story.Filter{Theme: "work", Query: "snowshoes"})
	if err != nil || len(page.Stories) != 1 || page.Stories[0].ID != "d-pub" {
		t.Errorf("search and themes after load: %v %v", ids(page.Stories), err)
	}
	if page, _ := st.PublishedStories(ctx, story.Filter{Query: "neighbours"}); len(page.Stories) != 1 {
		t.Errorf("unpublished stories indexed: %v", ids(page.Stories))
	}
	if q, err := st.Queue(ctx, 10); err != nil || len(q) != 1 || q[0].ID != "d-pend" {
		t.Errorf("queue after load: %v %v", ids(q), err)
	}
	if h, err := st.SubmissionTokenHash(ctx, "d-tomb"); err != nil || string(h) != "hash-tomb" {
		t.Errorf("token hash of a tombstone: %q %v", h, err)
	}
	if u, err := st.CredentialUser(ctx, staff.CredentialAPIToken, []byte("a-api"), epoch.AddDate(1, 0, 0)); err != nil || u.ID != 7 {
		t.Errorf("API token after load: %v %v", u, err)
	}
	if p, err := st.PostBySource(ctx, "mastodon", "201"); err != nil || p.ID != "p-1" || p.Status != story.PostHidden {
		t.Errorf("social post after load: %+v %v", p, err)
	}
	if a, err := st.Audit(ctx, "d-pub"); err != nil || len(a) != 2 || a[1].ID != 5 || a[1].Note != "fine" {
		t.Errorf("audit after load: %+v %v", a, err)
	}
	if tr, err := st.StoryTranslations(ctx, []string{"d-pub"}, story.TranslationPublished); err != nil || len(tr) != 1 || tr[0].Credit != "Léa" {
		t.Errorf("translations after load: %v %v", languages(tr), err)
	}
	if tr, err := st.Translation(ctx, staff.CatalogInterface, "ar", "queue.count"); err != nil || tr.Forms["one"] != "قصة واحدة" {
		t.Errorf("translation after load: %+v %v", tr, err)
	}
	// The partner's figures count its withdrawn story through the loaded
	// link, and the dashboard reads the loaded counts as they were.
	partner := storage.StoryScope{OrganisationID: "o-1"}
	if got, err := st.StoriesPerDay(ctx, storage.EventWithdrawn, epoch.AddDate(0, 0, -1), partner); err != nil ||
		!reflect.DeepEqual(got, []storage.Tally{{Label: "2026-11-01", Count: 1}}) {
		t.Errorf("the partner's withdrawn stories after load: %v %v", got, err)
	}
	if got, err := st.StoriesPerDay(ctx, storage.EventSubmitted, epoch.AddDate(0, 0, -1), partner); err != nil || len(got) != 1 || got[0].Count != 2 {
		t.Errorf("the partner's stories after load: %v %v", got, err)
	}
	if got, err := st.DailyCounts(ctx, "view", ""); err != nil || !reflect.DeepEqual(got, []storage.Tally{{Label: "direct", Count: 47}, {Label: "embed", Count: 0}}) {
		t.Errorf("views after load: %v %v", got, err)
	}
	if got, err := st.DailySeries(ctx, storage.VisitorsMetric, ""); err != nil ||
		!reflect.DeepEqual(got, []storage.Tally{{Label: "2026-11-01", Count: 31}, {Label: "2026-11-02", Count: 5}}) {
		t.Errorf("visitors after load: %v %v", got, err)
	}

	// New rows continue after the loaded ids, and erasure still works on
	// loaded audit entries (an update the append-only triggers allow).
	u := &staff.User{Email: "new@example.org", Role: staff.RolePartner, CreatedAt: epoch}
	err = st.WithTx(ctx, func(tx storage.Tx) error {
		if err := tx.InsertUser(ctx, u); err != nil {
			return err
		}
		if err := tx.AppendAudit(ctx, audit.Entry{At: epoch, Actor: "system", Action: "test", SubjectID: "d-pub"}); err != nil {
			return err
		}
		return tx.EraseStory(ctx, "d-pub", "consent_withdrawn", epoch.Add(2*time.Hour))
	})
	if err != nil {
		t.Fatalf("writing after load: %v", err)
	}
	if u.ID <= 7 {
		t.Errorf("new user id %d reuses a loaded one", u.ID)
	}
	if a, _ := st.Audit(ctx, "d-pub"); len(a) != 3 || a[2].ID <= 9 || a[1].Note != "" {
		t.Errorf("audit after writing: %+v", a)
	}
	if tr, _ := st.StoryTranslations(ctx, []string{"d-pub"}, ""); len(tr) != 0 {
		t.Errorf("translations of an erased loaded story: %v", languages(tr))
	}

	err = loader.Load(ctx, feed(fixture))
	if !errors.Is(err, storage.ErrNotEmpty) {
		t.Fatalf("load into a non-empty database: %v", err)
	}
}

func recordValue(r storage.Record) any {
	switch r.Type() {
	case storage.RecordUser:
		return *r.User
	case storage.RecordCredential:
		return *r.Credential
	case storage.RecordStory:
		return struct {
			S    story.Story
			Hash string
		}{*r.Story.Story, string(r.Story.TokenHash)}
	case storage.RecordStoryTranslation:
		return *r.StoryTranslation
	case storage.RecordAudit:
		return *r.Audit
	case storage.RecordBlobDeletion:
		return *r.BlobDeletion
	case storage.RecordPost:
		return *r.Post
	case storage.RecordSetting:
		return *r.Setting
	case storage.RecordStoredReply:
		return *r.StoredReply
	case storage.RecordTranslation:
		return *r.Translation
	case storage.RecordOrganisation:
		return *r.Organisation
	case storage.RecordMember:
		return *r.Member
	case storage.RecordConsentRecord:
		return *r.ConsentRecord
	case storage.RecordStoryOrganisation:
		return *r.StoryOrganisation
	case storage.RecordCollection:
		return *r.Collection
	case storage.RecordAnalyticsDay:
		return *r.AnalyticsDay
	}
	return nil
}
