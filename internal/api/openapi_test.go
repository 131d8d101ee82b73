package api

import (
	"encoding/json"
	"slices"
	"testing"

	"chorus/internal/story"
)

// TestOpenAPIWithdrawReasons: the document offers exactly the withdrawal
// reasons the domain accepts.
func TestOpenAPIWithdrawReasons(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]json.RawMessage
	}
	if err := json.Unmarshal(OpenAPIDocument(), &doc); err != nil {
		t.Fatal(err)
	}
	var withdraw struct {
		Parameters []struct {
			Name   string
			Schema struct{ Enum []string }
		}
	}
	if err := json.Unmarshal(doc.Paths["/stories/{id}"]["delete"], &withdraw); err != nil {
		t.Fatal(err)
	}
	for _, p := range withdraw.Parameters {
		if p.Name == "reason" {
			if !slices.Equal(p.Schema.Enum, story.WithdrawReasons) {
				t.Errorf("documented reasons %v, the domain's %v", p.Schema.Enum, story.WithdrawReasons)
			}
			return
		}
	}
	t.Error("DELETE /stories/{id} documents no reason parameter")
}
