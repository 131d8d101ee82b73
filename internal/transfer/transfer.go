package transfer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"os"
	"path"
	"path/filepath"
	"time"

	"chorus/internal/media"
	"chorus/internal/storage"
	"chorus/internal/story"
)

// Names inside an export folder.
const (
	SiteFile = "site.jsonl"
	MediaDir = "media"
	// KeyFile is where the command layer keeps a copy of the site's secret
	// key, which opens the sealed contact e-mails.
	KeyFile = "secret.key"
	partial = SiteFile + ".partial"
)

// Options tune Export and Import.
type Options struct {
	Progress io.Writer        // a progress line, redrawn a few times a second; nil: none
	Warn     io.Writer        // warnings (missing media); nil: none
	Now      func() time.Time // the header's created_at; nil: time.Now
}

func (o Options) warn(format string, args ...any) {
	if o.Warn != nil {
		fmt.Fprintf(o.Warn, format+"\n", args...)
	}
}

// Summary is what was moved.
type Summary struct {
	Counts       storage.Counts
	Media        int   // media files copied
	MissingMedia int   // photo files a story names but the source lacks
	Bytes        int64 // of site.jsonl
}

// photoKeys lists the media keys a record refers to.
func photoKeys(r storage.Record) []string {
	if r.ConsentRecord != nil && r.ConsentRecord.ScanKey != "" {
		return []string{r.ConsentRecord.ScanKey}
	}
	if r.Story == nil || r.Story.Story.Photo == nil {
		return nil
	}
	var keys []string
	for _, z := range r.Story.Story.Photo.Sizes {
		keys = append(keys, z.Key)
	}
	return keys
}

// Export writes the site read from db into dir (created with mode 0700, or
// an existing empty folder): dir/site.jsonl and the photo of every story
// under dir/media/KEY, all files mode 0600. Records are streamed from the
// database to the file as they are read. site.jsonl is written under
// another name and renamed when complete, so a folder holding site.jsonl
// holds a whole export. Blobs only scheduled for deletion are not copied:
// nothing refers to them any more. On error, what was written is removed.
func Export(ctx context.Context, db storage.Dumper, blobs media.Store, dir string, opt Options) (sum Summary, err error) {
	created, err := prepareDir(dir)
	if err != nil {
		return sum, err
	}
	defer func() {
		if err != nil {
			os.Remove(filepath.Join(dir, partial))
			os.RemoveAll(filepath.Join(dir, MediaDir))
			if created {
				os.Remove(dir)
			}
		}
	}()
	f, err := os.OpenFile(filepath.Join(dir, partial), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return sum, err
	}
	defer f.Close()
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	var (
		w    *Writer
		prog *Progress
		done int64
	)
	err = db.Dump(ctx, func(c storage.Counts) error {
		prog = NewProgress(opt.Progress, "export", c.Total())
		w, err = NewWriter(f, now(), c)
		return err
	}, func(r storage.Record) error {
		if err := w.Write(r); err != nil {
			return err
		}
		for _, key := range photoKeys(r) {
			copied, err := exportBlob(ctx, blobs, dir, key)
			if err != nil {
				return fmt.Errorf("%s: %w", r.Name(), err)
			}
			switch {
			case copied < 0:
				sum.MissingMedia++
				opt.warn("warning: %s: file %s is missing from the media store; exported without its file", r.Name(), key)
			case copied > 0:
				sum.Media++
			}
		}
		done++
		prog.Update(done, w.Bytes())
		return nil
	})
	if err != nil {
		return sum, err
	}
	if err := w.Flush(); err != nil {
		return sum, err
	}
	if err := errors.Join(f.Sync(), f.Close()); err != nil {
		return sum, err
	}
	if err := os.Rename(filepath.Join(dir, partial), filepath.Join(dir, SiteFile)); err != nil {
		return sum, err
	}
	syncDir(dir)
	prog.Done(done, w.Bytes())
	sum.Counts, sum.Bytes = w.count, w.Bytes()
	return sum, nil
}

// prepareDir makes dir, or accepts it if it exists and is empty.
func prepareDir(dir string) (created bool, err error) {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return false, err
		}
		return true, nil
	case err != nil:
		return false, err
	case len(entries) > 0:
		return false, fmt.Errorf("%s is not empty: export into a new folder", dir)
	}
	return false, os.Chmod(dir, 0o700)
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// exportBlob copies one blob to dir/media/key: 1 when copied, 0 when
// already there (a key shared by two stories), -1 when the store lacks it.
func exportBlob(ctx context.Context, blobs media.Store, dir, key string) (int, error) {
	if err := media.CheckKey(key); err != nil {
		return 0, fmt.Errorf("photo key %q is not a valid media key", key)
	}
	target := filepath.Join(dir, MediaDir, filepath.FromSlash(key))
	if _, err := os.Stat(target); err == nil {
		return 0, nil
	}
	src, err := blobs.Open(ctx, key)
	if errors.Is(err, story.ErrNotFound) {
		return -1, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read photo %s: %w", key, err)
	}
	defer src.Close()
	if err := mkdirAll(filepath.Join(dir, MediaDir), path.Dir(key)); err != nil {
		return 0, err
	}
	out, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(out, src)
	if err := errors.Join(err, out.Close()); err != nil {
		return 0, fmt.Errorf("copy photo %s: %w", key, err)
	}
	return 1, nil
}

// mkdirAll makes base/rel (rel slash-separated, "." for base) with mode
// 0700 for every folder it creates.
func mkdirAll(base, rel string) error {
	return os.MkdirAll(filepath.Join(base, filepath.FromSlash(rel)), 0o700)
}

// Import loads the export in dir into db, which must be empty, and writes
// its media through blobs.
//
// The file is read twice, streaming both times. The first pass checks it
// whole (header, every line, types in order, counts) and that the photos
// it names are present, touching nothing: bad input fails here with its
// line number. Then, if db can also Dump, its emptiness is checked before
// any media is written. The second pass feeds db.Load, which writes
// everything in one transaction, and puts each story's photo as its story
// goes by; if the load fails, the photos put are deleted again, so nothing
// is half-imported. Photos missing from the export are reported, not fatal
// (the source lacked them too, see Export).
func Import(ctx context.Context, db storage.Loader, blobs media.Store, dir string, opt Options) (sum Summary, err error) {
	f, err := os.Open(filepath.Join(dir, SiteFile))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			if _, perr := os.Stat(filepath.Join(dir, partial)); perr == nil {
				return sum, fmt.Errorf("%s holds an unfinished export (%s): export again", dir, partial)
			}
			return sum, fmt.Errorf("%s is not an export folder: no %s", dir, SiteFile)
		}
		return sum, err
	}
	defer f.Close()
	mediaRoot, err := os.OpenRoot(filepath.Join(dir, MediaDir))
	if errors.Is(err, fs.ErrNotExist) {
		mediaRoot = nil
	} else if err != nil {
		return sum, err
	} else {
		defer mediaRoot.Close()
	}
	has := func(key string) bool {
		if mediaRoot == nil {
			return false
		}
		info, err := mediaRoot.Stat(filepath.FromSlash(key))
		return err == nil && info.Mode().IsRegular()
	}

	// Pass 1: check everything, write nothing.
	rd, err := NewReader(f)
	if err != nil {
		return sum, err
	}
	total := rd.Header.RecordCounts().Total()
	prog := NewProgress(opt.Progress, "check ", total)
	var n int64
	for {
		r, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return sum, err
		}
		for _, key := range photoKeys(r) {
			if err := media.CheckKey(key); err != nil {
				return sum, &LineError{rd.Line(), fmt.Errorf("story %s: photo key %q is not a valid media key", r.Story.Story.ID, key)}
			}
			if !has(key) {
				sum.MissingMedia++
				opt.warn("warning: story %s: photo %s is not in the export; imported without its file", r.Story.Story.ID, key)
			}
		}
		n++
		prog.Update(n, rd.Bytes())
	}
	prog.Done(n, rd.Bytes())

	if d, ok := db.(storage.Dumper); ok {
		if err := checkEmpty(ctx, d); err != nil {
			return sum, err
		}
	}

	// Pass 2: load.
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return sum, err
	}
	rd, err = NewReader(f)
	if err != nil {
		return sum, err
	}
	var put []string
	defer func() {
		if err != nil {
			for _, key := range put {
				blobs.Delete(context.WithoutCancel(ctx), key)
			}
		}
	}()
	prog = NewProgress(opt.Progress, "import", total)
	n = 0
	err = db.Load(ctx, func() (storage.Record, error) {
		r, err := rd.Next()
		if err != nil {
			return r, err
		}
		for _, key := range photoKeys(r) {
			if !has(key) {
				continue
			}
			data, err := mediaRoot.ReadFile(filepath.FromSlash(key))
			if err != nil {
				return r, fmt.Errorf("read photo %s: %w", key, err)
			}
			if err := blobs.Put(ctx, key, data, mime.TypeByExtension(path.Ext(key))); err != nil {
				return r, fmt.Errorf("write photo %s: %w", key, err)
			}
			put = append(put, key)
		}
		n++
		prog.Update(n, rd.Bytes())
		return r, nil
	})
	if err != nil {
		return sum, err
	}
	prog.Done(n, rd.Bytes())
	sum.Counts, sum.Bytes = rd.Counts(), rd.Bytes()
	seen := map[string]bool{}
	for _, k := range put {
		seen[k] = true
	}
	sum.Media = len(seen)
	return sum, nil
}

var errStop = errors.New("stop")

// checkEmpty refuses a database holding anything, as Load would, but
// before any media is written.
func checkEmpty(ctx context.Context, d storage.Dumper) error {
	var counts storage.Counts
	err := d.Dump(ctx, func(c storage.Counts) error { counts = c; return errStop }, func(storage.Record) error { return errStop })
	if err != nil && !errors.Is(err, errStop) {
		return err
	}
	if counts.Total() > 0 {
		return storage.NotEmptyError(counts)
	}
	return nil
}
