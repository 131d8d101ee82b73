package transfer

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"chorus/internal/story"
)

// TestExportKeepsOnlyTheTombstone: a withdrawn story leaves the site as its
// tombstone, without the country, language, identity or consents that
// together could point at its author.
func TestExportKeepsOnlyTheTombstone(t *testing.T) {
	src := openSQLite(t)
	seed(t, src)
	var fields []string
	for _, line := range readLines(t, filepath.Join(export(t, src), SiteFile)) {
		if !strings.Contains(line, `"id":"s-gone"`) || !strings.Contains(line, `"type":"story"`) {
			continue
		}
		var record map[string]any
		if err := json.Unmarshal([]byte(line), &record); err != nil {
			t.Fatal(err)
		}
		for k := range record {
			fields = append(fields, k)
		}
	}
	slices.Sort(fields)
	want := []string{"created_at", "id", "status", "token_hash", "type", "withdraw_reason", "withdrawn_at"}
	if !reflect.DeepEqual(fields, want) {
		t.Errorf("the exported tombstone has %v, want %v", fields, want)
	}
}

// TestImportOfAnOlderTombstoneDropsTheExtraFields: an export made before
// tombstones were minimal, with a free-text reason, still imports; the
// tombstone keeps only its own fields, and the free text is in no file of
// the new database.
func TestImportOfAnOlderTombstoneDropsTheExtraFields(t *testing.T) {
	src := openSQLite(t)
	seed(t, src)
	const freeText = "My brother Quorvanthe saw it"
	older := copyExport(t, export(t, src), func(lines []string) string {
		for i, line := range lines {
			if strings.Contains(line, `"id":"s-gone"`) && strings.Contains(line, `"type":"story"`) {
				var record map[string]any
				json.Unmarshal([]byte(line), &record)
				record["language"], record["country"], record["identity"], record["anonymous"] = "ar", "SY", "refugee", true
				record["consent"] = map[string]bool{"publish": true, "social": true, "toolkit": true}
				record["withdraw_reason"], record["updated_at"], record["published_at"] = freeText, record["withdrawn_at"], record["created_at"]
				edited, _ := json.Marshal(record)
				lines[i] = string(edited)
			}
			if strings.Contains(line, `"action":"withdraw"`) {
				lines[i] = strings.Replace(line, `"reason":"privacy"`, `"reason":"`+freeText+`","note":"`+freeText+`"`, 1)
			}
		}
		return joinLines(lines)
	})
	dst := openSQLite(t)
	importInto(t, dst, older)
	ctx := context.Background()
	got, err := dst.db.Story(ctx, "s-gone")
	if err != nil {
		t.Fatal(err)
	}
	if got.Country != "" || got.Language != "" || got.Identity != "" || got.Consent != (story.Consent{}) || !got.PublishedAt.IsZero() ||
		got.WithdrawReason != "other" || got.WithdrawnAt.IsZero() || got.CreatedAt.IsZero() {
		t.Errorf("imported tombstone: %+v", got)
	}
	entries, _ := dst.db.Audit(ctx, "s-gone")
	if last := entries[len(entries)-1]; last.Action != "withdraw" || last.Reason != "other" || last.Note != "" {
		t.Errorf("imported withdrawal: %+v", last)
	}
	path := dst.db.(interface{ Path() string }).Path()
	dst.db.Close()
	files, _ := filepath.Glob(path + "*")
	for _, file := range files {
		if data, _ := os.ReadFile(file); bytes.Contains(data, []byte("Quorvanthe")) {
			t.Errorf("the free-text reason reached %s", filepath.Base(file))
		}
	}
}
