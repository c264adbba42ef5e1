package launch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// fakeClock is a Clock that moves only when the test says so.
type fakeClock struct {
	mu     sync.Mutex
	start  time.Time
	now    time.Time
	timers []*fakeTimer
}

type fakeTimer struct {
	clk *fakeClock
	at  time.Time
	c   chan time.Time
}

func newFakeClock() *fakeClock {
	t0 := time.Date(2015, 7, 3, 12, 0, 0, 0, time.UTC)
	return &fakeClock{start: t0, now: t0}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// elapsed is the fake time since the clock was made.
func (c *fakeClock) elapsed() time.Duration { return c.Now().Sub(c.start) }

func (c *fakeClock) NewTimer(d time.Duration) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{clk: c, at: c.now.Add(d), c: make(chan time.Time, 1)}
	if d <= 0 {
		t.c <- c.now
		return t
	}
	c.timers = append(c.timers, t)
	return t
}

func (t *fakeTimer) C() <-chan time.Time { return t.c }

func (t *fakeTimer) Stop() bool {
	c := t.clk
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, x := range c.timers {
		if x == t {
			c.timers = append(c.timers[:i], c.timers[i+1:]...)
			return true
		}
	}
	return false
}

// pending is how many timers wait to fire.
func (c *fakeClock) pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// waitTimers waits, in real time and bounded, until n timers are pending.
func (c *fakeClock) waitTimers(t testing.TB, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for c.pending() < n {
		if time.Now().After(deadline) {
			t.Fatalf("waited 10 s for %d pending timers; %d pending", n, c.pending())
		}
		time.Sleep(time.Millisecond)
	}
}

// next waits for a pending timer, moves the clock to the earliest one and
// fires it; it returns the time moved.
func (c *fakeClock) next(t testing.TB) time.Duration {
	t.Helper()
	c.waitTimers(t, 1)
	c.mu.Lock()
	defer c.mu.Unlock()
	sort.SliceStable(c.timers, func(i, j int) bool { return c.timers[i].at.Before(c.timers[j].at) })
	first := c.timers[0]
	moved := first.at.Sub(c.now)
	c.now = first.at
	c.fireDue()
	return moved
}

// advance moves the clock by d, firing what falls due.
func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.fireDue()
}

func (c *fakeClock) fireDue() {
	keep := c.timers[:0]
	for _, t := range c.timers {
		if !t.at.After(c.now) {
			t.c <- c.now
			continue
		}
		keep = append(keep, t)
	}
	c.timers = keep
}

// fakeEngine is an Engine in memory. Containers "run" until the test or a
// signal ends them; every call is recorded with the fake time.
type fakeEngine struct {
	mu     sync.Mutex
	clock  *fakeClock
	events []string
	byID   map[string]*fakeContainer
	nextID int
	// lastArgs is the argv of the last run.
	lastArgs []string

	// Behaviour, set before use.
	unreachable error
	images      map[string]bool // present images; nil: every image
	pullErr     error
	// refuse makes the run of a container name fail with the error.
	refuse map[string]error
	// crash makes every run of a container name exit at once with the
	// code, after printing its output.
	crash map[string]int
	// ignore lists the signals a container name ignores; any other signal
	// ends it (SIGKILL with 137, others with 0).
	ignore map[string][]string
	// output is what a container name prints when it starts.
	output map[string][]string
}

type fakeContainer struct {
	Container
	exited chan struct{}
	args   []string
}

func newFakeEngine(clock *fakeClock) *fakeEngine {
	return &fakeEngine{clock: clock, byID: map[string]*fakeContainer{}, refuse: map[string]error{},
		crash: map[string]int{}, ignore: map[string][]string{}, output: map[string][]string{}}
}

func (e *fakeEngine) record(format string, args ...any) {
	e.events = append(e.events, fmt.Sprintf("%v ", e.clock.elapsed())+fmt.Sprintf(format, args...))
}

// log returns the recorded events.
func (e *fakeEngine) log() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.events...)
}

// matching returns the recorded events that contain s.
func (e *fakeEngine) matching(s string) []string {
	var out []string
	for _, ev := range e.log() {
		if strings.Contains(ev, s) {
			out = append(out, ev)
		}
	}
	return out
}

func (e *fakeEngine) Program() string { return "fake" }

func (e *fakeEngine) Ping(context.Context) error { return e.unreachable }

func (e *fakeEngine) ImageExists(_ context.Context, image string) (bool, error) {
	return e.images == nil || e.images[image], e.unreachable
}

func (e *fakeEngine) Pull(_ context.Context, image string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.record("pull %s", image)
	return e.pullErr
}

// add puts a container in the engine as an earlier run would have left it.
func (e *fakeEngine) add(c Container) *fakeContainer {
	e.mu.Lock()
	defer e.mu.Unlock()
	fc := &fakeContainer{Container: c, exited: make(chan struct{})}
	if !c.Running {
		close(fc.exited)
	}
	e.byID[c.ID] = fc
	return fc
}

func (e *fakeEngine) Run(_ context.Context, args []string) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	c := Container{Labels: map[string]string{}, RestartPolicy: "no", State: "running", Running: true, StartedAt: e.clock.Now()}
	for i := 0; i < len(args); i++ {
		switch args[i] {
		case "--name":
			c.Name = args[i+1]
		case "--restart":
			c.RestartPolicy = args[i+1]
		case "--label":
			k, v, _ := strings.Cut(args[i+1], "=")
			c.Labels[k] = v
		case "--":
			c.Image = args[i+1]
			i = len(args)
		}
	}
	e.record("run %s %s=%s", c.Name, LabelRun, c.Labels[LabelRun])
	e.lastArgs = append([]string(nil), args...)
	for _, fc := range e.byID {
		if fc.Name == c.Name {
			return "", &RunError{ExitCode: 125, Message: "Conflict. The container name is already in use"}
		}
	}
	e.nextID++
	c.ID = fmt.Sprintf("%064x", e.nextID)
	fc := &fakeContainer{Container: c, exited: make(chan struct{}), args: args}
	if err := e.refuse[c.Name]; err != nil {
		fc.Running, fc.State = false, "created"
		close(fc.exited)
		e.byID[c.ID] = fc
		return "", err
	}
	e.byID[c.ID] = fc
	if code, ok := e.crash[c.Name]; ok {
		e.end(fc, code)
	}
	return c.ID, nil
}

// end makes a container exit; e.mu is held.
func (e *fakeEngine) end(fc *fakeContainer, code int) {
	if !fc.Running {
		return
	}
	fc.Running, fc.State, fc.ExitCode, fc.FinishedAt = false, "exited", code, e.clock.Now()
	close(fc.exited)
}

// exit makes the running container called name exit with code.
func (e *fakeEngine) exit(t testing.TB, name string, code int) {
	t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, fc := range e.byID {
		if fc.Name == name && fc.Running {
			e.record("exit %s %d", name, code)
			e.end(fc, code)
			return
		}
	}
	t.Fatalf("no running container %s", name)
}

func (e *fakeEngine) find(id string) (*fakeContainer, error) {
	if fc, ok := e.byID[id]; ok {
		return fc, nil
	}
	for _, fc := range e.byID {
		if fc.Name == id {
			return fc, nil
		}
	}
	return nil, fmt.Errorf("fake: %w: %s", ErrNoSuchContainer, id)
}

func (e *fakeEngine) Wait(ctx context.Context, id string) (int, error) {
	e.mu.Lock()
	fc, err := e.find(id)
	e.mu.Unlock()
	if err != nil {
		return -1, err
	}
	select {
	case <-fc.exited:
	case <-ctx.Done():
		return -1, ctx.Err()
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return fc.ExitCode, nil
}

func (e *fakeEngine) Kill(_ context.Context, id, signal string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	fc, err := e.find(id)
	if err != nil {
		return err
	}
	e.record("kill %s %s", fc.Name, signal)
	if !fc.Running {
		return fmt.Errorf("fake: %w", ErrNotRunning)
	}
	if signal == "SIGKILL" {
		e.end(fc, 137)
		return nil
	}
	for _, s := range e.ignore[fc.Name] {
		if s == signal {
			return nil
		}
	}
	e.end(fc, 0)
	return nil
}

func (e *fakeEngine) Remove(_ context.Context, id string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	fc, err := e.find(id)
	if errors.Is(err, ErrNoSuchContainer) {
		return nil
	}
	e.record("rm %s", fc.Name)
	e.end(fc, 137)
	delete(e.byID, fc.ID)
	return nil
}

func (e *fakeEngine) NoRestart(_ context.Context, id string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	fc, err := e.find(id)
	if err != nil {
		return err
	}
	e.record("update %s --restart no", fc.Name)
	fc.RestartPolicy = "no"
	return nil
}

func (e *fakeEngine) Logs(ctx context.Context, id string, o LogOptions, stdout, _ io.Writer) error {
	e.mu.Lock()
	fc, err := e.find(id)
	var lines []string
	if err == nil {
		// Read under the lock: a rename changes the name.
		lines = e.output[fc.Name]
	}
	e.mu.Unlock()
	if err != nil {
		return err
	}
	for _, l := range lines {
		fmt.Fprintln(stdout, l)
	}
	if o.Follow {
		select {
		case <-fc.exited:
		case <-ctx.Done():
		}
	}
	return nil
}

func (e *fakeEngine) Inspect(_ context.Context, id string) (Container, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	fc, err := e.find(id)
	if err != nil {
		return Container{}, err
	}
	return fc.Container, nil
}

func (e *fakeEngine) List(_ context.Context, label string) ([]Container, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	k, v, _ := strings.Cut(label, "=")
	var out []Container
	for _, fc := range e.byID {
		if fc.Labels[k] == v {
			out = append(out, fc.Container)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// running lists the names of the running containers.
func (e *fakeEngine) running() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, fc := range e.byID {
		if fc.Running {
			out = append(out, fc.Name)
		}
	}
	sort.Strings(out)
	return out
}

// count is how many containers exist.
func (e *fakeEngine) count() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.byID)
}

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// fixture is an Up on a fake engine and clock, run in the background.
type fixture struct {
	t      *testing.T
	clock  *fakeClock
	engine *fakeEngine
	sigs   chan os.Signal
	stdout *syncBuffer
	stderr *syncBuffer
	done   chan error
	opts   Options
}

func newFixture(t *testing.T) *fixture {
	clock := newFakeClock()
	f := &fixture{t: t, clock: clock, engine: newFakeEngine(clock), sigs: make(chan os.Signal, 2),
		stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan error, 1)}
	f.opts = Options{Driver: f.engine, Clock: clock, Signals: f.sigs, Stdout: f.stdout, Stderr: f.stderr,
		LockDir: t.TempDir(), Color: ColorNever}
	return f
}

// up starts Up in the background.
func (f *fixture) up(sp *spec.Spec) {
	go func() { f.done <- Up(context.Background(), sp, f.opts) }()
}

// result waits, bounded, for Up to return.
func (f *fixture) result() error {
	f.t.Helper()
	select {
	case err := <-f.done:
		return err
	case <-time.After(10 * time.Second):
		f.t.Fatalf("Up has not returned after 10 s\nevents:\n%s\nstderr:\n%s", strings.Join(f.engine.log(), "\n"), f.stderr.String())
		return nil
	}
}

// until waits, bounded, for cond.
func (f *fixture) until(what string, cond func() bool) {
	f.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			f.t.Fatalf("waited 10 s for %s\nevents:\n%s\nstderr:\n%s", what, strings.Join(f.engine.log(), "\n"), f.stderr.String())
		}
		time.Sleep(time.Millisecond)
	}
}

// drive fires the pending timers one by one until cond holds.
func (f *fixture) drive(what string, cond func() bool) {
	f.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			f.t.Fatalf("waited 10 s for %s\nstderr:\n%s", what, f.stderr.String())
		}
		if f.clock.pending() > 0 {
			f.clock.next(f.t)
		}
		time.Sleep(time.Millisecond)
	}
}

// runs waits until n runs are recorded.
func (f *fixture) runs(n int) {
	f.t.Helper()
	f.until(fmt.Sprintf("%d runs", n), func() bool { return len(f.engine.matching(" run ")) >= n })
}

// pos is a position in a made-up launcher script or config.
func pos(file string, line int) apacheconf.Position {
	return apacheconf.Position{Filename: file, Line: line, Column: 1}
}

// service is a container service as translate.Plan would make it from
// the seed's configuration.
func service(name string) *spec.Service {
	script := "/etc/httpd/docker/" + name + ".py"
	return &spec.Service{
		Name: name, Kind: spec.KindContainer, Group: name, Engine: "docker",
		ContainerName: name, Image: "example/" + name,
		Origin: spec.Origin{Daemon: pos("/etc/httpd/httpd.conf", 5), ImportScript: pos("/etc/httpd/httpd.conf", 6), Exec: pos(script, 2), Script: script},
		Where:  spec.Positions{"image": pos(script, 3)},
	}
}

func testSpec(services ...*spec.Service) *spec.Spec {
	return &spec.Spec{Project: "test", ConfigFile: "/etc/httpd/httpd.conf", ConfigHash: "cafe", Services: services}
}
