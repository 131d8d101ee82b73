package web_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"chorus/internal/staff"
	"chorus/internal/storage"
	"chorus/internal/testrig"
)

// TestJobsSweepLeftoversAndExpireSessions starts the durable queue with the
// app's workers: a media file left behind by a crash is swept, and expired
// sessions are removed, without any request.
func TestJobsSweepLeftoversAndExpireSessions(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	leftover := filepath.Join(rig.MediaDir, "photos", "gone", "x-page.jpg")
	if err := rig.App.Blobs.Put(ctx, "photos/gone/x-page.jpg", []byte("a photo nobody references"), "image/jpeg"); err != nil {
		t.Fatal(err)
	}
	err := rig.Store.WithTx(ctx, func(tx storage.Tx) error {
		return tx.ScheduleBlobDeletion(ctx, "photos/gone/x-page.jpg", rig.Clock.Now())
	})
	if err != nil {
		t.Fatal(err)
	}
	rig.SignedIn("mod@example.org", staff.RoleModerator)
	moderator, _ := rig.Store.UserByEmail(ctx, "mod@example.org")
	issued := rig.Clock.Now()
	err = rig.Store.WithTx(ctx, func(tx storage.Tx) error {
		return tx.InsertCredential(ctx, staff.Credential{Kind: staff.CredentialSession, TokenHash: []byte("old session"),
			UserID: moderator.ID, CreatedAt: issued, ExpiresAt: issued.Add(time.Hour)})
	})
	if err != nil {
		t.Fatal(err)
	}
	rig.Clock.Advance(13 * time.Hour)

	stop, err := rig.Store.StartJobs(ctx, rig.App.Jobs())
	if err != nil {
		t.Fatal(err)
	}
	defer stop(ctx)
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, statErr := os.Stat(leftover)
		_, sessionErr := rig.Store.CredentialUser(ctx, staff.CredentialSession, []byte("old session"), issued)
		if os.IsNotExist(statErr) && sessionErr != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 30 s: leftover file present=%v, expired session still stored=%v", statErr == nil, sessionErr == nil)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

type orphanJobArgs struct{}

func (orphanJobArgs) Kind() string { return "no_worker_for_this" }

func TestAdminRetriesAndDiscardsFailedJobs(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	stop, err := rig.Store.StartJobs(ctx, rig.App.Jobs())
	if err != nil {
		t.Fatal(err)
	}
	defer stop(ctx)
	err = rig.Store.WithTx(ctx, func(tx storage.Tx) error {
		return tx.Enqueue(ctx, orphanJobArgs{}, &river.InsertOpts{MaxAttempts: 1})
	})
	if err != nil {
		t.Fatal(err)
	}
	admin := rig.SignedIn("admin@example.org", staff.RoleAdmin)
	var page testrig.Response
	deadline := time.Now().Add(30 * time.Second)
	for {
		page = admin.Get("/en/staff/jobs")
		if strings.Contains(string(page.Body), "no_worker_for_this") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("failed job not listed: %d", page.Status)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if got := rig.SignedIn("mod@example.org", staff.RoleModerator).Get("/en/staff/jobs").Status; got != 403 {
		t.Errorf("moderator sees the jobs page: %d", got)
	}
	id := regexp.MustCompile(`/staff/jobs/(\d+)/discard`).FindSubmatch(page.Body)
	if id == nil {
		t.Fatal("no discard form")
	}
	res := admin.PostForm("/en/staff/jobs/"+string(id[1])+"/discard", url.Values{"csrf": {testrig.CSRF(t, page)}, "confirm": {"yes"}})
	if res.Status != 303 {
		t.Fatalf("discard: %d", res.Status)
	}
	if after := admin.Get("/en/staff/jobs"); strings.Contains(string(after.Body), "no_worker_for_this") {
		t.Error("discarded job still listed")
	}
	if res := admin.PostForm("/en/staff/jobs/"+string(id[1])+"/retry", url.Values{"csrf": {testrig.CSRF(t, page)}}); res.Status != 404 {
		t.Errorf("retrying a discarded job: %d", res.Status)
	}
}
