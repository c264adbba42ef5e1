package launch

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"syscall"
	"time"

	"github.com/wsgidock/wsgidock/translate/spec"
)

// crashLoopReport is after how many failures in a row a service's last
// output is shown.
const crashLoopReport = 3

// killWait bounds the wait for a run to end after SIGKILL.
const killWait = 10 * time.Second

// supervisor keeps one service running in the foreground: it starts it,
// starts it again with back-off when it exits, and stops it by its
// schedule. It is the one owner of the service's restarts.
type supervisor struct {
	svc      *spec.Service
	unit     unit
	clock    Clock
	policy   RestartPolicy
	schedule Schedule
	con      *console
	tail     *tail
	probe    probeFunc
	// readyTimeout is how long a run may take to become ready before a
	// warning.
	readyTimeout time.Duration
	// helpers lives until Up returns: engine helpers, post-start commands.
	helpers context.Context

	// adopted is a running container of an earlier wsgidock taken over
	// instead of started; adoptedAt is when it started, run its number.
	adopted   instance
	adoptedAt time.Time
	run       int

	// stop is closed to stop the service by its schedule, kill to kill it
	// at once; both are closed by Up, stop first.
	stop <-chan struct{}
	kill <-chan struct{}

	// onFirst is told the outcome of the first start: nil, or the error
	// that keeps the service from ever running. onFail is told when the
	// service has failed for good.
	onFirst func(*Error)
	onFail  func()
	// settled is closed when the service was ready for the first time or
	// has failed for good.
	settled     chan struct{}
	settledOnce sync.Once
	// failure is the error that ended the service, read after run returns.
	failure *Error
	// postStart runs the service's post-start command; nil when it has
	// none.
	postStart func(ctx context.Context)
}

// moveAside renames the service's running container out of its name's
// way (containerUnit.moveAside); false for processes.
func (s *supervisor) moveAside() bool {
	cu, ok := s.unit.(*containerUnit)
	return ok && cu.moveAside()
}

// moveBack gives the running container its name back after a
// replacement failed.
func (s *supervisor) moveBack() {
	if cu, ok := s.unit.(*containerUnit); ok {
		cu.moveBack()
	}
}

func (s *supervisor) settle() { s.settledOnce.Do(func() { close(s.settled) }) }

// permanent turns a start error into the error to report when it is one
// that trying again cannot fix, or returns nil.
func permanent(s *spec.Service, err error) *Error {
	var re *RunError
	if !errors.As(err, &re) || errors.Is(err, ErrUnreachable) || !isConfigExit(re.ExitCode) {
		return nil
	}
	return runError(s, re)
}

// runLoop supervises until stopped. It returns once the service's last
// run has ended and been removed.
func (s *supervisor) runLoop() {
	defer s.settle()
	if cu, ok := s.unit.(*containerUnit); ok {
		defer cu.discard()
	}
	b := newBackoff(s.policy)
	inst, startedAt := s.adopted, s.adoptedAt
	reported := false
	report := func(e *Error) {
		if !reported {
			reported = true
			if s.onFirst != nil {
				s.onFirst(e)
			}
		}
	}
	var last instance // the run that ended last, still to be removed
	// trace records the restart under way, when tracing.
	var trace *restartTrace
	for {
		if inst == nil {
			select {
			case <-s.stop:
				if last != nil {
					s.removeRun(last)
				}
				return
			default:
			}
			if last != nil {
				s.removeRun(last)
				last = nil
			}
			s.run++
			s.con.setState(s.svc.Name, "starting")
			i, err := s.unit.start(s.helpers, s.run)
			if err != nil {
				if e := permanent(s.svc, err); e != nil {
					s.fail(e)
					report(e)
					s.waitStop()
					s.cleanupFailed()
					return
				}
				report(nil)
				delay := b.next(0)
				s.con.printf(s.svc.Name, "could not start: %v; trying again in %s", err, delay)
				if s.givenUp(b) || !s.pause(delay) {
					s.waitStop()
					s.cleanupFailed()
					return
				}
				continue
			}
			inst, startedAt = i, s.clock.Now()
			s.con.setState(s.svc.Name, "started "+inst.ID())
		}
		report(nil)

		runDone := make(chan struct{})
		s.watchReady(inst, runDone, trace)
		trace = nil
		select {
		case <-inst.Done():
			close(runDone)
			// The back-off counts from the engine's die event, as the
			// engine's own restart policy counts it, when the engine says
			// when that was.
			seen := s.clock.Now()
			died, from := seen, "wsgidock saw the exit"
			if cr, ok := inst.(*containerRun); ok && !cr.diedAt.IsZero() && !cr.diedAt.After(seen) {
				died, from = cr.diedAt, "the engine's die event"
			}
			tr := newRestartTrace(died, from)
			tr.mark(traceSeen)
			ran := s.clock.Now().Sub(startedAt)
			code, err := inst.Exit()
			last, inst = inst, nil
			if err != nil {
				s.con.printf(s.svc.Name, "lost track of %s: %v", last.ID(), err)
			}
			if isConfigExit(code) {
				drain(last)
				e := exitError(s.svc, code, s.tail.last())
				s.fail(e)
				s.waitStop()
				s.removeRun(last)
				return
			}
			delay := b.next(ran)
			ended := last
			if b.failures == crashLoopReport || b.givenUp() {
				drain(ended)
			}
			s.con.printf(s.svc.Name, "%s exited with code %d after %s; starting it again in %s (restart %d)", ended.ID(), code, round(ran), delay, s.run)
			if b.failures == crashLoopReport {
				s.con.printf(s.svc.Name, "keeps failing: %d exits in a row within %s of starting; its last output:%s", b.failures, b.policy.Reset, indent(s.tail.last()))
			}
			if s.givenUp(b) {
				s.waitStop()
				s.removeRun(ended)
				return
			}
			// The next run is made ready while the back-off runs, when
			// the engine can; otherwise the ended run's output is read to
			// its end first, and the run removed before the next starts.
			if cu, ok := s.unit.(*containerUnit); ok && cu.prepare(ended, s.run+1, tr) {
				last = nil
			} else {
				drain(ended)
			}
			if !s.pause(delay - s.clock.Now().Sub(died)) {
				s.waitStop()
				if last != nil {
					s.removeRun(last)
				}
				return
			}
			tr.mark(traceBackoff)
			trace = tr
		case <-s.stop:
			close(runDone)
			if err := stopRun(s.helpers, s.clock, inst, s.schedule, s.kill, s.con, s.svc.Name); err != nil {
				s.failure = stopError(s.svc, err)
			}
			return
		}
	}
}

// givenUp records the crash-loop failure once the restart policy gives up.
func (s *supervisor) givenUp(b *backoff) bool {
	if !b.givenUp() {
		return false
	}
	s.fail(&Error{
		Code: CodeCrashLoop, Service: s.svc.Name, Pos: s.svc.Origin.Exec,
		Summary: fmt.Sprintf("gave up after %d failed starts in a row", b.failures),
		Detail:  "the service exits soon after it starts; its output says why",
		Log:     s.tail.last(),
	})
	return true
}

// fail records the error that ended the service and says so.
func (s *supervisor) fail(e *Error) {
	s.failure = e
	s.con.setState(s.svc.Name, "failed")
	s.con.printf(s.svc.Name, "failed: %s", e.Error())
	s.settle()
	if s.onFail != nil {
		s.onFail()
	}
}

// pause waits out a back-off delay; it reports false when the service is
// to stop instead.
func (s *supervisor) pause(d time.Duration) bool {
	t := s.clock.NewTimer(d)
	select {
	case <-t.C():
		return true
	case <-s.stop:
		t.Stop()
		return false
	}
}

// waitStop blocks a failed service's supervisor until Up stops everything,
// so that its last container stays for inspection until then.
func (s *supervisor) waitStop() { <-s.stop }

// cleanupFailed removes the container a refused run may have created.
func (s *supervisor) cleanupFailed() {
	if cu, ok := s.unit.(*containerUnit); ok {
		if err := cu.eng.Remove(s.helpers, s.svc.ContainerName); err != nil {
			s.con.printf(s.svc.Name, "cannot remove container %s: %v", s.svc.ContainerName, err)
		}
	}
}

func (s *supervisor) removeRun(r instance) {
	if err := r.Remove(s.helpers); err != nil {
		s.con.printf(s.svc.Name, "cannot remove %s: %v", r.ID(), err)
	}
}

// watchReady probes the service's readiness URL while the run lasts, says
// when it answers, and then runs the post-start command.
func (s *supervisor) watchReady(inst instance, runDone <-chan struct{}, tr *restartTrace) {
	url := ""
	if s.svc.Ready != nil {
		url = s.svc.Ready.URL
	}
	// From now, not from the run's start: an adopted run started long ago.
	began := s.clock.Now()
	ready := func() {
		if cr, ok := inst.(*containerRun); ok {
			cr.markReady()
		}
		if tr != nil {
			tr.mark(traceReady)
			s.con.printf(s.svc.Name, "%s", tr)
		}
		s.con.setState(s.svc.Name, readyText(url, s.clock.Now().Sub(began)))
		s.settle()
		if s.postStart != nil {
			go s.postStart(s.helpers)
		}
	}
	if url == "" {
		ready()
		return
	}
	s.con.setState(s.svc.Name, inst.ID()+" started; waiting for "+url)
	go func() {
		warn := s.clock.NewTimer(s.readyTimeout)
		defer warn.Stop()
		answered := make(chan bool, 1)
		go func() { answered <- waitReady(s.helpers, s.clock, s.probe, url, runDone) }()
		for {
			select {
			case ok := <-answered:
				if ok {
					ready()
				}
				return
			case <-warn.C():
				s.con.printf(s.svc.Name, "%s does not answer %s after starting; still waiting. Its last output:%s", url, s.readyTimeout, indent(s.tail.last()))
			}
		}
	}()
}

// stopRun stops one run by the schedule: each signal in turn, at its time
// since the first, through the engine for containers and to the process
// group for processes, until the run ends; closing kill sends SIGKILL at
// once. It removes the run once it has ended.
func stopRun(ctx context.Context, clock Clock, inst instance, sched Schedule, kill <-chan struct{}, con *console, name string) error {
	started := clock.Now()
	send := func(sig syscall.Signal) {
		if err := inst.Signal(ctx, sig); err != nil && con != nil {
			con.printf(name, "cannot send %s to %s: %v", SignalName(sig), inst.ID(), err)
		}
	}
	ended := false
	at := started // when the current step is due
steps:
	for i, st := range sched {
		if i > 0 {
			at = at.Add(st.After)
			t := clock.NewTimer(at.Sub(clock.Now()))
			select {
			case <-inst.Done():
				t.Stop()
				ended = true
				break steps
			case <-kill:
				t.Stop()
				send(syscall.SIGKILL)
				kill = nil
				break steps
			case <-t.C():
			}
		}
		select {
		case <-inst.Done():
			ended = true
			break steps
		case <-kill:
			send(syscall.SIGKILL)
			kill = nil
			break steps
		default:
		}
		if con != nil {
			if i == 0 {
				con.printf(name, "stopping %s: %s", inst.ID(), SignalName(st.Signal))
			} else {
				con.printf(name, "%s still running after %s: %s", inst.ID(), at.Sub(started), SignalName(st.Signal))
			}
		}
		send(st.Signal)
	}
	var err error
	if !ended {
		err = awaitEnd(clock, inst, kill, send)
	}
	if err == nil && con != nil {
		code, _ := inst.Exit()
		con.printf(name, "%s stopped (exit code %d) after %s", inst.ID(), code, round(clock.Now().Sub(started)))
	}
	if rerr := inst.Remove(ctx); rerr != nil && err == nil {
		err = rerr
	}
	return err
}

// awaitEnd waits, bounded, for a run the schedule has signalled to end.
func awaitEnd(clock Clock, inst instance, kill <-chan struct{}, send func(syscall.Signal)) error {
	t := clock.NewTimer(killWait)
	defer t.Stop()
	for {
		select {
		case <-inst.Done():
			return nil
		case <-kill:
			send(syscall.SIGKILL)
			kill = nil
		case <-t.C():
			return fmt.Errorf("%s has not ended %s after its last stop signal", inst.ID(), killWait)
		}
	}
}

// indent renders log lines under a message.
func indent(lines []string) string {
	if len(lines) == 0 {
		return " (none)"
	}
	s := ""
	for _, l := range lines {
		s += "\n    | " + l
	}
	return s
}

// runError explains a start the engine or the system refused.
func runError(s *spec.Service, re *RunError) *Error {
	e := &Error{Service: s.Name, Pos: s.Origin.Exec, Err: re}
	switch re.ExitCode {
	case 125:
		e.Code = CodeRunRefused
		e.Summary = fmt.Sprintf("the engine refused to run the container (exit 125): %s", re.Message)
		e.Detail = "fix the run arguments on this line of the launcher script; wsgidock does not retry a refused run"
		if isPortTaken(re.Message) {
			portError(e, s, re.Message)
		}
	default:
		e.Code = CodeNotRunnable
		what := "cannot be invoked"
		if re.ExitCode == 127 {
			what = "was not found"
		}
		e.Summary = fmt.Sprintf("the command %s (exit %d): %s", what, re.ExitCode, re.Message)
		e.Detail = "fix the program, entrypoint or command the launcher script gives; wsgidock does not retry it"
	}
	return e
}

// exitError explains a run that ended with 125, 126 or 127 itself.
func exitError(s *spec.Service, code int, log []string) *Error {
	what := map[int]string{
		125: "the command inside failed to run (exit 125)",
		126: "the command inside cannot be invoked (exit 126)",
		127: "the command inside was not found (exit 127)",
	}[code]
	return &Error{
		Code: CodeNotRunnable, Service: s.Name, Pos: s.Origin.Exec,
		Summary: what,
		Detail:  "fix the program, entrypoint or command the launcher script gives; wsgidock does not retry these exit codes",
		Log:     log,
	}
}

func stopError(s *spec.Service, err error) *Error {
	return &Error{
		Code: CodeStop, Service: s.Name, Pos: s.Origin.Exec,
		Summary: "could not stop and remove it: " + err.Error(),
		Detail:  "check the engine, then run `wsgidock down`",
		Err:     err,
	}
}

// drain waits, bounded, until the output of a container run that ended
// has been copied to its end.
func drain(r instance) {
	if cr, ok := r.(*containerRun); ok {
		<-cr.drained
	}
}
