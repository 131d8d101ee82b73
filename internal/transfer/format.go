// Package transfer moves a whole site between databases: Export writes it
// as a folder (site.jsonl and media/), Import loads such a folder into an
// empty database of either backend.
//
// site.jsonl is JSON Lines. The first line is the header:
//
//	{"format":"chorus-export","version":2,"created_at":"...","counts":{"user":2,"credential":3,"story":40,"story_translation":5,"audit":90,"blob_deletion":1,"post":7,"setting":1,"stored_reply":2,"translation":12,"organisation":1,"organisation_member":2,"consent_record":6,"story_organisation":7,"collection":1,"analytics_day":300}}
//
// then one object per line, each with a "type" ("user", "credential",
// "story", "story_translation", "audit", "blob_deletion", "post", "setting",
// "stored_reply", "translation", "organisation", "organisation_member",
// "consent_record", "story_organisation", "collection" or "analytics_day")
// and that record's fields, in that order of types. Version 2 added story
// translations and the consent to translation; version 1 files, which have
// neither, are read too. A withdrawn story is written as its tombstone (id,
// status, private link's hash, reason code, created and withdrawn times);
// the fields older files carried for it are dropped on reading, and a
// free-text withdrawal reason becomes "other". A story_organisation
// (story_id, organisation_id) names the organisation a story was told
// through: unlike the consent_record, which goes when the story is
// withdrawn, it stays with the tombstone, and it changes nothing when the
// story's consent_record already linked it. An analytics_day (day as
// YYYY-MM-DD, metric, dimension, count) is one of the campaign's daily
// counts, an aggregate with nothing about a visitor. A file from before a
// type existed reads as one whose count of it is zero. Times are RFC 3339
// in UTC with microseconds, omitted when unset; binary values (token
// hashes, sealed contact e-mails) are base64.
// Every line ends with a newline, so a cut file is told from a whole one;
// the header's counts catch a file cut at a line boundary.
package transfer

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"chorus/internal/audit"
	"chorus/internal/org"
	"chorus/internal/staff"
	"chorus/internal/storage"
	"chorus/internal/story"
)

// Format and Version identify the file; Version changes whenever a record
// changes shape. Files of OldestVersion and later are read.
const (
	Format        = "chorus-export"
	Version       = 2
	OldestVersion = 1
)

// Header is the first line of site.jsonl.
type Header struct {
	Format    string           `json:"format"`
	Version   int              `json:"version"`
	CreatedAt time.Time        `json:"created_at"`
	Counts    map[string]int64 `json:"counts"`
}

func countsMap(c storage.Counts) map[string]int64 {
	m := make(map[string]int64, len(storage.RecordTypes))
	for _, t := range storage.RecordTypes {
		m[string(t)] = c.Of(t)
	}
	return m
}

// RecordCounts returns the header's counts.
func (h Header) RecordCounts() storage.Counts {
	var c storage.Counts
	for _, t := range storage.RecordTypes {
		c.Set(t, h.Counts[string(t)])
	}
	return c
}

// The records as they are written. Field names are the file format's and
// must not follow renamings in Go.

type userLine struct {
	Type         string     `json:"type"`
	ID           int64      `json:"id"`
	Email        string     `json:"email"`
	Role         string     `json:"role"`
	PasswordHash string     `json:"password_hash,omitempty"`
	TOTPSecret   string     `json:"totp_secret,omitempty"`
	CreatedAt    *time.Time `json:"created_at,omitempty"`
}

type credentialLine struct {
	Type      string     `json:"type"`
	Kind      string     `json:"kind"`
	TokenHash []byte     `json:"token_hash"`
	UserID    int64      `json:"user_id"`
	CreatedAt *time.Time `json:"created_at,omitempty"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
}

type photoLine struct {
	Alt   string          `json:"alt"`
	Sizes []photoSizeLine `json:"sizes"`
}

type photoSizeLine struct {
	Name   string `json:"name"`
	Key    string `json:"key"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
}

type consentLine struct {
	Publish   bool `json:"publish"`
	Social    bool `json:"social"`
	Toolkit   bool `json:"toolkit"`
	Translate bool `json:"translate,omitempty"`
}

type signalLine struct {
	Kind         string     `json:"kind"`
	Score        float64    `json:"score"`
	Spans        []spanLine `json:"spans,omitempty"`
	Detail       string     `json:"detail,omitempty"`
	ModelVersion string     `json:"model_version,omitempty"`
}

type spanLine struct {
	Field string `json:"field"`
	Start int    `json:"start"`
	End   int    `json:"end"`
	Label string `json:"label"`
}

type storyLine struct {
	Type           string       `json:"type"`
	ID             string       `json:"id"`
	Status         string       `json:"status"`
	TokenHash      []byte       `json:"token_hash"`
	Title          string       `json:"title,omitempty"`
	Body           string       `json:"body,omitempty"`
	Language       string       `json:"language"`
	Country        string       `json:"country"`
	City           string       `json:"city,omitempty"`
	Themes         []string     `json:"themes,omitempty"`
	Identity       string       `json:"identity"`
	DisplayName    string       `json:"display_name,omitempty"`
	Anonymous      bool         `json:"anonymous"`
	ContactSealed  []byte       `json:"contact_sealed,omitempty"`
	Consent        consentLine  `json:"consent"`
	Photo          *photoLine   `json:"photo,omitempty"`
	Demo           bool         `json:"demo,omitempty"`
	Featured       bool         `json:"featured,omitempty"`
	Signals        []signalLine `json:"signals,omitempty"`
	RejectReason   string       `json:"reject_reason,omitempty"`
	RejectNote     string       `json:"reject_note,omitempty"`
	WithdrawReason string       `json:"withdraw_reason,omitempty"`
	CreatedAt      *time.Time   `json:"created_at,omitempty"`
	UpdatedAt      *time.Time   `json:"updated_at,omitempty"`
	PublishedAt    *time.Time   `json:"published_at,omitempty"`
	WithdrawnAt    *time.Time   `json:"withdrawn_at,omitempty"`
}

// tombstoneLine is a withdrawn story: story.Tombstone's fields and the
// private link's hash, with which the storyteller can still see that it is
// withdrawn. A storyLine with a withdrawn status reads as one, dropping the
// rest that older exports carried.
type tombstoneLine struct {
	Type           string     `json:"type"`
	ID             string     `json:"id"`
	Status         string     `json:"status"`
	TokenHash      []byte     `json:"token_hash"`
	WithdrawReason string     `json:"withdraw_reason,omitempty"`
	CreatedAt      *time.Time `json:"created_at,omitempty"`
	// UpdatedAt is a rejected story's rejection, when the retention job
	// erased it (story.ErasedRejected).
	UpdatedAt   *time.Time `json:"updated_at,omitempty"`
	WithdrawnAt *time.Time `json:"withdrawn_at,omitempty"`
}

type storyTranslationLine struct {
	Type         string       `json:"type"`
	StoryID      string       `json:"story_id"`
	Language     string       `json:"language"`
	Title        string       `json:"title"`
	Body         string       `json:"body"`
	Credit       string       `json:"credit,omitempty"`
	TranslatorID int64        `json:"translator_id,omitempty"`
	Origin       string       `json:"origin"`
	Status       string       `json:"status"`
	CheckedBy    int64        `json:"checked_by,omitempty"`
	ReviewedBy   int64        `json:"reviewed_by,omitempty"`
	CreatedAt    *time.Time   `json:"created_at,omitempty"`
	UpdatedAt    *time.Time   `json:"updated_at,omitempty"`
	PublishedAt  *time.Time   `json:"published_at,omitempty"`
	Signals      []signalLine `json:"signals,omitempty"`
}

type auditLine struct {
	Type      string     `json:"type"`
	ID        int64      `json:"id"`
	At        *time.Time `json:"at,omitempty"`
	Actor     string     `json:"actor"`
	Action    string     `json:"action"`
	SubjectID string     `json:"subject_id"`
	Reason    string     `json:"reason,omitempty"`
	Note      string     `json:"note,omitempty"`
}

type postLine struct {
	Type       string       `json:"type"`
	ID         string       `json:"id"`
	Network    string       `json:"network"`
	SourceID   string       `json:"source_id"`
	SourceURL  string       `json:"url"`
	Author     string       `json:"author"`
	Text       string       `json:"text"`
	Language   string       `json:"language,omitempty"`
	PostedAt   *time.Time   `json:"posted_at,omitempty"`
	CreatedAt  *time.Time   `json:"created_at,omitempty"`
	Status     string       `json:"status"`
	DecidedBy  string       `json:"decided_by,omitempty"`
	DecidedAt  *time.Time   `json:"decided_at,omitempty"`
	HideReason string       `json:"hide_reason,omitempty"`
	Signals    []signalLine `json:"signals,omitempty"`
}

type settingLine struct {
	Type      string          `json:"type"`
	Key       string          `json:"key"`
	Value     json.RawMessage `json:"value"`
	UpdatedAt *time.Time      `json:"updated_at,omitempty"`
	UpdatedBy string          `json:"updated_by"`
}

type storedReplyLine struct {
	Type      string          `json:"type"`
	ID        string          `json:"id"`
	Data      json.RawMessage `json:"data"`
	Removed   bool            `json:"removed,omitempty"`
	UpdatedAt *time.Time      `json:"updated_at,omitempty"`
	UpdatedBy string          `json:"updated_by"`
}

func signalLines(signals []story.Signal) []signalLine {
	var out []signalLine
	for _, sig := range signals {
		sl := signalLine{Kind: sig.Kind, Score: sig.Score, Detail: sig.Detail, ModelVersion: sig.ModelVersion}
		for _, sp := range sig.Spans {
			sl.Spans = append(sl.Spans, spanLine(sp))
		}
		out = append(out, sl)
	}
	return out
}

func fromSignalLines(lines []signalLine) []story.Signal {
	var out []story.Signal
	for _, sl := range lines {
		sig := story.Signal{Kind: sl.Kind, Score: sl.Score, Detail: sl.Detail, ModelVersion: sl.ModelVersion}
		for _, sp := range sl.Spans {
			sig.Spans = append(sig.Spans, story.Span(sp))
		}
		out = append(out, sig)
	}
	return out
}

type blobDeletionLine struct {
	Type  string     `json:"type"`
	Key   string     `json:"key"`
	DueAt *time.Time `json:"due_at,omitempty"`
}

type translationLine struct {
	Type       string            `json:"type"`
	Catalog    string            `json:"catalog"`
	Lang       string            `json:"lang"`
	Key        string            `json:"key"`
	Forms      map[string]string `json:"forms"`
	SourceHash string            `json:"source_hash,omitempty"`
	UpdatedBy  int64             `json:"updated_by"`
	UpdatedAt  *time.Time        `json:"updated_at,omitempty"`
	ReviewedBy int64             `json:"reviewed_by,omitempty"`
	ReviewedAt *time.Time        `json:"reviewed_at,omitempty"`
}

type organisationLine struct {
	Type      string              `json:"type"`
	ID        string              `json:"id"`
	Slug      string              `json:"slug"`
	Kind      string              `json:"kind"`
	Texts     map[string]org.Text `json:"texts"`
	Logo      []byte              `json:"logo,omitempty"`
	Website   string              `json:"website,omitempty"`
	Country   string              `json:"country,omitempty"`
	CreatedAt *time.Time          `json:"created_at,omitempty"`
	UpdatedAt *time.Time          `json:"updated_at,omitempty"`
}

type memberLine struct {
	Type           string `json:"type"`
	UserID         int64  `json:"user_id"`
	OrganisationID string `json:"organisation_id"`
	Owner          bool   `json:"owner"`
}

type consentRecordLine struct {
	Type           string      `json:"type"`
	StoryID        string      `json:"story_id"`
	OrganisationID string      `json:"organisation_id"`
	SubmittedBy    int64       `json:"submitted_by,omitempty"`
	Consenter      string      `json:"consenter"`
	Method         string      `json:"method"`
	ConsentedAt    *time.Time  `json:"consented_at,omitempty"`
	ExplainedIn    string      `json:"explained_in"`
	Scope          []org.Scope `json:"scope"`
	ScanKey        string      `json:"scan_key,omitempty"`
	CreatedAt      *time.Time  `json:"created_at,omitempty"`
}

type storyOrganisationLine struct {
	Type           string `json:"type"`
	StoryID        string `json:"story_id"`
	OrganisationID string `json:"organisation_id"`
}

type analyticsDayLine struct {
	Type      string `json:"type"`
	Day       string `json:"day"`
	Metric    string `json:"metric"`
	Dimension string `json:"dimension"`
	Count     int64  `json:"count"`
}

type collectionLine struct {
	Type           string     `json:"type"`
	ID             string     `json:"id"`
	Slug           string     `json:"slug"`
	Language       string     `json:"language"`
	Title          string     `json:"title"`
	Description    string     `json:"description,omitempty"`
	OrganisationID string     `json:"organisation_id,omitempty"`
	StoryIDs       []string   `json:"story_ids"`
	CreatedAt      *time.Time `json:"created_at,omitempty"`
	UpdatedAt      *time.Time `json:"updated_at,omitempty"`
}

func ts(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func fromTS(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// codec is how one record type is written as a line and read back.
type codec struct {
	encode func(storage.Record) any
	decode func(strict func(line any) error) (storage.Record, error)
}

// codecOf ties a record type's field of storage.Record to its line type L.
func codecOf[T, L any](f storage.RecordField[T], encode func(*T) L, decode func(*L) (*T, error)) codec {
	return codec{
		encode: func(r storage.Record) any { return encode(f.Of(r)) },
		decode: func(strict func(any) error) (storage.Record, error) {
			var l L
			if err := strict(&l); err != nil {
				return storage.Record{}, err
			}
			v, err := decode(&l)
			if err != nil {
				return storage.Record{}, err
			}
			return f.Record(v), nil
		},
	}
}

// codecs has one entry per storage.RecordTypes (a test checks it).
var codecs = map[storage.RecordType]codec{
	storage.RecordUser: codecOf(storage.UserRecords,
		func(u *staff.User) userLine {
			return userLine{string(storage.RecordUser), u.ID, u.Email, string(u.Role), u.PasswordHash, u.TOTPSecret, ts(u.CreatedAt)}
		},
		func(l *userLine) (*staff.User, error) {
			return &staff.User{ID: l.ID, Email: l.Email, Role: staff.Role(l.Role),
				PasswordHash: l.PasswordHash, TOTPSecret: l.TOTPSecret, CreatedAt: fromTS(l.CreatedAt)}, nil
		}),
	storage.RecordCredential: codecOf(storage.CredentialRecords,
		func(c *staff.Credential) credentialLine {
			return credentialLine{string(storage.RecordCredential), string(c.Kind), c.TokenHash, c.UserID, ts(c.CreatedAt), ts(c.ExpiresAt)}
		},
		func(l *credentialLine) (*staff.Credential, error) {
			return &staff.Credential{Kind: staff.CredentialKind(l.Kind), TokenHash: l.TokenHash,
				UserID: l.UserID, CreatedAt: fromTS(l.CreatedAt), ExpiresAt: fromTS(l.ExpiresAt)}, nil
		}),
	storage.RecordStory: storyCodec(),
	storage.RecordStoryTranslation: codecOf(storage.StoryTranslationRecords,
		func(t *story.Translation) storyTranslationLine {
			return storyTranslationLine{string(storage.RecordStoryTranslation), t.StoryID, t.Language, t.Title, t.Body, t.Credit, t.TranslatorID,
				string(t.Origin), string(t.Status), t.CheckedBy, t.ReviewedBy, ts(t.CreatedAt), ts(t.UpdatedAt), ts(t.PublishedAt),
				signalLines(t.Signals)}
		},
		func(l *storyTranslationLine) (*story.Translation, error) {
			return &story.Translation{StoryID: l.StoryID, Language: l.Language, Title: l.Title, Body: l.Body,
				Credit: l.Credit, TranslatorID: l.TranslatorID, Origin: story.TranslationOrigin(l.Origin), Status: story.TranslationStatus(l.Status),
				CheckedBy: l.CheckedBy, ReviewedBy: l.ReviewedBy, CreatedAt: fromTS(l.CreatedAt), UpdatedAt: fromTS(l.UpdatedAt),
				PublishedAt: fromTS(l.PublishedAt), Signals: fromSignalLines(l.Signals)}, nil
		}),
	storage.RecordAudit: codecOf(storage.AuditRecords,
		func(e *audit.Entry) auditLine {
			return auditLine{string(storage.RecordAudit), e.ID, ts(e.At), e.Actor, e.Action, e.SubjectID, e.Reason, e.Note}
		},
		func(l *auditLine) (*audit.Entry, error) {
			if l.Action == "withdraw" {
				l.Reason, l.Note = story.WithdrawReasonCode(l.Reason), ""
			}
			return &audit.Entry{ID: l.ID, At: fromTS(l.At), Actor: l.Actor, Action: l.Action,
				SubjectID: l.SubjectID, Reason: l.Reason, Note: l.Note}, nil
		}),
	storage.RecordBlobDeletion: codecOf(storage.BlobDeletionRecords,
		func(b *storage.BlobDeletion) blobDeletionLine {
			return blobDeletionLine{string(storage.RecordBlobDeletion), b.Key, ts(b.DueAt)}
		},
		func(l *blobDeletionLine) (*storage.BlobDeletion, error) {
			return &storage.BlobDeletion{Key: l.Key, DueAt: fromTS(l.DueAt)}, nil
		}),
	storage.RecordPost: codecOf(storage.PostRecords,
		func(p *story.Post) postLine {
			return postLine{Type: string(storage.RecordPost), ID: p.ID, Network: p.Network, SourceID: p.SourceID, SourceURL: p.SourceURL,
				Author: p.Author, Text: p.Text, Language: p.Language, PostedAt: ts(p.PostedAt), CreatedAt: ts(p.CreatedAt),
				Status: string(p.Status), DecidedBy: p.DecidedBy, DecidedAt: ts(p.DecidedAt), HideReason: p.HideReason,
				Signals: signalLines(p.Signals)}
		},
		func(l *postLine) (*story.Post, error) {
			return &story.Post{ID: l.ID, Network: l.Network, SourceID: l.SourceID, SourceURL: l.SourceURL,
				Author: l.Author, Text: l.Text, Language: l.Language, PostedAt: fromTS(l.PostedAt), CreatedAt: fromTS(l.CreatedAt),
				Status: story.PostStatus(l.Status), DecidedBy: l.DecidedBy, DecidedAt: fromTS(l.DecidedAt), HideReason: l.HideReason,
				Signals: fromSignalLines(l.Signals)}, nil
		}),
	storage.RecordSetting: codecOf(storage.SettingRecords,
		func(st *storage.Setting) settingLine {
			return settingLine{string(storage.RecordSetting), st.Key, json.RawMessage(st.Value), ts(st.UpdatedAt), st.UpdatedBy}
		},
		func(l *settingLine) (*storage.Setting, error) {
			return &storage.Setting{Key: l.Key, Value: []byte(l.Value), UpdatedAt: fromTS(l.UpdatedAt), UpdatedBy: l.UpdatedBy}, nil
		}),
	storage.RecordStoredReply: codecOf(storage.StoredReplyRecords,
		func(sr *storage.StoredReply) storedReplyLine {
			return storedReplyLine{string(storage.RecordStoredReply), sr.ID, json.RawMessage(sr.Data), sr.Removed, ts(sr.UpdatedAt), sr.UpdatedBy}
		},
		func(l *storedReplyLine) (*storage.StoredReply, error) {
			return &storage.StoredReply{ID: l.ID, Data: []byte(l.Data), Removed: l.Removed, UpdatedAt: fromTS(l.UpdatedAt), UpdatedBy: l.UpdatedBy}, nil
		}),
	storage.RecordTranslation: codecOf(storage.TranslationRecords,
		func(tr *staff.Translation) translationLine {
			return translationLine{string(storage.RecordTranslation), tr.Catalog, tr.Lang, tr.Key, tr.Forms, tr.SourceHash, tr.UpdatedBy, ts(tr.UpdatedAt), tr.ReviewedBy, ts(tr.ReviewedAt)}
		},
		func(l *translationLine) (*staff.Translation, error) {
			return &staff.Translation{Catalog: l.Catalog, Lang: l.Lang, Key: l.Key, Forms: l.Forms,
				SourceHash: l.SourceHash, UpdatedBy: l.UpdatedBy, UpdatedAt: fromTS(l.UpdatedAt),
				ReviewedBy: l.ReviewedBy, ReviewedAt: fromTS(l.ReviewedAt)}, nil
		}),
	storage.RecordOrganisation: codecOf(storage.OrganisationRecords,
		func(o *org.Organisation) organisationLine {
			return organisationLine{string(storage.RecordOrganisation), o.ID, o.Slug, string(o.Kind), o.Texts, o.Logo, o.Website, o.Country,
				ts(o.CreatedAt), ts(o.UpdatedAt)}
		},
		func(l *organisationLine) (*org.Organisation, error) {
			return &org.Organisation{ID: l.ID, Slug: l.Slug, Kind: org.Kind(l.Kind), Texts: l.Texts, Logo: l.Logo, Website: l.Website,
				Country: l.Country, CreatedAt: fromTS(l.CreatedAt), UpdatedAt: fromTS(l.UpdatedAt)}, nil
		}),
	storage.RecordMember: codecOf(storage.MemberRecords,
		func(m *org.Member) memberLine {
			return memberLine{string(storage.RecordMember), m.UserID, m.OrganisationID, m.Owner}
		},
		func(l *memberLine) (*org.Member, error) {
			return &org.Member{UserID: l.UserID, OrganisationID: l.OrganisationID, Owner: l.Owner}, nil
		}),
	storage.RecordConsentRecord: codecOf(storage.ConsentRecordRecords,
		func(c *org.ConsentRecord) consentRecordLine {
			return consentRecordLine{string(storage.RecordConsentRecord), c.StoryID, c.OrganisationID, c.SubmittedBy, c.Consenter,
				string(c.Method), ts(c.ConsentedAt), c.ExplainedIn, c.Scope, c.ScanKey, ts(c.CreatedAt)}
		},
		func(l *consentRecordLine) (*org.ConsentRecord, error) {
			return &org.ConsentRecord{StoryID: l.StoryID, OrganisationID: l.OrganisationID, SubmittedBy: l.SubmittedBy, Consenter: l.Consenter,
				Method: org.ConsentMethod(l.Method), ConsentedAt: fromTS(l.ConsentedAt), ExplainedIn: l.ExplainedIn, Scope: l.Scope,
				ScanKey: l.ScanKey, CreatedAt: fromTS(l.CreatedAt)}, nil
		}),
	storage.RecordStoryOrganisation: codecOf(storage.StoryOrganisationRecords,
		func(l *storage.StoryOrganisation) storyOrganisationLine {
			return storyOrganisationLine{string(storage.RecordStoryOrganisation), l.StoryID, l.OrganisationID}
		},
		func(l *storyOrganisationLine) (*storage.StoryOrganisation, error) {
			return &storage.StoryOrganisation{StoryID: l.StoryID, OrganisationID: l.OrganisationID}, nil
		}),
	storage.RecordCollection: codecOf(storage.CollectionRecords,
		func(c *org.Collection) collectionLine {
			return collectionLine{string(storage.RecordCollection), c.ID, c.Slug, c.Language, c.Title, c.Description, c.OrganisationID,
				c.StoryIDs, ts(c.CreatedAt), ts(c.UpdatedAt)}
		},
		func(l *collectionLine) (*org.Collection, error) {
			return &org.Collection{ID: l.ID, Slug: l.Slug, Language: l.Language, Title: l.Title, Description: l.Description,
				OrganisationID: l.OrganisationID, StoryIDs: l.StoryIDs, CreatedAt: fromTS(l.CreatedAt), UpdatedAt: fromTS(l.UpdatedAt)}, nil
		}),
	storage.RecordAnalyticsDay: codecOf(storage.AnalyticsDayRecords,
		func(d *storage.DailyCount) analyticsDayLine {
			return analyticsDayLine{string(storage.RecordAnalyticsDay), d.Day, d.Metric, d.Dimension, d.Count}
		},
		func(l *analyticsDayLine) (*storage.DailyCount, error) {
			return &storage.DailyCount{Day: l.Day, Metric: l.Metric, Dimension: l.Dimension, Count: l.Count}, nil
		}),
}

// storyCodec writes a withdrawn story as its tombstone alone.
func storyCodec() codec {
	c := codecOf(storage.StoryRecords, encodeStory, decodeStory)
	c.encode = func(r storage.Record) any {
		rec := storage.StoryRecords.Of(r)
		if rec.Story.Status != story.StatusWithdrawn {
			return encodeStory(rec)
		}
		tomb := story.Tombstone(rec.Story)
		l := tombstoneLine{Type: string(storage.RecordStory), ID: tomb.ID, Status: string(tomb.Status), TokenHash: rec.TokenHash,
			WithdrawReason: tomb.WithdrawReason, CreatedAt: ts(tomb.CreatedAt), WithdrawnAt: ts(tomb.WithdrawnAt)}
		if tomb.WithdrawReason == story.ErasedRejected {
			l.UpdatedAt = ts(tomb.UpdatedAt)
		}
		return l
	}
	return c
}

func encodeStory(r *storage.StoryRecord) storyLine {
	s := r.Story
	l := storyLine{
		Type: string(storage.RecordStory), ID: s.ID, Status: string(s.Status), TokenHash: r.TokenHash,
		Title: s.Title, Body: s.Body, Language: s.Language, Country: s.Country, City: s.City, Themes: s.Themes,
		Identity: string(s.Identity), DisplayName: s.DisplayName, Anonymous: s.Anonymous, ContactSealed: s.ContactSealed,
		Consent: consentLine(s.Consent), Demo: s.Demo, Featured: s.Featured,
		RejectReason: s.RejectReason, RejectNote: s.RejectNote, WithdrawReason: s.WithdrawReason,
		CreatedAt: ts(s.CreatedAt), UpdatedAt: ts(s.UpdatedAt), PublishedAt: ts(s.PublishedAt), WithdrawnAt: ts(s.WithdrawnAt),
	}
	if s.Photo != nil {
		l.Photo = &photoLine{Alt: s.Photo.Alt, Sizes: []photoSizeLine{}}
		for _, z := range s.Photo.Sizes {
			l.Photo.Sizes = append(l.Photo.Sizes, photoSizeLine(z))
		}
	}
	l.Signals = signalLines(s.Signals)
	return l
}

func decodeStory(l *storyLine) (*storage.StoryRecord, error) {
	if !slices.Contains([]story.Status{story.StatusPending, story.StatusPublished, story.StatusRejected, story.StatusWithdrawn}, story.Status(l.Status)) {
		return nil, fmt.Errorf("story %s: unknown status %q", l.ID, l.Status)
	}
	s := &story.Story{
		ID: l.ID, Status: story.Status(l.Status), Title: l.Title, Body: l.Body, Language: l.Language, Country: l.Country,
		City: l.City, Themes: l.Themes, Identity: story.Identity(l.Identity), DisplayName: l.DisplayName, Anonymous: l.Anonymous,
		ContactSealed: l.ContactSealed, Consent: story.Consent(l.Consent), Demo: l.Demo, Featured: l.Featured,
		RejectReason: l.RejectReason, RejectNote: l.RejectNote, WithdrawReason: l.WithdrawReason,
		CreatedAt: fromTS(l.CreatedAt), UpdatedAt: fromTS(l.UpdatedAt), PublishedAt: fromTS(l.PublishedAt), WithdrawnAt: fromTS(l.WithdrawnAt),
	}
	if s.Status == story.StatusWithdrawn {
		s.WithdrawReason = story.WithdrawReasonCode(s.WithdrawReason)
		if s.WithdrawnAt.IsZero() {
			s.WithdrawnAt = s.UpdatedAt
		}
		return &storage.StoryRecord{Story: story.Tombstone(s), TokenHash: l.TokenHash}, nil
	}
	if len(s.Themes) == 0 {
		s.Themes = nil
	}
	if len(s.ContactSealed) == 0 {
		s.ContactSealed = nil
	}
	if l.Photo != nil {
		s.Photo = &story.Photo{Alt: l.Photo.Alt}
		for _, z := range l.Photo.Sizes {
			s.Photo.Sizes = append(s.Photo.Sizes, story.PhotoSize(z))
		}
	}
	s.Signals = fromSignalLines(l.Signals)
	return &storage.StoryRecord{Story: s, TokenHash: l.TokenHash}, nil
}

// encodeRecord turns a record into its line's value.
func encodeRecord(r storage.Record) (any, error) {
	c, ok := codecs[r.Type()]
	if !ok {
		return nil, errors.New("transfer: empty record")
	}
	return c.encode(r), nil
}

// decodeRecord parses one line, strictly: unknown fields are errors.
func decodeRecord(line []byte) (storage.Record, error) {
	var peek struct {
		Type *string `json:"type"`
	}
	if err := json.Unmarshal(line, &peek); err != nil {
		return storage.Record{}, fmt.Errorf("not a JSON object: %w", err)
	}
	if peek.Type == nil {
		return storage.Record{}, errors.New(`no "type"`)
	}
	c, ok := codecs[storage.RecordType(*peek.Type)]
	if !ok {
		return storage.Record{}, fmt.Errorf("unknown record type %q", *peek.Type)
	}
	return c.decode(func(v any) error {
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		return dec.Decode(v)
	})
}

// Writer writes site.jsonl.
type Writer struct {
	w     *bufio.Writer
	n     int64
	count storage.Counts
}

// NewWriter writes the header line to w.
func NewWriter(w io.Writer, createdAt time.Time, counts storage.Counts) (*Writer, error) {
	wr := &Writer{w: bufio.NewWriterSize(w, 64<<10)}
	h := Header{Format: Format, Version: Version, CreatedAt: createdAt.UTC().Truncate(time.Second), Counts: countsMap(counts)}
	return wr, wr.line(h)
}

func (w *Writer) line(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	n, err := w.w.Write(b)
	w.n += int64(n)
	return err
}

// Write writes one record.
func (w *Writer) Write(r storage.Record) error {
	v, err := encodeRecord(r)
	if err != nil {
		return err
	}
	w.count.Add(r.Type())
	return w.line(v)
}

// Bytes is how much has been written.
func (w *Writer) Bytes() int64 { return w.n }

// Flush writes out what is buffered.
func (w *Writer) Flush() error { return w.w.Flush() }

// LineError is bad input, at a line of site.jsonl (counted from 1, the
// header).
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("site.jsonl line %d: %v", e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// maxLine bounds one line: a story is a few kilobytes.
const maxLine = 16 << 20

// Reader reads site.jsonl, checking as it goes: the header's format and
// version, each line whole and well-formed, types in order, and at the end
// the counts the header announced.
type Reader struct {
	br     *bufio.Reader
	Header Header
	line   int
	n      int64
	typ    int // index in storage.RecordTypes of the last record's type
	count  storage.Counts
	want   storage.Counts // the header's counts
	done   bool
}

// NewReader reads and checks the header.
func NewReader(r io.Reader) (*Reader, error) {
	rd := &Reader{br: bufio.NewReaderSize(r, 64<<10)}
	b, err := rd.readLine()
	if errors.Is(err, io.EOF) {
		return nil, &LineError{1, errors.New("the file is empty: not a chorus export")}
	}
	if err != nil {
		return nil, err
	}
	var h Header
	if err := json.Unmarshal(b, &h); err != nil || h.Format != Format {
		return nil, &LineError{1, fmt.Errorf("not a chorus export header (want {\"format\":%q,...})", Format)}
	}
	if h.Version < OldestVersion || h.Version > Version {
		return nil, &LineError{1, fmt.Errorf("export format version %d, but this chorus reads versions %d to %d only", h.Version, OldestVersion, Version)}
	}
	for name, n := range h.Counts {
		if !slices.Contains(storage.RecordTypes, storage.RecordType(name)) || n < 0 {
			return nil, &LineError{1, fmt.Errorf("header counts an unknown record type %q", name)}
		}
	}
	rd.Header, rd.want = h, h.RecordCounts()
	return rd, nil
}

// readLine returns the next line without its newline; io.EOF at a clean end.
func (r *Reader) readLine() ([]byte, error) {
	var buf []byte
	for {
		chunk, err := r.br.ReadSlice('\n')
		buf = append(buf, chunk...)
		if len(buf) > maxLine {
			return nil, &LineError{r.line + 1, fmt.Errorf("line longer than %d bytes", maxLine)}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		r.n += int64(len(buf))
		if errors.Is(err, io.EOF) {
			if len(buf) == 0 {
				return nil, io.EOF
			}
			r.line++
			return nil, &LineError{r.line, errors.New("the line is cut short (no end of line): the file is truncated")}
		}
		if err != nil {
			return nil, &LineError{r.line + 1, err}
		}
		r.line++
		return buf[:len(buf)-1], nil
	}
}

// Next returns the next record, or io.EOF once the file has ended with as
// many records as the header announced.
func (r *Reader) Next() (storage.Record, error) {
	if r.done {
		return storage.Record{}, io.EOF
	}
	b, err := r.readLine()
	if errors.Is(err, io.EOF) {
		if r.count != r.want {
			return storage.Record{}, &LineError{r.line, fmt.Errorf("the file ends after %s where the header announces %s: it is truncated or damaged",
				r.count.Describe(), r.want.Describe())}
		}
		r.done = true
		return storage.Record{}, io.EOF
	}
	if err != nil {
		return storage.Record{}, err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return storage.Record{}, &LineError{r.line, errors.New("empty line")}
	}
	rec, err := decodeRecord(b)
	if err != nil {
		return storage.Record{}, &LineError{r.line, err}
	}
	if err := storage.CheckRecord(rec); err != nil {
		return storage.Record{}, &LineError{r.line, err}
	}
	t := slices.Index(storage.RecordTypes, rec.Type())
	if t < r.typ {
		return storage.Record{}, &LineError{r.line, fmt.Errorf("a %s record after %s records: records come in the order %s",
			rec.Type(), storage.RecordTypes[r.typ], typeOrder())}
	}
	r.typ = t
	r.count.Add(rec.Type())
	if want := r.want.Of(rec.Type()); r.count.Of(rec.Type()) > want {
		return storage.Record{}, &LineError{r.line, fmt.Errorf("more %s records than the header announces (%d)", rec.Type(), want)}
	}
	return rec, nil
}

// Line is the number of the last line read.
func (r *Reader) Line() int { return r.line }

// Bytes is how much of the file has been read.
func (r *Reader) Bytes() int64 { return r.n }

// Counts is how many records have been read.
func (r *Reader) Counts() storage.Counts { return r.count }

func typeOrder() string {
	var s []string
	for _, t := range storage.RecordTypes {
		s = append(s, string(t))
	}
	return strings.Join(s, ", ")
}
