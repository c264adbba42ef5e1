package launch

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wsgidock/wsgidock/translate/spec"
)

// launchErrors returns the launcher's errors inside err, failing the test
// when there are none.
func launchErrors(t *testing.T, err error) Errors {
	t.Helper()
	var es Errors
	if !errors.As(err, &es) || len(es) == 0 {
		var e *Error
		if errors.As(err, &e) {
			return Errors{e}
		}
		t.Fatalf("want launch errors, got %v", err)
	}
	return es
}

func TestCrashLoopBacksOffAsDockerDoes(t *testing.T) {
	f := newFixture(t)
	f.engine.crash["blog"] = 1
	f.engine.output["blog"] = []string{"Traceback: boom"}
	f.up(testSpec(service("blog")))
	const runs = 12
	for i := 1; i <= runs; i++ {
		f.runs(i)
		if i < runs {
			f.clock.next(t)
		}
	}
	f.sigs <- syscall.SIGINT
	if err := f.result(); err != nil {
		t.Fatalf("Up after a stop request: %v", err)
	}
	// Docker's restart manager: 100 ms, doubling (51.2 s before the 11th
	// run), capped at one minute.
	want := []string{"0s", "100ms", "300ms", "700ms", "1.5s", "3.1s", "6.3s", "12.7s", "25.5s", "51.1s", "1m42.3s", "2m42.3s"}
	var got []string
	for i, ev := range f.engine.matching(" run ") {
		at, rest, _ := strings.Cut(ev, " ")
		got = append(got, at)
		if wantRest := fmt.Sprintf("run blog %s=%d", LabelRun, i+1); rest != wantRest {
			t.Errorf("event %q, want %q", rest, wantRest)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("runs at %q\nwant      %q", got, want)
	}
	stderr := f.stderr.String()
	for _, s := range []string{
		"exited with code 1 after 0s; starting it again in 100ms (restart 1)",
		"starting it again in 1m0s (restart 11)",
		"blog: keeps failing: 3 exits in a row within 10s of starting; its last output:\n    | Traceback: boom\n",
	} {
		if !strings.Contains(stderr, s) {
			t.Errorf("stderr lacks %q:\n%s", s, stderr)
		}
	}
	if strings.Count(stderr, "keeps failing") != 1 {
		t.Errorf("the crash loop is reported %d times, want once", strings.Count(stderr, "keeps failing"))
	}
	if n := f.engine.count(); n != 0 {
		t.Errorf("%d containers left after Up returned", n)
	}
	if out := f.stdout.String(); !strings.Contains(out, "blog | Traceback: boom\n") {
		t.Errorf("stdout lacks the prefixed output:\n%s", out)
	}
}

func TestBackoffResetsAfterALongRun(t *testing.T) {
	f := newFixture(t)
	f.up(testSpec(service("blog")))
	var delays []time.Duration
	exitAfter := func(run int, d time.Duration) {
		f.runs(run)
		f.clock.advance(d)
		f.engine.exit(t, "blog", 1)
		delays = append(delays, f.clock.next(t))
	}
	exitAfter(1, 10*time.Second)        // long enough: 100 ms
	exitAfter(2, 0)                     // 200 ms
	exitAfter(3, 9999*time.Millisecond) // still short: 400 ms
	exitAfter(4, 10*time.Second)        // reset: 100 ms
	f.runs(5)
	f.sigs <- syscall.SIGTERM
	if err := f.result(); err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 100 * time.Millisecond}
	if !reflect.DeepEqual(delays, want) {
		t.Errorf("delays %v, want %v", delays, want)
	}
}

func TestRestartPolicyOverridesDockersNumbers(t *testing.T) {
	f := newFixture(t)
	f.opts.Restart = RestartPolicy{Initial: time.Second, Max: 3 * time.Second, Reset: time.Minute}
	f.engine.crash["blog"] = 1
	f.up(testSpec(service("blog")))
	var delays []time.Duration
	for i := 1; i <= 4; i++ {
		f.runs(i)
		delays = append(delays, f.clock.next(t))
	}
	f.sigs <- syscall.SIGTERM
	if err := f.result(); err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{time.Second, 2 * time.Second, 3 * time.Second, 3 * time.Second}
	if !reflect.DeepEqual(delays, want) {
		t.Errorf("delays %v, want %v", delays, want)
	}
}

func TestMaxRestartsGivesUpWithTheLastOutput(t *testing.T) {
	f := newFixture(t)
	f.opts.Restart.MaxRestarts = 2
	f.engine.crash["blog"] = 1
	f.engine.output["blog"] = []string{"ImportError: no module named blog"}
	sp := testSpec(service("blog"))
	f.up(sp)
	f.runs(1)
	f.clock.next(t)
	f.runs(2)
	f.clock.next(t)
	es := launchErrors(t, f.result())
	if len(es) != 1 || es[0].Code != CodeCrashLoop || es[0].Service != "blog" || es[0].Pos != sp.Services[0].Origin.Exec {
		t.Fatalf("errors %#v", es)
	}
	if got := es[0].Error(); !strings.Contains(got, "/etc/httpd/docker/blog.py:2:1: service blog: gave up after 3 failed starts in a row") ||
		!strings.Contains(got, "| ImportError: no module named blog") {
		t.Errorf("error reads:\n%s", got)
	}
	if n := len(f.engine.matching(" run ")); n != 3 {
		t.Errorf("%d runs, want 3", n)
	}
	if n := f.engine.count(); n != 0 {
		t.Errorf("%d containers left", n)
	}
}

func TestStopSchedules(t *testing.T) {
	quit, _ := ParseSchedule("SIGQUIT,500ms,SIGKILL")
	tests := []struct {
		name     string
		stop     spec.Stop
		schedule Schedule
		ignore   []string
		// ticks is how many timers the test fires.
		ticks int
		want  []string
	}{
		{
			name:   "the seed's schedule when the service ignores SIGINT",
			ignore: []string{"SIGINT"},
			ticks:  3,
			want:   []string{"0s kill blog SIGINT", "1s kill blog SIGINT", "2s kill blog SIGINT", "3s kill blog SIGKILL", "3s rm blog"},
		},
		{
			name: "a service that stops at the first signal gets no more",
			want: []string{"0s kill blog SIGINT", "0s rm blog"},
		},
		{
			name:   "the service's own signal and timeout",
			stop:   spec.Stop{Signal: "SIGTERM", Timeout: 5 * time.Second},
			ignore: []string{"SIGTERM"},
			ticks:  1,
			want:   []string{"0s kill blog SIGTERM", "5s kill blog SIGKILL", "5s rm blog"},
		},
		{
			name:   "the service's signal with the default timeout",
			stop:   spec.Stop{Signal: "term"},
			ignore: []string{"SIGTERM"},
			ticks:  1,
			want:   []string{"0s kill blog SIGTERM", "3s kill blog SIGKILL", "3s rm blog"},
		},
		{
			name:     "an explicit schedule wins over the service's",
			stop:     spec.Stop{Signal: "SIGTERM", Timeout: 5 * time.Second},
			schedule: quit,
			ignore:   []string{"SIGQUIT"},
			ticks:    1,
			want:     []string{"0s kill blog SIGQUIT", "500ms kill blog SIGKILL", "500ms rm blog"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.opts.StopSchedule = tt.schedule
			f.engine.ignore["blog"] = tt.ignore
			svc := service("blog")
			svc.Stop = tt.stop
			f.up(testSpec(svc))
			f.runs(1)
			f.sigs <- syscall.SIGTERM
			for range tt.ticks {
				f.clock.next(t)
			}
			if err := f.result(); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, ev := range f.engine.log() {
				if strings.Contains(ev, " kill ") || strings.HasSuffix(ev, " rm blog") {
					got = append(got, ev)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("events %q\nwant   %q", got, tt.want)
			}
			if n := f.engine.count(); n != 0 {
				t.Errorf("%d containers left", n)
			}
		})
	}
}

func TestSecondSignalKillsAtOnce(t *testing.T) {
	f := newFixture(t)
	f.engine.ignore["blog"] = []string{"SIGINT"}
	f.up(testSpec(service("blog")))
	f.runs(1)
	f.sigs <- syscall.SIGINT
	f.until("the first SIGINT", func() bool { return len(f.engine.matching("kill blog SIGINT")) == 1 })
	f.sigs <- syscall.SIGINT
	if err := f.result(); err != nil {
		t.Fatal(err)
	}
	if got, want := f.engine.matching(" kill "), []string{"0s kill blog SIGINT", "0s kill blog SIGKILL"}; !reflect.DeepEqual(got, want) {
		t.Errorf("kills %q, want %q", got, want)
	}
	if !strings.Contains(f.stderr.String(), "SIGINT again: killing at once") {
		t.Errorf("stderr:\n%s", f.stderr.String())
	}
}

func TestConfigErrorsAreNotRetried(t *testing.T) {
	tests := []struct {
		name   string
		refuse error
		crash  int
		code   string
		text   string
		// onRoute: the error points at the ProxyPass, not the launcher.
		onRoute bool
	}{
		{name: "engine refuses the run", refuse: &RunError{ExitCode: 125, Message: "Error response from daemon: network nosuchnet not found"},
			code: CodeRunRefused, text: "the engine refused to run the container (exit 125): Error response from daemon: network nosuchnet not found"},
		{name: "port taken at run time", refuse: &RunError{ExitCode: 125, Message: "driver failed programming external connectivity on endpoint blog: Bind for 127.0.0.1:8002 failed: port is already allocated"},
			code: CodePortInUse, text: "host port 8002 is already in use", onRoute: true},
		{name: "command cannot be invoked", refuse: &RunError{ExitCode: 126, Message: "permission denied"},
			code: CodeNotRunnable, text: "the command cannot be invoked (exit 126)"},
		{name: "command not found", refuse: &RunError{ExitCode: 127, Message: `exec: "/app/start": stat /app/start: no such file or directory`},
			code: CodeNotRunnable, text: "the command was not found (exit 127)"},
		{name: "the program inside exits 127", crash: 127, code: CodeNotRunnable, text: "the command inside was not found (exit 127)"},
		{name: "the program inside exits 126", crash: 126, code: CodeNotRunnable, text: "the command inside cannot be invoked (exit 126)"},
		{name: "the program inside exits 125", crash: 125, code: CodeNotRunnable, text: "the command inside failed to run (exit 125)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			svc := service("blog")
			svc.Ports = []spec.Port{{HostIP: "127.0.0.1", HostPort: "8002", ContainerPort: "80", Source: pos(svc.Origin.Script, 2)}}
			svc.Front = []spec.Route{{Directive: "ProxyPass", Path: "/", URL: "http://127.0.0.1:8002/", Source: pos("/etc/httpd/httpd.conf", 3)}}
			if tt.refuse != nil {
				f.engine.refuse["blog"] = tt.refuse
			} else {
				f.engine.crash["blog"] = tt.crash
				f.engine.output["blog"] = []string{"sh: /app/start: not found"}
			}
			f.up(testSpec(svc))
			es := launchErrors(t, f.result())
			if len(es) != 1 || es[0].Code != tt.code || !strings.Contains(es[0].Summary, tt.text) {
				t.Fatalf("errors %v\nwant code %s with %q", es, tt.code, tt.text)
			}
			wantPos := svc.Origin.Exec
			if tt.onRoute {
				wantPos = svc.Front[0].Source
			}
			if es[0].Pos != wantPos {
				t.Errorf("error at %s, want %s", es[0].Pos, wantPos)
			}
			if tt.crash != 0 && !reflect.DeepEqual(es[0].Log, []string{"sh: /app/start: not found"}) {
				t.Errorf("error log %q", es[0].Log)
			}
			if n := len(f.engine.matching(" run ")); n != 1 {
				t.Errorf("%d runs, want 1", n)
			}
			if n := f.engine.count(); n != 0 {
				t.Errorf("%d containers left", n)
			}
		})
	}
}

func TestAConfigErrorAtStartStopsTheOthers(t *testing.T) {
	f := newFixture(t)
	f.engine.refuse["bad"] = &RunError{ExitCode: 125, Message: "invalid reference format"}
	f.up(testSpec(service("good"), service("bad")))
	es := launchErrors(t, f.result())
	if len(es) != 1 || es[0].Service != "bad" {
		t.Fatalf("errors %v", es)
	}
	// good may not have started yet when bad failed; if it had, it was
	// stopped by its schedule.
	started, stopped := len(f.engine.matching("run good")), len(f.engine.matching("kill good SIGINT"))
	if started != stopped || len(f.engine.running()) != 0 || f.engine.count() != 0 {
		t.Errorf("good was not stopped and removed:\n%s", strings.Join(f.engine.log(), "\n"))
	}
}

func TestAFailedServiceLeavesTheOthersRunning(t *testing.T) {
	f := newFixture(t)
	f.up(testSpec(service("good"), service("bad")))
	f.runs(2)
	f.engine.exit(t, "bad", 127)
	f.until("bad's failure", func() bool { return strings.Contains(f.stderr.String(), "bad: failed:") })
	if got := f.engine.running(); !reflect.DeepEqual(got, []string{"good"}) {
		t.Fatalf("running %q, want good alone", got)
	}
	f.sigs <- syscall.SIGTERM
	es := launchErrors(t, f.result())
	if len(es) != 1 || es[0].Service != "bad" || es[0].Code != CodeNotRunnable {
		t.Fatalf("errors %v", es)
	}
	if f.engine.count() != 0 {
		t.Errorf("containers left: %s", strings.Join(f.engine.log(), "\n"))
	}
}

func TestATransientStartFailureIsRetried(t *testing.T) {
	f := newFixture(t)
	f.engine.refuse["blog"] = &RunError{ExitCode: 125, Message: "Cannot connect to the Docker daemon", Err: ErrUnreachable}
	f.up(testSpec(service("blog")))
	f.runs(1)
	if d := f.clock.next(t); d != 100*time.Millisecond {
		t.Errorf("first retry after %v", d)
	}
	f.runs(2)
	delete(f.engine.refuse, "blog")
	if d := f.clock.next(t); d != 200*time.Millisecond {
		t.Errorf("second retry after %v", d)
	}
	f.runs(3)
	f.until("blog running", func() bool { return len(f.engine.running()) == 1 })
	f.sigs <- syscall.SIGTERM
	if err := f.result(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(f.stderr.String(), "could not start: Cannot connect to the Docker daemon; trying again in 100ms") {
		t.Errorf("stderr:\n%s", f.stderr.String())
	}
}

func TestPostStartRunsOnceReady(t *testing.T) {
	f := newFixture(t)
	svc := service("cache")
	svc.PostStart = []string{"/bin/sh", "-c", "echo warmed up; exit 4"}
	f.up(testSpec(svc))
	f.until("the post-start command", func() bool { return strings.Contains(f.stderr.String(), "post-start command failed") })
	f.sigs <- syscall.SIGTERM
	if err := f.result(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(f.stdout.String(), "cache | warmed up\n") || !strings.Contains(f.stderr.String(), "cache: post-start command failed: exit status 4") {
		t.Errorf("stdout:\n%s\nstderr:\n%s", f.stdout.String(), f.stderr.String())
	}
}

func TestCancellingTheContextStopsUp(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { f.done <- Up(ctx, testSpec(service("blog")), f.opts) }()
	f.runs(1)
	cancel()
	if err := f.result(); err != nil {
		t.Fatal(err)
	}
	if got := f.engine.matching(" kill "); !reflect.DeepEqual(got, []string{"0s kill blog SIGINT"}) || f.engine.count() != 0 {
		t.Errorf("events %q", f.engine.log())
	}
}

func TestReadinessInTheForeground(t *testing.T) {
	f := newFixture(t)
	f.opts.Timeout = 5 * time.Second
	answering := make(chan bool, 1)
	answering <- false
	f.opts.probe = func(context.Context, string) error {
		ok := <-answering
		answering <- ok
		if !ok {
			return errors.New("connection refused")
		}
		return nil
	}
	f.engine.output["blog"] = []string{"loading the model"}
	f.up(testSpec(withReady(service("blog"), "http://127.0.0.1:8002/")))
	// The warning is due 5 s after the start, whatever the probes do.
	for f.clock.elapsed() < 5*time.Second {
		f.clock.next(t)
	}
	f.until("the warning", func() bool { return strings.Contains(f.stderr.String(), "does not answer") })
	if f.clock.elapsed() != 5*time.Second {
		t.Errorf("warned after %v, want the 5 s timeout", f.clock.elapsed())
	}
	if !strings.Contains(f.stderr.String(), "blog: http://127.0.0.1:8002/ does not answer 5s after starting; still waiting. Its last output:\n    | loading the model") {
		t.Errorf("stderr:\n%s", f.stderr.String())
	}
	<-answering
	answering <- true
	f.drive("readiness", func() bool { return strings.Contains(f.stderr.String(), "blog: ready after") })
	f.sigs <- syscall.SIGTERM
	if err := f.result(); err != nil {
		t.Fatal(err)
	}
}
