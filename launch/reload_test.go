package launch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/wsgidock/wsgidock/launch/launchtest"
	"github.com/wsgidock/wsgidock/translate/spec"
)

func TestPlanReload(t *testing.T) {
	kept, changed, shared, proc, gone := service("kept"), service("changed"), published(service("shared"), 8001), service("proc"), service("gone")
	proc.Kind, proc.Process = spec.KindProcess, &spec.Process{Program: "/bin/true"}
	old := testSpec(kept, changed, shared, proc, gone)

	kept2 := service("kept")
	kept2.Origin.Exec.Line = 9 // moved, not changed
	changed2 := service("changed")
	changed2.Env = []spec.EnvVar{{Name: "A", Value: "1", HasValue: true}}
	shared2 := published(service("shared"), 8001)
	shared2.Image = "example/other"
	proc2 := service("proc")
	proc2.Kind, proc2.Process = spec.KindProcess, &spec.Process{Program: "/bin/false"}
	added := service("added")
	cur := testSpec(kept2, changed2, shared2, proc2, added)
	cur.ConfigHash = "beef" // the inputs changed

	var got []string
	for _, s := range planReload(old, cur) {
		got = append(got, s.Service+" "+string(s.Action)+" "+map[bool]string{true: "start-first", false: "stop-first"}[s.StartFirst]+": "+s.Why)
	}
	want := []string{
		"kept kept stop-first: unchanged",
		"changed replaced start-first: changed; the new container started and ready before the old one stopped",
		"shared replaced stop-first: changed; stopped, then started (both publish 127.0.0.1:8001:80)",
		"proc replaced stop-first: changed; a process: stopped, then started",
		"added started stop-first: new in the configuration",
		"gone stopped stop-first: no longer in the configuration",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("plan:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestReloadAppliesTheDifference(t *testing.T) {
	f := newFixture(t)
	kept, changed, gone := service("kept"), service("changed"), service("gone")
	old := testSpec(kept, changed, gone)
	changed2 := service("changed")
	changed2.Env = []spec.EnvVar{{Name: "A", Value: "1", HasValue: true}}
	cur := testSpec(service("kept"), changed2, service("added"))
	cur.ConfigHash = "beef"
	reloads := 0
	f.opts.Reload = func() (*spec.Spec, error) {
		reloads++
		if reloads == 1 {
			return nil, errors.New("httpd.conf:3:1: syntax error")
		}
		return cur, nil
	}
	f.up(old)
	f.runs(3)
	before := len(f.engine.log())

	// A broken config changes nothing.
	f.sigs <- syscall.SIGHUP
	f.until("the rejection", func() bool {
		return strings.Contains(f.stderr.String(), "reload rejected, nothing changed: httpd.conf:3:1: syntax error")
	})
	if got := f.engine.eventsSince(before); len(got) != 0 {
		t.Errorf("a rejected reload did %q", got)
	}

	f.sigs <- syscall.SIGHUP
	f.until("the reload", func() bool { return strings.Contains(f.stderr.String(), "wsgidock: reload done") })
	for _, s := range []string{
		"wsgidock: kept: kept: unchanged",
		"wsgidock: changed: replaced: changed; stopped, then started (the engine cannot rename the running container)",
		"wsgidock: added: started: new in the configuration",
		"wsgidock: gone: stopped: no longer in the configuration",
	} {
		if !strings.Contains(f.stderr.String(), s) {
			t.Errorf("stderr lacks %q:\n%s", s, f.stderr.String())
		}
	}
	for _, e := range f.engine.eventsSince(before) {
		if strings.Contains(e, " kept") {
			t.Errorf("the kept service was touched: %q", e)
		}
	}
	if got := f.engine.matching("kill gone SIGINT"); len(got) != 1 {
		t.Errorf("gone was stopped by %q", got)
	}
	if got := f.engine.matching("kill changed SIGINT"); len(got) != 1 {
		t.Errorf("changed was stopped by %q", got)
	}
	for name, n := range map[string]int{"kept": 1, "changed": 2, "added": 1, "gone": 1} {
		if got := f.engine.matching(" run " + name + " "); len(got) != n {
			t.Errorf("%s ran %d times, want %d: %q", name, len(got), n, f.engine.matching(" run "))
		}
	}
	// The kept container still carries the config hash it was created
	// with; the record of what it runs (its service hash) is true of the
	// new configuration, and of the old one for the replaced service only.
	for _, c := range []struct {
		sp      *spec.Spec
		changed map[string]bool
	}{
		{cur, map[string]bool{}},
		{old, map[string]bool{"changed": true}},
	} {
		sts, err := PS(context.Background(), c.sp, f.opts)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range sts {
			if st.Orphan {
				continue
			}
			if st.Changed != c.changed[st.Service] {
				t.Errorf("ps with config hash %s: %s changed = %v, want %v", c.sp.ConfigHash, st.Service, st.Changed, c.changed[st.Service])
			}
		}
	}
	if got := f.engine.label("kept", spec.LabelConfigHash); got != "cafe" {
		t.Errorf("the kept container's config hash label is %q, want the one it was created with", got)
	}
	f.sigs <- syscall.SIGTERM
	if err := f.result(); err != nil {
		t.Fatal(err)
	}
	if n := f.engine.count(); n != 0 {
		t.Errorf("%d containers left", n)
	}
}

// label is a label of the container named name.
func (e *fakeEngine) label(name, key string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, fc := range e.byID {
		if fc.Name == name {
			return fc.Labels[key]
		}
	}
	return ""
}

// eventsSince returns the events recorded after the first n.
func (e *fakeEngine) eventsSince(n int) []string { return e.log()[n:] }

func TestRealReload(t *testing.T) {
	launchtest.Require(t)
	kept, changed, gone := echoService(t, "kept"), echoService(t, "changed"), echoService(t, "gone")
	sp := realSpec(t, kept, changed, gone)
	// The new configuration: changed gets another environment value and
	// another port (so the new container can start before the old one
	// stops), gone is dropped, added is new.
	changed2 := echoService(t, "changed", "GREETING=hello")
	added := echoService(t, "added")
	keptAgain := *kept
	next := realSpec(t, &keptAgain, changed2, added)
	next.Project, next.ConfigHash = sp.Project, "beef"
	for _, s := range next.Services {
		s.ContainerName = sp.Project + "-" + s.Name
	}
	var reloads atomic.Int32
	b := upInBackground(t, sp, Options{Reload: func() (*spec.Spec, error) {
		if reloads.Add(1) == 1 {
			return nil, errors.New("httpd.conf:3:1: error: Invalid command 'Lisen'")
		}
		return next, nil
	}})
	for _, s := range sp.Services {
		serving(t, s.Ready.URL, 60*time.Second)
	}
	ids := map[string]string{}
	for _, s := range sp.Services {
		ids[s.Name] = containerID(t, s.ContainerName)
	}

	// A request loop against the kept service for the whole test.
	stop := make(chan struct{})
	failures := make(chan []error, 1)
	go func() {
		var errs []error
		for i := 0; i < 5000; i++ {
			select {
			case <-stop:
				failures <- errs
				return
			default:
			}
			if _, err := get(kept.Ready.URL); err != nil {
				errs = append(errs, err)
			}
			time.Sleep(5 * time.Millisecond)
		}
		failures <- errs
	}()

	b.sigs <- syscall.SIGHUP
	b.until(t, "the rejection", 30*time.Second, func() bool {
		return strings.Contains(b.stderr.String(), "reload rejected, nothing changed: httpd.conf:3:1: error: Invalid command 'Lisen'")
	})
	for _, s := range sp.Services {
		if got := containerID(t, s.ContainerName); got != ids[s.Name] {
			t.Errorf("a rejected reload replaced %s", s.Name)
		}
	}

	b.sigs <- syscall.SIGHUP
	b.until(t, "the reload", 60*time.Second, func() bool { return strings.Contains(b.stderr.String(), "wsgidock: reload done") })
	close(stop)
	if errs := <-failures; len(errs) > 0 {
		t.Errorf("%d requests to the kept service failed during the reload, the first: %v", len(errs), errs[0])
	}
	if got := containerID(t, kept.ContainerName); got != ids["kept"] {
		t.Errorf("the kept container is %s, was %s", got[:12], ids["kept"][:12])
	}
	if got := containerID(t, changed2.ContainerName); got == ids["changed"] {
		t.Error("the changed service kept its container")
	}
	serving(t, changed2.Ready.URL, 10*time.Second)
	serving(t, added.Ready.URL, 10*time.Second)
	if _, err := get(gone.Ready.URL); err == nil {
		t.Error("the removed service still answers")
	}
	stderr := b.stderr.String()
	for _, s := range []string{
		"kept: kept: unchanged",
		"changed: replaced: changed; the new container started and ready before the old one stopped",
		"added: started: new in the configuration",
		"gone: stopped: no longer in the configuration",
	} {
		if !strings.Contains(stderr, s) {
			t.Errorf("stderr lacks %q:\n%s", s, stderr)
		}
	}
	names := strings.Join(projectContainers(t, sp.Project), " ")
	for _, n := range []string{"-gone", "-replaced-"} {
		if strings.Contains(names, n) {
			t.Errorf("left after the reload: %s", names)
		}
	}
	if err := b.stop(t); err != nil {
		t.Fatalf("Up: %v\nstderr:\n%s", err, b.stderr.String())
	}
	if left := projectContainers(t, sp.Project); len(left) != 0 {
		t.Errorf("containers left: %q", left)
	}
}

// TestRealReloadCommand is `wsgidock reload` against a foreground up in
// another process, and against a detached project.
func TestRealReloadCommand(t *testing.T) {
	launchtest.Require(t)
	blog := echoService(t, "blog")
	sp := realSpec(t, blog)
	lockDir := t.TempDir()
	c := startChild(t, sp, lockDir)
	serving(t, blog.Ready.URL, 60*time.Second)
	id := containerID(t, blog.ContainerName)

	// The new spec, where the child reads it; Reload signals the child.
	api := echoService(t, "api")
	api.ContainerName = sp.Project + "-api"
	sp.Services = append(sp.Services, api)
	data, err := json.Marshal(sp)
	if err != nil {
		t.Fatal(err)
	}
	for _, kv := range c.cmd.Env {
		if path, ok := strings.CutPrefix(kv, envSpec+"="); ok {
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	o := Options{Stdout: &syncBuffer{}, Stderr: &syncBuffer{}, LockDir: lockDir}
	if err := Reload(context.Background(), sp, o); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(o.Stderr.(*syncBuffer).String(), fmt.Sprintf("asked wsgidock (pid %d)", c.cmd.Process.Pid)) {
		t.Errorf("reload said:\n%s", o.Stderr)
	}
	c.until(t, "the reload", func() bool { return strings.Contains(c.stderr.String(), "wsgidock: reload done") })
	serving(t, api.Ready.URL, 30*time.Second)
	if got := containerID(t, blog.ContainerName); got != id {
		t.Errorf("blog's container is %s, was %s", got[:12], id[:12])
	}
	stopChild(t, c, sp.Project)

	// Detached: nothing runs, so nothing to reload.
	err = Reload(context.Background(), sp, o)
	if es := launchErrors(t, err); len(es) != 1 || es[0].Code != CodeNotRunning {
		t.Fatalf("reload of a stopped project: %v", err)
	}
	// Started detached, then reloaded with blog changed and api gone.
	do := Options{Detach: true, Stdout: &syncBuffer{}, Stderr: &syncBuffer{}, LockDir: lockDir, Signals: make(chan os.Signal)}
	if err := Up(context.Background(), sp, do); err != nil {
		t.Fatalf("up --detach: %v\n%s", err, do.Stderr)
	}
	apiID := containerID(t, api.ContainerName)
	blogID := containerID(t, blog.ContainerName)
	// blog changed, on the same port: stopped, then started.
	blog.Env = append(blog.Env, spec.EnvVar{Name: "GREETING", Value: "changed", HasValue: true})
	sp.Services = sp.Services[:1]
	sp.ConfigHash = "beef"
	o.Stderr = &syncBuffer{}
	if err := Reload(context.Background(), sp, o); err != nil {
		t.Fatalf("reload: %v\n%s", err, o.Stderr)
	}
	serving(t, blog.Ready.URL, 30*time.Second)
	names := strings.Join(projectContainers(t, sp.Project), " ")
	if strings.Contains(names, "-api") || strings.Contains(names, apiID[:12]) {
		t.Errorf("api's container outlived the reload: %s", names)
	}
	said := o.Stderr.(*syncBuffer).String()
	if want := fmt.Sprintf("blog: removing container %s (%s, running): started with another configuration or mode; stopped before the new one starts, since both publish %s", blog.ContainerName, blogID[:12], blog.Ports[0]); !strings.Contains(said, want) {
		t.Errorf("reload on the same port said:\n%s\nwant %q", said, want)
	}
	// blog changed to another port: the new run starts, and answers,
	// while the old one still serves; the old one stops after.
	oldURL := blog.Ready.URL
	blogID = containerID(t, blog.ContainerName)
	port := strconv.Itoa(freePort(t))
	blog.Ports[0].HostPort = port
	blog.Front[0].URL = "http://127.0.0.1:" + port + "/"
	blog.Ready.URL = blog.Front[0].URL
	o.Stderr = &syncBuffer{}
	stop := make(chan struct{})
	failures := make(chan error, 1)
	go func() {
		for {
			select {
			case <-stop:
				close(failures)
				return
			default:
			}
			if _, err := get(oldURL); err != nil {
				if _, err := get(blog.Ready.URL); err != nil {
					failures <- fmt.Errorf("neither the old nor the new run answers: %v", err)
					return
				}
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
	if err := Reload(context.Background(), sp, o); err != nil {
		t.Fatalf("reload: %v\n%s", err, o.Stderr)
	}
	close(stop)
	if err := <-failures; err != nil {
		t.Error(err)
	}
	said = o.Stderr.(*syncBuffer).String()
	for _, want := range []string{
		fmt.Sprintf("blog: replacing %s: the new container starts, and is ready, before the old one stops", blogID[:12]),
		"blog: replaced: the new container started and ready before the old one stopped",
	} {
		if !strings.Contains(said, want) {
			t.Errorf("reload to another port said:\n%s\nwant %q", said, want)
		}
	}
	if strings.Index(said, "stopping "+blogID[:12]) < strings.Index(said, "ready after") {
		t.Errorf("the old run stopped before the new one was ready:\n%s", said)
	}
	if names := strings.Join(projectContainers(t, sp.Project), " "); strings.Contains(names, blogID[:12]) {
		t.Errorf("the replaced container outlived the reload: %s", names)
	}
	if err := Down(context.Background(), sp, o); err != nil {
		t.Fatal(err)
	}
}

// TestRealReloadKeepsTheOldRunWhenTheNewFails: a replacement that cannot
// start (its entrypoint does not exist) leaves the old container serving
// under its name.
func TestRealReloadKeepsTheOldRunWhenTheNewFails(t *testing.T) {
	launchtest.Require(t)
	blog := echoService(t, "blog")
	sp := realSpec(t, blog)
	broken := echoService(t, "blog")
	ep := "/no/such/program"
	broken.Entrypoint = &ep
	broken.ContainerName = blog.ContainerName
	next := testSpec(broken)
	next.Project, next.ConfigFile = sp.Project, sp.ConfigFile
	b := upInBackground(t, sp, Options{Reload: func() (*spec.Spec, error) { return next, nil }})
	serving(t, blog.Ready.URL, 60*time.Second)
	id := containerID(t, blog.ContainerName)
	b.sigs <- syscall.SIGHUP
	b.until(t, "the reload", 60*time.Second, func() bool { return strings.Contains(b.stderr.String(), "wsgidock: reload done") })
	if !strings.Contains(b.stderr.String(), "blog: rejected: its new run failed (the command was not found (exit 127)") {
		t.Errorf("stderr:\n%s", b.stderr.String())
	}
	if got := containerID(t, blog.ContainerName); got != id {
		t.Errorf("%s is container %s, was %s", blog.ContainerName, got[:12], id[:12])
	}
	if _, err := get(blog.Ready.URL); err != nil {
		t.Errorf("the old run does not serve: %v", err)
	}
	if err := b.stop(t); err != nil {
		t.Fatalf("Up: %v\nstderr:\n%s", err, b.stderr.String())
	}
	if left := projectContainers(t, sp.Project); len(left) != 0 {
		t.Errorf("containers left: %q", left)
	}
}

func TestReloadRejectsATakenPort(t *testing.T) {
	f := newFixture(t)
	taken := listenLoopback(t)
	cur := testSpec(service("blog"), published(service("api"), taken))
	f.opts.Reload = func() (*spec.Spec, error) { return cur, nil }
	f.up(testSpec(service("blog")))
	f.runs(1)
	before := len(f.engine.log())
	f.sigs <- syscall.SIGHUP
	want := fmt.Sprintf("api: reload rejected, nothing changed: /etc/httpd/httpd.conf:9:1: service api: host port 127.0.0.1:%d is already in use", taken)
	f.until("the rejection", func() bool { return strings.Contains(f.stderr.String(), want) })
	if got := f.engine.eventsSince(before); len(got) != 0 {
		t.Errorf("a rejected reload did %q", got)
	}
	f.sigs <- syscall.SIGTERM
	if err := f.result(); err != nil {
		t.Fatal(err)
	}
}
