package launch

import (
	"errors"
	"fmt"
	"net"
	"os"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// listenLoopback holds a free loopback port for the test and returns it.
func listenLoopback(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l.Addr().(*net.TCPAddr).Port
}

// freePort returns a loopback port nobody listens on now.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// published gives svc a loopback port and the ProxyPass that uses it.
func published(svc *spec.Service, port int) *spec.Service {
	p := strconv.Itoa(port)
	svc.Ports = append(svc.Ports, spec.Port{HostIP: "127.0.0.1", HostPort: p, ContainerPort: "80", Source: pos(svc.Origin.Script, 4)})
	svc.Front = append(svc.Front, spec.Route{Directive: "ProxyPass", Path: "/", URL: "http://127.0.0.1:" + p + "/", Source: pos("/etc/httpd/httpd.conf", 9)})
	return svc
}

// upErrors runs Up to completion and returns its errors.
func upErrors(t *testing.T, f *fixture, sp *spec.Spec) Errors {
	t.Helper()
	f.up(sp)
	return launchErrors(t, f.result())
}

func TestPreflightFindsEveryProblemBeforeStarting(t *testing.T) {
	taken := listenLoopback(t)
	f := newFixture(t)
	f.engine.images = map[string]bool{"example/web": true, "example/worker": true}
	f.engine.pullErr = errors.New("pull access denied for example/blog, repository does not exist")
	blog := published(service("blog"), freePort(t))
	web := published(service("web"), taken)
	worker := service("worker")
	worker.Kind, worker.ContainerName, worker.Image = spec.KindProcess, "", ""
	worker.Process = &spec.Process{Program: "/nonexistent/celery", Args: []string{"celery"}}
	es := upErrors(t, f, testSpec(blog, web, worker))

	got := map[string]*Error{}
	for _, e := range es {
		got[e.Service] = e
	}
	if len(es) != 3 {
		t.Fatalf("%d errors, want 3:\n%v", len(es), es)
	}
	if e := got["blog"]; e.Code != CodeImageMissing || e.Pos != blog.Where["image"] ||
		!strings.Contains(e.Error(), `/etc/httpd/docker/blog.py:3:1: service blog: image "example/blog" is not present locally and cannot be pulled: pull access denied`) {
		t.Errorf("blog: %v", e)
	}
	portLine := fmt.Sprintf("/etc/httpd/httpd.conf:9:1: service web: host port 127.0.0.1:%d is already in use (ProxyPass / sends requests to it: http://127.0.0.1:%d/)", taken, taken)
	if e := got["web"]; e.Code != CodePortInUse || !strings.HasPrefix(e.Error(), portLine) ||
		!reflect.DeepEqual(e.Related, []apacheconf.Position{web.Ports[0].Source}) {
		t.Errorf("web: %v (related %v)\nwant %s", e, e.Related, portLine)
	}
	if e := got["worker"]; e.Code != CodeNotRunnable || e.Pos != worker.Origin.Exec || !strings.Contains(e.Summary, "/nonexistent/celery does not exist") {
		t.Errorf("worker: %v", e)
	}
	if runs := f.engine.matching(" run "); len(runs) != 0 {
		t.Errorf("something started: %q", runs)
	}
	if pulls := f.engine.matching(" pull "); !reflect.DeepEqual(pulls, []string{"0s pull example/blog"}) {
		t.Errorf("pulls %q", pulls)
	}
}

func TestPreflightPortsPublishedTwice(t *testing.T) {
	f := newFixture(t)
	port := freePort(t)
	es := upErrors(t, f, testSpec(published(service("a"), port), published(service("b"), port)))
	if len(es) != 1 || es[0].Service != "b" || es[0].Code != CodePortInUse || !strings.Contains(es[0].Summary, "is published by service a too") {
		t.Fatalf("errors %v", es)
	}
}

func TestPreflightEngine(t *testing.T) {
	f := newFixture(t)
	f.engine.unreachable = &commandFailure{Command: "fake version", Message: "Cannot connect to the Docker daemon at tcp://127.0.0.1:9. Is the docker daemon running?", Kind: ErrUnreachable}
	t.Setenv("DOCKER_HOST", "tcp://127.0.0.1:9")
	es := upErrors(t, f, testSpec(service("blog"), service("web")))
	if len(es) != 1 || es[0].Code != CodeEngineUnreachable {
		t.Fatalf("errors %v", es)
	}
	want := "/etc/httpd/docker/blog.py:2:1: service blog: cannot reach the fake engine (DOCKER_HOST=tcp://127.0.0.1:9): Cannot connect to the Docker daemon"
	if got := es[0].Error(); !strings.HasPrefix(got, want) || !strings.Contains(got, "start the engine") {
		t.Errorf("error:\n%s\nwant it to start with\n%s", got, want)
	}
}

func TestPreflightNameTakenByAnotherContainer(t *testing.T) {
	f := newFixture(t)
	f.engine.add(Container{ID: "f00d", Name: "blog", State: "running", Running: true, Labels: map[string]string{}})
	es := upErrors(t, f, testSpec(service("blog")))
	if len(es) != 1 || es[0].Code != CodeNameTaken || !strings.Contains(es[0].Summary, `a container named "blog" already exists (f00d, running) and was not started by wsgidock`) {
		t.Fatalf("errors %v", es)
	}
	if ev := f.engine.log(); len(ev) != 0 {
		t.Errorf("the container was touched: %q", ev)
	}
}

func TestOnlyOneUpPerProject(t *testing.T) {
	f := newFixture(t)
	sp := testSpec(service("blog"))
	lock, _, err := lockProject(f.opts.LockDir, sp.Project)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.release()
	// Another process holds it: the same process's second lock on a new
	// file description conflicts as well.
	es := upErrors(t, f, sp)
	if len(es) != 1 || es[0].Code != CodeBusy || !strings.Contains(es[0].Summary, fmt.Sprintf(`project "test" is already run by wsgidock (pid %d)`, os.Getpid())) {
		t.Fatalf("errors %v", es)
	}
}

func TestLeftoversAreAdoptedOrRemoved(t *testing.T) {
	sp := testSpec(service("blog"), service("web"))
	labels := func(service, hash, run string) map[string]string {
		return map[string]string{spec.LabelProject: "test", spec.LabelService: service, LabelRunHash: hash, LabelRun: run}
	}
	f := newFixture(t)
	// blog: running with the same run command: adopted.
	f.engine.add(Container{ID: "b10c", Name: "blog", State: "running", Running: true, RestartPolicy: "no",
		Labels: labels("blog", runHash(sp, sp.Services[0], restartForeground), "4")})
	// web: running, started detached (another run command): replaced.
	f.engine.add(Container{ID: "3eb", Name: "web", State: "running", Running: true, RestartPolicy: "unless-stopped",
		Labels: labels("web", runHash(sp, sp.Services[1], restartDetached), "1")})
	// old: a service no longer in the configuration: removed.
	f.engine.add(Container{ID: "01d", Name: "old", State: "exited", Labels: labels("old", "x", "1")})
	f.up(sp)
	f.runs(1)
	f.until("the adopted container's run 5", func() bool { return len(f.engine.running()) == 2 })
	f.engine.exit(t, "blog", 1)
	f.clock.next(t)
	f.runs(2)
	f.sigs <- syscall.SIGTERM
	if err := f.result(); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"0s update web --restart no", "0s kill web SIGINT", "0s rm web", // the leftover goes first
		"0s run web io.wsgidock.run=1",
		"0s exit blog 1", "100ms rm blog", "100ms run blog io.wsgidock.run=5", // the adopted one counts on
	}
	ev := f.engine.log()
	for _, w := range want {
		found := false
		for _, e := range ev {
			if e == w {
				found = true
			}
		}
		if !found {
			t.Errorf("no event %q in\n%s", w, strings.Join(ev, "\n"))
		}
	}
	if n := len(f.engine.matching("rm old")); n != 1 {
		t.Errorf("old removed %d times", n)
	}
	if !strings.Contains(f.stderr.String(), "blog: adopting running container blog (b10c)") {
		t.Errorf("stderr:\n%s", f.stderr.String())
	}
	if f.engine.count() != 0 {
		t.Errorf("containers left:\n%s", strings.Join(ev, "\n"))
	}
}

func TestForceRecreateReplacesAnIdenticalContainer(t *testing.T) {
	sp := testSpec(service("blog"))
	f := newFixture(t)
	f.opts.ForceRecreate = true
	f.engine.add(Container{ID: "b10c", Name: "blog", State: "running", Running: true, RestartPolicy: "no",
		Labels: map[string]string{spec.LabelProject: "test", spec.LabelService: "blog", LabelRunHash: runHash(sp, sp.Services[0], restartForeground)}})
	f.up(sp)
	f.runs(1)
	f.sigs <- syscall.SIGTERM
	if err := f.result(); err != nil {
		t.Fatal(err)
	}
	if got := f.engine.log()[:3]; !reflect.DeepEqual(got, []string{"0s kill blog SIGINT", "0s rm blog", "0s run blog io.wsgidock.run=1"}) {
		t.Errorf("events %q", got)
	}
}

func TestExpandPort(t *testing.T) {
	tests := []struct {
		port spec.Port
		want []hostPort
	}{
		{spec.Port{HostPort: "8002", ContainerPort: "80"}, []hostPort{{"tcp", "", 8002}}},
		{spec.Port{HostIP: "[::1]", HostPort: "8002", ContainerPort: "80", Protocol: "udp"}, []hostPort{{"udp", "::1", 8002}}},
		{spec.Port{HostPort: "9000-9002", ContainerPort: "9000-9002"}, []hostPort{{"tcp", "", 9000}, {"tcp", "", 9001}, {"tcp", "", 9002}}},
		{spec.Port{ContainerPort: "80"}, nil},
		{spec.Port{HostPort: "80", ContainerPort: "80", Protocol: "sctp"}, nil},
		{spec.Port{HostPort: "x", ContainerPort: "80"}, nil},
	}
	for _, tt := range tests {
		if got := expandPort(tt.port); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("expandPort(%+v) = %v, want %v", tt.port, got, tt.want)
		}
	}
}

func TestTryBindSeesTakenPorts(t *testing.T) {
	port := listenLoopback(t)
	for _, ip := range []string{"127.0.0.1", ""} {
		err := tryBind(hostPort{"tcp", ip, port})
		if !errors.Is(err, syscall.EADDRINUSE) {
			t.Errorf("tryBind(%q, %d) = %v, want EADDRINUSE", ip, port, err)
		}
	}
	if err := tryBind(hostPort{"tcp", "127.0.0.1", freePort(t)}); err != nil {
		t.Errorf("a free port: %v", err)
	}
}

func TestValidate(t *testing.T) {
	worker := service("worker")
	worker.Kind, worker.Process = spec.KindProcess, &spec.Process{Program: "/bin/true"}
	badStop := service("blog")
	badStop.Stop = spec.Stop{Signal: "SIGNOPE", Source: pos("/etc/httpd/httpd.conf", 7)}
	tests := []struct {
		name   string
		sp     *spec.Spec
		detach bool
		want   string
	}{
		{"no services", &spec.Spec{Project: "p", ConfigFile: "/etc/httpd/httpd.conf"}, false, "/etc/httpd/httpd.conf: the configuration has no mod_wsgi daemon group to run"},
		{"a process cannot be detached", testSpec(worker), true, "/etc/httpd/docker/worker.py:2:1: service worker: the service runs the program /bin/true, not a container"},
		{"bad stop signal", testSpec(badStop), false, `/etc/httpd/httpd.conf:7:1: service blog: stop signal: "SIGNOPE" is not a signal name`},
		{"duplicate names", testSpec(service("a"), service("a")), false, `service a: service name "a" is empty or not unique`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := validate(tt.sp, Options{Detach: tt.detach})
			if len(errs) != 1 || !strings.Contains(errs[0].Error(), tt.want) {
				t.Errorf("errors %v\nwant %s", errs, tt.want)
			}
		})
	}
}

func TestPortErrorFromTheEngine(t *testing.T) {
	svc := published(service("blog"), 8002)
	for _, msg := range []string{
		"driver failed programming external connectivity on endpoint blog (abc): Bind for 127.0.0.1:8002 failed: port is already allocated",
		"driver failed programming external connectivity on endpoint blog (abc): Error starting userland proxy: listen tcp4 127.0.0.1:8002: bind: address already in use",
	} {
		e := runError(svc, &RunError{ExitCode: 125, Message: msg})
		if e.Code != CodePortInUse || e.Pos != svc.Front[0].Source || !strings.HasPrefix(e.Summary, "host port 8002 is already in use") {
			t.Errorf("%s:\n%#v", msg, e)
		}
	}
	if isPortTaken("network nosuchnet not found") {
		t.Error("a missing network is not a port problem")
	}
}

func TestEmptyServicesAreErrorsNotPanics(t *testing.T) {
	sp := &spec.Spec{Project: "p", ConfigFile: "/etc/httpd/httpd.conf", Services: []*spec.Service{nil}}
	f := newFixture(t)
	for name, err := range map[string]error{
		"up":   Up(t.Context(), sp, f.opts),
		"down": Down(t.Context(), sp, f.opts),
	} {
		if err == nil || !strings.Contains(err.Error(), "service 1 of the launch spec is empty") {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := PS(t.Context(), &spec.Spec{}, f.opts); err == nil || !strings.Contains(err.Error(), "no project name") {
		t.Errorf("ps: %v", err)
	}
}
