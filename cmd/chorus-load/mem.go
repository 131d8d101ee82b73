package main

import (
	"sync"
	"time"

	"chorus/internal/loadtest"
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
	rss, hwm, _ := loadtest.ProcessMemory(m.pid)
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
