package main

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"chorus/internal/media"
	"chorus/internal/storage/sqlite"
	"chorus/internal/transfer"
)

// backupDatabase is the database's name in a backup archive, beside the
// key (transfer.KeyFile) and media/...
const backupDatabase = "chorus.db"

// backupCommand writes a consistent copy of a SQLite site (database, key
// and media) into a gzip-compressed tar file, while the site serves.
func backupCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, out, err := parseOneArg("backup", "FILE.tar.gz", args, getenv, stderr)
	if err != nil {
		return err
	}
	return runWithApp(ctx, cfg, stderr, func(a site, _ *config) error {
		store, ok := a.Store.(*sqlite.Store)
		if !ok {
			return errors.New("backup covers the embedded SQLite database; back PostgreSQL up with its own tools (pg_dump)")
		}
		snapshot, err := os.CreateTemp(cfg.Data, ".backup-*.db")
		if err != nil {
			return err
		}
		snapshot.Close()
		os.Remove(snapshot.Name())
		defer os.Remove(snapshot.Name())
		if err := store.Backup(ctx, snapshot.Name()); err != nil {
			return err
		}
		f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return err
		}
		files, err := writeBackup(f, snapshot.Name(), cfg.Data)
		if err := errors.Join(err, f.Sync(), f.Close()); err != nil {
			os.Remove(out)
			return err
		}
		fmt.Fprintf(stdout, "backed up the database and %d media files to %s\n", files, out)
		if _, onDisk := a.Blobs.(*media.DiskStore); !onDisk {
			fmt.Fprintln(stdout, "Photos live in S3-compatible storage and are not in this archive: back the bucket up with its own tools.")
		}
		fmt.Fprintln(stdout, "The archive holds the secret key that opens contact e-mails: keep it as safe as the data folder.")
		return nil
	})
}

func writeBackup(w io.Writer, snapshot, data string) (int, error) {
	gz := gzip.NewWriter(w)
	tw := tar.NewWriter(gz)
	add := func(name, path string) error {
		info, err := os.Stat(path)
		if err != nil {
			return err
		}
		hdr, err := tar.FileInfoHeader(info, "")
		if err != nil {
			return err
		}
		hdr.Name = name
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(tw, f)
		return err
	}
	if err := add(backupDatabase, snapshot); err != nil {
		return 0, err
	}
	if err := add(transfer.KeyFile, filepath.Join(data, transfer.KeyFile)); err != nil {
		return 0, err
	}
	files := 0
	mediaDir := filepath.Join(data, "media")
	err := filepath.WalkDir(mediaDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			return nil
		}
		rel, err := filepath.Rel(mediaDir, path)
		if err != nil {
			return err
		}
		if err := add("media/"+filepath.ToSlash(rel), path); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // withdrawn while we copied: rightly absent
			}
			return err
		}
		files++
		return nil
	})
	if err != nil {
		return 0, err
	}
	return files, errors.Join(tw.Close(), gz.Close())
}

// restoreCommand unpacks a backup into an empty data folder.
func restoreCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, archive, err := parseOneArg("restore", "FILE.tar.gz (into an empty data folder)", args, getenv, stderr)
	if err != nil {
		return err
	}
	if entries, err := os.ReadDir(cfg.Data); err == nil && len(entries) > 0 {
		return fmt.Errorf("the data folder %s is not empty: restore into a new one", cfg.Data)
	}
	if err := os.MkdirAll(cfg.Data, 0o750); err != nil {
		return err
	}
	f, err := os.Open(archive)
	if err != nil {
		return err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("not a backup archive: %w", err)
	}
	tr := tar.NewReader(gz)
	files := 0
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("damaged backup archive: %w", err)
		}
		name := filepath.FromSlash(hdr.Name)
		if hdr.Typeflag != tar.TypeReg || !filepath.IsLocal(name) ||
			!(name == backupDatabase || name == transfer.KeyFile || strings.HasPrefix(hdr.Name, "media/")) {
			return fmt.Errorf("unexpected entry %q in the backup archive", hdr.Name)
		}
		target := filepath.Join(cfg.Data, name)
		if err := os.MkdirAll(filepath.Dir(target), 0o750); err != nil {
			return err
		}
		mode := os.FileMode(0o640)
		if name == transfer.KeyFile {
			mode = 0o600
		}
		out, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
		if err != nil {
			return err
		}
		_, err = io.Copy(out, tr)
		if err := errors.Join(err, out.Sync(), out.Close()); err != nil {
			return err
		}
		files++
	}
	st, err := sqlite.Open(ctx, filepath.Join(cfg.Data, backupDatabase))
	if err != nil {
		return fmt.Errorf("restored database does not open: %w", err)
	}
	st.Close()
	fmt.Fprintf(stdout, "restored %d files into %s\n", files, cfg.Data)
	return nil
}
