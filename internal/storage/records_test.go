package storage

import (
	"testing"

	"chorus/internal/audit"
	"chorus/internal/org"
	"chorus/internal/staff"
	"chorus/internal/story"
)

// Each entry of the registry points at its own field of Record and of
// Counts: a copied entry that kept another type's field would send records
// to the wrong table or count them twice.
func TestRegistryEntriesAreDistinct(t *testing.T) {
	var c Counts
	for i, k := range recordKinds {
		c.Set(k.typ, int64(i+1))
	}
	for i, k := range recordKinds {
		if got := c.Of(k.typ); got != int64(i+1) {
			t.Errorf("count of %s = %d, want %d: another type shares its field", k.typ, got, i+1)
		}
	}
	fields := map[RecordType]func() Record{
		RecordUser:              func() Record { return UserRecords.Record(&staff.User{}) },
		RecordCredential:        func() Record { return CredentialRecords.Record(&staff.Credential{}) },
		RecordStory:             func() Record { return StoryRecords.Record(&StoryRecord{}) },
		RecordStoryTranslation:  func() Record { return StoryTranslationRecords.Record(&story.Translation{}) },
		RecordAudit:             func() Record { return AuditRecords.Record(&audit.Entry{}) },
		RecordBlobDeletion:      func() Record { return BlobDeletionRecords.Record(&BlobDeletion{}) },
		RecordPost:              func() Record { return PostRecords.Record(&story.Post{}) },
		RecordSetting:           func() Record { return SettingRecords.Record(&Setting{}) },
		RecordStoredReply:       func() Record { return StoredReplyRecords.Record(&StoredReply{}) },
		RecordTranslation:       func() Record { return TranslationRecords.Record(&staff.Translation{}) },
		RecordOrganisation:      func() Record { return OrganisationRecords.Record(&org.Organisation{}) },
		RecordMember:            func() Record { return MemberRecords.Record(&org.Member{}) },
		RecordConsentRecord:     func() Record { return ConsentRecordRecords.Record(&org.ConsentRecord{}) },
		RecordStoryOrganisation: func() Record { return StoryOrganisationRecords.Record(&StoryOrganisation{}) },
		RecordCollection:        func() Record { return CollectionRecords.Record(&org.Collection{}) },
		RecordAnalyticsDay:      func() Record { return AnalyticsDayRecords.Record(&DailyCount{}) },
	}
	if len(fields) != len(RecordTypes) {
		t.Fatalf("%d fields for %d record types", len(fields), len(RecordTypes))
	}
	for _, typ := range RecordTypes {
		r := fields[typ]()
		if r.Type() != typ {
			t.Errorf("a %s record reads as %q", typ, r.Type())
		}
		if CheckRecord(r) == nil {
			t.Errorf("an empty %s record passes the check", typ)
		}
	}
	if CheckRecord(Record{}) == nil || (Record{}).Type() != "" {
		t.Error("an empty record passes")
	}
}

func TestCheckStoryOrganisationsAndDailyCounts(t *testing.T) {
	good := []Record{
		StoryOrganisationRecords.Record(&StoryOrganisation{StoryID: "s-1", OrganisationID: "o-1"}),
		AnalyticsDayRecords.Record(&DailyCount{Day: "2026-03-01", Metric: VisitorsMetric, Count: 0}),
		AnalyticsDayRecords.Record(&DailyCount{Day: "2026-12-31", Metric: "view", Dimension: "embed", Count: 12}),
	}
	for _, r := range good {
		if err := CheckRecord(r); err != nil {
			t.Errorf("%s refused: %v", r.Name(), err)
		}
	}
	bad := map[string]Record{
		"link without organisation": StoryOrganisationRecords.Record(&StoryOrganisation{StoryID: "s-1"}),
		"link without story":        StoryOrganisationRecords.Record(&StoryOrganisation{OrganisationID: "o-1"}),
		"day without zero padding":  AnalyticsDayRecords.Record(&DailyCount{Day: "2026-3-1", Metric: "view", Count: 1}),
		"day that does not exist":   AnalyticsDayRecords.Record(&DailyCount{Day: "2026-02-30", Metric: "view", Count: 1}),
		"day with a time":           AnalyticsDayRecords.Record(&DailyCount{Day: "2026-03-01T00:00:00Z", Metric: "view", Count: 1}),
		"no day":                    AnalyticsDayRecords.Record(&DailyCount{Metric: "view", Count: 1}),
		"no metric":                 AnalyticsDayRecords.Record(&DailyCount{Day: "2026-03-01", Dimension: "embed", Count: 1}),
		"negative count":            AnalyticsDayRecords.Record(&DailyCount{Day: "2026-03-01", Metric: "view", Count: -1}),
	}
	for name, r := range bad {
		if err := CheckRecord(r); err == nil {
			t.Errorf("%s: passes the check", name)
		}
	}
}
