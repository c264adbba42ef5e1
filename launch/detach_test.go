package launch

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wsgidock/wsgidock/translate/spec"
)

func withReady(s *spec.Service, url string) *spec.Service {
	s.Ready = &spec.Ready{URL: url, Source: pos("/etc/httpd/httpd.conf", 9)}
	return s
}

func TestDetachLeavesRestartsToTheEngine(t *testing.T) {
	f := newFixture(t)
	f.opts.Detach = true
	f.opts.Clock = SystemClock{}
	probes := 0
	f.opts.probe = func(context.Context, string) error {
		if probes++; probes < 3 {
			return errors.New("connection refused")
		}
		return nil
	}
	sp := testSpec(withReady(service("blog"), "http://127.0.0.1:8002/"))
	f.up(sp)
	if err := f.result(); err != nil {
		t.Fatal(err)
	}
	f.engine.mu.Lock()
	var args []string
	for _, c := range f.engine.byID {
		args = c.args
	}
	f.engine.mu.Unlock()
	want := runArgs(sp, sp.Services[0], "unless-stopped", 1)
	if !reflect.DeepEqual(args, want) {
		t.Errorf("run argv %q\nwant %q", args, want)
	}
	// Three while waiting, the last one answering; one for the table.
	if probes != 4 {
		t.Errorf("%d probes, want 4", probes)
	}
	table := f.stdout.String()
	if !strings.HasPrefix(table, "SERVICE  CONTAINER") || !strings.Contains(table, "running") || !strings.Contains(table, "engine (unless-stopped)") {
		t.Errorf("status table:\n%s", table)
	}
	if got := f.engine.running(); !reflect.DeepEqual(got, []string{"blog"}) {
		t.Errorf("running %q", got)
	}
}

func TestDetachAdoptsAnUpToDateContainer(t *testing.T) {
	f := newFixture(t)
	f.opts.Detach = true
	sp := testSpec(service("blog"))
	f.engine.add(Container{ID: "b10c", Name: "blog", State: "running", Running: true, RestartPolicy: "unless-stopped",
		StartedAt: f.clock.Now().Add(-time.Hour),
		Labels:    map[string]string{spec.LabelProject: "test", spec.LabelService: "blog", LabelRunHash: runHash(sp, sp.Services[0], restartDetached)}})
	f.up(sp)
	if err := f.result(); err != nil {
		t.Fatal(err)
	}
	if ev := f.engine.log(); len(ev) != 0 {
		t.Errorf("the up-to-date container was touched: %q", ev)
	}
	if !strings.Contains(f.stderr.String(), "blog: up to date: b10c has run the same command since") {
		t.Errorf("stderr:\n%s", f.stderr.String())
	}
}

func TestWaitFailsWhenNotReady(t *testing.T) {
	f := newFixture(t)
	f.opts.Wait = true
	f.opts.Clock = SystemClock{}
	f.opts.Timeout = 300 * time.Millisecond
	f.opts.probe = func(context.Context, string) error { return errors.New("connection refused") }
	f.engine.output["blog"] = []string{"Listening on port 8080"}
	sp := testSpec(withReady(service("blog"), "http://127.0.0.1:8002/"))
	es := upErrors(t, f, sp)
	if len(es) != 1 || es[0].Code != CodeNotReady || es[0].Pos != sp.Services[0].Ready.Source ||
		!reflect.DeepEqual(es[0].Log, []string{"Listening on port 8080"}) {
		t.Fatalf("errors %#v", es)
	}
	if !strings.Contains(es[0].Error(), "http://127.0.0.1:8002/ did not answer within 300ms") {
		t.Errorf("error: %v", es[0])
	}
	// The engine owns it now: it stays.
	if got := f.engine.running(); !reflect.DeepEqual(got, []string{"blog"}) {
		t.Errorf("running %q", got)
	}
}

func TestDetachReportsARefusedRun(t *testing.T) {
	f := newFixture(t)
	f.opts.Detach = true
	f.engine.refuse["bad"] = &RunError{ExitCode: 125, Message: "network nosuchnet not found"}
	es := upErrors(t, f, testSpec(service("good"), service("bad")))
	if len(es) != 1 || es[0].Service != "bad" || es[0].Code != CodeRunRefused {
		t.Fatalf("errors %v", es)
	}
	if got := f.engine.running(); !reflect.DeepEqual(got, []string{"good"}) {
		t.Errorf("running %q", got)
	}
}

func TestDownStopsAndRemovesTheProject(t *testing.T) {
	f := newFixture(t)
	labels := func(service string) map[string]string {
		return map[string]string{spec.LabelProject: "test", spec.LabelService: service}
	}
	f.engine.add(Container{ID: "b10c", Name: "blog", State: "running", Running: true, RestartPolicy: "unless-stopped", Labels: labels("blog")})
	f.engine.add(Container{ID: "01d", Name: "old", State: "exited", RestartPolicy: "unless-stopped", Labels: labels("old")})
	f.engine.add(Container{ID: "0th", Name: "other", State: "running", Running: true,
		Labels: map[string]string{spec.LabelProject: "another", spec.LabelService: "blog"}})
	svc := service("blog")
	svc.Stop = spec.Stop{Signal: "SIGTERM"}
	if err := Down(context.Background(), testSpec(svc), f.opts); err != nil {
		t.Fatal(err)
	}
	got := f.engine.log()
	for _, want := range []string{"0s update blog --restart no", "0s kill blog SIGTERM", "0s rm blog", "0s update old --restart no", "0s rm old"} {
		found := false
		for _, e := range got {
			found = found || e == want
		}
		if !found {
			t.Errorf("no event %q in %q", want, got)
		}
	}
	if r := f.engine.running(); !reflect.DeepEqual(r, []string{"other"}) {
		t.Errorf("running after down: %q", r)
	}
	if !strings.Contains(f.stderr.String(), "project test: 2 container(s) stopped and removed") {
		t.Errorf("stderr:\n%s", f.stderr.String())
	}
}

func TestPS(t *testing.T) {
	f := newFixture(t)
	now := f.clock.Now()
	f.engine.add(Container{ID: "b10c0000000000000", Name: "blog", State: "running", Running: true, RestartPolicy: "no", StartedAt: now.Add(-90 * time.Second),
		Ports:  []PublishedPort{{HostIP: "127.0.0.1", HostPort: "8002", ContainerPort: "80", Protocol: "tcp"}},
		Labels: map[string]string{spec.LabelProject: "test", spec.LabelService: "blog", LabelRun: "3"}})
	f.engine.add(Container{ID: "3eb", Name: "web", State: "exited", ExitCode: 1, RestartPolicy: "unless-stopped", RestartCount: 7,
		Labels: map[string]string{spec.LabelProject: "test", spec.LabelService: "web"}})
	f.engine.add(Container{ID: "01d", Name: "old", State: "exited",
		Labels: map[string]string{spec.LabelProject: "test", spec.LabelService: "old"}})
	f.opts.probe = func(_ context.Context, url string) error { return nil }
	worker := processService(t, "worker", "crash")
	sp := testSpec(withReady(service("blog"), "http://127.0.0.1:8002/"), service("web"), service("db"), worker)

	// A foreground wsgidock holds the project.
	lock, _, err := lockProject(f.opts.LockDir, "test")
	if err != nil {
		t.Fatal(err)
	}
	defer lock.release()
	// blog's image is one wsgidock builds, and the last up built it.
	sp.Services[0].Build = &spec.Build{Context: t.TempDir()}
	if err := recordBuild(f.opts.LockDir, "test", "blog", "built"); err != nil {
		t.Fatal(err)
	}
	st, err := PS(context.Background(), sp, f.opts)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := WriteStatus(&b, st); err != nil {
		t.Fatal(err)
	}
	owner := owner(lockHolder(f.opts.LockDir, "test"))
	want := "SERVICE              CONTAINER            IMAGE                 STATE       UPTIME  RESTARTS  PORTS                   READY  OWNER\n" +
		"blog                 blog (b10c00000000)  example/blog (built)  running     1m30s   2         127.0.0.1:8002->80/tcp  yes    " + owner + "\n" +
		"web                  web (3eb)            example/web           exited (1)  -       7         -                       -      engine (unless-stopped)\n" +
		"db                   -                    example/db            missing     -       0         -                       -      -\n" +
		"worker               (process)            -                     supervised  -       0         -                       -      " + owner + "\n" +
		"old (not in config)  old (01d)            -                     exited (0)  -       0         -                       -      " + owner + "\n"
	if b.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestForegroundRunsTheSpecsArgv(t *testing.T) {
	f := newFixture(t)
	svc := published(service("blog"), 8002)
	svc.Command = []string{"--port", "80", "$HOME"}
	sp := testSpec(svc)
	f.up(sp)
	f.runs(1)
	f.sigs <- syscall.SIGTERM
	if err := f.result(); err != nil {
		t.Fatal(err)
	}
	want := sp.RunArgs(svc, spec.RunOptions{Restart: "no", Labels: []spec.Label{
		{Key: LabelRunHash, Value: runHash(sp, svc, "no")}, {Key: LabelServiceHash, Value: sp.ServiceHash(svc)}, {Key: LabelRun, Value: "1"},
	}})
	f.engine.mu.Lock()
	defer f.engine.mu.Unlock()
	if got := f.engine.lastArgs; !reflect.DeepEqual(got, want) {
		t.Errorf("run argv %q\nwant %q", got, want)
	}
}
