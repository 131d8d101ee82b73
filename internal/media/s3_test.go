package media

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"

	"chorus/internal/outbound"
	"chorus/internal/story"
)

// The S3 tests need a running S3-compatible server: scripts/start-s3.sh
// starts one and prints the variable to set.
const s3URLVar = "CHORUS_TEST_S3_URL"

// storeUnderTest is a Store and the means to look behind it.
type storeUnderTest struct {
	Store
	// contentType returns the stored content type of key; nil when the
	// store keeps none.
	contentType func(t *testing.T, key string) string
	// listed returns every key the backend holds for this store, read from
	// the backend itself (folder walk, bucket listing), sorted.
	listed func(t *testing.T) []string
	// filesHolding, when set, returns the backend's own files that still
	// contain data (for a server whose folder the test can read).
	filesHolding func(t *testing.T, data string) []string
}

// storeChecks is the behaviour every Store must have; each check gets a
// fresh, empty store.
var storeChecks = []struct {
	name string
	run  func(t *testing.T, s storeUnderTest)
}{
	{"PutOpenOverwriteDelete", func(t *testing.T, s storeUnderTest) {
		ctx := context.Background()
		const key = "photos/ab/abcdef123-page.jpg"
		mustPut(t, s, key, "first", "image/jpeg")
		if got := readBlob(t, s, key); got != "first" {
			t.Errorf("got %q, want first", got)
		}
		mustPut(t, s, key, "second", "image/jpeg")
		if got := readBlob(t, s, key); got != "second" {
			t.Errorf("after overwrite got %q", got)
		}
		if err := s.Delete(ctx, key); err != nil {
			t.Fatal(err)
		}
		wantNotFound(t, s, key)
	}},
	{"BinaryAndEmptyBlobs", func(t *testing.T, s storeUnderTest) {
		var all [256]byte
		for i := range all {
			all[i] = byte(i)
		}
		mustPut(t, s, "a/all-bytes.bin", string(all[:]), "application/octet-stream")
		mustPut(t, s, "a/empty.bin", "", "application/octet-stream")
		if got := readBlob(t, s, "a/all-bytes.bin"); got != string(all[:]) {
			t.Errorf("binary blob changed: %d bytes back", len(got))
		}
		if got := readBlob(t, s, "a/empty.bin"); got != "" {
			t.Errorf("empty blob reads %q", got)
		}
	}},
	{"MissingKeyIsNotFound", func(t *testing.T, s storeUnderTest) {
		wantNotFound(t, s, "photos/zz/never-stored.jpg")
		mustPut(t, s, "photos/zz/other.jpg", "x", "image/jpeg")
		wantNotFound(t, s, "photos/zz/never-stored.jpg")
		wantNotFound(t, s, "photos/zz") // a folder is not a blob
	}},
	{"DeleteIsIdempotent", func(t *testing.T, s storeUnderTest) {
		ctx := context.Background()
		const key = "photos/cd/twice.webp"
		if err := s.Delete(ctx, key); err != nil {
			t.Fatalf("delete of a key never stored: %v", err)
		}
		mustPut(t, s, key, "x", "image/webp")
		for i := range 2 {
			if err := s.Delete(ctx, key); err != nil {
				t.Fatalf("delete %d: %v", i+1, err)
			}
		}
		wantNotFound(t, s, key)
	}},
	{"BadKeysRefused", func(t *testing.T, s storeUnderTest) {
		ctx := context.Background()
		bad := []string{"", "/abs.jpg", "../up.jpg", "a/../b.jpg", "a//b.jpg", ".hidden", "a/.tmp-x",
			"trailing/", `back\slash.jpg`, "sp ace.jpg", "é.jpg", "q?.jpg", "a/%2e%2e/b", strings.Repeat("a", maxKeyLen+1)}
		for _, key := range bad {
			for op, err := range map[string]error{
				"Put":    s.Put(ctx, key, []byte("x"), "image/jpeg"),
				"Delete": s.Delete(ctx, key),
				"Open":   openErr(s, key),
			} {
				if story.ErrorCode(err) != story.CodeInvalid {
					t.Errorf("%s(%q): %v, want an invalid-key error", op, key, err)
				}
			}
		}
		if got := s.listed(t); len(got) > 0 {
			t.Errorf("bad keys stored something: %v", got)
		}
	}},
	{"ContentTypeKept", func(t *testing.T, s storeUnderTest) {
		if s.contentType == nil {
			t.Skip("this store keeps no content type: keys carry their extension")
		}
		for key, ct := range map[string]string{
			"ct/a.jpg": "image/jpeg", "ct/b.webp": "image/webp", "ct/c.png": "image/png", "ct/d": "",
		} {
			mustPut(t, s, key, "x", ct)
			want := ct
			if want == "" {
				want = "application/octet-stream"
			}
			if got := s.contentType(t, key); got != want {
				t.Errorf("%s: content type %q, want %q", key, got, want)
			}
		}
	}},
	{"DeleteErasesFromBackend", func(t *testing.T, s storeUnderTest) {
		ctx := context.Background()
		// A withdrawn story's photo has several renditions; a neighbour stays.
		gone := []string{"photos/ef/story1-small.webp", "photos/ef/story1-medium.webp", "photos/ef/story1-large.jpg"}
		kept := "photos/ef/story2-small.webp"
		tag := randomHex() // makes the bytes findable in the backend's files
		for _, key := range append(slices.Clone(gone), kept) {
			mustPut(t, s, key, "photo of "+key+" "+tag, "image/webp")
		}
		if got, want := s.listed(t), sorted(append(slices.Clone(gone), kept)); !slices.Equal(got, want) {
			t.Fatalf("backend holds %v, want %v", got, want)
		}
		for _, key := range gone {
			if err := s.Delete(ctx, key); err != nil {
				t.Fatal(err)
			}
		}
		if got := s.listed(t); !slices.Equal(got, []string{kept}) {
			t.Errorf("after delete the backend still holds %v, want only %s", got, kept)
		}
		for _, key := range gone {
			wantNotFound(t, s, key)
			if s.filesHolding != nil {
				if files := s.filesHolding(t, "photo of "+key+" "+tag); len(files) > 0 {
					t.Errorf("the server's files still hold %s: %v", key, files)
				}
			}
		}
		if s.filesHolding != nil && len(s.filesHolding(t, "photo of "+kept+" "+tag)) == 0 {
			t.Error("the server's folder was not searched right: the kept photo is not found in it")
		}
		if got := readBlob(t, s, kept); got != "photo of "+kept+" "+tag {
			t.Errorf("neighbour changed: %q", got)
		}
	}},
	{"CancelledContext", func(t *testing.T, s storeUnderTest) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := s.Put(ctx, "c/x.jpg", []byte("x"), "image/jpeg"); !errors.Is(err, context.Canceled) {
			t.Errorf("Put: %v", err)
		}
		if _, err := s.Open(ctx, "c/x.jpg"); !errors.Is(err, context.Canceled) {
			t.Errorf("Open: %v", err)
		}
		if got := s.listed(t); len(got) > 0 {
			t.Errorf("cancelled Put stored %v", got)
		}
	}},
}

// runStoreChecks runs every check in storeChecks on a fresh store.
func runStoreChecks(t *testing.T, fresh func(t *testing.T) storeUnderTest) {
	for _, c := range storeChecks {
		t.Run(c.name, func(t *testing.T) { c.run(t, fresh(t)) })
	}
}

func mustPut(t *testing.T, s Store, key, data, contentType string) {
	t.Helper()
	if err := s.Put(context.Background(), key, []byte(data), contentType); err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
}

func openErr(s Store, key string) error {
	rc, err := s.Open(context.Background(), key)
	if err == nil {
		rc.Close()
	}
	return err
}

func wantNotFound(t *testing.T, s Store, key string) {
	t.Helper()
	err := openErr(s, key)
	if !errors.Is(err, story.ErrNotFound) || story.ErrorCode(err) != story.CodeNotFound {
		t.Errorf("Open(%q): %v, want story.ErrNotFound", key, err)
	}
}

func sorted(s []string) []string {
	slices.Sort(s)
	return s
}

func TestDiskStoreBehaviour(t *testing.T) {
	runStoreChecks(t, func(t *testing.T) storeUnderTest {
		s, dir := newStore(t)
		return storeUnderTest{Store: s, listed: func(t *testing.T) []string {
			var keys []string
			err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				rel, err := filepath.Rel(dir, p)
				keys = append(keys, filepath.ToSlash(rel))
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return sorted(keys)
		}}
	})
}

// testS3Config reads CHORUS_TEST_S3_URL, or skips the test.
func testS3Config(t *testing.T) S3Config {
	t.Helper()
	raw := os.Getenv(s3URLVar)
	if raw == "" {
		t.Skipf("%s is not set: run eval \"$(scripts/start-s3.sh)\" to test against a real S3-compatible server", s3URLVar)
	}
	cfg, err := ParseS3URL(raw, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// newTestS3Store opens the test bucket under a prefix of its own, and
// removes whatever the test leaves under it.
func newTestS3Store(t *testing.T, cfg S3Config) *S3Store {
	t.Helper()
	cfg.Prefix = "test-" + randomHex()
	s, err := NewS3Store(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, key := range listS3(t, s) {
			if err := s.Delete(context.Background(), key); err != nil {
				t.Error(err)
			}
		}
		s.Close()
	})
	return s
}

// listS3 lists the bucket itself, through the S3 API, under the store's
// prefix, and returns the keys found.
func listS3(t *testing.T, s *S3Store) []string {
	t.Helper()
	var keys []string
	for obj := range s.client.ListObjects(context.Background(), s.bucket, minio.ListObjectsOptions{Prefix: s.prefix, Recursive: true}) {
		if obj.Err != nil {
			t.Fatalf("list bucket: %v", obj.Err)
		}
		key, ok := strings.CutPrefix(obj.Key, s.prefix)
		if !ok {
			t.Fatalf("listing under %q returned %q", s.prefix, obj.Key)
		}
		keys = append(keys, key)
	}
	return sorted(keys)
}

func TestS3StoreBehaviour(t *testing.T) {
	cfg := testS3Config(t)
	runStoreChecks(t, func(t *testing.T) storeUnderTest {
		s := newTestS3Store(t, cfg)
		return storeUnderTest{
			Store:  s,
			listed: func(t *testing.T) []string { return listS3(t, s) },
			contentType: func(t *testing.T, key string) string {
				info, err := s.client.StatObject(context.Background(), s.bucket, s.ObjectName(key), minio.StatObjectOptions{})
				if err != nil {
					t.Fatalf("stat %q: %v", key, err)
				}
				return info.ContentType
			},
			filesHolding: serverFilesHolding(os.Getenv("CHORUS_TEST_S3_DIR")),
		}
	})
}

// serverFilesHolding searches the folder of a local test server (as
// scripts/start-s3.sh reports it in CHORUS_TEST_S3_DIR) for files that hold
// given bytes; nil when the folder is not known.
func serverFilesHolding(dir string) func(t *testing.T, data string) []string {
	if dir == "" {
		return nil
	}
	return func(t *testing.T, data string) []string {
		var found []string
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return err
			}
			b, err := os.ReadFile(p)
			if err == nil && strings.Contains(string(b), data) {
				found = append(found, p)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return found
	}
}

func TestS3StoreKeepsKeysUnderPrefix(t *testing.T) {
	cfg := testS3Config(t)
	s := newTestS3Store(t, cfg)
	mustPut(t, s, "ab/x.jpg", "x", "image/jpeg")
	info, err := s.client.StatObject(context.Background(), s.bucket, s.prefix+"ab/x.jpg", minio.StatObjectOptions{})
	if err != nil {
		t.Fatalf("object not under prefix %q: %v", s.prefix, err)
	}
	if info.Size != 1 {
		t.Errorf("size %d", info.Size)
	}
	// Another prefix in the same bucket sees nothing of it.
	other := newTestS3Store(t, cfg)
	wantNotFound(t, other, "ab/x.jpg")
}

func TestS3StoreObjectsArePrivate(t *testing.T) {
	cfg := testS3Config(t)
	s := newTestS3Store(t, cfg)
	mustPut(t, s, "ab/private.jpg", "secret photo", "image/jpeg")
	scheme := "http://"
	if cfg.Secure {
		scheme = "https://"
	}
	resp, err := s.transport.RoundTrip(mustRequest(t, scheme+cfg.Endpoint+"/"+cfg.Bucket+"/"+s.ObjectName("ab/private.jpg")))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode == 200 || strings.Contains(string(body), "secret photo") {
		t.Errorf("anonymous GET answered %d %q", resp.StatusCode, body)
	}
}

func mustRequest(t *testing.T, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestOpenStoreCreatesBucketWithCredentialsFromOptions(t *testing.T) {
	cfg := testS3Config(t)
	bucket := "chorus-t-" + randomHex()[:12]
	raw := "s3://" + bucket + "?endpoint=" + cfg.Endpoint + "&prefix=site-a&secure=" + map[bool]string{true: "true", false: "false"}[cfg.Secure]
	ctx := context.Background()
	st, err := OpenStore(ctx, raw, t.TempDir(), OpenOptions{AccessKey: cfg.AccessKey, SecretKey: cfg.SecretKey})
	if err != nil {
		t.Fatal(err)
	}
	s, ok := st.(*S3Store)
	if !ok {
		t.Fatalf("OpenStore gave %T", st)
	}
	defer func() {
		for _, key := range listS3(t, s) {
			s.Delete(ctx, key)
		}
		if err := s.client.RemoveBucket(ctx, bucket); err != nil {
			t.Errorf("remove test bucket: %v", err)
		}
	}()
	if ok, err := s.client.BucketExists(ctx, bucket); err != nil || !ok {
		t.Fatalf("bucket %s not created: %v %v", bucket, ok, err)
	}
	mustPut(t, s, "p/q.jpg", "x", "image/jpeg")
	if got := listS3(t, s); !slices.Equal(got, []string{"p/q.jpg"}) {
		t.Errorf("listed %v", got)
	}
	if _, err := s.client.StatObject(ctx, bucket, "site-a/p/q.jpg", minio.StatObjectOptions{}); err != nil {
		t.Errorf("object not under prefix site-a: %v", err)
	}
	// Opening again finds the bucket there.
	again, err := OpenStore(ctx, raw, "", OpenOptions{AccessKey: cfg.AccessKey, SecretKey: cfg.SecretKey})
	if err != nil {
		t.Fatal(err)
	}
	if got := readBlob(t, again, "p/q.jpg"); got != "x" {
		t.Errorf("second store reads %q", got)
	}
}

func TestS3StoreWrongSecretIsUnavailableAndHidden(t *testing.T) {
	cfg := testS3Config(t)
	cfg.SecretKey = "wrong-" + randomHex()
	cfg.MaxRetries = 1
	_, err := NewS3Store(context.Background(), cfg)
	if story.ErrorCode(err) != story.CodeUnavailable {
		t.Fatalf("wrong secret: %v, want unavailable", err)
	}
	if strings.Contains(err.Error(), cfg.SecretKey) {
		t.Errorf("error shows the secret: %v", err)
	}
}

// TestS3StoreServerDown needs no server: the endpoint is a closed port.
func TestS3StoreServerDown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	const secret = "very-secret-value"
	ctx := context.Background()
	_, err = OpenStore(ctx, "s3://AK:"+secret+"@chorus?endpoint="+addr+"&secure=false", "", OpenOptions{})
	if story.ErrorCode(err) != story.CodeUnavailable {
		t.Errorf("OpenStore with the server down: %v, want unavailable", err)
	}
	if err != nil && strings.Contains(err.Error(), secret) {
		t.Errorf("error shows the secret: %v", err)
	}
	s, err := newS3Store(S3Config{Endpoint: addr, Bucket: "chorus", AccessKey: "AK", SecretKey: secret, MaxRetries: 1})
	if err != nil {
		t.Fatal(err)
	}
	for op, err := range map[string]error{
		"Put":    s.Put(ctx, "a/b.jpg", []byte("x"), "image/jpeg"),
		"Open":   openErr(s, "a/b.jpg"),
		"Delete": s.Delete(ctx, "a/b.jpg"),
	} {
		var se *story.Error
		if !errors.As(err, &se) || se.Code != story.CodeUnavailable || se.Key != "error.storage_full" {
			t.Errorf("%s with the server down: %v, want unavailable", op, err)
		} else if errors.Is(err, story.ErrNotFound) {
			t.Errorf("%s: a failure reported as not found", op)
		}
	}
}

func TestOpenStoreEmptyURLIsDisk(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "media")
	st, err := OpenStore(context.Background(), "", dir, OpenOptions{AccessKey: "ignored"})
	if err != nil {
		t.Fatal(err)
	}
	disk, ok := st.(*DiskStore) // chorus serve relies on this for clearing temp files
	if !ok {
		t.Fatalf("OpenStore(\"\") gave %T", st)
	}
	defer disk.Close()
	mustPut(t, disk, "a/b.jpg", "x", "image/jpeg")
	if _, err := os.Stat(filepath.Join(dir, "a", "b.jpg")); err != nil {
		t.Error(err)
	}
	if _, err := OpenStore(context.Background(), "", "", OpenOptions{}); err == nil {
		t.Error("empty URL and empty folder accepted")
	}
}

func TestParseS3URL(t *testing.T) {
	const secret = "s3cr3t/with+odd=chars"
	env := OpenOptions{AccessKey: "ENVKEY", SecretKey: "ENVSECRET"}
	good := []struct {
		raw  string
		opts OpenOptions
		want S3Config
	}{
		{"s3://K:S@media?endpoint=127.0.0.1:7070&region=eu-west-1&secure=false&prefix=chorus/site", OpenOptions{},
			S3Config{Endpoint: "127.0.0.1:7070", Region: "eu-west-1", Bucket: "media", Prefix: "chorus/site", AccessKey: "K", SecretKey: "S"}},
		{"s3://media?endpoint=s3.example.org", env,
			S3Config{Endpoint: "s3.example.org", Bucket: "media", Secure: true, AccessKey: "ENVKEY", SecretKey: "ENVSECRET"}},
		{"s3://K:" + strings.NewReplacer("/", "%2F", "+", "%2B", "=", "%3D").Replace(secret) + "@media/?endpoint=h:1&secure=1", env,
			S3Config{Endpoint: "h:1", Bucket: "media", Secure: true, AccessKey: "K", SecretKey: secret}},
	}
	for _, c := range good {
		got, err := ParseS3URL(c.raw, c.opts)
		if err != nil || got != c.want {
			t.Errorf("ParseS3URL(%q) = %+v, %v; want %+v", outbound.RedactURL(c.raw), got, err, c.want)
		}
	}
	bad := []string{
		"http://K:" + secret + "@media?endpoint=h:1",
		"s3://K:" + secret + "@media",                           // no endpoint
		"s3://media?endpoint=h:1",                               // no credentials (none in opts either)
		"s3://K:" + secret + "@media/photos?endpoint=h:1",       // path instead of prefix
		"s3://K:" + secret + "@media?endpoint=h:1&secure=maybe", // bad bool
		"s3://K:" + secret + "@media?endpoint=h:1&regoin=x",     // typo
		"s3://K:" + secret + "@media?endpoint=h:1&endpoint=h:2", // twice
		"s3://K:" + secret + "@bad host?endpoint=h:1",           // unparseable
		"s3://K:" + secret + "@%zz?endpoint=h:1",                // unparseable
	}
	for _, raw := range bad {
		_, err := ParseS3URL(raw, OpenOptions{})
		if err == nil {
			t.Errorf("ParseS3URL(%q) accepted", outbound.RedactURL(raw))
			continue
		}
		if strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("error shows the secret: %v", err)
		}
	}
	// Checked when the store is made, still without a request.
	for _, raw := range []string{
		"s3://K:S@Bad_Bucket?endpoint=h:1",
		"s3://K:S@media?endpoint=http://h:1",
		"s3://K:S@media?endpoint=h:1&prefix=../up",
		"s3://K:S@media?endpoint=h:1&prefix=.hidden",
	} {
		cfg, err := ParseS3URL(raw, OpenOptions{})
		if err == nil {
			_, err = newS3Store(cfg)
		}
		if err == nil {
			t.Errorf("%s accepted", raw)
		}
	}
}
