package media

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"chorus/internal/story"
)

func newStore(t *testing.T) (*DiskStore, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "blobs")
	s, err := NewDiskStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dir
}

func readBlob(t *testing.T, s Store, key string) string {
	t.Helper()
	rc, err := s.Open(context.Background(), key)
	if err != nil {
		t.Fatalf("Open(%q): %v", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// tempFiles lists leftover temporary files anywhere under dir.
func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	var found []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), tempPrefix) {
			found = append(found, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

func TestDiskStorePutOpenDelete(t *testing.T) {
	ctx := context.Background()
	s, dir := newStore(t)
	const key = "ab/abcdef123-page.jpg"

	if err := s.Put(ctx, key, []byte("first"), "image/jpeg"); err != nil {
		t.Fatal(err)
	}
	if got := readBlob(t, s, key); got != "first" {
		t.Errorf("got %q", got)
	}
	if err := s.Put(ctx, key, []byte("second"), "image/jpeg"); err != nil {
		t.Fatal(err)
	}
	if got := readBlob(t, s, key); got != "second" {
		t.Errorf("after overwrite got %q", got)
	}

	fileInfo, err := os.Stat(filepath.Join(dir, "ab", "abcdef123-page.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	if perm := fileInfo.Mode().Perm(); perm != 0o640 {
		t.Errorf("file mode %o, want 640", perm)
	}
	dirInfo, err := os.Stat(filepath.Join(dir, "ab"))
	if err != nil {
		t.Fatal(err)
	}
	if perm := dirInfo.Mode().Perm(); perm != 0o750 {
		t.Errorf("folder mode %o, want 750", perm)
	}
	if left := tempFiles(t, dir); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}

	if err := s.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	_, err = s.Open(ctx, key)
	if !errors.Is(err, story.ErrNotFound) || story.ErrorCode(err) != story.CodeNotFound {
		t.Errorf("Open after Delete: %v, want not found", err)
	}
	if err := s.Delete(ctx, key); err != nil {
		t.Errorf("second Delete: %v, want nil", err)
	}
	if err := s.Delete(ctx, "never/was/here.jpg"); err != nil {
		t.Errorf("Delete of a missing key: %v", err)
	}
}

func TestDiskStoreOpenMissing(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	if err := s.Put(ctx, "ab/file.jpg", []byte("x"), "image/jpeg"); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"zz/missing.jpg", "ab", "ab/file.jpg/below"} {
		if _, err := s.Open(ctx, key); !errors.Is(err, story.ErrNotFound) {
			t.Errorf("Open(%q): %v, want ErrNotFound", key, err)
		}
	}
}

func TestDiskStoreDeleteRemovesEmptyFolders(t *testing.T) {
	ctx := context.Background()
	s, dir := newStore(t)
	for _, key := range []string{"ab/cd/one.jpg", "ab/cd/two.jpg", "ab/three.jpg"} {
		if err := s.Put(ctx, key, []byte(key), "image/jpeg"); err != nil {
			t.Fatal(err)
		}
	}
	exists := func(rel string) bool {
		_, err := os.Stat(filepath.Join(dir, rel))
		return err == nil
	}

	if err := s.Delete(ctx, "ab/cd/one.jpg"); err != nil {
		t.Fatal(err)
	}
	if !exists("ab/cd") {
		t.Fatal("ab/cd removed while it still holds two.jpg")
	}
	if err := s.Delete(ctx, "ab/cd/two.jpg"); err != nil {
		t.Fatal(err)
	}
	if exists("ab/cd") || !exists("ab") {
		t.Fatalf("after deleting two.jpg: ab/cd exists=%v, ab exists=%v; want false, true", exists("ab/cd"), exists("ab"))
	}
	if err := s.Delete(ctx, "ab/three.jpg"); err != nil {
		t.Fatal(err)
	}
	if exists("ab") {
		t.Error("empty folder ab left behind")
	}
	if !exists(".") {
		t.Error("store directory itself removed")
	}
	if err := s.Put(ctx, "ab/cd/again.jpg", []byte("again"), "image/jpeg"); err != nil {
		t.Fatalf("Put after pruning: %v", err)
	}
}

func TestDiskStoreRejectsBadKeys(t *testing.T) {
	ctx := context.Background()
	s, dir := newStore(t)
	outside := filepath.Join(filepath.Dir(dir), "outside.jpg")
	bad := []string{
		"", "..", "../outside.jpg", "ab/../../outside.jpg", "ab/..", "./ab.jpg", "/etc/passwd", outside,
		`ab\cd.jpg`, `..\outside.jpg`, "ab//cd.jpg", "ab/", ".hidden", "ab/.tmp-123", "a b.jpg", "ab/cd.jpg\x00",
		"ab/ñ.jpg", "C:/x.jpg", strings.Repeat("a", maxKeyLen+1),
	}
	for _, key := range bad {
		checkInvalid := func(op string, err error) {
			t.Helper()
			var se *story.Error
			if !errors.As(err, &se) || se.Code != story.CodeInvalid {
				t.Errorf("%s(%q): %v, want CodeInvalid", op, key, err)
			}
		}
		checkInvalid("Put", s.Put(ctx, key, []byte("x"), "image/jpeg"))
		_, err := s.Open(ctx, key)
		checkInvalid("Open", err)
		checkInvalid("Delete", s.Delete(ctx, key))
	}
	if _, err := os.Stat(outside); err == nil {
		t.Error("a file was written outside the store")
	}
	for _, key := range []string{"ab/abcdef123-page.jpg", "a.jpg", "x/y/z/w_v-1.2.webp", strings.Repeat("a", maxKeyLen)} {
		if err := CheckKey(key); err != nil {
			t.Errorf("CheckKey(%q): %v", key, err)
		}
	}
}

func TestDiskStoreStaysInsideThroughSymlinks(t *testing.T) {
	ctx := context.Background()
	s, dir := newStore(t)
	outside := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(dir, "ln")); err != nil {
		t.Skip("symlinks not available:", err)
	}
	if err := s.Put(ctx, "ln/escape.jpg", []byte("x"), "image/jpeg"); err == nil {
		t.Error("Put through a symlink leaving the store succeeded")
	}
	if entries, _ := os.ReadDir(outside); len(entries) > 0 {
		t.Errorf("files written outside the store: %v", entries)
	}
}

func TestDiskStoreFailedWriteLeavesNoTempFile(t *testing.T) {
	ctx := context.Background()
	s, dir := newStore(t)
	// A folder where the blob should go makes the final rename fail.
	if err := os.MkdirAll(filepath.Join(dir, "ab", "taken.jpg", "inner"), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, "ab/taken.jpg", []byte("data"), "image/jpeg"); err == nil {
		t.Fatal("Put over a folder succeeded")
	}
	if left := tempFiles(t, dir); len(left) > 0 {
		t.Errorf("temporary files left after failed rename: %v", left)
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.Put(cancelled, "ab/cancelled.jpg", []byte("data"), "image/jpeg"); !errors.Is(err, context.Canceled) {
		t.Errorf("Put with cancelled context: %v", err)
	}
	if left := tempFiles(t, dir); len(left) > 0 {
		t.Errorf("temporary files left after cancel: %v", left)
	}
	if _, err := os.Stat(filepath.Join(dir, "ab", "cancelled.jpg")); err == nil {
		t.Error("cancelled Put left a blob")
	}
}

func TestDiskStoreConcurrentPutAndDelete(t *testing.T) {
	ctx := context.Background()
	s, dir := newStore(t)
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for i := range 4 {
		wg.Go(func() {
			for j := range 50 {
				key := "ab/cd/" + string(rune('a'+i)) + ".jpg"
				if err := s.Put(ctx, key, []byte("x"), "image/jpeg"); err != nil {
					errs <- err
				}
				if j%2 == 0 {
					if err := s.Delete(ctx, key); err != nil {
						errs <- err
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if left := tempFiles(t, dir); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestRemoveStaleTemporaries(t *testing.T) {
	dir := t.TempDir()
	s, err := NewDiskStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Put(context.Background(), "photos/ab/keep.jpg", []byte("kept"), "image/jpeg"); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(dir, "photos", "ab", tempPrefix+"deadbeef")
	fresh := filepath.Join(dir, "photos", "ab", tempPrefix+"cafe")
	os.WriteFile(stale, []byte("half a photo"), 0o640)
	os.WriteFile(fresh, []byte("being written"), 0o640)
	old := time.Now().Add(-2 * time.Hour)
	os.Chtimes(stale, old, old)
	n, err := s.RemoveStaleTemporaries(time.Hour)
	if err != nil || n != 1 {
		t.Fatalf("removed %d, %v", n, err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Error("stale temporary file kept")
	}
	for _, p := range []string{fresh, filepath.Join(dir, "photos", "ab", "keep.jpg")} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s removed: %v", p, err)
		}
	}
}
