package deploy

import (
	"sync"
	"time"
)

// Phase names a stage of the work, for progress reports.
type Phase string

// Phases, in the order an upload runs them.
const (
	PhaseBackup   Phase = "backup"
	PhaseRemove   Phase = "remove"
	PhaseFolders  Phase = "folders"
	PhaseUpload   Phase = "upload"
	PhaseVerify   Phase = "verify"
	PhaseRollback Phase = "rollback"
)

// Progress is one report. It knows nothing about how it is shown.
type Progress struct {
	Phase      Phase
	FilesDone  int
	FilesTotal int
	BytesDone  int64
	BytesTotal int64
	// Current is the store path finished last.
	Current string
	// Rate is bytes per second since the phase began; ETA the time left
	// at that rate (0 when unknown).
	Rate float64
	ETA  time.Duration
}

// tracker counts one phase and calls the callback, one call at a time.
type tracker struct {
	fn    func(Progress)
	mu    sync.Mutex
	p     Progress
	start time.Time
}

func newTracker(fn func(Progress), phase Phase, files int, bytes int64) *tracker {
	t := &tracker{fn: fn, p: Progress{Phase: phase, FilesTotal: files, BytesTotal: bytes}, start: time.Now()}
	t.emit()
	return t
}

func (t *tracker) done(rel string, bytes int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.p.FilesDone++
	t.p.BytesDone += bytes
	t.p.Current = rel
	if el := time.Since(t.start).Seconds(); el > 0 {
		t.p.Rate = float64(t.p.BytesDone) / el
		if t.p.Rate > 0 {
			t.p.ETA = time.Duration(float64(t.p.BytesTotal-t.p.BytesDone) / t.p.Rate * float64(time.Second))
		}
	}
	if t.fn != nil {
		t.fn(t.p)
	}
}

func (t *tracker) emit() {
	if t.fn == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.fn(t.p)
}
