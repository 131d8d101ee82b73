package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"chorus/internal/loadtest"
	"chorus/internal/media/mediatest"
)

// TestPhotoMemoryUnderAttack sends the real server one address's burst of
// hostile progressive JPEGs at once: small files whose pixels and
// coefficients take hundreds of megabytes to decode. The server's peak
// resident memory must stay within a bounded multiple of its idle memory
// (the image memory budget holds the work back), what can never fit is
// refused with 413, and the memory goes back to the system afterwards.
func TestPhotoMemoryUnderAttack(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and decodes gigabytes of pixels")
	}
	if runtime.GOOS != "linux" {
		t.Skip("reads resident memory from /proc")
	}
	site := newTestSite(t)
	base := site.base
	stdout := startServerWithArgs(t, site.bin, site.env, "serve", "--submissions-per-hour", "1000")
	waitForLine(t, stdout, "Admin sign-in link")
	waitHealthy(t, base)
	pid := server.Process.Pid

	type upload struct {
		name       string
		photo      []byte
		wantStatus []int
	}
	fits := mediatest.ProgressiveJPEG(5000, 4000, 10)      // 20 MP, 4:4:4, 10 scans
	neverFits := mediatest.ProgressiveJPEG(7300, 5400, 10) // 39 MP, 4:4:4: more than the whole budget
	manyScans := mediatest.ProgressiveJPEG(5000, 4000, 97) // beyond the scan cap
	var uploads []upload
	for i := range 16 {
		switch {
		case i%8 == 3:
			uploads = append(uploads, upload{"39 MP progressive 4:4:4", neverFits, []int{http.StatusRequestEntityTooLarge}})
		case i%8 == 6:
			uploads = append(uploads, upload{"97 scans", manyScans, []int{http.StatusUnprocessableEntity}})
		default:
			// Waiting for the budget is bounded: a busy answer is allowed.
			uploads = append(uploads, upload{"20 MP progressive 4:4:4", fits, []int{http.StatusOK, http.StatusServiceUnavailable}})
		}
	}
	receipts := make([]struct{ ID, Token string }, len(uploads))
	for i := range receipts {
		body := fmt.Sprintf(`{"title":"Memory test %d","body":"We arrived in spring number %d and the neighbours helped us settle.","language":"en","country":"CA","identity":"migrant","anonymous":true,"consent":{"publish":true}}`, i, i)
		res, err := http.Post(base+"/api/v1/stories", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		json.NewDecoder(res.Body).Decode(&receipts[i])
		res.Body.Close()
		if res.StatusCode != http.StatusAccepted {
			t.Fatalf("submit %d: %d", i, res.StatusCode)
		}
	}

	time.Sleep(time.Second)
	idle, _ := childRSS(t, pid)

	var peak atomic.Int64
	stopSampling := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			select {
			case <-stopSampling:
				return
			case <-time.After(10 * time.Millisecond):
			}
			if rss, _, err := loadtest.ProcessMemory(pid); err == nil && rss > peak.Load() {
				peak.Store(rss)
			}
		}
	}()
	start := time.Now()
	statuses := make([]int, len(uploads))
	var wg sync.WaitGroup
	for i, u := range uploads {
		wg.Go(func() {
			status, err := uploadPhoto(http.DefaultClient, base, receipts[i].ID, receipts[i].Token, u.photo)
			if err != nil {
				t.Errorf("upload %d: %v", i, err)
			}
			statuses[i] = status
		})
	}
	wg.Wait()
	burst := time.Since(start)
	close(stopSampling)
	<-sampled
	_, hwm := childRSS(t, pid)
	peakRSS := max(peak.Load(), hwm)

	// Memory must go back to the system once the burst is over.
	after := int64(0)
	deadline := time.Now().Add(20 * time.Second)
	for {
		after, _ = childRSS(t, pid)
		if after <= 3*idle || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("idle %d MB, peak %d MB (%.1f× idle), %d MB after the burst (%.1f× idle); burst of %d uploads took %v; statuses %v",
		idle>>10, peakRSS>>10, float64(peakRSS)/float64(idle), after>>10, float64(after)/float64(idle), len(uploads), burst.Round(time.Millisecond), statuses)

	for i, u := range uploads {
		ok := false
		for _, s := range u.wantStatus {
			ok = ok || statuses[i] == s
		}
		if !ok {
			t.Errorf("upload %d (%s): status %d, want one of %v", i, u.name, statuses[i], u.wantStatus)
		}
	}
	if ratio := float64(peakRSS) / float64(idle); ratio > photoPeakRatio {
		t.Errorf("peak RSS is %.1f× idle, want at most %.0f×", ratio, photoPeakRatio)
	}
	if after > 3*idle {
		t.Errorf("RSS still %.1f× idle 20 s after the burst, want at most 3×", float64(after)/float64(idle))
	}
}

// photoPeakRatio bounds peak over idle resident memory during the burst:
// the default budget of 512 MiB, with the garbage collector's headroom,
// over an idle server of about 60 MB. Without the budget the burst reached
// 29 times idle on two CPUs, and more with more CPUs.
const photoPeakRatio = 16.0
