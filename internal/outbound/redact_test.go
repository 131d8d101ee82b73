package outbound

import "testing"

func TestRedactURL(t *testing.T) {
	for raw, want := range map[string]string{
		"s3://K:S@b?endpoint=h:1":                  "s3://…@b?endpoint=h:1",
		"s3://K:a/b?c@d@b?endpoint=h":              "s3://…@b?endpoint=h",
		"s3://b?endpoint=h:1":                      "s3://b?endpoint=h:1",
		"postgres://chorus:p@ss@db:5432/chorus":    "postgres://…@db:5432/chorus",
		"postgresql://u@db/chorus?sslmode=disable": "postgresql://…@db/chorus?sslmode=disable",
		"postgres://db/chorus":                     "postgres://db/chorus",
		"user@host":                                "user@host",
		"":                                         "",
	} {
		if got := RedactURL(raw); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", raw, got, want)
		}
	}
}
