package storagetest

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"chorus/internal/staff"
	"chorus/internal/storage"
	"chorus/internal/story"
)

func translation(storyID, lang string, status story.TranslationStatus, at time.Time) *story.Translation {
	t := &story.Translation{StoryID: storyID, Language: lang, Title: "Titre " + storyID, Body: "Le corps de " + storyID + ", traduit.",
		Credit: "Léa", Origin: story.OriginHuman, Status: status, CreatedAt: at, UpdatedAt: at}
	if status == story.TranslationPublished {
		t.PublishedAt = at
	}
	return t
}

func put(t *testing.T, st storage.Store, trs ...*story.Translation) {
	t.Helper()
	each(t, st, trs, func(ctx context.Context, tx storage.Tx, tr *story.Translation) error {
		return tx.PutStoryTranslation(ctx, tr)
	})
}

func addStaff(t *testing.T, st storage.Store, email string, role staff.Role) int64 {
	t.Helper()
	ctx := context.Background()
	u := &staff.User{Email: email, Role: role, CreatedAt: epoch}
	if err := st.WithTx(ctx, func(tx storage.Tx) error { return tx.InsertUser(ctx, u) }); err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func languages(list []*story.Translation) []string {
	var out []string
	for _, t := range list {
		out = append(out, t.StoryID+"/"+t.Language+"/"+string(t.Status))
	}
	return out
}

func testStoryTranslations(t *testing.T, st storage.Store) {
	ctx := context.Background()
	open := sample("open", story.StatusPublished, epoch.Add(2*time.Minute))
	open.Consent.Translate = true
	older := sample("older", story.StatusPublished, epoch)
	older.Consent.Translate = true
	closed := sample("closed", story.StatusPublished, epoch.Add(time.Minute))
	pending := sample("pend", story.StatusPending, epoch)
	pending.Consent.Translate = true
	insert(t, st, open, older, closed, pending)

	page, err := st.TranslatableStories(ctx, "", 1)
	if err != nil || !reflect.DeepEqual(ids(page.Stories), []string{"open"}) || page.NextCursor == "" {
		t.Fatalf("first page open for translation: %v %q %v", ids(page.Stories), page.NextCursor, err)
	}
	page, err = st.TranslatableStories(ctx, page.NextCursor, 1)
	if err != nil || !reflect.DeepEqual(ids(page.Stories), []string{"older"}) || page.NextCursor != "" {
		t.Fatalf("second page open for translation: %v %q %v", ids(page.Stories), page.NextCursor, err)
	}
	if _, err := st.TranslatableStories(ctx, "not a cursor!", 10); story.ErrorCode(err) != story.CodeInvalid {
		t.Errorf("bad cursor: %v", err)
	}

	translator := addStaff(t, st, "tr@example.org", staff.RoleTranslator)
	moderator := addStaff(t, st, "mod@example.org", staff.RoleModerator)
	fr := translation("open", "fr", story.TranslationPublished, epoch.Add(time.Hour))
	fr.TranslatorID, fr.ReviewedBy = translator, moderator
	ar := translation("open", "ar", story.TranslationDraft, epoch.Add(3*time.Hour))
	ar.Origin, ar.Credit, ar.TranslatorID = story.OriginMachine, "", translator
	olderFr := translation("older", "fr", story.TranslationDraft, epoch.Add(2*time.Hour))
	put(t, st, fr, ar, olderFr)

	got, err := st.StoryTranslation(ctx, "open", "fr")
	if err != nil || !reflect.DeepEqual(got, fr) {
		t.Fatalf("round trip:\n got %+v %v\nwant %+v", got, err, fr)
	}
	if _, err := st.StoryTranslation(ctx, "open", "es"); !errors.Is(err, story.ErrNotFound) {
		t.Errorf("missing translation: %v", err)
	}
	all, err := st.StoryTranslations(ctx, []string{"open", "older", "closed"}, "")
	if err != nil || !reflect.DeepEqual(languages(all), []string{"older/fr/draft", "open/ar/draft", "open/fr/published"}) {
		t.Errorf("every translation: %v %v", languages(all), err)
	}
	published, err := st.StoryTranslations(ctx, []string{"open", "older"}, story.TranslationPublished)
	if err != nil || !reflect.DeepEqual(languages(published), []string{"open/fr/published"}) {
		t.Errorf("published translations: %v %v", languages(published), err)
	}
	if none, err := st.StoryTranslations(ctx, nil, ""); err != nil || len(none) != 0 {
		t.Errorf("no stories asked: %v %v", none, err)
	}
	drafts, err := st.DraftStoryTranslations(ctx, 10)
	if err != nil || !reflect.DeepEqual(languages(drafts), []string{"older/fr/draft", "open/ar/draft"}) {
		t.Errorf("drafts, least recently changed first: %v %v", languages(drafts), err)
	}

	// Saving again replaces the text, the state and the people.
	ar.Title, ar.CheckedBy, ar.UpdatedAt = "عنوان", translator, epoch.Add(4*time.Hour)
	put(t, st, ar)
	if got, _ := st.StoryTranslation(ctx, "open", "ar"); !reflect.DeepEqual(got, ar) {
		t.Errorf("replaced:\n got %+v\nwant %+v", got, ar)
	}

	err = st.WithTx(ctx, func(tx storage.Tx) error {
		return tx.PutStoryTranslation(ctx, translation("ghost", "fr", story.TranslationDraft, epoch))
	})
	if story.ErrorCode(err) != story.CodeConflict {
		t.Errorf("translation of a missing story: %v", err)
	}
	err = st.WithTx(ctx, func(tx storage.Tx) error {
		bad := translation("open", "es", story.TranslationDraft, epoch)
		bad.Origin = "guess"
		return tx.PutStoryTranslation(ctx, bad)
	})
	if err == nil {
		t.Error("unknown origin stored")
	}

	err = st.WithTx(ctx, func(tx storage.Tx) error { return tx.DeleteStoryTranslation(ctx, "open", "ar") })
	if err != nil {
		t.Fatal(err)
	}
	err = st.WithTx(ctx, func(tx storage.Tx) error { return tx.DeleteStoryTranslation(ctx, "open", "ar") })
	if !errors.Is(err, story.ErrNotFound) {
		t.Errorf("deleting twice: %v", err)
	}
	var n int
	err = st.WithTx(ctx, func(tx storage.Tx) error {
		var err error
		n, err = tx.DeleteStoryTranslations(ctx, "older")
		return err
	})
	if err != nil || n != 1 {
		t.Errorf("delete the translations of a story: %d %v", n, err)
	}
	if left, _ := st.StoryTranslations(ctx, []string{"open", "older"}, ""); !reflect.DeepEqual(languages(left), []string{"open/fr/published"}) {
		t.Errorf("left: %v", languages(left))
	}
}

// testEraseRemovesTranslations: a withdrawn story's translations go with
// its text, in the same transaction, and the tombstone no longer consents.
func testEraseRemovesTranslations(t *testing.T, st storage.Store) {
	ctx := context.Background()
	s := sample("told", story.StatusPublished, epoch)
	s.Consent.Translate = true
	insert(t, st, s)
	put(t, st, translation("told", "fr", story.TranslationPublished, epoch), translation("told", "ar", story.TranslationDraft, epoch))
	boom := errors.New("boom")
	err := st.WithTx(ctx, func(tx storage.Tx) error {
		if err := tx.EraseStory(ctx, "told", "author_request", epoch.Add(time.Hour)); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if kept, _ := st.StoryTranslations(ctx, []string{"told"}, ""); len(kept) != 2 {
		t.Fatalf("a rolled-back erasure removed translations: %v", languages(kept))
	}
	err = st.WithTx(ctx, func(tx storage.Tx) error { return tx.EraseStory(ctx, "told", "author_request", epoch.Add(time.Hour)) })
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PurgeErased(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.CompactErased(ctx); err != nil {
		t.Fatal(err)
	}
	if left, err := st.StoryTranslations(ctx, []string{"told"}, ""); err != nil || len(left) != 0 {
		t.Errorf("translations outlive the erasure: %v %v", languages(left), err)
	}
	if got, _ := st.Story(ctx, "told"); got.Consent.Translate {
		t.Error("the tombstone still consents to translation")
	}
	if page, _ := st.TranslatableStories(ctx, "", 10); len(page.Stories) != 0 {
		t.Errorf("a withdrawn story is open for translation: %v", ids(page.Stories))
	}
}
