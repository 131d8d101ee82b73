package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"chorus/internal/storage"
	"chorus/internal/transfer"
)

// The secret key travels inside the export folder: export copies the data
// folder's secret.key into DIR/secret.key (mode 0600), and import installs
// it into a target data folder that has none. Without it the contact
// e-mails in the export, sealed with that key, could never be opened again.

// exportCommand writes the whole site (database of either backend, media
// and key) into a new folder, for import into another database.
func exportCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, dir, err := parseOneArg("export", "DIR", args, getenv, stderr)
	if err != nil {
		return err
	}
	return runWithApp(ctx, cfg, stderr, func(a site, cfg *config) error {
		db, ok := a.Store.(storage.Dumper)
		if !ok {
			return errors.New("this database backend cannot be exported")
		}
		sum, err := transfer.Export(ctx, db, a.Blobs, dir, transfer.Options{Progress: stderr, Warn: stderr})
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		if err := copyKey(filepath.Join(cfg.Data, transfer.KeyFile), filepath.Join(dir, transfer.KeyFile)); err != nil {
			os.RemoveAll(dir)
			return fmt.Errorf("export: copy the secret key: %w", err)
		}
		fmt.Fprintf(stdout, "exported %s and %d media files to %s (%s)\n", sum.Counts.Describe(), sum.Media, dir, sizeOf(sum.Bytes))
		if sum.MissingMedia > 0 {
			fmt.Fprintf(stdout, "%d photo files were missing from the media store (listed above)\n", sum.MissingMedia)
		}
		fmt.Fprintf(stdout, "The folder holds personal data and %s, the key that opens contact e-mails: keep it as safe as the data folder, and delete it once imported.\n", transfer.KeyFile)
		return nil
	})
}

// importCommand loads an export folder into the configured database, which
// must be empty, and its media into the data folder.
func importCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, dir, err := parseOneArg("import", "DIR", args, getenv, stderr)
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(dir, transfer.SiteFile)); err != nil {
		return fmt.Errorf("%s is not an export folder: %w", dir, err)
	}
	// Before opening the data folder, which would create a new key.
	installed, keyNote, err := installKey(filepath.Join(dir, transfer.KeyFile), filepath.Join(cfg.Data, transfer.KeyFile))
	if err != nil {
		return err
	}
	err = runWithApp(ctx, cfg, stderr, func(a site, cfg *config) error {
		db, ok := a.Store.(storage.Loader)
		if !ok {
			return errors.New("this database backend cannot be imported into")
		}
		sum, err := transfer.Import(ctx, db, a.Blobs, dir, transfer.Options{Progress: stderr, Warn: stderr})
		if err != nil {
			return fmt.Errorf("import: %w (nothing was imported)", err)
		}
		fmt.Fprintf(stdout, "imported %s and %d media files from %s\n", sum.Counts.Describe(), sum.Media, dir)
		if sum.MissingMedia > 0 {
			fmt.Fprintf(stdout, "%d photo files were missing from the export (listed above)\n", sum.MissingMedia)
		}
		fmt.Fprintln(stdout, keyNote)
		return nil
	})
	if err != nil && installed {
		os.Remove(filepath.Join(cfg.Data, transfer.KeyFile))
	}
	return err
}

// copyKey copies the key file, readable by its owner only.
func copyKey(from, to string) error {
	key, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return writeKey(to, key)
}

func writeKey(to string, key []byte) error {
	f, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(key)
	return errors.Join(err, f.Sync(), f.Close())
}

// installKey puts the export's key into the data folder if it has none. A
// data folder with another key is refused: the imported contact e-mails
// would not open with it.
func installKey(from, to string) (installed bool, note string, err error) {
	key, err := os.ReadFile(from)
	if errors.Is(err, fs.ErrNotExist) {
		return false, fmt.Sprintf("The export holds no %s: contact e-mails stay sealed with the old site's key; copy that key to %s before serving.", transfer.KeyFile, to), nil
	}
	if err != nil {
		return false, "", err
	}
	existing, err := os.ReadFile(to)
	switch {
	case err == nil && bytes.Equal(existing, key):
		return false, fmt.Sprintf("%s already holds the export's secret key.", to), nil
	case err == nil:
		return false, "", fmt.Errorf("%s differs from the export's %s: the imported contact e-mails would not open with it. Import with a data folder (--data) that has no %s yet",
			to, transfer.KeyFile, transfer.KeyFile)
	case !errors.Is(err, fs.ErrNotExist):
		return false, "", err
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o700); err != nil {
		return false, "", err
	}
	if err := writeKey(to, key); err != nil {
		return false, "", err
	}
	return true, fmt.Sprintf("Installed the export's secret key as %s (mode 0600).", to), nil
}

func sizeOf(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
