package transfer

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"chorus/internal/audit"
	"chorus/internal/auth"
	"chorus/internal/media"
	"chorus/internal/org"
	"chorus/internal/staff"
	"chorus/internal/storage"
	"chorus/internal/storage/postgres"
	"chorus/internal/storage/postgres/pgtest"
	"chorus/internal/storage/sqlite"
	"chorus/internal/story"
)

var epoch = time.Date(2026, 3, 1, 9, 30, 0, 123456000, time.UTC)

// site is a database and its media.
type site struct {
	db       storage.Store
	blobs    *media.DiskStore
	blobsDir string
}

func openSQLite(t *testing.T) site {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "chorus.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	blobs, dir := newBlobs(t)
	return site{db, blobs, dir}
}

func openPostgres(t *testing.T) site {
	t.Helper()
	if os.Getenv(pgtest.URLEnv) == "" {
		t.Skipf("PostgreSQL legs skipped: set %s (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run them", pgtest.URLEnv)
	}
	db, err := postgres.Open(context.Background(), pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	blobs, dir := newBlobs(t)
	return site{db, blobs, dir}
}

func newBlobs(t *testing.T) (*media.DiskStore, string) {
	dir := filepath.Join(t.TempDir(), "media")
	b, err := media.NewDiskStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b, dir
}

var (
	apiTokens = map[string]string{"moderator@example.org": "api-token-of-the-moderator", "partner@example.org": "api-token-of-the-partner"}
	photoData = []byte("\x89 not really a picture, but bytes all the same \x00\xff")
)

// consentScanKey is the private scan of s-pend's signed consent form.
const consentScanKey = "consent/s-pend/scan.jpg"

func privateToken(id string) string { return "private-link-of-" + id }

func photo(id string) *story.Photo {
	return &story.Photo{Alt: "a kitchen table", Sizes: []story.PhotoSize{
		{Name: "list", Key: "photos/" + id + "/p-list.webp", Width: 640, Height: 427},
		{Name: "page", Key: "photos/" + id + "/p-page.webp", Width: 1280, Height: 853},
	}}
}

// seed fills s with a varied site: every status, a photo, a tombstone whose
// photo is scheduled for deletion, staff of every role with credentials,
// an audit trail, a partner's stories (one pending with its consent record,
// the withdrawn one with its link to the partner alone, a rejected one the
// retention job erased) and the campaign's daily counts.
func seed(t *testing.T, s site) {
	t.Helper()
	ctx := context.Background()
	mk := func(id string, status story.Status, at time.Time) *story.Story {
		st := &story.Story{
			ID: id, Status: status, Title: "Story " + id, Body: "We arrived in winter; the neighbours brought soup. " + id,
			Language: "en", Country: "CA", City: "Halifax", Themes: []string{"arrival", "community"}, Identity: story.IdentityRefugee,
			DisplayName: "Amal", ContactSealed: []byte("sealed-" + id), Consent: story.Consent{Publish: true, Social: true},
			Signals:   []story.Signal{{Kind: story.SignalPersonalData, Score: 0.25, Spans: []story.Span{{Field: "body", Start: 3, End: 9, Label: "phone"}}, ModelVersion: "pd-1"}},
			CreatedAt: at, UpdatedAt: at.Add(time.Minute),
		}
		if status == story.StatusPublished {
			st.PublishedAt = at.Add(time.Hour)
		}
		return st
	}
	pub := mk("s-pub", story.StatusPublished, epoch)
	pub.Photo, pub.Featured, pub.Consent.Translate = photo("s-pub"), true, true
	pub2 := mk("s-pub2", story.StatusPublished, epoch.Add(24*time.Hour))
	pub2.Language, pub2.Country, pub2.Themes, pub2.Title, pub2.Body = "fr", "FR", []string{"work"}, "Mon premier emploi", "Une boulangerie à Lyon, café et pain."
	pub2.Anonymous, pub2.DisplayName, pub2.ContactSealed, pub2.Signals = true, "", nil, nil
	pending := mk("s-pend", story.StatusPending, epoch.Add(48*time.Hour))
	pending.Photo = photo("s-pend")
	pending2 := mk("s-pend2", story.StatusPending, epoch.Add(49*time.Hour))
	rejected := mk("s-rej", story.StatusRejected, epoch.Add(50*time.Hour))
	rejected.RejectReason, rejected.RejectNote = "personal_data", "Names a street and a phone number."
	gone := mk("s-gone", story.StatusPublished, epoch.Add(3*time.Hour))
	gone.Photo = photo("s-gone")
	erased := mk("s-erased", story.StatusRejected, epoch.Add(26*time.Hour))
	stories := []*story.Story{pub, pub2, pending, pending2, rejected, gone, erased}
	for _, st := range stories {
		if st.Photo == nil {
			continue
		}
		for _, z := range st.Photo.Sizes {
			if err := s.blobs.Put(ctx, z.Key, append([]byte(z.Key), photoData...), "image/webp"); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := s.blobs.Put(ctx, consentScanKey, append([]byte(consentScanKey), photoData...), "image/jpeg"); err != nil {
		t.Fatal(err)
	}
	err := s.db.WithTx(ctx, func(tx storage.Tx) error {
		for _, st := range stories {
			if err := tx.InsertStory(ctx, st, auth.HashToken(privateToken(st.ID))); err != nil {
				return err
			}
		}
		for i, role := range staff.Roles {
			u := &staff.User{Email: string(role) + "@example.org", Role: role, CreatedAt: epoch.Add(time.Duration(i) * time.Second)}
			if role == staff.RoleAdmin {
				u.PasswordHash, u.TOTPSecret = "$argon2id$v=19$m=65536,t=3,p=2$c2FsdA$aGFzaA", "JBSWY3DPEHPK3PXP"
			}
			if err := tx.InsertUser(ctx, u); err != nil {
				return err
			}
			creds := []staff.Credential{{Kind: staff.CredentialSession, TokenHash: auth.HashToken("session-" + u.Email), UserID: u.ID, CreatedAt: epoch, ExpiresAt: epoch.AddDate(0, 0, 30)}}
			if tok, ok := apiTokens[u.Email]; ok {
				creds = append(creds, staff.Credential{Kind: staff.CredentialAPIToken, TokenHash: auth.HashToken(tok), UserID: u.ID, CreatedAt: epoch})
			}
			if role == staff.RoleTranslator {
				creds = append(creds, staff.Credential{Kind: staff.CredentialSignInLink, TokenHash: auth.HashToken("link"), UserID: u.ID, CreatedAt: epoch, ExpiresAt: epoch.Add(24 * time.Hour)})
			}
			for _, c := range creds {
				if err := tx.InsertCredential(ctx, c); err != nil {
					return err
				}
			}
		}
		translations := []*story.Translation{
			{StoryID: "s-pub", Language: "fr", Title: "Notre premier hiver", Body: "Les voisins ont apporté de la soupe.", Credit: "Léa",
				TranslatorID: 3, Origin: story.OriginHuman, Status: story.TranslationPublished, ReviewedBy: 2,
				CreatedAt: epoch.Add(2 * time.Hour), UpdatedAt: epoch.Add(2 * time.Hour), PublishedAt: epoch.Add(3 * time.Hour)},
			{StoryID: "s-pub", Language: "ar", Title: "شتاؤنا الأول", Body: "أحضر الجيران الحساء.", TranslatorID: 4, CheckedBy: 4,
				Origin: story.OriginMachine, Status: story.TranslationDraft, CreatedAt: epoch.Add(4 * time.Hour), UpdatedAt: epoch.Add(5 * time.Hour)},
			{StoryID: "s-gone", Language: "fr", Title: "Parti", Body: "Un texte qui part avec son histoire.", Credit: "Léa",
				Origin: story.OriginHuman, Status: story.TranslationPublished, CreatedAt: epoch, UpdatedAt: epoch, PublishedAt: epoch},
		}
		for _, tr := range translations {
			if err := tx.PutStoryTranslation(ctx, tr); err != nil {
				return err
			}
		}
		for _, e := range []audit.Entry{
			{At: epoch, Actor: "storyteller", Action: "submit", SubjectID: "s-pub"},
			{At: epoch.Add(time.Hour), Actor: "user:2", Action: "approve", SubjectID: "s-pub", Note: "Lovely."},
			{At: epoch.Add(50 * time.Hour), Actor: "user:2", Action: "reject", SubjectID: "s-rej", Reason: "personal_data", Note: "Phone number."},
			{At: epoch.Add(3 * time.Hour), Actor: "user:1", Action: "approve", SubjectID: "s-gone", Note: "Note naming the storyteller."},
			{At: epoch.Add(4 * time.Hour), Actor: "policy", Action: "auto_hide", SubjectID: "post:p-hidden", Note: "hate 0.97"},
		} {
			if err := tx.AppendAudit(ctx, e); err != nil {
				return err
			}
		}
		for i, status := range []story.PostStatus{story.PostHidden, story.PostVisible, story.PostQueued} {
			p := &story.Post{ID: "p-" + string(status), Network: "mastodon", SourceID: fmt.Sprint(100 + i),
				SourceURL: "https://social.example/@a/" + fmt.Sprint(100+i), Author: "@a@social.example",
				Text: "Post « " + string(status) + " » #ItTakesaCommunity", Language: "fr", PostedAt: epoch, CreatedAt: epoch.Add(time.Duration(i) * time.Minute),
				Status: status, Signals: []story.Signal{{Kind: story.SignalHate, Score: 0.97, ModelVersion: "hate-x", Spans: []story.Span{{Field: "body", Start: 0, End: 4, Label: "slur"}}}}}
			if status != story.PostQueued {
				p.DecidedBy, p.DecidedAt = "policy", epoch.Add(4*time.Hour)
			}
			if err := tx.InsertPost(ctx, p); err != nil {
				return err
			}
		}
		if err := tx.PutSetting(ctx, storage.Setting{Key: "policy.social_post", Value: []byte(`{"hide_above":0.8,"approve_below":0.1}`), UpdatedAt: epoch, UpdatedBy: "user:1"}); err != nil {
			return err
		}
		if err := tx.PutStoredReply(ctx, storage.StoredReply{ID: "fr-admin", Data: []byte(`{"id":"fr-admin","language":"fr","text":"Bienvenue."}`), UpdatedAt: epoch, UpdatedBy: "user:1"}); err != nil {
			return err
		}
		if err := tx.PutStoredReply(ctx, storage.StoredReply{ID: "en-gone", Data: []byte(`{}`), Removed: true, UpdatedAt: epoch, UpdatedBy: "user:1"}); err != nil {
			return err
		}
		// A partner organisation, its member, the consent record (with the
		// scan of a signed form) of a story it collected, and a collection.
		partner, err := tx.UserByEmail(ctx, "partner@example.org")
		if err != nil {
			return err
		}
		if err := tx.PutOrganisation(ctx, &org.Organisation{ID: "o-harbour", Slug: "harbour", Kind: org.KindYouthNetwork,
			Texts: map[string]org.Text{"en": {Name: "Harbour Youth"}, "ar": {Name: "شباب الميناء", Description: "سطر"}}, Logo: []byte("png-logo"),
			Website: "https://harbour.example.org", Country: "CA", CreatedAt: epoch, UpdatedAt: epoch}); err != nil {
			return err
		}
		if err := tx.PutMember(ctx, org.Member{UserID: partner.ID, OrganisationID: "o-harbour", Owner: true}); err != nil {
			return err
		}
		if err := tx.InsertConsentRecord(ctx, &org.ConsentRecord{StoryID: "s-pend", OrganisationID: "o-harbour", SubmittedBy: partner.ID,
			Consenter: "Amina K.", Method: org.MethodSignedForm, ConsentedAt: epoch, ExplainedIn: "ar",
			Scope: []org.Scope{org.ScopeSite, org.ScopeSocial}, ScanKey: consentScanKey, CreatedAt: epoch}); err != nil {
			return err
		}
		// s-gone came through the partner too; its consent record goes when
		// it is withdrawn, its link stays.
		if err := tx.InsertConsentRecord(ctx, &org.ConsentRecord{StoryID: "s-gone", OrganisationID: "o-harbour", SubmittedBy: partner.ID,
			Consenter: "Youssef B.", Method: org.MethodDigital, ConsentedAt: epoch, ExplainedIn: "fr",
			Scope: []org.Scope{org.ScopeSite}, CreatedAt: epoch}); err != nil {
			return err
		}
		if err := tx.InsertConsentRecord(ctx, &org.ConsentRecord{StoryID: "s-erased", OrganisationID: "o-harbour", SubmittedBy: partner.ID,
			Consenter: "Dana M.", Method: org.MethodDigital, ConsentedAt: epoch, ExplainedIn: "en",
			Scope: []org.Scope{org.ScopeSite}, CreatedAt: epoch}); err != nil {
			return err
		}
		// Two nodes' counts of the same days: views add up, visitors keep
		// the larger estimate.
		for _, counts := range [][]storage.DailyCount{
			{{Day: "2026-03-01", Metric: "view", Dimension: "direct", Count: 40}, {Day: "2026-03-01", Metric: "view", Dimension: "embed", Count: 3},
				{Day: "2026-03-01", Metric: storage.VisitorsMetric, Count: 31}, {Day: "2026-03-02", Metric: "share", Dimension: "mastodon", Count: 2},
				{Day: "2026-03-02", Metric: "toolkit", Dimension: "ar", Count: 1}, {Day: "2026-03-02", Metric: "referrer", Dimension: "search", Count: 0}},
			{{Day: "2026-03-01", Metric: "view", Dimension: "direct", Count: 2}, {Day: "2026-03-01", Metric: storage.VisitorsMetric, Count: 12},
				{Day: "2026-03-02", Metric: storage.VisitorsMetric, Count: 9}},
		} {
			if err := tx.AddDailyCounts(ctx, counts); err != nil {
				return err
			}
		}
		return tx.PutCollection(ctx, &org.Collection{ID: "c-winters", Slug: "winters", Language: "en", Title: "Winters",
			OrganisationID: "o-harbour", StoryIDs: []string{"s-pub2", "s-pub"}, CreatedAt: epoch, UpdatedAt: epoch})
	})
	if err != nil {
		t.Fatal(err)
	}
	// The storyteller withdraws s-gone: a tombstone, its notes blanked, its
	// photo scheduled for deletion.
	err = s.db.WithTx(ctx, func(tx storage.Tx) error {
		if err := tx.EraseStory(ctx, "s-gone", "privacy", epoch.Add(72*time.Hour)); err != nil {
			return err
		}
		if err := tx.EraseStory(ctx, "s-erased", story.ErasedRejected, epoch.Add(96*time.Hour)); err != nil {
			return err
		}
		if err := tx.AppendAudit(ctx, audit.Entry{At: epoch.Add(72 * time.Hour), Actor: "storyteller", Action: "withdraw", SubjectID: "s-gone", Reason: "privacy"}); err != nil {
			return err
		}
		for _, z := range gone.Photo.Sizes {
			if err := tx.ScheduleBlobDeletion(ctx, z.Key, epoch.Add(96*time.Hour)); err != nil {
				return err
			}
		}
		// A translator's work travels with the site.
		return tx.PutTranslation(ctx, staff.Translation{Catalog: staff.CatalogInterface, Lang: "fr", Key: "home.cta",
			Forms: map[string]string{"other": "Racontez votre parcours"}, SourceHash: "sha1-abc", UpdatedBy: 1, UpdatedAt: epoch.Add(80 * time.Hour)})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func export(t *testing.T, s site) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "export")
	var progress bytes.Buffer
	sum, err := Export(context.Background(), s.db.(storage.Dumper), s.blobs, dir, Options{Progress: &progress, Now: func() time.Time { return time.Now() }})
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	if !strings.Contains(progress.String(), "records") {
		t.Errorf("no progress shown: %q", progress.String())
	}
	if sum.Counts.Total() == 0 {
		t.Fatalf("empty export: %+v", sum)
	}
	checkModes(t, dir)
	return dir
}

func importInto(t *testing.T, s site, dir string) Summary {
	t.Helper()
	sum, err := Import(context.Background(), s.db.(storage.Loader), s.blobs, dir, Options{})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return sum
}

// checkModes: everything written is private to its owner.
func checkModes(t *testing.T, dir string) {
	t.Helper()
	filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			t.Error(err)
			return nil
		}
		want := os.FileMode(0o600)
		if info.IsDir() {
			want = 0o700
		}
		if info.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", path, info.Mode().Perm(), want)
		}
		return nil
	})
}

// sameExport compares two exports line by line, ignoring only the header's
// created_at, and their media files.
func sameExport(t *testing.T, a, b string) {
	t.Helper()
	la, lb := readLines(t, filepath.Join(a, SiteFile)), readLines(t, filepath.Join(b, SiteFile))
	if len(la) != len(lb) {
		t.Fatalf("exports have %d and %d lines", len(la), len(lb))
	}
	for i := range la {
		x, y := la[i], lb[i]
		if i == 0 {
			x, y = withoutCreatedAt(t, x), withoutCreatedAt(t, y)
		}
		if x != y {
			t.Errorf("line %d differs:\n%s\n%s", i+1, x, y)
		}
	}
	if fa, fb := mediaFiles(t, a), mediaFiles(t, b); !reflect.DeepEqual(fa, fb) {
		t.Errorf("media differ:\n%v\n%v", keys(fa), keys(fb))
	}
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}

func withoutCreatedAt(t *testing.T, line string) string {
	var h map[string]any
	if err := json.Unmarshal([]byte(line), &h); err != nil {
		t.Fatal(err)
	}
	if _, ok := h["created_at"]; !ok {
		t.Error("header without created_at")
	}
	delete(h, "created_at")
	b, _ := json.Marshal(h)
	return string(b)
}

func mediaFiles(t *testing.T, dir string) map[string]string {
	out := map[string]string{}
	root := filepath.Join(dir, MediaDir)
	filepath.Walk(root, func(path string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			b, _ := os.ReadFile(path)
			rel, _ := filepath.Rel(root, path)
			out[filepath.ToSlash(rel)] = string(b)
		}
		return nil
	})
	return out
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// view is what the site answers through storage.Reader.
type view struct {
	Pages     map[string][][]string
	Queue     []*story.Story
	Counts    map[story.Status]int
	Countries []string
	Stories   map[string]*story.Story
	Hashes    map[string]string
	Users     map[string]*staff.User
	API       map[string]int64
	Audit     map[string][]audit.Entry
	Due       []string
	Trans     []*story.Translation
	Drafts    []*story.Translation
	Open      []string
	Posts     map[story.PostStatus][]*story.Post
	Setting   storage.Setting
	Replies   []storage.StoredReply
	Saved     []staff.Translation
	// The partner's figures, through the stories' links to it.
	Partner map[storage.StoryEvent][]storage.Tally
	// The dashboard's daily counts: each metric's sum by dimension and
	// by day.
	Daily map[string][2][]storage.Tally
}

// dailyMetrics are the metrics seed counts.
var dailyMetrics = []string{"view", storage.VisitorsMetric, "share", "toolkit", "referrer"}

func readerView(t *testing.T, r storage.Reader) view {
	t.Helper()
	ctx := context.Background()
	v := view{Pages: map[string][][]string{}, Counts: map[story.Status]int{}, Stories: map[string]*story.Story{},
		Hashes: map[string]string{}, Users: map[string]*staff.User{}, API: map[string]int64{}, Audit: map[string][]audit.Entry{}}
	filters := map[string]story.Filter{
		"all": {}, "en": {Language: "en"}, "FR": {Country: "FR"}, "work": {Theme: "work"}, "arrival": {Theme: "arrival"},
		"featured": {Featured: true}, "search soup": {Query: "soup"}, "search prefix": {Query: "boulang"},
		"search accent": {Query: "cafe"}, "search withdrawn": {Query: "storyteller"}, "paged": {Limit: 1},
	}
	for name, f := range filters {
		for {
			page, err := r.PublishedStories(ctx, f)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			var ids []string
			for _, s := range page.Stories {
				ids = append(ids, s.ID)
			}
			v.Pages[name] = append(v.Pages[name], ids)
			if page.NextCursor == "" {
				break
			}
			f.Cursor = page.NextCursor
		}
	}
	var err error
	if v.Queue, err = r.Queue(ctx, 50); err != nil {
		t.Fatal(err)
	}
	for _, st := range []story.Status{story.StatusPending, story.StatusPublished, story.StatusRejected, story.StatusWithdrawn} {
		v.Counts[st], _ = r.CountByStatus(ctx, st)
	}
	v.Countries, _ = r.Countries(ctx)
	for _, id := range []string{"s-pub", "s-pub2", "s-pend", "s-pend2", "s-rej", "s-gone", "s-erased"} {
		s, err := r.Story(ctx, id)
		if err != nil {
			t.Fatalf("story %s: %v", id, err)
		}
		v.Stories[id] = s
		h, _ := r.SubmissionTokenHash(ctx, id)
		if !auth.TokenMatches(privateToken(id), h) {
			t.Errorf("private link of %s no longer works", id)
		}
		v.Hashes[id] = string(h)
		v.Audit[id], _ = r.Audit(ctx, id)
	}
	for _, role := range staff.Roles {
		u, err := r.UserByEmail(ctx, strings.ToUpper(string(role))+"@EXAMPLE.ORG")
		if err != nil {
			t.Fatalf("user %s: %v", role, err)
		}
		v.Users[string(role)] = u
	}
	for email, tok := range apiTokens {
		u, err := r.CredentialUser(ctx, staff.CredentialAPIToken, auth.HashToken(tok), epoch.AddDate(1, 0, 0))
		if err != nil {
			t.Fatalf("API token of %s no longer works: %v", email, err)
		}
		v.API[email] = u.ID
	}
	if _, err := r.CredentialUser(ctx, staff.CredentialSession, auth.HashToken("session-admin@example.org"), epoch.AddDate(0, 0, 31)); !errors.Is(err, story.ErrNotFound) {
		t.Errorf("session expiry lost: %v", err)
	}
	v.Due, _ = r.DueBlobDeletions(ctx, epoch.AddDate(1, 0, 0), 100)
	if v.Trans, err = r.StoryTranslations(ctx, []string{"s-pub", "s-pub2", "s-gone"}, ""); err != nil {
		t.Fatal(err)
	}
	if v.Drafts, err = r.DraftStoryTranslations(ctx, 10); err != nil {
		t.Fatal(err)
	}
	open, err := r.TranslatableStories(ctx, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range open.Stories {
		v.Open = append(v.Open, s.ID)
	}
	v.Posts = map[story.PostStatus][]*story.Post{}
	for _, st := range story.PostStatuses {
		v.Posts[st], _ = r.Posts(ctx, storage.PostFilter{Status: st})
	}
	v.Audit["post:p-hidden"], _ = r.Audit(ctx, "post:p-hidden")
	v.Setting, _ = r.Setting(ctx, "policy.social_post")
	v.Replies, _ = r.StoredReplies(ctx)
	v.Saved, _ = r.Translations(ctx)
	v.Partner = map[storage.StoryEvent][]storage.Tally{}
	for _, event := range storage.StoryEvents {
		if v.Partner[event], err = r.StoriesPerDay(ctx, event, epoch.AddDate(0, 0, -1), storage.StoryScope{OrganisationID: "o-harbour"}); err != nil {
			t.Fatal(err)
		}
	}
	v.Daily = map[string][2][]storage.Tally{}
	for _, metric := range dailyMetrics {
		byDimension, err := r.DailyCounts(ctx, metric, "")
		if err != nil {
			t.Fatal(err)
		}
		byDay, err := r.DailySeries(ctx, metric, "")
		if err != nil {
			t.Fatal(err)
		}
		v.Daily[metric] = [2][]storage.Tally{byDimension, byDay}
	}
	return v
}

func sameView(t *testing.T, a, b view) {
	t.Helper()
	if !reflect.DeepEqual(a, b) {
		ja, _ := json.MarshalIndent(a, "", " ")
		jb, _ := json.MarshalIndent(b, "", " ")
		t.Errorf("the sites answer differently:\n%s\n---\n%s", ja, jb)
	}
}

func checkSeededView(t *testing.T, v view) {
	t.Helper()
	want := map[string][][]string{
		"all": {{"s-pub2", "s-pub"}}, "search soup": {{"s-pub"}}, "search prefix": {{"s-pub2"}}, "search accent": {{"s-pub2"}},
		"search withdrawn": {nil}, "work": {{"s-pub2"}}, "featured": {{"s-pub"}}, "paged": {{"s-pub2"}, {"s-pub"}},
	}
	for name, w := range want {
		if !reflect.DeepEqual(v.Pages[name], w) {
			t.Errorf("%s: %v, want %v", name, v.Pages[name], w)
		}
	}
	if len(v.Posts[story.PostHidden]) != 1 || len(v.Posts[story.PostVisible]) != 1 || len(v.Posts[story.PostQueued]) != 1 ||
		len(v.Audit["post:p-hidden"]) != 1 || v.Setting.UpdatedBy != "user:1" || len(v.Replies) != 2 {
		t.Errorf("posts %v, setting %+v, replies %d", v.Posts, v.Setting, len(v.Replies))
	}
	if len(v.Queue) != 2 || v.Queue[0].ID != "s-pend" || v.Stories["s-gone"].Status != story.StatusWithdrawn || len(v.Due) != 2 || len(v.Saved) != 1 {
		t.Errorf("queue %d, tombstone %v, due %v, translations %d", len(v.Queue), v.Stories["s-gone"].Status, v.Due, len(v.Saved))
	}
	if len(v.Trans) != 2 || v.Trans[0].Language != "ar" || v.Trans[1].Credit != "Léa" || len(v.Drafts) != 1 || !reflect.DeepEqual(v.Open, []string{"s-pub"}) {
		t.Errorf("translations %d, drafts %d, open for translation %v", len(v.Trans), len(v.Drafts), v.Open)
	}
	// The partner keeps counting s-gone, withdrawn without its consent
	// record, and s-erased as rejected on the day of its rejection.
	wantPartner := map[storage.StoryEvent][]storage.Tally{
		storage.EventSubmitted: {{Label: "2026-03-01", Count: 1}, {Label: "2026-03-02", Count: 1}, {Label: "2026-03-03", Count: 1}},
		storage.EventPublished: nil, storage.EventRejected: {{Label: "2026-03-02", Count: 1}},
		storage.EventWithdrawn: {{Label: "2026-03-04", Count: 1}},
	}
	if s := v.Stories["s-erased"]; s.WithdrawReason != story.ErasedRejected || !s.UpdatedAt.Equal(epoch.Add(26*time.Hour+time.Minute)) {
		t.Errorf("the retention's tombstone: %+v", s)
	}
	if !reflect.DeepEqual(v.Partner, wantPartner) {
		t.Errorf("partner's figures %v, want %v", v.Partner, wantPartner)
	}
	wantDaily := map[string][2][]storage.Tally{
		"view":                 {{tally("direct", 42), tally("embed", 3)}, {tally("2026-03-01", 45)}},
		storage.VisitorsMetric: {{tally("", 40)}, {tally("2026-03-01", 31), tally("2026-03-02", 9)}},
		"share":                {{tally("mastodon", 2)}, {tally("2026-03-02", 2)}},
		"toolkit":              {{tally("ar", 1)}, {tally("2026-03-02", 1)}},
		"referrer":             {{tally("search", 0)}, {tally("2026-03-02", 0)}},
	}
	if !reflect.DeepEqual(v.Daily, wantDaily) {
		t.Errorf("daily counts %v, want %v", v.Daily, wantDaily)
	}
}

func tally(label string, n int64) storage.Tally { return storage.Tally{Label: label, Count: n} }

func checkMedia(t *testing.T, s site) {
	t.Helper()
	ctx := context.Background()
	for _, id := range []string{"s-pub", "s-pend"} {
		for _, z := range photo(id).Sizes {
			f, err := s.blobs.Open(ctx, z.Key)
			if err != nil {
				t.Errorf("photo %s: %v", z.Key, err)
				continue
			}
			b, _ := io.ReadAll(f)
			f.Close()
			if !bytes.Equal(b, append([]byte(z.Key), photoData...)) {
				t.Errorf("photo %s changed", z.Key)
			}
		}
	}
	// A withdrawn story's photo does not travel.
	if _, err := s.blobs.Open(ctx, photo("s-gone").Sizes[0].Key); !errors.Is(err, story.ErrNotFound) {
		t.Errorf("withdrawn photo copied: %v", err)
	}
}

func TestSQLiteToSQLite(t *testing.T) {
	src := openSQLite(t)
	seed(t, src)
	want := readerView(t, src.db)
	checkSeededView(t, want)
	first := export(t, src)
	dst := openSQLite(t)
	sum := importInto(t, dst, first)
	if sum.Counts.Stories != 7 || sum.Counts.StoryTranslations != 2 || sum.Counts.Users != 4 || sum.Counts.Audit != 6 || sum.Counts.BlobDeletions != 2 || sum.Media != 5 ||
		sum.Counts.Posts != 3 || sum.Counts.Settings != 1 || sum.Counts.StoredReplies != 2 || sum.Counts.Translations != 1 ||
		sum.Counts.Organisations != 1 || sum.Counts.Members != 1 || sum.Counts.ConsentRecords != 1 || sum.Counts.StoryOrganisations != 3 ||
		sum.Counts.Collections != 1 || sum.Counts.AnalyticsDays != 7 {
		t.Errorf("summary %+v", sum)
	}
	sameExport(t, first, export(t, dst))
	sameView(t, want, readerView(t, dst.db))
	checkMedia(t, dst)
}

func TestSQLiteToPostgresAndBack(t *testing.T) {
	src := openSQLite(t)
	seed(t, src)
	want := readerView(t, src.db)
	first := export(t, src)

	pg := openPostgres(t)
	importInto(t, pg, first)
	second := export(t, pg)
	sameExport(t, first, second)
	sameView(t, want, readerView(t, pg.db))
	checkMedia(t, pg)

	back := openSQLite(t)
	importInto(t, back, second)
	sameExport(t, first, export(t, back))
	sameView(t, want, readerView(t, back.db))
}

func TestPostgresToSQLite(t *testing.T) {
	pg := openPostgres(t)
	seed(t, pg)
	want := readerView(t, pg.db)
	checkSeededView(t, want)
	first := export(t, pg)

	lite := openSQLite(t)
	importInto(t, lite, first)
	sameExport(t, first, export(t, lite))
	sameView(t, want, readerView(t, lite.db))
	checkMedia(t, lite)

	pg2 := openPostgres(t)
	importInto(t, pg2, export(t, lite))
	sameView(t, want, readerView(t, pg2.db))
}
