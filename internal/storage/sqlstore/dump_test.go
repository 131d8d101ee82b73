package sqlstore

import (
	"slices"
	"testing"

	"chorus/internal/storage"
)

// Every record type of the registry has a table, in the registry's order:
// Dump writes, and Load expects, the canonical order.
func TestRecordTablesFollowTheRegistry(t *testing.T) {
	var types []storage.RecordType
	for _, rt := range recordTables {
		types = append(types, rt.typ)
	}
	if !slices.Equal(types, storage.RecordTypes) {
		t.Errorf("record tables %v, registry %v", types, storage.RecordTypes)
	}
}
