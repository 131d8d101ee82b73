package web_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"

	"chorus/internal/media"
	"chorus/internal/story"
	"chorus/internal/testrig"
)

// TestWithdrawalErasesPhotosFromS3 runs the site with its photos in an
// S3-compatible bucket: a withdrawn story's photos are gone from it.
func TestWithdrawalErasesPhotosFromS3(t *testing.T) {
	raw := os.Getenv("CHORUS_TEST_S3_URL")
	if raw == "" {
		t.Skip("set CHORUS_TEST_S3_URL (scripts/start-s3.sh prints it) to run the S3 media test")
	}
	b := make([]byte, 6)
	rand.Read(b)
	sep := "&"
	if !strings.Contains(raw, "?") {
		sep = "?"
	}
	ctx := context.Background()
	blobs, err := media.OpenStore(ctx, raw+sep+"prefix=web-"+hex.EncodeToString(b)+"/", "", media.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rig := testrig.New(t)
	rig.App.Blobs = blobs
	id, token := rig.Submit(testrig.Submission("Bucket"))
	if res := rig.UploadPhoto(id, token, "p.jpg", testrig.PhotoWithGPS(400, 300), "a street"); res.Status != http.StatusOK {
		t.Fatalf("photo to S3: %d %s", res.Status, res.Body)
	}
	st, _ := rig.App.Submission(ctx, id, token)
	for _, size := range st.Photo.Sizes {
		f, err := blobs.Open(ctx, size.Key)
		if err != nil {
			t.Fatalf("photo not in the bucket: %v", err)
		}
		f.Close()
	}
	if res := rig.Do("DELETE", "/api/v1/stories/"+id, nil, map[string]string{"Authorization": "Bearer " + token}); res.Status != http.StatusOK {
		t.Fatalf("withdraw: %d", res.Status)
	}
	for _, size := range st.Photo.Sizes {
		if _, err := blobs.Open(ctx, size.Key); !errors.Is(err, story.ErrNotFound) {
			t.Errorf("%s still in the bucket after withdrawal: %v", size.Key, err)
		}
	}
}
