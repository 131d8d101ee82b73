package media

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	"chorus/internal/outbound"
)

// OpenOptions carries what a store URL may leave out. The caller reads it
// from wherever it keeps secrets (chorus: CHORUS_S3_ACCESS_KEY and
// CHORUS_S3_SECRET_KEY); this package never reads the environment.
type OpenOptions struct {
	AccessKey string // used when the URL has no user information
	SecretKey string
}

// OpenStore opens the blob store a URL names:
//
//   - "" keeps blobs in files under localDir (a *DiskStore);
//   - s3://[KEY:SECRET@]BUCKET?endpoint=HOST:PORT[&region=R][&secure=false][&prefix=P]
//     keeps them in an S3-compatible bucket (an *S3Store), created if missing.
//
// Credentials in the URL (percent-encoded) win over those in opts. secure
// defaults to true (HTTPS) and region to us-east-1. Errors never show the
// secret key.
func OpenStore(ctx context.Context, rawURL, localDir string, opts OpenOptions) (Store, error) {
	if rawURL == "" {
		s, err := NewDiskStore(localDir)
		if err != nil {
			return nil, err
		}
		return s, nil
	}
	cfg, err := ParseS3URL(rawURL, opts)
	if err != nil {
		return nil, err
	}
	s, err := NewS3Store(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("media store %s: %w", outbound.RedactURL(rawURL), err)
	}
	return s, nil
}

// ParseS3URL reads an s3:// store URL (see OpenStore) into a configuration.
func ParseS3URL(rawURL string, opts OpenOptions) (S3Config, error) {
	shown := outbound.RedactURL(rawURL)
	u, err := url.Parse(rawURL)
	if err != nil {
		// Both url.Parse's error and its reason may quote the secret (a raw
		// '/' in it makes the rest look like a port): say nothing of them.
		return S3Config{}, fmt.Errorf("media store %s: not a valid URL (percent-encode special characters of the key and secret)", shown)
	}
	if u.Scheme != "s3" {
		return S3Config{}, fmt.Errorf("media store %s: use s3://BUCKET?endpoint=HOST:PORT, or nothing for files in the data folder", shown)
	}
	if u.Path != "" && u.Path != "/" || u.Opaque != "" {
		return S3Config{}, fmt.Errorf("media store %s: give the folder as prefix=..., not as a path", shown)
	}
	cfg := S3Config{Bucket: u.Host, Secure: true, AccessKey: opts.AccessKey, SecretKey: opts.SecretKey}
	if u.User != nil {
		cfg.AccessKey = u.User.Username()
		cfg.SecretKey, _ = u.User.Password()
	}
	for name, values := range u.Query() {
		if len(values) != 1 {
			return S3Config{}, fmt.Errorf("media store %s: %s given %d times", shown, name, len(values))
		}
		v := values[0]
		switch name {
		case "endpoint":
			cfg.Endpoint = v
		case "region":
			cfg.Region = v
		case "prefix":
			cfg.Prefix = v
		case "secure":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return S3Config{}, fmt.Errorf("media store %s: secure: use true or false", shown)
			}
			cfg.Secure = b
		default:
			return S3Config{}, fmt.Errorf("media store %s: unknown setting %q (known: endpoint, region, secure, prefix)", shown, name)
		}
	}
	if cfg.Endpoint == "" {
		return S3Config{}, fmt.Errorf("media store %s: endpoint=HOST:PORT missing", shown)
	}
	if cfg.AccessKey == "" || cfg.SecretKey == "" {
		return S3Config{}, fmt.Errorf("media store %s: access key and secret key missing: put them in the URL or the environment", shown)
	}
	return cfg, nil
}
