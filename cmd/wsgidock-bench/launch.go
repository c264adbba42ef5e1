package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/wsgidock/wsgidock/apacheconf/httpdtest"
	"github.com/wsgidock/wsgidock/launch/launchtest"
)

const services = 10

// benchLaunch times starting 10 services and recovering one from a kill.
// With compare false, the engine's restart policy and Apache are left
// out of the recovery measure.
func benchLaunch(wsgidock, apache string, runs int, compare bool) error {
	if err := exec.Command("docker", "version").Run(); err != nil {
		fmt.Println("\n(no Docker engine: the launch benchmarks are skipped)")
		return nil
	}
	dir, err := os.MkdirTemp("", "wsgidock-bench-launch")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	image, err := launchtest.Build(fmt.Sprintf("wsgidock-bench:%d", os.Getpid()))
	if err != nil {
		return err
	}
	defer exec.Command("docker", "rmi", "--force", image).Run()

	ports := freePorts(services + 4)
	conf, err := writeServices(dir, image, ports[:services])
	if err != nil {
		return err
	}
	var urls []string
	for _, p := range ports[:services] {
		urls = append(urls, fmt.Sprintf("http://127.0.0.1:%d/", p))
	}

	fmt.Printf("\n### Starting %d services until all answer\n\n", services)
	fmt.Println("| command | median | runs |")
	fmt.Println("|---|---:|---:|")
	project := fmt.Sprintf("bench%d", os.Getpid())
	ours, err := timeRuns(runs, func() (time.Duration, error) {
		defer exec.Command(wsgidock, "down", "--project", project, conf).Run()
		start := time.Now()
		if out, err := exec.Command(wsgidock, "up", "--detach", "--wait", "--project", project, conf).CombinedOutput(); err != nil {
			return 0, fmt.Errorf("wsgidock up: %v\n%s", err, out)
		}
		return time.Since(start), nil
	})
	if err != nil {
		return err
	}
	fmt.Printf("| `wsgidock up --detach --wait` | %s | %d |\n", ms(ours), runs)
	composeFile := filepath.Join(dir, "compose.yaml")
	out, err := exec.Command(wsgidock, "migrate", "--format", "compose", "--project", project+"c", conf).Output()
	if err != nil {
		return fmt.Errorf("wsgidock migrate --format compose: %v", err)
	}
	if err := os.WriteFile(composeFile, out, 0o644); err != nil {
		return err
	}
	compose := "docker-compose"
	if _, err := exec.LookPath(compose); err != nil {
		fmt.Println("| docker-compose | not installed | |")
	} else {
		theirs, err := timeRuns(runs, func() (time.Duration, error) {
			defer exec.Command(compose, "-p", project+"c", "-f", composeFile, "down", "--timeout", "3").Run()
			start := time.Now()
			if out, err := exec.Command(compose, "-p", project+"c", "-f", composeFile, "up", "-d").CombinedOutput(); err != nil {
				return 0, fmt.Errorf("docker-compose up: %v\n%s", err, out)
			}
			if err := waitAll(urls, time.Minute); err != nil {
				return 0, err
			}
			return time.Since(start), nil
		})
		if err != nil {
			return err
		}
		fmt.Printf("| `docker-compose up -d` + readiness poll | %s | %d |\n", ms(theirs), runs)
	}

	fmt.Printf("\n### From `docker kill` to serving again\n\n")
	if err := recoverWsgidock(wsgidock, conf, project, urls[0], image, ports[services+3], runs); err != nil {
		return err
	}
	if !compare {
		return nil
	}
	fmt.Println()
	fmt.Println("| supervisor | after `docker kill` | after a crash (SIGKILL to the process) | runs |")
	fmt.Println("|---|---:|---:|---:|")
	if err := recoverEngine(image, ports[services], runs); err != nil {
		return err
	}
	return recoverApache(apache, image, dir, ports[services+1], ports[services+2], runs)
}

// writeServices writes a front end of n daemon groups in the seed's
// pattern, each launching the echo image on its own port.
func writeServices(dir, image string, ports []int) (string, error) {
	var b strings.Builder
	b.WriteString("ServerName localhost\n")
	for i, p := range ports {
		fmt.Fprintf(&b, "ProxyPass /s%[1]d/ http://127.0.0.1:%[2]d/\nProxyPassReverse /s%[1]d/ http://127.0.0.1:%[2]d/\n", i, p)
		fmt.Fprintf(&b, "WSGIDaemonProcess s%[1]d threads=0\nWSGIImportScript s%[1]d.py process-group=s%[1]d application-group=%%{GLOBAL}\n", i)
		script := fmt.Sprintf("import os\nos.execlp('docker', 'docker', 'run', '--rm', '-p', '127.0.0.1:%d:80', '%s')\n", p, image)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("s%d.py", i)), []byte(script), 0o644); err != nil {
			return "", err
		}
	}
	conf := filepath.Join(dir, "httpd.conf")
	return conf, os.WriteFile(conf, []byte(b.String()), 0o644)
}

// recoverWsgidock runs `wsgidock up` in the foreground and kills the first
// service's container, after a docker kill and after a crash, each time
// beside a plain `docker run -d` of the same image until it serves: the
// engine's own start, the floor of any recovery.
func recoverWsgidock(wsgidock, conf, project, url, image string, plainPort, runs int) error {
	cmd := exec.Command(wsgidock, "up", "--project", project, "--color", "never", conf)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}()
	if err := waitAll([]string{url}, time.Minute); err != nil {
		return err
	}
	name := project + "-s0"
	var plain, killed, crashed, killedDie, crashedDie []time.Duration
	for i := 0; i < runs; i++ {
		d, err := plainStart(image, plainPort, i)
		if err != nil {
			return err
		}
		plain = append(plain, d)
		d, dd, err := killAndWaitDie(name, url, false)
		if err != nil {
			return err
		}
		killed, killedDie = append(killed, d), append(killedDie, dd)
		if d, dd, err = killAndWaitDie(name, url, true); err != nil {
			return err
		}
		crashed, crashedDie = append(crashed, d), append(crashedDie, dd)
	}
	p := median(plain)
	fmt.Println("| `wsgidock up` (foreground) | from the kill | over a plain start | from the engine's die event | over a plain start |")
	fmt.Println("|---|---:|---:|---:|---:|")
	fmt.Printf("| plain `docker run -d` until it serves | %s | | | |\n", ms(p))
	for _, r := range []struct {
		what      string
		from, die []time.Duration
	}{{"back serving after `docker kill`", killed, killedDie}, {"back serving after a crash (SIGKILL to its process)", crashed, crashedDie}} {
		f, d := median(r.from), median(r.die)
		fmt.Printf("| %s | %s | %+d ms | %s | %+d ms |\n", r.what, ms(f), (f - p).Milliseconds(), ms(d), (d - p).Milliseconds())
	}
	fmt.Printf("\n%d runs of each, interleaved.\n", runs)
	return nil
}

// plainStart times `docker run -d` of the image until it serves, then
// removes the container.
func plainStart(image string, port, i int) (time.Duration, error) {
	name := fmt.Sprintf("wsgidock-bench-plain-%d-%d", os.Getpid(), i)
	url := fmt.Sprintf("http://127.0.0.1:%d/", port)
	defer exec.Command("docker", "rm", "-f", name).Run()
	start := time.Now()
	if out, err := exec.Command("docker", "run", "-d", "--name", name, "-p", fmt.Sprintf("127.0.0.1:%d:80", port), image).CombinedOutput(); err != nil {
		return 0, fmt.Errorf("docker run: %v\n%s", err, out)
	}
	for time.Since(start) < 30*time.Second {
		if answers(url) {
			return time.Since(start), nil
		}
		time.Sleep(5 * time.Millisecond)
	}
	return 0, fmt.Errorf("%s did not answer within 30 s", url)
}

func median(ds []time.Duration) time.Duration {
	ds = append([]time.Duration(nil), ds...)
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2]
}

// recoverEngine uses the engine's own restart policy.
func recoverEngine(image string, port, runs int) error {
	name := fmt.Sprintf("wsgidock-bench-engine-%d", os.Getpid())
	url := fmt.Sprintf("http://127.0.0.1:%d/", port)
	if out, err := exec.Command("docker", "run", "-d", "--name", name, "--restart", "always", "-p", fmt.Sprintf("127.0.0.1:%d:80", port), image).CombinedOutput(); err != nil {
		return fmt.Errorf("docker run: %v\n%s", err, out)
	}
	defer exec.Command("docker", "rm", "-f", name).Run()
	if err := waitAll([]string{url}, time.Minute); err != nil {
		return err
	}
	return recoveryRow("Docker engine, `--restart always`", runs, func(crash bool) (time.Duration, error) {
		if !containerRunning(name) {
			// docker kill counts as a manual stop: start it again for the
			// next measurement.
			if out, err := exec.Command("docker", "start", name).CombinedOutput(); err != nil {
				return 0, fmt.Errorf("docker start: %v\n%s", err, out)
			}
			if err := waitAll([]string{url}, time.Minute); err != nil {
				return 0, err
			}
		}
		return killAndWait(name, url, crash)
	})
}

// recoverApache runs the seed itself: Apache with mod_wsgi keeping the
// container alive through a threads=0 daemon group.
func recoverApache(apache, image, dir string, front, port, runs int) error {
	if os.Getuid() != 0 {
		fmt.Println("| Apache + mod_wsgi (the seed's pattern) | needs root | needs root | |")
		return nil
	}
	name := fmt.Sprintf("wsgidock-bench-apache-%d", os.Getpid())
	url := fmt.Sprintf("http://127.0.0.1:%d/", port)
	adir := filepath.Join(dir, "apache")
	if err := os.MkdirAll(adir, 0o755); err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "ServerName localhost\nListen 127.0.0.1:%d\nPidFile %s/httpd.pid\nErrorLog %s/error.log\nDefaultRuntimeDir %s\nUser www-data\nGroup www-data\nWSGISocketPrefix %s/wsgi\n", front, adir, adir, adir, adir)
	for _, m := range []string{"mpm_event_module", "authz_core_module", "proxy_module", "proxy_http_module", "wsgi_module"} {
		b.WriteString(httpdtest.LoadModule(m) + "\n")
	}
	fmt.Fprintf(&b, "ProxyPass / %s\nWSGIDaemonProcess blog threads=0 supplementary-groups=docker\nWSGIImportScript %s/blog.py process-group=blog application-group=%%{GLOBAL}\n", url, adir)
	script := fmt.Sprintf("import os\nos.execl('/usr/bin/docker', '(docker:blog)', 'run', '--rm', '--name', '%s', '-p', '127.0.0.1:%d:80', '%s')\n", name, port, image)
	if err := os.WriteFile(filepath.Join(adir, "blog.py"), []byte(script), 0o644); err != nil {
		return err
	}
	conf := filepath.Join(adir, "httpd.conf")
	if err := os.WriteFile(conf, []byte(b.String()), 0o644); err != nil {
		return err
	}
	// mod_wsgi reads the launcher as www-data.
	for _, d := range []string{dir, adir} {
		if err := os.Chmod(d, 0o755); err != nil {
			return err
		}
	}
	cmd := exec.Command(apache, "-f", conf, "-D", "FOREGROUND")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
		// The seed's known trap: the container can outlive Apache.
		exec.Command("docker", "rm", "-f", name).Run()
	}()
	if err := waitAll([]string{url}, time.Minute); err != nil {
		log, _ := os.ReadFile(filepath.Join(adir, "error.log"))
		return fmt.Errorf("apache: %v\n%s", err, log)
	}
	return recoveryRow("Apache + mod_wsgi (the seed's pattern)", runs, func(crash bool) (time.Duration, error) {
		return killAndWait(name, url, crash)
	})
}

// errNoRestart says the container did not come back at all.
var errNoRestart = fmt.Errorf("no restart")

// killAndWait ends the container, with `docker kill` or, for a crash, with
// SIGKILL to its process from the host, and times until url answers
// again. It waits until the old container stops answering first.
//
// The clock starts when the container is killed: the process found
// first, `docker kill` sent as one Engine API request (what the docker
// program sends, without its own start-up time in the measure).
func killAndWait(name, url string, crash bool) (time.Duration, error) {
	d, _, err := killAndWaitDie(name, url, crash)
	return d, err
}

// killAndWaitDie is killAndWait that also returns the time from the
// engine's die event for the container (the engine has killed it and
// cleaned up after it: what anyone watching the engine learns of first)
// until url answers again.
func killAndWaitDie(name, url string, crash bool) (time.Duration, time.Duration, error) {
	died, err := dieEvent(name)
	if err != nil {
		return 0, 0, err
	}
	start, served, err := killAndWaitFrom(name, url, crash)
	if err != nil {
		return 0, 0, err
	}
	select {
	case at := <-died:
		return served.Sub(start), served.Sub(at), nil
	default:
		return 0, 0, fmt.Errorf("no die event for %s", name)
	}
}

// dieEvent listens for the container's next die event and delivers its
// time.
func dieEvent(name string) (<-chan time.Time, error) {
	filters := url.QueryEscape(`{"type":["container"],"event":["die"],"container":["` + name + `"]}`)
	resp, err := events.Get("http://engine/v1.41/events?filters=" + filters)
	if err != nil {
		return nil, fmt.Errorf("engine events: %v", err)
	}
	ch := make(chan time.Time, 1)
	go func() {
		defer resp.Body.Close()
		var m json.RawMessage
		if json.NewDecoder(resp.Body).Decode(&m) == nil {
			ch <- time.Now()
		}
	}()
	return ch, nil
}

func killAndWaitFrom(name, url string, crash bool) (start, served time.Time, err error) {
	if crash {
		out, err := exec.Command("docker", "inspect", "--format", "{{.State.Pid}}", name).Output()
		var pid int
		if err == nil {
			_, err = fmt.Sscan(strings.TrimSpace(string(out)), &pid)
		}
		if err != nil || pid <= 0 {
			return start, served, fmt.Errorf("no process for %s: %v", name, err)
		}
		start = time.Now()
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
			return start, served, fmt.Errorf("killing %s's process: %v", name, err)
		}
	} else {
		start = time.Now()
		if err := engineKill(name); err != nil {
			return start, served, err
		}
	}
	deadline := start.Add(5 * time.Second)
	for answers(url) && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	deadline = start.Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if answers(url) {
			served = time.Now()
			time.Sleep(11 * time.Second) // let back-off reset, as between real crashes
			return start, served, nil
		}
		time.Sleep(5 * time.Millisecond)
	}
	return start, served, errNoRestart
}

// recoveryRow prints one supervisor's times for both ways of ending its
// container.
func recoveryRow(label string, runs int, measure func(crash bool) (time.Duration, error)) error {
	cells := []string{label}
	for _, crash := range []bool{false, true} {
		d, err := timeRuns(runs, func() (time.Duration, error) { return measure(crash) })
		switch {
		case err == errNoRestart:
			cells = append(cells, "never (not within 30 s)")
		case err != nil:
			return err
		default:
			cells = append(cells, ms(d))
		}
	}
	fmt.Printf("| %s | %d |\n", strings.Join(cells, " | "), runs)
	return nil
}

func containerRunning(name string) bool {
	out, _ := exec.Command("docker", "inspect", "--format", "{{.State.Running}}", name).Output()
	return strings.TrimSpace(string(out)) == "true"
}

// client asks the services. Its connection attempts give up after
// 100 ms: while the engine sets a container's port up, a SYN can be
// dropped, and the kernel's retransmission a second later would be
// measured instead of the service.
var client = &http.Client{Timeout: 500 * time.Millisecond, Transport: &http.Transport{
	Proxy:             nil,
	DisableKeepAlives: true,
	DialContext:       (&net.Dialer{Timeout: 100 * time.Millisecond}).DialContext,
}}

// engine talks to the local engine's API socket.
var engine = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
	DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", "/var/run/docker.sock")
	},
}}

// events reads the engine's event stream, which stays open.
var events = &http.Client{Transport: engine.Transport}

// engineKill is `docker kill NAME` as one API request.
func engineKill(name string) error {
	resp, err := engine.Post("http://engine/v1.41/containers/"+name+"/kill", "", nil)
	if err != nil {
		return fmt.Errorf("docker kill %s: %v", name, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		return fmt.Errorf("docker kill %s: %s", name, resp.Status)
	}
	return nil
}

func answers(url string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return true
}

func waitAll(urls []string, within time.Duration) error {
	deadline := time.Now().Add(within)
	for _, u := range urls {
		for !answers(u) {
			if time.Now().After(deadline) {
				return fmt.Errorf("%s did not answer within %s", u, within)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	return nil
}

func timeRuns(runs int, f func() (time.Duration, error)) (time.Duration, error) {
	var ds []time.Duration
	for i := 0; i < runs; i++ {
		d, err := f()
		if err != nil {
			return 0, err
		}
		ds = append(ds, d)
	}
	return median(ds), nil
}

func freePorts(n int) []int {
	var ports []int
	var ls []net.Listener
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			panic(err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		l.Close()
	}
	return ports
}
