package story

import (
	"testing"
	"time"
)

// TestWithdrawReasonCode: a reason recorded before reasons were codes is
// read as a code, never kept as free text.
func TestWithdrawReasonCode(t *testing.T) {
	cases := map[string]string{
		"":                        "",
		"author_request":          "",
		"consent_withdrawn":       "other",
		"My ex-husband found it.": "other",
	}
	for _, code := range WithdrawReasons {
		cases[code] = code
	}
	for reason, want := range cases {
		if got := WithdrawReasonCode(reason); got != want {
			t.Errorf("WithdrawReasonCode(%q) = %q, want %q", reason, got, want)
		}
	}
}

// TestTombstoneKeepsOnlyWhatItSays: the tombstone keeps the id, the two
// dates and the reason code, and nothing that could point at a person.
func TestTombstoneKeepsOnlyWhatItSays(t *testing.T) {
	told, gone := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC), time.Date(2025, 4, 2, 10, 0, 0, 0, time.UTC)
	s := &Story{ID: "abc", Status: StatusPublished, Title: "T", Body: "B", Language: "fr", Country: "CA", City: "Montréal",
		DisplayName: "Léa", Identity: "newcomer", Themes: []string{"work"}, Consent: Consent{Publish: true, Social: true}, WithdrawReason: "safety",
		CreatedAt: told, UpdatedAt: told, PublishedAt: told, WithdrawnAt: gone}
	want := Story{ID: "abc", Status: StatusWithdrawn, Anonymous: true, WithdrawReason: "safety",
		CreatedAt: told, UpdatedAt: gone, WithdrawnAt: gone}
	got := Tombstone(s)
	if got.ID != want.ID || got.Status != want.Status || !got.Anonymous || got.WithdrawReason != want.WithdrawReason ||
		!got.CreatedAt.Equal(told) || !got.UpdatedAt.Equal(gone) || !got.WithdrawnAt.Equal(gone) || !got.PublishedAt.IsZero() ||
		got.Title != "" || got.Body != "" || got.Language != "" || got.Country != "" || got.City != "" ||
		got.DisplayName != "" || got.Identity != "" || len(got.Themes) != 0 || got.Consent != (Consent{}) {
		t.Errorf("tombstone %+v, want %+v", *got, want)
	}
}
