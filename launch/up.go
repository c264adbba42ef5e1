package launch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
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
	began := time.Now()
	con := newConsole(o.Stdout, o.Stderr, o.Color, serviceNames(sp))
	st := newStopper(ctx, o, con)
	defer st.close()

	lock, holder, err := lockProject(o.LockDir, sp.Project)
	if err != nil {
		return busyError(sp, holder, err)
	}
	defer lock.release()

	p, errs := preflight(st.prepare, sp, o, con)
	p.began = began
	defer func() {
		for _, e := range p.engines {
			closeEngine(e)
		}
	}()
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
	// reloadCh holds a pending reload request.
	reloadCh chan struct{}
}

func newStopper(ctx context.Context, o Options, con *console) *stopper {
	st := &stopper{stopCh: make(chan struct{}), killCh: make(chan struct{}), quit: make(chan struct{}), release: func() {}, reloadCh: make(chan struct{}, 1)}
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
				case sigReload:
					select {
					case st.reloadCh <- struct{}{}:
					default: // one is pending already
					}
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
// every service has failed for good, reloading on request.
func upForeground(helpers context.Context, sp *spec.Spec, o Options, p *plan, con *console, st *stopper) error {
	con.startLive(serviceNames(sp))
	defer con.stopLive()
	if errs := removeLeftovers(helpers, p, o, con, st.killCh); len(errs) > 0 {
		return errs
	}
	if st.requested() {
		return nil
	}
	f := &fleet{helpers: helpers, o: o, con: con, st: st, sp: sp, engines: p.engines, members: map[string]*member{}}
	var sups []*supervisor
	f.mu.Lock()
	for _, ps := range p.services {
		m := f.add(sp, ps, true)
		sups = append(sups, m.s)
	}
	f.mu.Unlock()
	go endLiveView(sups, o.Timeout, con, st)
	// The reloader counts among the fleet: while a reload replaces the
	// last service, the fleet is not done.
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		f.reloads()
	}()
	f.wg.Wait()

	var errs Errors
	stopped := true
	for _, s := range f.all {
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

// fleet is the set of supervisors of a foreground Up, which a reload
// changes.
type fleet struct {
	helpers context.Context
	o       Options
	con     *console
	st      *stopper
	engines map[string]Engine

	mu      sync.Mutex
	sp      *spec.Spec
	members map[string]*member // the supervisors running, by service
	all     []*supervisor      // every supervisor started, for the errors
	wg      sync.WaitGroup
}

// member is one supervisor of the fleet, which a reload can stop alone.
type member struct {
	s    *supervisor
	quit chan struct{} // closed to stop this service alone
	done chan struct{} // closed once its supervisor has returned
	// failed is set once the service has failed for good.
	failed bool
}

// add starts a supervisor for ps; f.mu is held. At the first start, a
// service that can never start stops everything: the configuration needs
// fixing first.
func (f *fleet) add(sp *spec.Spec, ps *planned, first bool) *member {
	m := &member{quit: make(chan struct{}), done: make(chan struct{})}
	stop := make(chan struct{})
	go func() {
		select {
		case <-f.st.stopCh:
		case <-m.quit:
		}
		close(stop)
	}()
	s := newSupervisor(f.helpers, sp, f.o, ps, f.con, f.st)
	s.stop = stop
	if cu, ok := s.unit.(*containerUnit); ok {
		cu.stopping = stop
	}
	if first {
		s.onFirst = func(e *Error) {
			if e != nil {
				f.st.stop()
			}
		}
	}
	s.onFail = func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		m.failed = true
		for _, o := range f.members {
			if !o.failed {
				return
			}
		}
		f.con.printf("", "every service has failed; stopping")
		f.st.stop()
	}
	m.s = s
	f.members[ps.svc.Name] = m
	f.all = append(f.all, s)
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		defer close(m.done)
		s.runLoop()
	}()
	return m
}

// reloads applies the reloads asked for until everything stops.
func (f *fleet) reloads() {
	for {
		select {
		case <-f.st.stopCh:
			return
		case <-f.st.reloadCh:
			f.reload()
		case <-f.o.ReloadOn:
			f.reload()
		}
	}
}

// reload reads the configuration again and applies the difference, or
// rejects it whole when it does not read or plan.
func (f *fleet) reload() {
	con := f.con
	if f.o.Reload == nil {
		con.printf("", "reload asked, but this up was given no configuration to read again; the services go on")
		return
	}
	con.printf("", "reloading the configuration")
	sp, err := f.o.Reload()
	if err == nil && sp.Project != f.sp.Project {
		err = fmt.Errorf("the project is %q now, was %q: run `wsgidock down` and `up` instead", sp.Project, f.sp.Project)
	}
	if err == nil {
		if errs := validate(sp, f.o); len(errs) > 0 {
			err = errs
		}
	}
	if err != nil {
		con.printf("", "reload rejected, nothing changed: %v", err)
		return
	}
	steps := planReload(f.sp, sp)
	// Everything a start needs is checked before anything changes.
	var errs Errors
	toStart := map[string]*planned{}
	for _, step := range steps {
		if step.New == nil || step.Action == Kept {
			continue
		}
		sched, _ := scheduleFor(step.New, f.o.StopSchedule)
		ps := &planned{svc: step.New, schedule: sched}
		toStart[step.Service] = ps
		if step.New.Kind != spec.KindContainer {
			errs = append(errs, checkProgram(step.New)...)
			continue
		}
		prog := f.o.engineProgram(step.New)
		eng, ok := f.engines[prog]
		if !ok {
			eng = f.o.newEngine(prog)
			if err := eng.Ping(f.helpers); err != nil {
				errs = append(errs, unusableEngine(step.New, eng, err))
				continue
			}
			f.engines[prog] = eng
		}
		ps.eng = eng
		if err := ensureImage(f.helpers, eng, step.New, con); err != nil {
			errs = append(errs, imageError(step.New, err))
		}
	}
	// The host ports the new runs publish must be free, but for those the
	// runs they replace hold.
	ports := &plan{}
	for _, step := range steps {
		if ps := toStart[step.Service]; ps != nil {
			if step.Old != nil {
				ps.replace = []Container{{Ports: publishedPorts(step.Old)}}
			}
			ports.services = append(ports.services, ps)
		}
	}
	errs = append(errs, ports.checkPorts()...)
	if len(errs) > 0 {
		for _, e := range errs {
			con.printf(e.Service, "reload rejected, nothing changed: %s", e.Error())
		}
		return
	}
	con.addNames(serviceNames(sp))
	for _, step := range steps {
		f.apply(sp, step, toStart[step.Service])
	}
	f.mu.Lock()
	f.sp = sp
	f.mu.Unlock()
	con.printf("", "reload done")
}

// apply carries one step of a reload out and says what it did.
func (f *fleet) apply(sp *spec.Spec, step ReloadStep, ps *planned) {
	con := f.con
	f.mu.Lock()
	old := f.members[step.Service]
	f.mu.Unlock()
	switch step.Action {
	case Kept:
		con.printf(step.Service, "kept: %s", step.Why)
	case Started:
		f.mu.Lock()
		f.add(sp, ps, false)
		f.mu.Unlock()
		con.printf(step.Service, "started: %s", step.Why)
	case Stopped:
		f.quit(old)
		con.printf(step.Service, "stopped: %s", step.Why)
	case Replaced:
		if step.StartFirst && old != nil && old.s.moveAside() {
			// The old run stays a member, under another key, until the
			// new one has proved itself: the fleet has not failed while
			// it serves.
			aside := step.Service + "\x00replaced"
			f.mu.Lock()
			f.members[aside] = old
			m := f.add(sp, ps, false)
			f.mu.Unlock()
			t := time.NewTimer(f.o.Timeout)
			select {
			case <-m.s.settled:
			case <-t.C:
			case <-f.st.stopCh:
			}
			t.Stop()
			if e := m.s.failure; e != nil {
				// The new run cannot start: it goes, the old one goes on
				// under its name.
				f.quit(m)
				old.s.moveBack()
				f.mu.Lock()
				delete(f.members, aside)
				f.members[step.Service] = old
				f.mu.Unlock()
				con.printf(step.Service, "rejected: its new run failed (%s); the old one goes on", e.Summary)
				return
			}
			f.quit(old)
			con.printf(step.Service, "replaced: %s", step.Why)
			return
		}
		f.quit(old)
		f.mu.Lock()
		f.add(sp, ps, false)
		f.mu.Unlock()
		why := step.Why
		if step.StartFirst {
			why = "changed; stopped, then started (the engine cannot rename the running container)"
		}
		con.printf(step.Service, "replaced: %s", why)
	}
}

// quit stops one member by its schedule and waits until it has.
func (f *fleet) quit(m *member) {
	if m == nil {
		return
	}
	close(m.quit)
	<-m.done
	f.mu.Lock()
	defer f.mu.Unlock()
	for name, o := range f.members {
		if o == m {
			delete(f.members, name)
		}
	}
	// A service stopped by a reload is not a failure of the fleet.
	if m.s.failure != nil && m.s.failure.Code != CodeStop {
		m.s.failure = nil
	}
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
		s.unit = &containerUnit{eng: ps.eng, sp: sp, svc: ps.svc, con: con, tail: t, abort: st.killed, helpers: helpers}
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
				if shared := sharedHostPorts(c.Ports, ps.svc); len(shared) > 0 {
					why += "; stopped before the new one starts, since both publish " + strings.Join(shared, ", ")
				}
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

// publishedPorts are the host ports a service's spec publishes, as the
// engine reports them.
func publishedPorts(s *spec.Service) []PublishedPort {
	var out []PublishedPort
	for _, p := range s.Ports {
		out = append(out, PublishedPort{HostIP: p.HostIP, HostPort: p.HostPort, ContainerPort: p.ContainerPort, Protocol: protocol(p)})
	}
	return out
}
