package launch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// ErrInterrupted is returned by a detached Up stopped by a signal or its
// context before it finished; the containers it started keep running.
var ErrInterrupted = errors.New("interrupted")

// Up runs the spec's services.
//
// In the foreground (the default) wsgidock is the one owner of restarts:
// every container runs with the engine's restart policy "no", named
// (spec.Service.ContainerName) and labelled (spec.Spec.OwnLabels,
// LabelRunHash, LabelRun), its output copied to Options.Stdout behind a
// "service | " prefix. When it exits it is replaced by a fresh container
// from the same argv after a back-off (Options.Restart); exit codes 125,
// 126 and 127 are configuration errors, reported and not retried. Process
// services (spec.KindProcess) are children in their own process group,
// under the same rules. SIGINT, SIGTERM and the other stopping signals
// of Signals (or ctx ending) stop every service by its Schedule, through
// the engine by container name; a second one kills at once. The other
// signals of Signals are ignored, so that nothing but SIGKILL ends Up with
// containers left running. Up returns once every
// container it started is gone: nil after a requested stop, the failures
// (Errors) when services failed for good.
//
// With Options.Detach or Options.Wait the engine owns restarts
// (--restart unless-stopped): Up starts the containers, waits for them to
// be ready, prints a status table (WriteStatus) and returns.
//
// Before starting anything Up checks everything that would make a start
// fail (engine, images, names, ports, programs) and returns all problems
// found as Errors, each naming the configuration line to fix. Containers of
// an earlier run of the project are stopped and removed first, except a
// running one created with the very same run command (same configuration
// hash, same mode), which is adopted: followed in the foreground, left
// alone with --detach. Only one wsgidock at a time runs a project on a
// machine (a lock in Options.LockDir).
func Up(ctx context.Context, sp *spec.Spec, o Options) error {
	o = o.withDefaults()
	if errs := validate(sp, o); len(errs) > 0 {
		return errs
	}
	con := newConsole(o.Stdout, o.Stderr, o.Color, serviceNames(sp))
	st := newStopper(ctx, o, con)
	defer st.close()

	lock, holder, err := lockProject(o.LockDir, sp.Project)
	if err != nil {
		return busyError(sp, holder, err)
	}
	defer lock.release()

	p, errs := preflight(st.prepare, sp, o, con)
	if st.requested() {
		if o.Detach {
			return ErrInterrupted
		}
		return nil
	}
	if len(errs) > 0 {
		return errs
	}
	// Helpers (log followers, waits, stop signals) must outlive a
	// cancelled ctx: stopping needs them.
	helpers, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	if o.Detach {
		return upDetached(helpers, sp, o, p, con, st)
	}
	return upForeground(helpers, sp, o, p, con, st)
}

func busyError(sp *spec.Spec, holder int, err error) error {
	if !errors.Is(err, errLocked) {
		return &Error{Code: CodeBusy, Pos: apacheconf.Position{Filename: sp.ConfigFile}, Err: err,
			Summary: "cannot take the project lock: " + err.Error(), Detail: "check that the lock directory is writable"}
	}
	who := "another wsgidock"
	if holder > 0 {
		who = fmt.Sprintf("wsgidock (pid %d)", holder)
	}
	return &Error{Code: CodeBusy, Pos: apacheconf.Position{Filename: sp.ConfigFile}, Err: err,
		Summary: fmt.Sprintf("project %q is already run by %s", sp.Project, who),
		Detail:  "see it with `wsgidock ps`, stop it with `wsgidock down` (or Ctrl-C where it runs), then try again"}
}

func serviceNames(sp *spec.Spec) []string {
	names := make([]string, len(sp.Services))
	for i, s := range sp.Services {
		names[i] = s.Name
	}
	return names
}

// stopper turns signals and ctx into the two stop requests: stop by the
// schedules (first signal, ctx ending) and kill at once (second signal).
type stopper struct {
	stopCh   chan struct{}
	killCh   chan struct{}
	stopOnce sync.Once
	killOnce sync.Once
	// prepare ends with the first request, to interrupt the checks;
	// killed with the second.
	prepare    context.Context
	cancel     context.CancelFunc
	killed     context.Context
	cancelKill context.CancelFunc
	quit       chan struct{}
	release    func()
}

func newStopper(ctx context.Context, o Options, con *console) *stopper {
	st := &stopper{stopCh: make(chan struct{}), killCh: make(chan struct{}), quit: make(chan struct{}), release: func() {}}
	st.prepare, st.cancel = context.WithCancel(ctx)
	st.killed, st.cancelKill = context.WithCancel(context.WithoutCancel(ctx))
	sigs := o.Signals
	if sigs == nil {
		ch := make(chan os.Signal, 4)
		st.release = notifySignals(ch)
		sigs = ch
	}
	go func() {
		done := ctx.Done()
		for {
			select {
			case <-st.quit:
				return
			case <-done:
				done = nil
				st.stop()
			case sig := <-sigs:
				switch actionOf(sig) {
				case sigSilent:
				case sigIgnore:
					con.printf("", "%s ignored: the services go on (SIGINT or SIGTERM stops them)", signalLabel(sig))
				default:
					select {
					case <-st.stopCh:
						con.printf("", "%s again: killing at once", signalLabel(sig))
						st.kill()
					default:
						con.printf("", "%s: stopping; send it again to kill at once", signalLabel(sig))
						st.stop()
					}
				}
			}
		}
	}()
	return st
}

func (st *stopper) stop() {
	st.stopOnce.Do(func() {
		close(st.stopCh)
		st.cancel()
	})
}

func (st *stopper) kill() {
	st.stop()
	st.killOnce.Do(func() {
		close(st.killCh)
		st.cancelKill()
	})
}

func (st *stopper) requested() bool {
	select {
	case <-st.stopCh:
		return true
	default:
		return false
	}
}

func (st *stopper) close() {
	close(st.quit)
	st.release()
	st.cancel()
	st.cancelKill()
}

// upForeground supervises every service until a stop is requested or
// every service has failed for good.
func upForeground(helpers context.Context, sp *spec.Spec, o Options, p *plan, con *console, st *stopper) error {
	con.startLive(serviceNames(sp))
	defer con.stopLive()
	if errs := removeLeftovers(helpers, p, o, con, st.killCh); len(errs) > 0 {
		return errs
	}
	if st.requested() {
		return nil
	}
	var (
		mu     sync.Mutex
		failed int
		sups   []*supervisor
		wg     sync.WaitGroup
	)
	for _, ps := range p.services {
		s := newSupervisor(helpers, sp, o, ps, con, st)
		s.onFirst = func(e *Error) {
			if e != nil {
				// A service that can never start aborts the start-up: the
				// configuration needs fixing first.
				st.stop()
			}
		}
		s.onFail = func() {
			mu.Lock()
			defer mu.Unlock()
			if failed++; failed == len(p.services) {
				con.printf("", "every service has failed; stopping")
				st.stop()
			}
		}
		sups = append(sups, s)
	}
	for _, s := range sups {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.runLoop()
		}()
	}
	go endLiveView(sups, o.Timeout, con, st)
	wg.Wait()

	var errs Errors
	stopped := true
	for _, s := range sups {
		if s.failure != nil {
			errs = append(errs, s.failure)
			stopped = stopped && s.failure.Code != CodeStop
		}
	}
	if stopped {
		con.printf("", "every service is stopped and its container removed")
	}
	return errs.err()
}

// endLiveView takes the progress view down once every service is ready or
// failed, or after timeout.
func endLiveView(sups []*supervisor, timeout time.Duration, con *console, st *stopper) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	for _, s := range sups {
		select {
		case <-s.settled:
		case <-st.stopCh:
		case <-t.C:
		}
	}
	con.stopLive()
}

func newSupervisor(helpers context.Context, sp *spec.Spec, o Options, ps *planned, con *console, st *stopper) *supervisor {
	t := &tail{}
	s := &supervisor{
		svc: ps.svc, clock: o.Clock, policy: o.Restart, schedule: ps.schedule, con: con, tail: t,
		probe: o.probe, readyTimeout: o.Timeout, helpers: helpers,
		stop: st.stopCh, kill: st.killCh, settled: make(chan struct{}),
	}
	if ps.eng != nil {
		s.unit = &containerUnit{eng: ps.eng, sp: sp, svc: ps.svc, con: con, tail: t, abort: st.killed}
	} else {
		s.unit = &processUnit{svc: ps.svc, con: con, tail: t}
	}
	if c := ps.adopt; c != nil {
		con.printf(ps.svc.Name, "adopting running container %s (%s), started %s ago with the same run command",
			c.Name, shortID(c.ID), round(o.Clock.Now().Sub(c.StartedAt)))
		s.adopted = followContainer(helpers, ps.eng, c.ID, LogOptions{Follow: true, Tail: 0}, con, ps.svc.Name, t)
		s.adoptedAt = c.StartedAt
		if n, err := strconv.Atoi(c.Labels[LabelRun]); err == nil && n > 0 {
			s.run = n
		} else {
			s.run = 1
		}
	}
	if len(ps.svc.PostStart) > 0 {
		s.postStart = func(ctx context.Context) { runPostStart(ctx, ps.svc, con, t) }
	}
	return s
}

// runPostStart runs the service's post-start command on the host, its
// output among the service's; a failure is reported, the service goes on.
func runPostStart(ctx context.Context, s *spec.Service, con *console, t *tail) {
	cmd := command(ctx, s.PostStart[0], s.PostStart[1:]...)
	stdout, stderr := con.stream(s.Name, t), con.stream(s.Name, t)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	con.printf(s.Name, "running its post-start command %q", s.PostStart)
	err := cmd.Run()
	stdout.Close()
	stderr.Close()
	switch {
	case ctx.Err() != nil:
	case err != nil:
		con.printf(s.Name, "post-start command failed: %v", err)
	default:
		con.printf(s.Name, "post-start command done")
	}
}

// removeLeftovers stops and removes, all at once, the containers of earlier
// runs that are not adopted.
func removeLeftovers(ctx context.Context, p *plan, o Options, con *console, kill <-chan struct{}) Errors {
	todo := append([]leftover(nil), p.leftovers...)
	for _, ps := range p.services {
		for _, c := range ps.replace {
			why := "left by an earlier run"
			if c.Labels[LabelRunHash] != "" && c.Running {
				why = "started with another configuration or mode"
			}
			todo = append(todo, leftover{eng: ps.eng, c: c, schedule: ps.schedule, why: why})
		}
	}
	var (
		mu   sync.Mutex
		errs Errors
		wg   sync.WaitGroup
	)
	for _, l := range todo {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := removeContainer(ctx, o.Clock, l, con, kill); err != nil {
				mu.Lock()
				errs = append(errs, &Error{Code: CodeStop, Service: l.c.Labels[spec.LabelService], Err: err,
					Summary: fmt.Sprintf("cannot remove container %s of an earlier run: %v", l.c.Name, err),
					Detail:  fmt.Sprintf("remove it by hand (`%s rm -f %s`) and try again", l.eng.Program(), l.c.Name)})
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return errs
}

// removeContainer stops a container by its schedule, when it runs, and
// removes it. An engine-owned container loses its restart policy first,
// so that the engine does not start it again behind wsgidock's back.
func removeContainer(ctx context.Context, clock Clock, l leftover, con *console, kill <-chan struct{}) error {
	name := l.c.Labels[spec.LabelService]
	if name == "" {
		name = l.c.Name
	}
	con.printf(name, "removing container %s (%s, %s): %s", l.c.Name, shortID(l.c.ID), l.c.State, l.why)
	if l.c.RestartPolicy != "" && l.c.RestartPolicy != restartForeground {
		_ = l.eng.NoRestart(ctx, l.c.ID)
	}
	if !l.c.Running && l.c.State != "restarting" {
		return l.eng.Remove(ctx, l.c.ID)
	}
	inst := followContainer(ctx, l.eng, l.c.ID, LogOptions{}, nil, name, nil)
	return stopRun(ctx, clock, inst, l.schedule, kill, con, name)
}
