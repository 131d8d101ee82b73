package web_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"chorus/internal/api"
	"chorus/internal/auth"
	"chorus/internal/staff"
	"chorus/internal/testrig"
)

func shareForm(csrf, marker string) url.Values {
	return url.Values{
		"csrf": {csrf}, "title": {"Ma première rentrée " + marker}, "body": {"Mes enfants avaient peur.\n\nUne autre maman nous a accueillis. " + marker},
		"language": {"fr"}, "country": {"CA"}, "city": {"Sherbrooke"}, "themes": {"education", "family"}, "identity": {"refugee"},
		"display_name": {"Mariam"}, "contact_email": {"mariam@example.org"}, "consent_publish": {"yes"}, "alt": {"La cour de l’école"},
	}
}

var privateLink = regexp.MustCompile(`^/fr/my/([a-z0-9]+)/([A-Za-z0-9_-]+)\?new=1$`)

func TestShareFormWithPhotoEditAndReject(t *testing.T) {
	rig := testrig.New(t)
	b := rig.Browser()
	form := b.Get("/fr/share")
	if form.Status != http.StatusOK {
		t.Fatalf("share form: %d", form.Status)
	}
	csrf := testrig.CSRF(t, form)

	bad := shareForm(csrf, "Vif")
	bad.Del("consent_publish")
	bad.Set("body", "court")
	res := b.PostMultipart("/fr/share", bad, "", "", nil)
	if res.Status != http.StatusUnprocessableEntity || !bytes.Contains(res.Body, []byte("consentement")) || !bytes.Contains(res.Body, []byte("Ma première rentrée Vif")) {
		t.Fatalf("invalid form should come back with French errors and the text kept: %d", res.Status)
	}

	notPhoto := b.PostMultipart("/fr/share", shareForm(csrf, "Vif"), "photo", "photo.jpg", []byte("this is not a photo"))
	if notPhoto.Status != http.StatusUnprocessableEntity || !bytes.Contains(notPhoto.Body, []byte("JPEG, PNG ou WebP")) {
		t.Fatalf("a text file named .jpg: %d", notPhoto.Status)
	}
	if n, _ := rig.Store.CountByStatus(context.Background(), "pending"); n != 0 {
		t.Fatalf("a refused form stored %d stories", n)
	}

	res = b.PostMultipart("/fr/share", shareForm(csrf, "Vif"), "photo", "ecole.jpg", testrig.PhotoWithGPS(1200, 800))
	m := privateLink.FindStringSubmatch(res.Header.Get("Location"))
	if res.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("submit: %d %q", res.Status, res.Header.Get("Location"))
	}
	id, token := m[1], m[2]
	page := b.Get(res.Header.Get("Location"))
	if !bytes.Contains(page.Body, []byte("Gardez ce lien privé")) || !bytes.Contains(page.Body, []byte("en attente de relecture")) {
		t.Fatalf("private page lacks the link notice or status: %d %s", page.Status, page.Body)
	}
	if ownPhoto := regexp.MustCompile(`src="(/fr/my/[^"]+/photo/[^"]+)"`).FindSubmatch(page.Body); ownPhoto == nil {
		t.Fatal("private page does not show the photo")
	} else if img := b.Get(string(ownPhoto[1])); img.Status != http.StatusOK || bytes.Contains(img.Body, testrig.GPSBytes()) {
		t.Fatalf("own photo: %d", img.Status)
	}

	edit := shareForm(testrig.CSRF(t, page), "Vif")
	edit.Set("title", "Notre première rentrée")
	edit.Set("contact_email", "")
	res = b.PostForm("/fr/my/"+id+"/"+token+"/edit", edit)
	if res.Status != http.StatusSeeOther {
		t.Fatalf("edit: %d %.500s", res.Status, res.Body)
	}
	st, _ := rig.App.Submission(context.Background(), id, token)
	if st.Title != "Notre première rentrée" || rig.App.ContactEmail(st) != "mariam@example.org" {
		t.Fatalf("edit not saved or contact lost: %q %q", st.Title, rig.App.ContactEmail(st))
	}
	if bytes.Contains(mustRead(t, rig), []byte("mariam@example.org")) {
		t.Fatal("contact e-mail stored in clear")
	}

	moderator, _ := rig.Staff("mod@example.org", staff.RoleModerator)
	if _, err := rig.App.Decide(context.Background(), moderator, id, appDecision(false, "personal_data", "Votre adresse est visible.")); err != nil {
		t.Fatal(err)
	}
	page = b.Get("/fr/my/" + id + "/" + token)
	for _, want := range []string{"non publié", "renseignements personnels", "Votre adresse est visible."} {
		if !bytes.Contains(page.Body, []byte(want)) {
			t.Errorf("private page after rejection lacks %q", want)
		}
	}
	var own struct {
		Status       string
		RejectReason string `json:"reject_reason"`
	}
	json.Unmarshal(rig.Do("GET", "/api/v1/submissions/"+id, nil, map[string]string{"Authorization": "Bearer " + token}).Body, &own)
	if own.Status != "rejected" || own.RejectReason != "personal_data" {
		t.Errorf("API view after rejection: %+v", own)
	}
	if got := rig.Do("PUT", "/api/v1/submissions/"+id, testrig.Submission("Late"), map[string]string{"Authorization": "Bearer " + token}).Status; got != http.StatusConflict {
		t.Errorf("editing a decided story: %d, want 409", got)
	}
	if got := rig.Do("GET", "/fr/stories/"+id, nil, nil).Status; got != http.StatusNotFound {
		t.Errorf("rejected story is public: %d", got)
	}
}

func mustRead(t *testing.T, rig *testrig.Rig) []byte {
	t.Helper()
	var all []byte
	for _, f := range testrig.FilesContaining(t, rig.DataDir, nil) {
		all = append(all, []byte(f)...)
	}
	for _, f := range testrig.FilesContaining(t, rig.DataDir, []byte("mariam@example.org")) {
		all = append(all, []byte("mariam@example.org in "+f)...)
	}
	return all
}

func TestCSRFRefused(t *testing.T) {
	rig := testrig.New(t)
	b := rig.Browser()
	csrf := testrig.CSRF(t, b.Get("/en/share"))
	form := shareForm(csrf, "Csrf")
	form.Set("language", "en")

	noToken := shareForm("", "Csrf")
	if res := b.PostForm("/en/share", noToken); res.Status != http.StatusForbidden {
		t.Errorf("form without token: %d", res.Status)
	}
	other := rig.Browser()
	other.Get("/en/share")
	if res := other.PostForm("/en/share", form); res.Status != http.StatusForbidden {
		t.Errorf("token from another visitor: %d", res.Status)
	}
	req, _ := http.NewRequest("POST", rig.URL+"/en/share", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site post: %d", res.StatusCode)
	}
	if n, _ := rig.Store.CountByStatus(context.Background(), "pending"); n != 0 {
		t.Fatalf("refused forms stored %d stories", n)
	}
	if res := b.PostForm("/en/share", form); res.Status != http.StatusSeeOther {
		t.Errorf("the visitor's own form: %d", res.Status)
	}
}

func TestStaffEnrolSignInAndDecide(t *testing.T) {
	rig := testrig.New(t)
	sub := testrig.Submission("Queue")
	sub.Body += "\n\nCall me on +33 6 12 34 56 78 if you want to help."
	id, _ := rig.Submit(sub)
	link, err := rig.App.AddUser(context.Background(), "admin@example.org", staff.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	b := rig.Browser()
	if res := b.Get("/en/staff/queue"); res.Status != http.StatusSeeOther {
		t.Fatalf("queue without session: %d", res.Status)
	}
	page := b.Get("/en/staff/welcome/" + link)
	secret := regexp.MustCompile(`name="totp_secret" value="([A-Z2-7]+)"`).FindSubmatch(page.Body)
	if page.Status != http.StatusOK || secret == nil {
		t.Fatalf("welcome page: %d", page.Status)
	}
	code, _ := auth.TOTPCode(string(secret[1]), rig.Clock.Now())
	form := url.Values{"csrf": {testrig.CSRF(t, page)}, "password": {"a long enough passphrase"}, "totp_secret": {string(secret[1])}, "code": {"000000"}}
	if res := b.PostForm("/en/staff/welcome/"+link, form); res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("wrong TOTP code accepted: %d", res.Status)
	}
	form.Set("code", code)
	if res := b.PostForm("/en/staff/welcome/"+link, form); res.Status != http.StatusSeeOther {
		t.Fatalf("enrol: %d %.400s", res.Status, res.Body)
	}
	if res := b.Get("/en/staff/welcome/" + link); res.Status != http.StatusUnauthorized {
		t.Errorf("sign-in link reused: %d", res.Status)
	}
	queue := b.Get("/en/staff/queue")
	if queue.Status != http.StatusOK || !bytes.Contains(queue.Body, []byte("amal.queue@example.org")) && !bytes.Contains(queue.Body, []byte("Our first winter Queue")) {
		t.Fatalf("queue page: %d", queue.Status)
	}
	if !bytes.Contains(queue.Body, []byte("<mark")) {
		t.Error("queue does not highlight the personal data in the story")
	}
	res := b.PostForm("/en/staff/stories/"+id+"/decision", url.Values{"csrf": {testrig.CSRF(t, queue)}, "decision": {"approve"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("approve from the queue: %d", res.Status)
	}
	if got := rig.Do("GET", "/en/stories/"+id, nil, nil).Status; got != http.StatusOK {
		t.Errorf("approved story: %d", got)
	}

	other := rig.Browser()
	signin := other.Get("/en/staff/signin")
	creds := url.Values{"csrf": {testrig.CSRF(t, signin)}, "email": {"admin@example.org"}, "password": {"a long enough passphrase"}}
	if res := other.PostForm("/en/staff/signin", creds); res.Status != http.StatusUnauthorized {
		t.Errorf("admin signed in without the second factor: %d", res.Status)
	}
	rig.Clock.Advance(90 * time.Second)
	code, _ = auth.TOTPCode(string(secret[1]), rig.Clock.Now())
	creds.Set("code", code)
	if res := other.PostForm("/en/staff/signin", creds); res.Status != http.StatusSeeOther {
		t.Errorf("sign-in with password and code: %d", res.Status)
	}
	entries, _ := rig.Store.Audit(context.Background(), id)
	if last := entries[len(entries)-1]; last.Action != "approve" || !strings.HasPrefix(last.Actor, "user:") {
		t.Errorf("decision not audited: %+v", last)
	}
}

func TestHostileUploadsThroughTheAPI(t *testing.T) {
	rig := testrig.New(t)
	id, token := rig.Submit(testrig.Submission("Hostile"))
	ihdr := []byte("IHDR\x00\x01\x86\xa0\x00\x01\x86\xa0\x08\x06\x00\x00\x00")
	bomb := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0d"), ihdr...)
	bomb = binary.BigEndian.AppendUint32(bomb, crc32.ChecksumIEEE(ihdr))
	cases := []struct {
		name string
		data []byte
		want int
	}{
		{"text named .jpg", []byte("GIF89a not really"), http.StatusUnsupportedMediaType},
		{"html", []byte("<script>alert(1)</script>"), http.StatusUnsupportedMediaType},
		{"truncated jpeg", testrig.PhotoWithGPS(200, 200)[:300], http.StatusUnprocessableEntity},
		{"decompression bomb", bomb, http.StatusRequestEntityTooLarge},
		{"too many bytes", bytes.Repeat([]byte{0xFF}, 11<<20), http.StatusRequestEntityTooLarge},
	}
	for _, c := range cases {
		res := rig.UploadPhoto(id, token, "photo.jpg", c.data, "alt text")
		if res.Status != c.want {
			t.Errorf("%s: %d %s, want %d", c.name, res.Status, res.Body, c.want)
		}
		var body struct {
			Error struct{ Code, Message string }
		}
		if json.Unmarshal(res.Body, &body) != nil || body.Error.Message == "" {
			t.Errorf("%s: error is not JSON: %s", c.name, res.Body)
		}
	}
	if files := testrig.FilesContaining(t, rig.MediaDir, nil); len(files) != 0 {
		t.Errorf("refused uploads left files: %v", files)
	}
	if res := rig.UploadPhoto(id, "wrong", "photo.jpg", testrig.PhotoWithGPS(100, 100), "alt"); res.Status != http.StatusUnauthorized {
		t.Errorf("upload with a wrong token: %d", res.Status)
	}
}

func TestAPIRejectsBadInputWithoutLosingAnything(t *testing.T) {
	rig := testrig.New(t)
	cases := []struct {
		body   string
		ctype  string
		status int
	}{
		{`{"title": 5}`, "application/json", http.StatusBadRequest},
		{`{not json`, "application/json", http.StatusBadRequest},
		{`{"title":"x"} {"title":"y"}`, "application/json", http.StatusBadRequest},
		{`{"title":"t","body":"short"}`, "application/json", http.StatusUnprocessableEntity},
		{`title=x`, "application/x-www-form-urlencoded", http.StatusUnsupportedMediaType},
		{`{"title":"` + strings.Repeat("a", 300<<10) + `"}`, "application/json", http.StatusRequestEntityTooLarge},
	}
	for _, c := range cases {
		res := rig.Do("POST", "/api/v1/stories", c.body, map[string]string{"Content-Type": c.ctype})
		if res.Status != c.status {
			t.Errorf("%.40s: %d %s, want %d", c.body, res.Status, res.Body, c.status)
		}
		if !bytes.HasPrefix(res.Body, []byte(`{"error":`)) {
			t.Errorf("%.40s: not a JSON error: %s", c.body, res.Body)
		}
	}
	if n, _ := rig.Store.CountByStatus(context.Background(), "pending"); n != 0 {
		t.Errorf("bad input stored %d stories", n)
	}
	if got := rig.Do("GET", "/api/v1/nothing-here", nil, nil); got.Status != http.StatusNotFound || !bytes.Contains(got.Body, []byte("no such API")) {
		t.Errorf("unknown API path: %d %s", got.Status, got.Body)
	}
	if got := rig.Do("GET", "/api/v1/stories?cursor=%%%", nil, nil).Status; got >= 500 {
		t.Errorf("bad cursor: %d", got)
	}
	if got := rig.Do("GET", "/api/v1/stories?cursor=bm9wZQ", nil, nil).Status; got != http.StatusUnprocessableEntity {
		t.Errorf("bad cursor: %d", got)
	}
	_, modToken := rig.Staff("mod@example.org", staff.RoleModerator)
	_, partnerToken := rig.Staff("partner@example.org", staff.RolePartner)
	if got := rig.Do("GET", "/api/v1/moderation/queue", nil, map[string]string{"Authorization": "Bearer " + partnerToken}).Status; got != http.StatusForbidden {
		t.Errorf("partner reads the queue: %d", got)
	}
	if got := rig.Do("GET", "/api/v1/moderation/queue", nil, nil).Status; got != http.StatusUnauthorized {
		t.Errorf("nobody reads the queue: %d", got)
	}
	id, _ := rig.Submit(testrig.Submission("Decide"))
	staffAuth := map[string]string{"Authorization": "Bearer " + modToken}
	if got := rig.Do("POST", "/api/v1/moderation/items/"+id+"/decision", map[string]string{"decision": "maybe"}, staffAuth).Status; got != http.StatusUnprocessableEntity {
		t.Errorf("unknown decision: %d", got)
	}
	res := rig.Do("POST", "/api/v1/moderation/items/"+id+"/decision", map[string]string{"decision": "reject", "reason": "This reads like an advertisement."}, staffAuth)
	var own struct {
		Status       string
		RejectReason string `json:"reject_reason"`
		RejectNote   string `json:"reject_note"`
	}
	res.JSON(t, &own)
	if own.Status != "rejected" || own.RejectReason != "other" || !strings.Contains(own.RejectNote, "advertisement") {
		t.Errorf("free-text reason: %s", res.Body)
	}
	if got := rig.Do("POST", "/api/v1/moderation/items/"+id+"/decision", map[string]string{"decision": "approve"}, staffAuth).Status; got != http.StatusConflict {
		t.Errorf("deciding twice: %d", got)
	}
}

// TestOpenAPIMatchesRoutes calls every documented operation and checks that
// a handler answered, not the router's "no such route".
func TestOpenAPIMatchesRoutes(t *testing.T) {
	rig := testrig.New(t)
	var doc struct {
		Paths map[string]map[string]json.RawMessage
	}
	if err := json.Unmarshal(api.OpenAPIDocument(), &doc); err != nil {
		t.Fatal(err)
	}
	served := rig.Do("GET", "/api/v1/openapi.json", nil, nil)
	if served.Status != http.StatusOK || !bytes.Equal(served.Body, api.OpenAPIDocument()) {
		t.Fatalf("openapi.json: %d", served.Status)
	}
	operations := 0
	for path, item := range doc.Paths {
		for method := range item {
			if method == "parameters" {
				continue
			}
			operations++
			concrete := "/api/v1" + strings.ReplaceAll(path, "{id}", "nosuchid")
			res := rig.Do(strings.ToUpper(method), concrete, nil, nil)
			if res.Status == http.StatusMethodNotAllowed || bytes.Contains(res.Body, []byte("no such API endpoint")) {
				t.Errorf("%s %s is documented but not routed: %d %s", method, path, res.Status, res.Body)
			}
		}
	}
	if operations < 10 {
		t.Errorf("only %d documented operations", operations)
	}
}

func TestAdminFeaturesAStory(t *testing.T) {
	rig := testrig.New(t)
	id, _ := rig.Submit(testrig.Submission("Featured"))
	admin, _ := rig.Staff("admin@example.org", staff.RoleAdmin)
	moderator, _ := rig.Staff("mod@example.org", staff.RoleModerator)
	ctx := context.Background()
	if _, err := rig.App.Decide(ctx, moderator, id, appDecision(true, "", "")); err != nil {
		t.Fatal(err)
	}
	if home := rig.Do("GET", "/en/", nil, nil); bytes.Contains(home.Body, []byte(`id="featured"`)) {
		t.Fatal("home shows a featured section with nothing featured")
	}
	if err := rig.App.SetFeatured(ctx, moderator, id, true); err == nil {
		t.Error("a moderator featured a story")
	}
	if err := rig.App.SetFeatured(ctx, admin, id, true); err != nil {
		t.Fatal(err)
	}
	home := rig.Do("GET", "/en/", nil, nil)
	// The first featured story is the voice the home page opens with.
	if !bytes.Contains(home.Body, []byte(`<figure class="voice-lead">`)) || !bytes.Contains(home.Body, []byte("Our first winter Featured")) {
		t.Error("featured story not on the home page")
	}
}

func TestQueueExplainsHateAndOffersAReply(t *testing.T) {
	rig := testrig.New(t)
	hateful := testrig.Submission("Hate")
	hateful.Title = "They should all go back"
	hateful.Body = "Refugees are vermin and parasites. Send them all back where they came from, they are not human."
	hateID, _ := rig.Submit(hateful)
	ally := testrig.Submission("Ally")
	ally.Title = "What I heard on the bus"
	ally.Body = "A man called my neighbour \"vermin\" on the bus. Calling refugees vermin is disgusting and wrong: she is a nurse who saved lives."
	allyID, _ := rig.Submit(ally)

	b := rig.SignedIn("mod@example.org", staff.RoleModerator)
	queue := string(b.Get("/en/staff/queue").Body)
	hateItem := queue[strings.Index(queue, `id="q-`+hateID+`"`):]
	if end := strings.Index(hateItem[10:], `<article`); end > 0 {
		hateItem = hateItem[:end+10]
	}
	if !strings.Contains(hateItem, "signal-hate") || !strings.Contains(hateItem, "Suggested counter-speech reply") || !strings.Contains(hateItem, "<mark") {
		t.Errorf("hateful story not explained in the queue:\n%s", hateItem)
	}
	st, _ := rig.Store.Story(context.Background(), allyID)
	for _, s := range st.Signals {
		if s.Kind == "hate" && s.Score >= 0.9 {
			t.Errorf("counter-speech scored %.2f: it would be hidden if it were a post", s.Score)
		}
	}
}

func TestQueueCanPutTheStrongestSignalsFirst(t *testing.T) {
	rig := testrig.New(t)
	calm, _ := rig.Submit(testrig.Submission("Calm"))
	rig.Clock.Advance(time.Minute)
	hateful := testrig.Submission("Raid")
	hateful.Title = "Get them out"
	hateful.Body = "Refugees are vermin and parasites. Send them all back, they are not human."
	raid, _ := rig.Submit(hateful)
	b := rig.SignedIn("mod@example.org", staff.RoleModerator)
	oldest := string(b.Get("/en/staff/queue").Body)
	calmAt, raidAt := strings.Index(oldest, `id="q-`+calm+`"`), strings.Index(oldest, `id="q-`+raid+`"`)
	if calmAt < 0 || raidAt < 0 || calmAt > raidAt {
		t.Errorf("default order is not oldest first: calm at %d, raid at %d", calmAt, raidAt)
	}
	risky := string(b.Get("/en/staff/queue?order=risk").Body)
	calmAt, raidAt = strings.Index(risky, `id="q-`+calm+`"`), strings.Index(risky, `id="q-`+raid+`"`)
	if calmAt < 0 || raidAt < 0 || raidAt > calmAt {
		t.Errorf("order=risk does not put the hateful story first: calm at %d, raid at %d", calmAt, raidAt)
	}
	_, token := rig.Staff("api@example.org", staff.RoleModerator)
	var out struct{ Items []struct{ ID string } }
	rig.Do("GET", "/api/v1/moderation/queue?order=risk", nil, map[string]string{"Authorization": "Bearer " + token}).JSON(t, &out)
	if len(out.Items) != 2 || out.Items[0].ID != raid {
		t.Errorf("API order=risk: %+v", out.Items)
	}
}
