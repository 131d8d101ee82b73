package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/s3utils"

	"chorus/internal/story"
)

// S3Config says where an S3Store keeps its objects.
type S3Config struct {
	Endpoint  string // host:port, without a scheme
	Region    string // "us-east-1" when empty
	Secure    bool   // HTTPS
	Bucket    string
	Prefix    string // optional folder for every key, e.g. "chorus"; same rules as a key
	AccessKey string
	SecretKey string
	// MaxRetries is how many times one request is tried; 3 when zero.
	MaxRetries int
}

// S3Store keeps blobs as private objects in an S3-compatible bucket, with
// path-style addressing. Objects get no ACL: the application serves them.
type S3Store struct {
	client    *minio.Client
	transport *http.Transport
	bucket    string
	prefix    string // "" or ending in "/"
}

var _ Store = (*S3Store)(nil)

// NewS3Store connects to the bucket and creates it if it is missing.
func NewS3Store(ctx context.Context, cfg S3Config) (*S3Store, error) {
	s, err := newS3Store(cfg)
	if err != nil {
		return nil, err
	}
	if err := s.ensureBucket(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// newS3Store checks the settings and makes the client, without a request.
func newS3Store(cfg S3Config) (*S3Store, error) {
	if cfg.Endpoint == "" {
		return nil, errors.New("media: S3 endpoint missing")
	}
	if strings.Contains(cfg.Endpoint, "/") {
		return nil, fmt.Errorf("media: S3 endpoint %q: give host:port, without scheme or path", cfg.Endpoint)
	}
	if err := s3utils.CheckValidBucketNameStrict(cfg.Bucket); err != nil {
		return nil, fmt.Errorf("media: S3 bucket %q: %w", cfg.Bucket, err)
	}
	if cfg.AccessKey == "" || cfg.SecretKey == "" {
		return nil, errors.New("media: S3 access key or secret key missing")
	}
	prefix := strings.Trim(cfg.Prefix, "/")
	if prefix != "" {
		if CheckKey(prefix) != nil {
			return nil, fmt.Errorf("media: S3 prefix %q: use letters, digits, '.', '_', '-' and '/'", cfg.Prefix)
		}
		prefix += "/"
	}
	region := cfg.Region
	if region == "" {
		region = "us-east-1"
	}
	retries := cfg.MaxRetries
	if retries <= 0 {
		retries = 3
	}
	transport, err := minio.DefaultTransport(cfg.Secure)
	if err != nil {
		return nil, fmt.Errorf("media: S3 transport: %w", err)
	}
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:        credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:       cfg.Secure,
		Transport:    transport,
		Region:       region,
		BucketLookup: minio.BucketLookupPath,
		MaxRetries:   retries,
	})
	if err != nil {
		return nil, fmt.Errorf("media: S3 client for %s: %w", cfg.Endpoint, err)
	}
	return &S3Store{client: client, transport: transport, bucket: cfg.Bucket, prefix: prefix}, nil
}

func (s *S3Store) ensureBucket(ctx context.Context) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return s3Error("check bucket "+s.bucket, "", err)
	}
	if ok {
		return nil
	}
	err = s.client.MakeBucket(ctx, s.bucket, minio.MakeBucketOptions{})
	if err != nil {
		code := minio.ToErrorResponse(err).Code
		if code == minio.BucketAlreadyOwnedByYou || code == minio.BucketAlreadyExists {
			return nil // made at the same moment by another start
		}
		return s3Error("create bucket "+s.bucket, "", err)
	}
	return nil
}

// Close releases idle connections; the store must not be used after it.
func (s *S3Store) Close() error {
	s.transport.CloseIdleConnections()
	return nil
}

// Bucket is the bucket the store writes to.
func (s *S3Store) Bucket() string { return s.bucket }

// ObjectName is the name under which key is kept in the bucket: the prefix,
// then the key.
func (s *S3Store) ObjectName(key string) string { return s.prefix + key }

// Put uploads data as one private object with its content type; a reader
// sees the old object or the new one, never part of one.
func (s *S3Store) Put(ctx context.Context, key string, data []byte, contentType string) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	_, err := s.client.PutObject(ctx, s.bucket, s.ObjectName(key), bytes.NewReader(data), int64(len(data)),
		minio.PutObjectOptions{ContentType: contentType, DisableMultipart: true})
	if err != nil {
		return s3Error("put", key, err)
	}
	return nil
}

// Open returns the object stored under key; the caller closes it. The first
// response is awaited here, so a missing key is reported by Open itself.
func (s *S3Store) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := CheckKey(key); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, s.ObjectName(key), minio.GetObjectOptions{})
	if err == nil {
		_, err = obj.Stat() // sends the GET; the body is then read from it
		if err != nil {
			obj.Close()
		}
	}
	if err != nil {
		if isNoSuchKey(err) {
			return nil, fmt.Errorf("media: open %q: %w", key, story.ErrNotFound)
		}
		return nil, s3Error("open", key, err)
	}
	return obj, nil
}

// Delete removes the object. Deleting a missing key succeeds.
func (s *S3Store) Delete(ctx context.Context, key string) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	err := s.client.RemoveObject(ctx, s.bucket, s.ObjectName(key), minio.RemoveObjectOptions{})
	if err != nil && !isNoSuchKey(err) {
		return s3Error("delete", key, err)
	}
	return nil
}

func isNoSuchKey(err error) bool {
	return minio.ToErrorResponse(err).Code == minio.NoSuchKey
}

// s3Error keeps a cancelled or expired context as it is, and turns every
// other failure (network, server, refused credentials, missing bucket) into
// CodeUnavailable: the photo cannot be saved or read now, and nothing the
// user did caused it. The cause names the operation and key, never a secret.
func s3Error(op, key string, err error) error {
	what := "media: S3 " + op
	if key != "" {
		what += fmt.Sprintf(" %q", key)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %w", what, err)
	}
	if resp := minio.ToErrorResponse(err); resp.StatusCode != 0 {
		what += fmt.Sprintf(": HTTP %d %s", resp.StatusCode, resp.Code)
	}
	return &story.Error{
		Code:    story.CodeUnavailable,
		Key:     "error.storage_full",
		Message: "We cannot save photos right now. Please try again later.",
		Err:     fmt.Errorf("%s: %w", what, err),
	}
}
