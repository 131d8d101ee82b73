package pgtest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TableFilesContaining reads the files of the tables, TOAST tables and
// indexes of the schema url points at (after a checkpoint) and lists where
// the needles are found. read counts the files read; skip is why none
// could be (the data directory is readable only on a local server run by
// a superuser).
func TableFilesContaining(t testing.TB, url string, needles ...string) (found []string, read int, skip string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var dir string
	if err := conn.QueryRow(ctx, "SELECT current_setting('data_directory')").Scan(&dir); err != nil {
		return nil, 0, fmt.Sprintf("data directory not shown: %v", err)
	}
	if _, err := conn.Exec(ctx, "CHECKPOINT"); err != nil {
		return nil, 0, fmt.Sprintf("checkpoint: %v", err)
	}
	rows, err := conn.Query(ctx, `SELECT c.relname, pg_relation_filepath(c.oid) FROM pg_class c
		WHERE c.relnamespace = current_schema()::regnamespace
		   OR c.oid IN (SELECT reltoastrelid FROM pg_class WHERE relnamespace = current_schema()::regnamespace)
		   OR c.oid IN (SELECT i.indexrelid FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
		                WHERE t.oid IN (SELECT reltoastrelid FROM pg_class WHERE relnamespace = current_schema()::regnamespace))`)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for rows.Next() {
		var name string
		var path *string
		if err := rows.Scan(&name, &path); err != nil {
			t.Fatal(err)
		}
		if path != nil {
			files[name] = *path
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for name, rel := range files {
		matches, _ := filepath.Glob(filepath.Join(dir, rel) + "*")
		for _, m := range matches {
			data, err := os.ReadFile(m)
			if err != nil {
				continue
			}
			read++
			for _, needle := range needles {
				if bytes.Contains(data, []byte(needle)) {
					found = append(found, fmt.Sprintf("%s (%s) still holds %q", name, strings.TrimPrefix(m, dir), needle))
				}
			}
		}
	}
	return found, read, ""
}
