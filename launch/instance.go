package launch

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/wsgidock/wsgidock/translate/spec"
)

// Labels the launcher adds to its containers, beside spec.OwnLabels.
const (
	// LabelRunHash identifies the exact run command a container was
	// created with (restart policy included): a running container whose
	// hash matches is adopted instead of replaced.
	LabelRunHash = "io.wsgidock.run-hash"
	// LabelRun numbers the runs of a service under one supervisor: run 4
	// means three restarts before it.
	LabelRun = "io.wsgidock.run"
	// LabelServiceHash is the service's own configuration hash
	// (spec.Spec.ServiceHash) when the container was created. A reload
	// keeps the containers of the services whose hash did not change, and
	// labels cannot change on a container: their config-hash label
	// (spec.LabelConfigHash) still names the configuration they were
	// created from, while this one stays true of the configuration that
	// kept them. PS compares it with the configuration it is given.
	LabelServiceHash = "io.wsgidock.service-hash"
)

// Restart policies given to the engine: wsgidock's supervisor restarts in
// the foreground, the engine with --detach. Never both.
const (
	restartForeground = "no"
	restartDetached   = "unless-stopped"
)

// runHash is the identity of the run command, from the argv without the
// launcher's own labels and without the config-hash label: a service
// whose own configuration did not change keeps its identity when another
// service's launcher changes (a reload keeps it, `up --detach` adopts it).
func runHash(sp *spec.Spec, s *spec.Service, restart string) string {
	same := *sp
	same.ConfigHash = ""
	sum := sha256.Sum256([]byte(strings.Join(same.RunArgs(s, spec.RunOptions{Restart: restart}), "\x00")))
	return hex.EncodeToString(sum[:8])
}

// runArgs is the argv of one run of s: spec.RunArgs, with the restart
// policy of the mode and the launcher's labels.
func runArgs(sp *spec.Spec, s *spec.Service, restart string, run int) []string {
	return sp.RunArgs(s, spec.RunOptions{Restart: restart, Labels: []spec.Label{
		{Key: LabelRunHash, Value: runHash(sp, s, restart)},
		{Key: LabelServiceHash, Value: sp.ServiceHash(s)},
		{Key: LabelRun, Value: strconv.Itoa(run)},
	}})
}

// instance is one run of a service: a container or a child process.
type instance interface {
	// ID names the run in messages: a short container ID or "pid N".
	ID() string
	// Done is closed once the run has ended.
	Done() <-chan struct{}
	// Exit is the exit code, valid once Done is closed; err is set when
	// the code could not be read.
	Exit() (code int, err error)
	// Signal sends sig; a run that has already ended is not an error.
	Signal(ctx context.Context, sig syscall.Signal) error
	// Remove clears what the run leaves behind (the container; the rest
	// of the process group).
	Remove(ctx context.Context) error
}

// unit starts the runs of one service.
type unit interface {
	start(ctx context.Context, run int) (instance, error)
}

// containerUnit runs a container service in the foreground: every run is
// a fresh container from the same argv, as the seed's `docker run --rm`
// was, under the same name.
type containerUnit struct {
	eng  Engine
	sp   *spec.Spec
	svc  *spec.Service
	con  *console
	tail *tail
	// abort ends with a kill request: a run the engine takes long over
	// (pulling an image again) must not hold the kill up.
	abort context.Context
	// helpers lives until Up returns: removing ended runs in the
	// background.
	helpers context.Context
	// stopping, when set, is closed once the service is to stop: no
	// spare is made after that.
	stopping <-chan struct{}

	// mu guards cur, the run started last.
	mu  sync.Mutex
	cur *containerRun

	// prepared delivers the next run's container, made ready while the
	// back-off runs; nil when none is being prepared. aside is told once
	// the ended run no longer holds the service's name. settled is closed
	// once the run started next has settled (settle): the ended run is
	// removed only then, so that its removal does not compete with the
	// start. trace records the restart's steps.
	prepared chan preparedRun
	aside    *handover
	settled  chan struct{}
	trace    *restartTrace
	// spare is the container made for the run after the current one,
	// under a name of its own; the restart starts it and then gives it
	// the service's name. nil when there is none.
	spare *spareRun
	// removing counts the ended runs being removed in the background.
	removing sync.WaitGroup
}

// preparer is an Engine that creates and starts containers in two steps
// and renames them: with one, the next run of a service is made ready
// while its back-off runs, and the ended run's removal is off the path
// back to serving.
type preparer interface {
	Create(ctx context.Context, args []string) (string, error)
	Start(ctx context.Context, id string) error
	Rename(ctx context.Context, id, name string) error
}

// preparedRun is a created container, or why there is none. named says
// it has the service's name already (a spare has its own).
type preparedRun struct {
	id    string
	named bool
	err   error
}

// spareRun is a container being made, under a spare name, for run.
type spareRun struct {
	run    int
	ch     chan preparedRun
	cancel chan struct{}
}

// handover takes the service's name from the ended run: once begin
// (wanted), then done is closed; err says why the ended run still holds
// it.
type handover struct {
	want chan struct{}
	once sync.Once
	done chan struct{}
	err  error
}

// begin asks for the name: the rename of the ended run, held back until
// then, goes ahead.
func (h *handover) begin() { h.once.Do(func() { close(h.want) }) }

// settleWait bounds how long a run's start may keep the removal of the
// run before it and the creation of the next spare waiting: they wait
// until the run is ready or has ended, or this long.
const settleWait = 2 * time.Second

// settle returns a channel closed once r is ready (markReady), has
// ended, or has run settleWait.
func settle(r *containerRun) <-chan struct{} {
	ch := make(chan struct{})
	go func() {
		t := time.NewTimer(settleWait)
		defer t.Stop()
		select {
		case <-r.ready:
		case <-r.done:
		case <-t.C:
		}
		close(ch)
	}()
	return ch
}

var errSpareDropped = errors.New("spare dropped")

func (u *containerUnit) start(ctx context.Context, run int) (instance, error) {
	if ch := u.prepared; ch != nil {
		u.prepared = nil
		settled, aside, tr := u.settled, u.aside, u.trace
		p := u.eng.(preparer)
		r := <-ch
		if r.err != nil {
			aside.begin()
			close(settled)
			return nil, r.err
		}
		err := p.Start(u.abort, r.id)
		if err != nil && isPortTaken(err.Error()) {
			// The engine reports the exit before it releases the ended
			// run's network, its host ports with it: a start asked in
			// between is refused. The ended run's rename waits for the
			// release (the engine holds the container until it has
			// cleaned up), so once it is done the start is asked again.
			aside.begin()
			<-aside.done
			tr.mark(traceRetried)
			err = p.Start(u.abort, r.id)
		}
		if err == nil {
			tr.mark(traceStarted)
		}
		aside.begin()
		if !r.named {
			// A spare starts under its own name, which nothing else
			// waits for; the name follows once the ended run has let go
			// of it.
			<-aside.done
			switch {
			case aside.err != nil:
				u.con.printf(u.svc.Name, "%s runs as %s: the ended run still holds the name %s: %v", shortID(r.id), u.spareName(), u.svc.ContainerName, aside.err)
			default:
				if rerr := p.Rename(u.abort, r.id, u.svc.ContainerName); rerr != nil {
					u.con.printf(u.svc.Name, "%s cannot have the name %s: %v", shortID(r.id), u.svc.ContainerName, rerr)
				} else {
					tr.mark(traceNamed)
				}
			}
		}
		if err != nil {
			close(settled)
			return nil, err
		}
		cr := u.follow(ctx, r.id)
		gate := settle(cr)
		go func() {
			<-gate
			close(settled)
		}()
		u.makeSpare(run, gate)
		return cr, nil
	}
	// The previous run's container, exited, still holds the name.
	if err := u.eng.Remove(u.abort, u.svc.ContainerName); err != nil {
		return nil, err
	}
	id, err := u.eng.Run(u.abort, runArgs(u.sp, u.svc, restartForeground, run))
	if err != nil {
		return nil, err
	}
	cr := u.follow(ctx, id)
	u.makeSpare(run, settle(cr))
	return cr, nil
}

// spareName is the name of the containers made ahead of their run.
func (u *containerUnit) spareName() string { return u.svc.ContainerName + "-next" }

func (u *containerUnit) follow(ctx context.Context, id string) *containerRun {
	r := followContainer(ctx, u.eng, id, LogOptions{Follow: true, Tail: -1}, u.con, u.svc.Name, u.tail)
	u.mu.Lock()
	u.cur = r
	u.mu.Unlock()
	return r
}

// moveBack renames the container moveAside renamed back to its name.
func (u *containerUnit) moveBack() {
	p, ok := u.eng.(preparer)
	u.mu.Lock()
	cur := u.cur
	u.mu.Unlock()
	if ok && cur != nil {
		if err := p.Rename(u.helpers, cur.id, u.svc.ContainerName); err != nil {
			u.con.printf(u.svc.Name, "cannot rename %s back to %s: %v", cur.ID(), u.svc.ContainerName, err)
		}
	}
}

// moveAside renames the running container out of its name's way, so that
// a replacement can start under the name before it stops. It reports
// false when it cannot (an engine without renames, no run going).
func (u *containerUnit) moveAside() bool {
	p, ok := u.eng.(preparer)
	u.mu.Lock()
	cur := u.cur
	u.mu.Unlock()
	if !ok || cur == nil {
		return false
	}
	select {
	case <-cur.done:
		return false
	default:
	}
	return p.Rename(u.helpers, cur.id, u.svc.ContainerName+"-replaced-"+cur.ID()) == nil
}

// prepare starts making run's container ready, to be started by start,
// and takes the ended run out of the way: renamed, so that the new
// container can have the name, and removed in the background once the
// new run has settled. The spare made while the ended run ran is handed
// over at once: it starts under its own name, and the renames follow its
// start. Without one, the ended run is renamed at once and the
// container created under the name. prepare reports false when the engine cannot do that; the
// supervisor then removes the ended run itself.
func (u *containerUnit) prepare(ended instance, run int, tr *restartTrace) bool {
	p, ok := u.eng.(preparer)
	cr, isContainer := ended.(*containerRun)
	if !ok || !isContainer {
		return false
	}
	ch, settled := make(chan preparedRun, 1), make(chan struct{})
	aside := &handover{want: make(chan struct{}), done: make(chan struct{})}
	u.prepared, u.settled, u.aside, u.trace = ch, settled, aside, tr
	spare := u.takeSpare(run)
	u.removing.Add(1)
	go func() {
		defer u.removing.Done()
		// With a spare, the rename waits until the spare has started:
		// the engine then does one thing at a time on the path back to
		// serving.
		<-aside.want
		gone := false
		if err := p.Rename(u.abort, cr.id, u.svc.ContainerName+"-ended-"+cr.ID()); err != nil {
			// Not renamed (gone already, or the engine refuses): removed
			// before the new one takes the name, as without an Engine API.
			drain(cr)
			if err := u.eng.Remove(u.abort, cr.id); err != nil {
				aside.err = err
			}
			gone = true
		}
		tr.mark(traceAside)
		close(aside.done)
		drain(cr)
		select {
		case <-settled:
		case <-time.After(killWait):
		}
		if !gone {
			if err := u.eng.Remove(u.helpers, cr.id); err != nil {
				u.con.printf(u.svc.Name, "cannot remove %s: %v", cr.ID(), err)
				return
			}
			if tr != nil {
				u.con.printf(u.svc.Name, "trace: %s removed, %s", cr.ID(), tr)
			}
		}
	}()
	go func() {
		if spare != nil {
			if r := <-spare; r.err == nil {
				tr.mark(traceNext)
				ch <- r
				return
			} else if r.id != "" {
				_ = u.eng.Remove(u.helpers, r.id)
			}
		}
		aside.begin()
		<-aside.done
		if aside.err != nil {
			ch <- preparedRun{err: aside.err}
			return
		}
		id, err := p.Create(u.abort, runArgs(u.sp, u.svc, restartForeground, run))
		tr.mark(traceNext)
		ch <- preparedRun{id: id, named: true, err: err}
	}()
	return true
}

// makeSpare creates, once gate is closed, the container of the run after
// run, under a spare name (the spec's argv with only --name's value
// different; the restart gives it the service's name), so that a restart
// has only its start left to do. The gate keeps the creation (a docker
// program, run on the host) off the current run's start. None is made
// once the service is stopping.
func (u *containerUnit) makeSpare(run int, gate <-chan struct{}) {
	p, ok := u.eng.(preparer)
	if !ok {
		return
	}
	u.dropSpare()
	args := runArgs(u.sp, u.svc, restartForeground, run+1)
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	for i := 0; i+1 < len(args); i++ {
		if args[i] == "--name" {
			args[i+1] = u.spareName() + "-" + hex.EncodeToString(b)
			break
		}
	}
	sp := &spareRun{run: run + 1, ch: make(chan preparedRun, 1), cancel: make(chan struct{})}
	u.spare = sp
	go func() {
		select {
		case <-gate:
		case <-sp.cancel:
			sp.ch <- preparedRun{err: errSpareDropped}
			return
		}
		// A run ended by a stop (which closes the gate) wants no next
		// run. The stop comes before the run's end, so this sees it.
		select {
		case <-u.stopping:
			sp.ch <- preparedRun{err: errSpareDropped}
			return
		default:
		}
		began := time.Now()
		id, err := p.Create(u.abort, args)
		if err == nil && os.Getenv(EnvTrace) == "1" {
			u.con.printf(u.svc.Name, "trace: the spare for run %d created in %s", sp.run, round(time.Since(began)))
		}
		sp.ch <- preparedRun{id: id, err: err}
	}()
}

// takeSpare returns the spare made for run, or nil, dropping one made for
// another run.
func (u *containerUnit) takeSpare(run int) chan preparedRun {
	if u.spare == nil || u.spare.run != run {
		u.dropSpare()
		return nil
	}
	ch := u.spare.ch
	u.spare = nil
	return ch
}

// dropSpare removes the spare container, if there is one.
func (u *containerUnit) dropSpare() {
	if sp := u.spare; sp != nil {
		u.spare = nil
		close(sp.cancel)
		if r := <-sp.ch; r.id != "" {
			_ = u.eng.Remove(u.helpers, r.id)
		}
	}
}

// discard removes a prepared container that will not be started, and
// waits for the removals in the background to end.
func (u *containerUnit) discard() {
	u.dropSpare()
	if ch := u.prepared; ch != nil {
		u.prepared = nil
		u.aside.begin()
		close(u.settled)
		if r := <-ch; r.id != "" {
			if err := u.eng.Remove(u.helpers, r.id); err != nil {
				u.con.printf(u.svc.Name, "cannot remove %s: %v", shortID(r.id), err)
			}
		}
	}
	u.removing.Wait()
}

// containerRun is a container being followed: its output is copied to
// the console and its exit awaited, through the engine.
type containerRun struct {
	eng  Engine
	id   string
	done chan struct{}
	// diedAt is when the engine reported the exit, once done is closed;
	// zero when the engine does not say.
	diedAt time.Time
	// ready is closed by markReady.
	ready     chan struct{}
	readyOnce sync.Once
	// drained is closed once its output has been copied to its end (or
	// logDrain after its exit).
	drained chan struct{}
	code    int
	err     error
}

// logDrain bounds the wait for a container's last output once it exited.
const logDrain = 2 * time.Second

// followContainer starts following container id. With a nil console the
// output is not copied (stopping containers outside a supervisor).
func followContainer(ctx context.Context, eng Engine, id string, lo LogOptions, con *console, service string, t *tail) *containerRun {
	r := &containerRun{eng: eng, id: id, done: make(chan struct{}), drained: make(chan struct{}), ready: make(chan struct{})}
	logsDone := make(chan struct{})
	if con == nil {
		close(logsDone)
	} else {
		go func() {
			defer close(logsDone)
			stdout, stderr := con.stream(service, t), con.stream(service, t)
			err := eng.Logs(ctx, id, lo, stdout, stderr)
			stdout.Close()
			stderr.Close()
			if err != nil && ctx.Err() == nil && !errors.Is(err, ErrNoSuchContainer) {
				con.printf(service, "cannot read its output: %v", err)
			}
		}()
	}
	go func() {
		if w, ok := eng.(exitWaiter); ok {
			e, err := w.WaitExit(ctx, id)
			r.code, r.diedAt, r.err = e.code, e.at, err
		} else {
			r.code, r.err = eng.Wait(ctx, id)
		}
		// The exit is known at once; its last output may follow.
		close(r.done)
		select {
		case <-logsDone:
		case <-time.After(logDrain):
		}
		close(r.drained)
	}()
	return r
}

func (r *containerRun) ID() string {
	if len(r.id) > 12 {
		return r.id[:12]
	}
	return r.id
}

// exitWaiter is an Engine that says when a container's exit happened.
type exitWaiter interface {
	WaitExit(ctx context.Context, id string) (exit, error)
}

// markReady says the run answers its readiness URL (or has none).
func (r *containerRun) markReady() { r.readyOnce.Do(func() { close(r.ready) }) }

func (r *containerRun) Done() <-chan struct{} { return r.done }
func (r *containerRun) Exit() (int, error)    { return r.code, r.err }

func (r *containerRun) Signal(ctx context.Context, sig syscall.Signal) error {
	err := r.eng.Kill(ctx, r.id, SignalName(sig))
	if errors.Is(err, ErrNotRunning) || errors.Is(err, ErrNoSuchContainer) {
		return nil
	}
	return err
}

// Remove removes the container; one that has ended has its output read
// to the end first.
func (r *containerRun) Remove(ctx context.Context) error {
	select {
	case <-r.done:
		<-r.drained
	default:
	}
	return r.eng.Remove(ctx, r.id)
}

// processUnit runs a process service: the program the launcher script
// exec'd, as a child in its own process group.
type processUnit struct {
	svc  *spec.Service
	con  *console
	tail *tail
}

func (u *processUnit) start(_ context.Context, _ int) (instance, error) {
	p := u.svc.Process
	cmd := &exec.Cmd{Path: p.Program, Args: p.Args, Dir: p.Dir, SysProcAttr: procAttr(), WaitDelay: logDrain}
	if len(cmd.Args) == 0 {
		cmd.Args = []string{p.Program}
	}
	if !strings.Contains(p.Program, "/") {
		path, err := exec.LookPath(p.Program)
		if err != nil {
			return nil, &RunError{ExitCode: 127, Message: fmt.Sprintf("%s: not found in PATH", p.Program), Err: err}
		}
		cmd.Path = path
	}
	if p.ReplaceEnv {
		cmd.Env = append([]string{}, p.Env...)
	} else {
		cmd.Env = append(os.Environ(), p.Env...)
	}
	stdout, stderr := u.con.stream(u.svc.Name, u.tail), u.con.stream(u.svc.Name, u.tail)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		code := 126
		if errors.Is(err, fs.ErrNotExist) {
			code = 127
		}
		return nil, &RunError{ExitCode: code, Message: err.Error(), Err: err}
	}
	r := &processRun{pid: cmd.Process.Pid, done: make(chan struct{})}
	go func() {
		err := cmd.Wait()
		stdout.Close()
		stderr.Close()
		r.code = exitCode(cmd.ProcessState, err)
		close(r.done)
	}()
	return r, nil
}

// exitCode is a process's exit status as a shell reports it: 128+N when
// signal N killed it.
func exitCode(ps *os.ProcessState, err error) int {
	if ps == nil {
		return -1
	}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	if code := ps.ExitCode(); code >= 0 {
		return code
	}
	if err != nil {
		return -1
	}
	return 0
}

// processRun is a running child process.
type processRun struct {
	pid  int
	done chan struct{}
	code int
}

func (r *processRun) ID() string            { return "pid " + strconv.Itoa(r.pid) }
func (r *processRun) Done() <-chan struct{} { return r.done }
func (r *processRun) Exit() (int, error)    { return r.code, nil }

// Signal signals the whole process group, as a shell's job control does:
// the program and whatever it started.
func (r *processRun) Signal(_ context.Context, sig syscall.Signal) error {
	return signalGroup(r.pid, sig)
}

// Remove kills whatever the program left running in its group.
func (r *processRun) Remove(context.Context) error { return killGroup(r.pid) }
