package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// memWatch samples a process's resident memory (VmRSS) every 100 ms and
// keeps the kernel's high-water mark (VmHWM).
type memWatch struct {
	pid  int
	done chan struct{}
	once sync.Once
	mu   sync.Mutex
	peak int64
}

func newMemWatch(pid int) *memWatch {
	m := &memWatch{pid: pid, done: make(chan struct{})}
	if pid <= 0 {
		return m
	}
	go func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-m.done:
				return
			case <-t.C:
				m.sample()
			}
		}
	}()
	return m
}

// sample returns the current VmRSS in kB (0 when unknown).
func (m *memWatch) sample() int64 {
	if m.pid <= 0 {
		return 0
	}
	rss, hwm := procStatus(m.pid)
	m.mu.Lock()
	m.peak = max(m.peak, rss, hwm)
	m.mu.Unlock()
	return rss
}

func (m *memWatch) peakKB() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.peak
}

func (m *memWatch) stop() { m.once.Do(func() { close(m.done) }) }

// procStatus reads VmRSS and VmHWM (kB) from /proc/PID/status.
func procStatus(pid int) (rss, hwm int64) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		fields := strings.Fields(v)
		if len(fields) == 0 {
			continue
		}
		n, _ := strconv.ParseInt(fields[0], 10, 64)
		switch k {
		case "VmRSS":
			rss = n
		case "VmHWM":
			hwm = n
		}
	}
	return rss, hwm
}
