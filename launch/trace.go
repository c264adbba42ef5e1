package launch

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
)

// EnvTrace names the environment variable that, set to 1, makes the
// foreground supervisor say how each restart went: one line a restart,
// every step's time since the engine's die event for the container that
// ended (or since wsgidock saw the exit, with an engine that does not say
// when it was); and `up --detach` say how each service's start went, in
// ms since up began.
const EnvTrace = "WSGIDOCK_TRACE"

// Steps of the path back to serving, in the order they happen.
const (
	traceSeen    = "seen"          // the supervisor learnt of the exit
	traceChecked = "checked"       // up's checks are done, leftovers removed
	traceCreated = "created"       // the container exists
	traceAside   = "ended-renamed" // the ended run no longer holds the name
	traceNext    = "next-ready"    // the next run's container exists
	traceBackoff = "back-off-over" // the back-off ran out
	traceRetried = "start-retried" // the start, refused while the ended run held its port, asked again
	traceStarted = "started"       // the engine has started the next run
	traceNamed   = "named"         // the next run has the service's name
	traceReady   = "ready"         // the readiness URL answers
)

// restartTrace records the steps of one restart; a nil one records
// nothing.
type restartTrace struct {
	from  string
	t0    time.Time
	mu    sync.Mutex
	steps []string
}

// newRestartTrace returns a trace whose times count from t0, or nil when
// tracing is off.
func newRestartTrace(t0 time.Time, from string) *restartTrace {
	if os.Getenv(EnvTrace) != "1" {
		return nil
	}
	return &restartTrace{t0: t0, from: from}
}

// mark records that step happened now.
func (t *restartTrace) mark(step string) {
	if t == nil {
		return
	}
	d := time.Since(t.t0)
	t.mu.Lock()
	t.steps = append(t.steps, fmt.Sprintf("%s=%.1fms", step, float64(d.Microseconds())/1000))
	t.mu.Unlock()
}

// String lists the steps recorded so far.
func (t *restartTrace) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return "trace (ms since " + t.from + "): " + strings.Join(t.steps, " ")
}
