package media

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"syscall"
	"time"

	"chorus/internal/story"
)

// Store keeps blobs by key.
type Store interface {
	Put(ctx context.Context, key string, data []byte, contentType string) error
	// Open returns story.ErrNotFound (possibly wrapped) for a missing key.
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	// Delete of a missing key is not an error.
	Delete(ctx context.Context, key string) error
}

const (
	maxKeyLen = 512
	dirPerm   = 0o750
	filePerm  = 0o640
	// tempPrefix starts with a dot, which keys may not, so a temp file never
	// collides with a blob.
	tempPrefix = ".tmp-"
)

// CheckKey reports whether key is acceptable to a Store: one or more
// slash-separated segments of ASCII letters, digits, '.', '_' and '-', no
// segment empty or starting with a dot (which also rules out ".."), no
// leading slash, no backslash. It returns a *story.Error with CodeInvalid.
func CheckKey(key string) error {
	if key == "" || len(key) > maxKeyLen {
		return errKey(key)
	}
	segmentStart := true
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case c == '/':
			if segmentStart {
				return errKey(key) // leading slash or empty segment
			}
			segmentStart = true
			continue
		case c == '.':
			if segmentStart {
				return errKey(key)
			}
		case c == '_' || c == '-' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
		default:
			return errKey(key)
		}
		segmentStart = false
	}
	if segmentStart {
		return errKey(key) // trailing slash
	}
	return nil
}

func errKey(key string) *story.Error {
	e := story.Errorf(story.CodeInvalid, "error.invalid_key", "This file name is not valid.")
	e.Err = fmt.Errorf("invalid store key %q", key)
	return e
}

// DiskStore keeps blobs as files under one directory. All file operations go
// through an os.Root, so nothing outside that directory can be reached, even
// through symbolic links.
type DiskStore struct {
	root *os.Root
}

var _ Store = (*DiskStore)(nil)

// NewDiskStore stores blobs under dir, creating it if needed. Close releases
// the directory handle.
func NewDiskStore(dir string) (*DiskStore, error) {
	if dir == "" {
		return nil, errors.New("media: empty store directory")
	}
	if err := os.MkdirAll(dir, dirPerm); err != nil {
		return nil, fmt.Errorf("media: create store directory: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("media: open store directory: %w", err)
	}
	return &DiskStore{root: root}, nil
}

// Close releases the store's directory handle.
func (s *DiskStore) Close() error { return s.root.Close() }

// Put writes data to a temporary file in the key's folder, syncs it and
// renames it into place, so a reader sees either no file or the whole file.
// The content type is not kept: keys carry their extension.
func (s *DiskStore) Put(ctx context.Context, key string, data []byte, contentType string) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	dir := path.Dir(key)
	var (
		f   *os.File
		tmp string
		err error
	)
	// A concurrent Delete may prune a folder between its creation and the
	// creation of the temporary file inside it; then start again.
	for attempt := 1; ; attempt++ {
		err = s.mkdirs(dir)
		if err == nil {
			tmp = path.Join(dir, tempPrefix+randomHex())
			f, err = s.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, filePerm)
		}
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrNotExist) || attempt == 10 {
			return storeError("put", key, err)
		}
	}
	if err := writeAndClose(ctx, f, data); err != nil {
		s.root.Remove(tmp)
		return storeError("put", key, err)
	}
	if err := s.root.Rename(tmp, key); err != nil {
		s.root.Remove(tmp)
		return storeError("put", key, err)
	}
	if err := s.syncDir(dir); err != nil {
		return storeError("put", key, err)
	}
	return nil
}

func writeAndClose(ctx context.Context, f *os.File, data []byte) error {
	err := f.Chmod(filePerm) // the umask may have narrowed it
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = ctx.Err()
	}
	return err
}

// mkdirs creates each missing folder of dir with dirPerm.
func (s *DiskStore) mkdirs(dir string) error {
	if dir == "." {
		return nil
	}
	for i := 0; i <= len(dir); i++ {
		if i < len(dir) && dir[i] != '/' {
			continue
		}
		p := dir[:i]
		err := s.root.Mkdir(p, dirPerm)
		switch {
		case err == nil:
			if err := s.root.Chmod(p, dirPerm); err != nil {
				return err
			}
		case !errors.Is(err, fs.ErrExist):
			return err
		}
	}
	return nil
}

func (s *DiskStore) syncDir(dir string) error {
	d, err := s.root.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// Open returns the blob stored under key; the caller closes it.
func (s *DiskStore) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := CheckKey(key); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := s.root.Open(key)
	if err != nil {
		if isNotExist(err) {
			return nil, fmt.Errorf("media: open %q: %w", key, story.ErrNotFound)
		}
		return nil, storeError("open", key, err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, storeError("open", key, err)
	}
	if !info.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("media: open %q: %w", key, story.ErrNotFound)
	}
	return f, nil
}

// Delete removes the blob and then every folder it leaves empty, up to the
// store directory. Deleting a missing key succeeds.
func (s *DiskStore) Delete(ctx context.Context, key string) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	info, err := s.root.Lstat(key)
	if err != nil {
		if isNotExist(err) {
			return nil
		}
		return storeError("delete", key, err)
	}
	if info.IsDir() {
		return nil // a folder is never a blob
	}
	if err := s.root.Remove(key); err != nil && !isNotExist(err) {
		return storeError("delete", key, err)
	}
	for dir := path.Dir(key); dir != "."; dir = path.Dir(dir) {
		if s.root.Remove(dir) != nil {
			break // not empty, or already gone
		}
	}
	return nil
}

func isNotExist(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

// storeError maps a full disk to CodeUnavailable; other failures stay
// internal errors.
func storeError(op, key string, err error) error {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return &story.Error{
			Code:    story.CodeUnavailable,
			Key:     "error.storage_full",
			Message: "We cannot save photos right now. Please try again later.",
			Err:     fmt.Errorf("media: %s %q: %w", op, key, err),
		}
	}
	return fmt.Errorf("media: %s %q: %w", op, key, err)
}

func randomHex() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// RemoveStaleTemporaries deletes temporary files older than age, left by a
// write that a crash interrupted, and returns how many it removed.
func (s *DiskStore) RemoveStaleTemporaries(age time.Duration) (int, error) {
	removed := 0
	cutoff := time.Now().Add(-age)
	err := fs.WalkDir(s.root.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() || !strings.HasPrefix(d.Name(), tempPrefix) {
			return nil
		}
		info, err := d.Info()
		if err != nil || info.ModTime().After(cutoff) {
			return nil
		}
		if err := s.root.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		removed++
		return nil
	})
	return removed, err
}
