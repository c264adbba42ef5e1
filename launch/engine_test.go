package launch

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wsgidock/wsgidock/apacheconf/httpdtest"
	"github.com/wsgidock/wsgidock/launch/launchtest"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// The tests in this file run real containers on the Docker engine; they
// skip when none answers, and fail then with WSGIDOCK_REQUIRE_DOCKER=1.

// answer is what the echoserver replies.
type answer struct {
	Hostname string              `json:"hostname"`
	Started  time.Time           `json:"started"`
	Header   map[string][]string `json:"header"`
}

// get asks url once.
func get(url string) (answer, error) {
	c := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}
	resp, err := c.Get(url)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	var a answer
	if resp.StatusCode != http.StatusOK {
		return a, fmt.Errorf("%s: %s", url, resp.Status)
	}
	return a, json.NewDecoder(resp.Body).Decode(&a)
}

// serving waits, bounded, until url answers and returns the answer, and
// how long it took.
func serving(t *testing.T, url string, within time.Duration) (answer, time.Duration) {
	t.Helper()
	start := time.Now()
	var err error
	for time.Since(start) < within {
		var a answer
		if a, err = get(url); err == nil {
			return a, time.Since(start)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s does not answer after %s: %v", url, within, err)
	return answer{}, 0
}

// realSpec is a spec of one project no other test run uses; every
// container carrying its label is removed when the test ends, however it
// ends (launchtest.Project).
func realSpec(t *testing.T, services ...*spec.Service) *spec.Spec {
	t.Helper()
	sp := testSpec(services...)
	sp.Project = launchtest.Project(t, "wsgidock-launch-test")
	for _, s := range services {
		s.ContainerName = sp.Project + "-" + s.Name
	}
	return sp
}

// projectContainers lists the containers of the project, by name.
func projectContainers(t *testing.T, project string) []string {
	t.Helper()
	out, err := exec.Command("docker", "ps", "--all", "--format", "{{.Names}} {{.ID}} {{.Status}}", "--filter", "label="+spec.LabelProject+"="+project).Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Fields(strings.TrimSpace(string(out)))
}

// echoService is a container service running the echoserver, published
// on a free loopback port and proxied by a ProxyPass with
// X-Forwarded-Port 80.
func echoService(t *testing.T, name string, env ...string) *spec.Service {
	t.Helper()
	s := published(service(name), freePort(t))
	s.Image = launchtest.Image(t)
	s.Where["image"] = pos(s.Origin.Script, 3)
	s.Front[0].ForwardedPort = "80"
	s.Ready = &spec.Ready{URL: s.Front[0].URL, Source: s.Front[0].Source}
	for _, kv := range env {
		name, value, _ := strings.Cut(kv, "=")
		s.Env = append(s.Env, spec.EnvVar{Name: name, Value: value, HasValue: true, Source: pos(s.Origin.Script, 2)})
	}
	return s
}

// background is Up running in this process, stopped through its Signals.
type background struct {
	sigs           chan os.Signal
	stdout, stderr *syncBuffer
	done           chan error
}

func upInBackground(t *testing.T, sp *spec.Spec, o Options) *background {
	t.Helper()
	b := &background{sigs: make(chan os.Signal, 2), stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan error, 1)}
	o.Signals, o.Stdout, o.Stderr, o.Color = b.sigs, b.stdout, b.stderr, ColorNever
	if o.LockDir == "" {
		o.LockDir = t.TempDir()
	}
	go func() { b.done <- Up(context.Background(), sp, o) }()
	t.Cleanup(func() {
		select {
		case b.sigs <- syscall.SIGKILL:
		default:
		}
		select {
		case <-b.done:
		case <-time.After(30 * time.Second):
			t.Error("Up did not return after the test")
		}
	})
	return b
}

// stop sends SIGTERM and returns Up's result, bounded.
func (b *background) stop(t *testing.T) error {
	t.Helper()
	b.sigs <- syscall.SIGTERM
	select {
	case err := <-b.done:
		b.done <- err
		return err
	case <-time.After(30 * time.Second):
		t.Fatalf("Up has not returned 30 s after SIGTERM\nstderr:\n%s", b.stderr.String())
		return nil
	}
}

func (b *background) until(t *testing.T, what string, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s\nstderr:\n%s", within, what, b.stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// startApache runs Debian's apache2 as the front end the seed describes,
// proxying to the backend with RequestHeader set X-Forwarded-Port, on a
// free loopback port. It returns the front end's URL.
func startApache(t *testing.T, route spec.Route) string {
	t.Helper()
	bin := httpdtest.Binary(t)
	dir := t.TempDir()
	port := freePort(t)
	var conf strings.Builder
	fmt.Fprintf(&conf, "ServerRoot %q\nServerName localhost\nListen 127.0.0.1:%d\n", dir, port)
	for _, m := range []string{"mpm_event_module", "authz_core_module", "proxy_module", "proxy_http_module", "headers_module"} {
		conf.WriteString(httpdtest.LoadModule(m) + "\n")
	}
	fmt.Fprintf(&conf, "PidFile %q\nErrorLog %q\nDefaultRuntimeDir %q\n", filepath.Join(dir, "httpd.pid"), filepath.Join(dir, "error.log"), dir)
	if os.Getuid() == 0 {
		conf.WriteString("User nobody\nGroup nogroup\n")
	}
	fmt.Fprintf(&conf, "ProxyPass %s %s\nRequestHeader set X-Forwarded-Port %s\n", route.Path, route.URL, route.ForwardedPort)
	path := filepath.Join(dir, "httpd.conf")
	if err := os.WriteFile(path, []byte(conf.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-f", path, "-D", "FOREGROUND")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// httpd stops its children on SIGTERM; the group kill is for a
		// test that failed halfway.
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	})
	return fmt.Sprintf("http://127.0.0.1:%d", port)
}

func TestRealUpServesRestartsAndStops(t *testing.T) {
	launchtest.Require(t)
	svc := echoService(t, "blog")
	sp := realSpec(t, svc)
	b := upInBackground(t, sp, Options{})
	first, took := serving(t, svc.Ready.URL, 60*time.Second)
	t.Logf("serving %s after %s", svc.Ready.URL, took)
	b.until(t, "the readiness message", 10*time.Second, func() bool { return strings.Contains(b.stderr.String(), "blog: ready after") })

	// Through a real Apache front end configured as the seed's.
	front := startApache(t, svc.Front[0])
	viaApache, _ := serving(t, front+"/", 20*time.Second)
	if got := viaApache.Header["X-Forwarded-Port"]; len(got) != 1 || got[0] != "80" {
		t.Errorf("through Apache the backend saw X-Forwarded-Port %q, want 80 (headers %v)", got, viaApache.Header)
	}
	if viaApache.Hostname != first.Hostname {
		t.Errorf("Apache reached %s, the published port %s", viaApache.Hostname, first.Hostname)
	}

	// docker kill: the supervisor starts a fresh container at once.
	if out, err := exec.Command("docker", "kill", svc.ContainerName).CombinedOutput(); err != nil {
		t.Fatalf("docker kill: %v: %s", err, out)
	}
	killed := time.Now()
	b.until(t, "a new container serving", 30*time.Second, func() bool {
		a, err := get(svc.Ready.URL)
		return err == nil && a.Hostname != first.Hostname
	})
	t.Logf("a new container served %s after docker kill", time.Since(killed).Round(time.Millisecond))
	// The new run serves as soon as it has started; the service's name
	// follows it a moment later, once the ended run has let go of it.
	b.until(t, "the new run (run label 2, restart policy no) under the service's name", 10*time.Second, func() bool {
		out, _ := exec.Command("docker", "inspect", "--format", `{{index .Config.Labels "io.wsgidock.run"}} {{.HostConfig.RestartPolicy.Name}}`, svc.ContainerName).Output()
		return strings.TrimSpace(string(out)) == "2 no"
	})
	if !strings.Contains(b.stderr.String(), "exited with code 137") || !strings.Contains(b.stderr.String(), "starting it again in 100ms (restart 1)") {
		t.Errorf("stderr:\n%s", b.stderr.String())
	}

	if err := b.stop(t); err != nil {
		t.Fatalf("Up: %v\nstderr:\n%s", err, b.stderr.String())
	}
	if left := projectContainers(t, sp.Project); len(left) != 0 {
		t.Errorf("containers left: %q", left)
	}
	out := b.stdout.String()
	if !strings.Contains(out, "blog | echoserver: listening on :80\n") || !strings.Contains(out, "blog | echoserver: got interrupt, stopping\n") {
		t.Errorf("stdout:\n%s", out)
	}
}

func TestRealCrashLoopBacksOff(t *testing.T) {
	launchtest.Require(t)
	svc := echoService(t, "crashy", "EXIT_CODE=3")
	sp := realSpec(t, svc)
	b := upInBackground(t, sp, Options{})
	b.until(t, "the crash-loop report", 60*time.Second, func() bool { return strings.Contains(b.stderr.String(), "keeps failing") })
	if err := b.stop(t); err != nil {
		t.Fatalf("Up: %v", err)
	}
	stderr := b.stderr.String()
	for _, s := range []string{
		"exited with code 3 after", "starting it again in 100ms (restart 1)", "starting it again in 200ms (restart 2)", "starting it again in 400ms (restart 3)",
		"crashy: keeps failing: 3 exits in a row within 10s of starting; its last output:\n    | echoserver: exiting with code 3 as EXIT_CODE says",
	} {
		if !strings.Contains(stderr, s) {
			t.Errorf("stderr lacks %q:\n%s", s, stderr)
		}
	}
	if left := projectContainers(t, sp.Project); len(left) != 0 {
		t.Errorf("containers left: %q", left)
	}
}

func TestRealConfigErrorsAreNotRetried(t *testing.T) {
	launchtest.Require(t)
	tests := []struct {
		name  string
		edit  func(*spec.Service)
		code  string
		text  string
		start int
	}{
		{"a network that does not exist (exit 125)", func(s *spec.Service) {
			s.Extra = append(s.Extra, spec.Flag{Name: "--network", Value: "wsgidock-no-such-network", HasValue: true})
		}, CodeRunRefused, "network wsgidock-no-such-network not found", 1},
		{"an entrypoint that does not exist (exit 127)", func(s *spec.Service) {
			ep := "/no/such/program"
			s.Entrypoint = &ep
		}, CodeNotRunnable, "the command was not found (exit 127)", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc := echoService(t, "bad")
			tt.edit(svc)
			sp := realSpec(t, svc)
			stderr := &syncBuffer{}
			err := Up(context.Background(), sp, Options{Stdout: &syncBuffer{}, Stderr: stderr, LockDir: t.TempDir(), Signals: make(chan os.Signal)})
			es := launchErrors(t, err)
			if len(es) != 1 || es[0].Code != tt.code || !strings.Contains(es[0].Error(), tt.text) || es[0].Pos != svc.Origin.Exec {
				t.Fatalf("errors %v\nwant %s with %q", es, tt.code, tt.text)
			}
			if n := strings.Count(stderr.String(), "bad: starting"); n != tt.start {
				t.Errorf("%d starts, want %d:\n%s", n, tt.start, stderr.String())
			}
			if left := projectContainers(t, sp.Project); len(left) != 0 {
				t.Errorf("containers left: %q", left)
			}
		})
	}
}

func TestRealPreflight(t *testing.T) {
	launchtest.Require(t)
	taken := listenLoopback(t)
	busy := published(service("busy"), taken)
	busy.Image = launchtest.Image(t)
	missing := echoService(t, "missing")
	missing.Image = launchtest.Name("wsgidock-no-such-image") + ":latest"
	sp := realSpec(t, busy, missing)
	err := Up(context.Background(), sp, Options{Stdout: &syncBuffer{}, Stderr: &syncBuffer{}, LockDir: t.TempDir(), Signals: make(chan os.Signal)})
	es := launchErrors(t, err)
	if len(es) != 2 {
		t.Fatalf("errors %v", es)
	}
	for _, e := range es {
		switch e.Service {
		case "busy":
			if e.Code != CodePortInUse || e.Pos != busy.Front[0].Source || !strings.Contains(e.Summary, fmt.Sprintf("127.0.0.1:%d is already in use", taken)) {
				t.Errorf("busy: %v", e)
			}
		case "missing":
			if e.Code != CodeImageMissing || e.Pos != missing.Where["image"] || !strings.Contains(e.Summary, missing.Image) {
				t.Errorf("missing: %v", e)
			}
			t.Logf("%v", e)
		}
	}
	if left := projectContainers(t, sp.Project); len(left) != 0 {
		t.Errorf("containers left: %q", left)
	}
}

func TestRealEngineUnreachable(t *testing.T) {
	if _, err := exec.LookPath("docker"); err != nil {
		if os.Getenv("WSGIDOCK_REQUIRE_DOCKER") == "1" {
			t.Fatal("the docker program is required (WSGIDOCK_REQUIRE_DOCKER=1) but not installed")
		}
		t.Skip("the docker program is not installed")
	}
	for _, host := range []string{fmt.Sprintf("tcp://127.0.0.1:%d", freePort(t)), "unix://" + filepath.Join(t.TempDir(), "missing.sock")} {
		t.Run(host, func(t *testing.T) {
			t.Setenv("DOCKER_HOST", host)
			svc := service("blog")
			err := Up(context.Background(), testSpec(svc), Options{Stdout: &syncBuffer{}, Stderr: &syncBuffer{}, LockDir: t.TempDir(), Signals: make(chan os.Signal)})
			es := launchErrors(t, err)
			want := "/etc/httpd/docker/blog.py:2:1: service blog: cannot reach the docker engine (DOCKER_HOST=" + host + "): Cannot connect to the Docker daemon at " + host
			if len(es) != 1 || es[0].Code != CodeEngineUnreachable || !strings.HasPrefix(es[0].Error(), want) {
				t.Fatalf("errors %v\nwant %s", es, want)
			}
			t.Logf("%v", es[0])
		})
	}
}

func TestRealDetachPSDown(t *testing.T) {
	launchtest.Require(t)
	web, api := echoService(t, "web"), echoService(t, "api", "START_DELAY=300ms")
	sp := realSpec(t, web, api)
	o := Options{Wait: true, Stdout: &syncBuffer{}, Stderr: &syncBuffer{}, LockDir: t.TempDir(), Timeout: 60 * time.Second, Signals: make(chan os.Signal)}
	if err := Up(context.Background(), sp, o); err != nil {
		t.Fatalf("Up --wait: %v\n%s", err, o.Stderr)
	}
	for _, s := range sp.Services {
		if _, err := get(s.Ready.URL); err != nil {
			t.Errorf("%s is not ready after Up --wait returned: %v", s.Name, err)
		}
	}
	table := o.Stdout.(*syncBuffer).String()
	if !strings.Contains(table, "engine (unless-stopped)") || strings.Count(table, " yes ") != 2 {
		t.Errorf("status table:\n%s", table)
	}
	st, err := PS(context.Background(), sp, o)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range st {
		if s.State != "running" || s.Ready != "yes" || s.Owner != "engine (unless-stopped)" || len(s.Ports) != 1 || s.Container != sp.Services[i].ContainerName {
			t.Errorf("status %+v", s)
		}
	}
	// A second up --detach finds them up to date.
	o.Stderr = &syncBuffer{}
	if err := Up(context.Background(), sp, o); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(o.Stderr.(*syncBuffer).String(), ": up to date: "); n != 2 {
		t.Errorf("%d services up to date:\n%s", n, o.Stderr)
	}

	if err := Down(context.Background(), sp, o); err != nil {
		t.Fatal(err)
	}
	if left := projectContainers(t, sp.Project); len(left) != 0 {
		t.Errorf("containers left: %q", left)
	}
	st, err = PS(context.Background(), sp, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range st {
		if s.State != "missing" {
			t.Errorf("after down: %+v", s)
		}
	}
}

// child is a wsgidock process running Up in the foreground: the test
// binary as a helper.
type child struct {
	cmd            *exec.Cmd
	stdout, stderr *syncBuffer
	done           chan struct{}
}

func startChild(t *testing.T, sp *spec.Spec, lockDir string) *child {
	t.Helper()
	return startChildWith(t, sp, lockDir, nil)
}

// startChildWith is startChild where edit, when not nil, may change the
// command before it starts (its streams, its session).
func startChildWith(t *testing.T, sp *spec.Spec, lockDir string, edit func(*exec.Cmd)) *child {
	t.Helper()
	data, err := json.Marshal(sp)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "spec.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: exec.Command(self), stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan struct{})}
	c.cmd.Env = append(os.Environ(), envHelper+"=up", envSpec+"="+path, envLockDir+"="+lockDir)
	c.cmd.Stdout, c.cmd.Stderr = c.stdout, c.stderr
	if edit != nil {
		edit(c.cmd)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = c.cmd.Wait()
		close(c.done)
	}()
	t.Cleanup(func() {
		_ = c.cmd.Process.Kill()
		<-c.done
	})
	return c
}

// wait waits, bounded, for the child to end and returns its exit code.
func (c *child) wait(t *testing.T, within time.Duration) int {
	t.Helper()
	select {
	case <-c.done:
		return c.cmd.ProcessState.ExitCode()
	case <-time.After(within):
		t.Fatalf("wsgidock (pid %d) has not ended after %s\nstderr:\n%s", c.cmd.Process.Pid, within, c.stderr.String())
		return -1
	}
}

// children lists the PIDs whose parent is pid.
func children(pid int) []int {
	var out []int
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range stats {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		s := string(b)
		fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(fields) > 1 && fields[1] == strconv.Itoa(pid) {
			n, _ := strconv.Atoi(filepath.Base(filepath.Dir(p)))
			out = append(out, n)
		}
	}
	return out
}

func containerID(t *testing.T, name string) string {
	t.Helper()
	out, err := exec.Command("docker", "inspect", "--format", "{{.Id}}", name).Output()
	if err != nil {
		t.Fatalf("docker inspect %s: %v", name, err)
	}
	return strings.TrimSpace(string(out))
}

func TestRealSIGTERMStopsEverything(t *testing.T) {
	launchtest.Require(t)
	svc := echoService(t, "blog", "IGNORE=SIGINT")
	sp := realSpec(t, svc)
	c := startChild(t, sp, t.TempDir())
	serving(t, svc.Ready.URL, 60*time.Second)
	helpers := children(c.cmd.Process.Pid)
	sent := time.Now()
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// The service ignores SIGINT: the schedule ends with SIGKILL at 3 s.
	if code := c.wait(t, 30*time.Second); code != 0 {
		t.Fatalf("wsgidock exited with %d\nstderr:\n%s", code, c.stderr.String())
	}
	t.Logf("wsgidock ended %s after SIGTERM", time.Since(sent).Round(time.Millisecond))
	for _, pid := range helpers {
		if alive(pid) {
			t.Errorf("helper %d outlived wsgidock", pid)
		}
	}
	if left := projectContainers(t, sp.Project); len(left) != 0 {
		t.Errorf("containers left: %q", left)
	}
	stderr := c.stderr.String()
	for _, s := range []string{"SIGTERM: stopping", "still running after 1s: SIGINT", "still running after 2s: SIGINT", "still running after 3s: SIGKILL", "stopped (exit code 137)"} {
		if !strings.Contains(stderr, s) {
			t.Errorf("stderr lacks %q:\n%s", s, stderr)
		}
	}
}

func TestRealSIGKILLedUpIsFollowedByAnother(t *testing.T) {
	launchtest.Require(t)
	svc := echoService(t, "blog")
	sp := realSpec(t, svc)
	lockDir := t.TempDir()

	first := startChild(t, sp, lockDir)
	serving(t, svc.Ready.URL, 60*time.Second)
	id := containerID(t, svc.ContainerName)
	helpers := children(first.cmd.Process.Pid)
	// With the Engine API there are none; with the docker program alone,
	// its logs and wait at least.
	t.Logf("wsgidock runs %d helper processes", len(helpers))
	if err := first.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	first.wait(t, 10*time.Second)
	// Its helpers die with it; the container, which no signal reached,
	// does not: that is the trap the next run must handle.
	deadline := time.Now().Add(5 * time.Second)
	for _, pid := range helpers {
		for alive(pid) {
			if time.Now().After(deadline) {
				t.Fatalf("helper %d outlived its wsgidock", pid)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	if _, err := get(svc.Ready.URL); err != nil {
		t.Fatalf("the container should outlive a SIGKILLed wsgidock: %v", err)
	}

	// The same configuration: the running container is adopted.
	second := startChild(t, sp, lockDir)
	second.until(t, "the adoption", func() bool { return strings.Contains(second.stderr.String(), "adopting running container") })
	if got := containerID(t, svc.ContainerName); got != id {
		t.Errorf("container %s replaced by %s", id[:12], got[:12])
	}
	serving(t, svc.Ready.URL, 10*time.Second)
	if err := second.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	second.wait(t, 10*time.Second)

	// Another configuration: the leftover is stopped and replaced, and
	// nothing collides over the name or the port.
	svc.Env = append(svc.Env, spec.EnvVar{Name: "GREETING", Value: "changed", HasValue: true})
	third := startChild(t, sp, lockDir)
	third.until(t, "a new container", func() bool { return strings.Contains(third.stderr.String(), "blog: started ") })
	if got := containerID(t, svc.ContainerName); got == id {
		t.Error("the container of another configuration was adopted")
	}
	if !strings.Contains(third.stderr.String(), "removing container "+svc.ContainerName) {
		t.Errorf("stderr:\n%s", third.stderr.String())
	}
	serving(t, svc.Ready.URL, 30*time.Second)

	// wsgidock down stops the foreground wsgidock, which stops its service.
	o := Options{Stdout: &syncBuffer{}, Stderr: &syncBuffer{}, LockDir: lockDir}
	if err := Down(context.Background(), sp, o); err != nil {
		t.Fatalf("Down: %v", err)
	}
	if code := third.wait(t, 30*time.Second); code != 0 {
		t.Errorf("wsgidock exited with %d after down\nstderr:\n%s", code, third.stderr.String())
	}
	if !strings.Contains(o.Stderr.(*syncBuffer).String(), fmt.Sprintf("asking wsgidock (pid %d)", third.cmd.Process.Pid)) {
		t.Errorf("down said:\n%s", o.Stderr)
	}
	if left := projectContainers(t, sp.Project); len(left) != 0 {
		t.Errorf("containers left: %q", left)
	}
}

func (c *child) until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 60 s for %s\nstderr:\n%s", what, c.stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
