package federation

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"chorus/internal/media"
	"chorus/internal/storage"
	"chorus/internal/testrig"
	"chorus/internal/transfer"
)

// TestActorKeyTravelsWithTheSite: the actor's key pair is exported and
// imported with the site's data, so the account keeps its key when the
// site moves, and is stored sealed, never in the clear.
func TestActorKeyTravelsWithTheSite(t *testing.T) {
	s := newSite(t)
	key := s.mustKey(t)
	ctx := context.Background()
	if found := s.LeftInDatabase("PRIVATE KEY"); len(found) > 0 {
		t.Errorf("the private key is stored in the clear: %v", found)
	}
	blobs, err := media.NewDiskStore(s.MediaDir)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "export")
	if _, err := transfer.Export(ctx, s.Store.(storage.Dumper), blobs, dir, transfer.Options{}); err != nil {
		t.Fatal(err)
	}

	// The new site has the same secret key, as a moved site does.
	newDir := t.TempDir()
	secret, err := os.ReadFile(filepath.Join(s.DataDir, "secret.key"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(newDir, "secret.key"), secret, 0o600); err != nil {
		t.Fatal(err)
	}
	moved := testrig.NewIn(t, newDir)
	movedBlobs, err := media.NewDiskStore(moved.MediaDir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := transfer.Import(ctx, moved.Store.(storage.Loader), movedBlobs, dir, transfer.Options{}); err != nil {
		t.Fatal(err)
	}
	f, err := newFederation(moved.App, moved.URL, moved.Site.Catalog())
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.actorKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Equal(key) {
		t.Error("the imported site made a new key")
	}
}
