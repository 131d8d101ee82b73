package storagetest

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"chorus/internal/org"
	"chorus/internal/staff"
	"chorus/internal/storage"
	"chorus/internal/story"
)

// testOrganisations: organisations with their texts and logo, one
// membership per account, consent records, and ordered collections that
// list only published stories and lose a story when it is erased.
func testOrganisations(t *testing.T, st storage.Store) {
	ctx := context.Background()
	tx := func(fn func(storage.Tx) error) error { return st.WithTx(ctx, fn) }
	harbour := &org.Organisation{ID: "o-h", Slug: "harbour", Kind: org.KindCivilSociety,
		Texts: map[string]org.Text{"en": {Name: "Harbour", Description: "Line one\nline two"}, "ar": {Name: "الميناء"}},
		Logo:  []byte{0x89, 'P', 'N', 'G', 0}, Website: "https://harbour.example.org", Country: "CA", CreatedAt: epoch, UpdatedAt: epoch}
	city := &org.Organisation{ID: "o-c", Slug: "city", Kind: org.KindGovernment, Texts: map[string]org.Text{"fr": {Name: "Ville"}}, CreatedAt: epoch, UpdatedAt: epoch}
	if err := tx(func(tx storage.Tx) error {
		if err := tx.PutOrganisation(ctx, harbour); err != nil {
			return err
		}
		return tx.PutOrganisation(ctx, city)
	}); err != nil {
		t.Fatal(err)
	}
	got, err := st.OrganisationBySlug(ctx, "harbour")
	if err != nil || !reflect.DeepEqual(got, harbour) {
		t.Fatalf("organisation by slug:\n got %+v %v\nwant %+v", got, err, harbour)
	}
	if got, err := st.Organisation(ctx, "o-c"); err != nil || got.Logo != nil || got.Texts["fr"].Name != "Ville" {
		t.Fatalf("organisation without logo: %+v %v", got, err)
	}
	if list, err := st.Organisations(ctx); err != nil || len(list) != 2 || list[0].Slug != "city" {
		t.Fatalf("organisations by slug: %v %v", list, err)
	}
	taken := *city
	taken.ID = "o-other"
	if err := tx(func(tx storage.Tx) error { return tx.PutOrganisation(ctx, &taken) }); !errors.Is(err, story.ErrConflict) && !isConflict(err) {
		t.Fatalf("a taken slug: %v", err)
	}
	if _, err := st.OrganisationBySlug(ctx, "nobody"); !errors.Is(err, story.ErrNotFound) {
		t.Fatalf("missing organisation: %v", err)
	}

	partner := &staff.User{Email: "p@example.org", Role: staff.RolePartner, CreatedAt: epoch}
	if err := tx(func(tx storage.Tx) error { return tx.InsertUser(ctx, partner) }); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Membership(ctx, partner.ID); !errors.Is(err, story.ErrNotFound) {
		t.Fatalf("membership before joining: %v", err)
	}
	for _, m := range []org.Member{{UserID: partner.ID, OrganisationID: "o-c"}, {UserID: partner.ID, OrganisationID: "o-h", Owner: true}} {
		if err := tx(func(tx storage.Tx) error { return tx.PutMember(ctx, m) }); err != nil {
			t.Fatal(err)
		}
	}
	if m, err := st.Membership(ctx, partner.ID); err != nil || *m != (org.Member{UserID: partner.ID, OrganisationID: "o-h", Owner: true}) {
		t.Fatalf("membership replaced: %+v %v", m, err)
	}
	if ms, err := st.Members(ctx, "o-c"); err != nil || len(ms) != 0 {
		t.Fatalf("the old organisation keeps the member: %v %v", ms, err)
	}

	pub1, pub2, pending := sample("s-1", story.StatusPublished, epoch), sample("s-2", story.StatusPublished, epoch.Add(time.Minute)), sample("s-3", story.StatusPending, epoch)
	insert(t, st, pub1, pub2, pending)
	record := &org.ConsentRecord{StoryID: "s-2", OrganisationID: "o-h", SubmittedBy: partner.ID, Consenter: "Amina K.", Method: org.MethodRecordedVerbal,
		ConsentedAt: epoch, ExplainedIn: "ar", Scope: []org.Scope{org.ScopeSite, org.ScopeSocial}, ScanKey: "consent/s-2/x.jpg", CreatedAt: epoch}
	if err := tx(func(tx storage.Tx) error { return tx.InsertConsentRecord(ctx, record) }); err != nil {
		t.Fatal(err)
	}
	if got, err := st.ConsentRecord(ctx, "s-2"); err != nil || !reflect.DeepEqual(got, record) {
		t.Fatalf("consent record:\n got %+v %v\nwant %+v", got, err, record)
	}
	if list, err := st.ConsentRecords(ctx, "o-h", 10); err != nil || len(list) != 1 {
		t.Fatalf("records of the organisation: %v %v", list, err)
	}
	if list, err := st.OrganisationStories(ctx, "o-h", 10); err != nil || !reflect.DeepEqual(ids(list), []string{"s-2"}) {
		t.Fatalf("stories of the organisation: %v %v", ids(list), err)
	}

	col := &org.Collection{ID: "c-1", Slug: "winter", Language: "en", Title: "Winter", OrganisationID: "o-h",
		StoryIDs: []string{"s-2", "s-3", "s-1"}, CreatedAt: epoch, UpdatedAt: epoch}
	campaign := &org.Collection{ID: "c-2", Slug: "winter", Language: "fr", Title: "Hiver", StoryIDs: []string{"s-1"}, CreatedAt: epoch, UpdatedAt: epoch}
	if err := tx(func(tx storage.Tx) error {
		if err := tx.PutCollection(ctx, col); err != nil {
			return err
		}
		return tx.PutCollection(ctx, campaign)
	}); err != nil {
		t.Fatal(err)
	}
	if got, err := st.CollectionBySlug(ctx, "en", "winter"); err != nil || !reflect.DeepEqual(got, col) {
		t.Fatalf("collection:\n got %+v %v\nwant %+v", got, err, col)
	}
	if list, err := st.Collections(ctx, "o-h", ""); err != nil || len(list) != 1 || list[0].ID != "c-1" {
		t.Fatalf("collections of the organisation: %v %v", list, err)
	}
	if list, err := st.Collections(ctx, "", "fr"); err != nil || len(list) != 1 || list[0].ID != "c-2" || list[0].OrganisationID != "" {
		t.Fatalf("collections in French: %v %v", list, err)
	}
	shown, err := st.CollectionStories(ctx, "c-1")
	if err != nil || !reflect.DeepEqual(ids(shown), []string{"s-2", "s-1"}) {
		t.Fatalf("published stories of the collection in its order: %v %v", ids(shown), err)
	}
	// Reordering replaces the list.
	col.StoryIDs = []string{"s-1", "s-2"}
	if err := tx(func(tx storage.Tx) error { return tx.PutCollection(ctx, col) }); err != nil {
		t.Fatal(err)
	}
	if shown, _ := st.CollectionStories(ctx, "c-1"); !reflect.DeepEqual(ids(shown), []string{"s-1", "s-2"}) {
		t.Fatalf("reordered: %v", ids(shown))
	}

	// Erasing a story takes its consent record and its places in collections.
	if err := tx(func(tx storage.Tx) error { return tx.EraseStory(ctx, "s-2", "", epoch.Add(time.Hour)) }); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ConsentRecord(ctx, "s-2"); !errors.Is(err, story.ErrNotFound) {
		t.Fatalf("consent record after erasure: %v", err)
	}
	if got, _ := st.Collection(ctx, "c-1"); !reflect.DeepEqual(got.StoryIDs, []string{"s-1"}) {
		t.Fatalf("the collection keeps the erased story: %v", got.StoryIDs)
	}

	if err := tx(func(tx storage.Tx) error { return tx.DeleteMember(ctx, partner.ID) }); err != nil {
		t.Fatal(err)
	}
	if err := tx(func(tx storage.Tx) error { return tx.DeleteCollection(ctx, "c-2") }); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Collection(ctx, "c-2"); !errors.Is(err, story.ErrNotFound) {
		t.Fatalf("deleted collection: %v", err)
	}
}

func isConflict(err error) bool {
	var se *story.Error
	return errors.As(err, &se) && se.Code == story.CodeConflict
}
