package transfer

import (
	"testing"

	"chorus/internal/storage"
)

// Every record type of the registry can be written and read back.
func TestEveryRecordTypeHasACodec(t *testing.T) {
	for _, typ := range storage.RecordTypes {
		if _, ok := codecs[typ]; !ok {
			t.Errorf("no codec for record type %q", typ)
		}
	}
	if len(codecs) != len(storage.RecordTypes) {
		t.Errorf("%d codecs for %d record types", len(codecs), len(storage.RecordTypes))
	}
}
