package sqlstore

import (
	"chorus/internal/story"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

// Time is a scan target for a time column of either database: SQLite's
// microseconds (0 for none), PostgreSQL's timestamptz (NULL or ±infinity
// for none). None reads back as the zero time; others in UTC.
type Time struct{ time.Time }

// Scan reads SQLite's value.
func (t *Time) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		t.Time = time.Time{}
	case int64:
		t.Time = FromMicros(v)
	case time.Time:
		t.Time = v.UTC()
	default:
		return fmt.Errorf("cannot read %T as a time", src)
	}
	return nil
}

// ScanTimestamptz reads PostgreSQL's value.
func (t *Time) ScanTimestamptz(v pgtype.Timestamptz) error {
	if !v.Valid || v.InfinityModifier != pgtype.Finite {
		t.Time = time.Time{}
	} else {
		t.Time = v.Time.UTC()
	}
	return nil
}

// Micros is SQLite's encoding of a time: microseconds, 0 for none.
func Micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

// FromMicros reads Micros.
func FromMicros(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMicro(v).UTC()
}

// List is a scan target for a list of strings: SQLite's comma-separated
// text, PostgreSQL's text[]. Empty reads back as nil.
type List []string

// Scan reads SQLite's value.
func (l *List) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case nil:
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("cannot read %T as a list", src)
	}
	*l = nil
	if s != "" {
		*l = strings.Split(s, ",")
	}
	return nil
}

// SetDimensions, ScanIndex and ScanIndexType read PostgreSQL's array.
func (l *List) SetDimensions(dims []pgtype.ArrayDimension) error {
	if len(dims) == 0 {
		*l = nil
		return nil
	}
	n := 1
	for _, d := range dims {
		n *= int(d.Length)
	}
	*l = make(List, n)
	if n == 0 {
		*l = nil
	}
	return nil
}

func (l List) ScanIndex(i int) any { return &l[i] }
func (l List) ScanIndexType() any  { return new(string) }

// signalsValue stores a screen's findings as JSON, NULL when there are none.
func signalsValue(signals []story.Signal) (any, error) {
	if len(signals) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(signals)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// decodeSignals reads what signalsValue stored; what names the row in errors.
func decodeSignals(b []byte, what string) ([]story.Signal, error) {
	if len(b) == 0 || string(b) == "null" {
		return nil, nil
	}
	var signals []story.Signal
	if err := json.Unmarshal(b, &signals); err != nil {
		return nil, fmt.Errorf("decode signals of %s: %w", what, err)
	}
	return signals, nil
}
