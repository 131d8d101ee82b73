package loadtest

import (
	"os"
	"runtime"
	"testing"
)

func TestProcessMemoryReadsThisProcess(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	held := make([]byte, 64<<20)
	for i := range held {
		held[i] = 1
	}
	rss, hwm, err := ProcessMemory(os.Getpid())
	runtime.KeepAlive(held)
	if err != nil {
		t.Fatal(err)
	}
	if rss < 64<<10 || hwm < rss {
		t.Errorf("RSS %d kB, peak %d kB: want RSS at least the 64 MiB held, peak at least RSS", rss, hwm)
	}
}

func TestProcessMemoryOfNoProcess(t *testing.T) {
	if _, _, err := ProcessMemory(-1); err == nil {
		t.Error("no error for a process that does not exist")
	}
}
