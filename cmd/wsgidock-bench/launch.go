package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/wsgidock/wsgidock/apacheconf/httpdtest"
	"github.com/wsgidock/wsgidock/launch/launchtest"
)

const services = 10

// launchOptions say what benchLaunch measures.
type launchOptions struct {
	// wsgidock is the binary measured; before, when set, another one
	// measured beside it, interleaved.
	wsgidock, before, apache string
	runs                     int
	// start: starting 10 services; recovery: recovering one from a kill;
	// compare: the engine's restart policy and Apache recovering too;
	// floor: only the engine's own start (benchFloor).
	start, recovery, compare, floor bool
}

// benchLaunch times starting 10 services and recovering one from a kill.
func benchLaunch(o launchOptions) error {
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
	if o.floor {
		return benchFloor(image, ports, o.runs)
	}
	conf, err := writeServices(dir, image, ports[:services])
	if err != nil {
		return err
	}
	var urls []string
	for _, p := range ports[:services] {
		urls = append(urls, fmt.Sprintf("http://127.0.0.1:%d/", p))
	}

	project := fmt.Sprintf("bench%d", os.Getpid())
	binaries := []string{o.wsgidock}
	if o.before != "" {
		binaries = []string{o.before, o.wsgidock}
	}
	if o.start {
		if err := benchStart(binaries, conf, project, image, ports[:services], urls, o.runs); err != nil {
			return err
		}
	}
	if !o.recovery {
		return nil
	}
	for _, bin := range binaries {
		fmt.Printf("\n### From `docker kill` to serving again (%s)\n\n", bin)
		if err := recoverWsgidock(bin, conf, project, urls[0], image, ports[services+3], o.runs); err != nil {
			return err
		}
	}
	if !o.compare {
		return nil
	}
	fmt.Println()
	fmt.Println("| supervisor | after `docker kill` | after a crash (SIGKILL to the process) | runs |")
	fmt.Println("|---|---:|---:|---:|")
	if err := recoverEngine(image, ports[services], o.runs); err != nil {
		return err
	}
	return recoverApache(o.apache, image, dir, ports[services+1], ports[services+2], o.runs)
}

// benchStart times `wsgidock up --detach --wait` of the services against
// docker-compose up of the file `wsgidock migrate --format compose` writes;
// with two wsgidock binaries, the two interleaved, run by run. The engine
// alone starting the same containers (engineTen) is timed beside them,
// interleaved too.
func benchStart(binaries []string, conf, project, image string, ports []int, urls []string, runs int) error {
	dir := filepath.Dir(conf)
	wsgidock := binaries[len(binaries)-1]
	fmt.Printf("\n### Starting %d services until all answer\n\n", services)
	fmt.Println("| command | median | runs |")
	fmt.Println("|---|---:|---:|")
	times := make([][]time.Duration, len(binaries))
	foreground := make([][]time.Duration, len(binaries))
	var engineCreated, engineAll []time.Duration
	for i := 0; i < runs; i++ {
		for _, created := range []bool{true, false} {
			d, err := engineTen(image, ports, urls, created, i)
			if err != nil {
				return err
			}
			if created {
				engineCreated = append(engineCreated, d)
			} else {
				engineAll = append(engineAll, d)
			}
		}
		for b, bin := range binaries {
			d, err := func() (time.Duration, error) {
				defer exec.Command(bin, "down", "--project", project, conf).Run()
				start := time.Now()
				if out, err := exec.Command(bin, "up", "--detach", "--wait", "--project", project, conf).CombinedOutput(); err != nil {
					return 0, fmt.Errorf("wsgidock up: %v\n%s", err, out)
				}
				return time.Since(start), nil
			}()
			if err != nil {
				return err
			}
			times[b] = append(times[b], d)
			if d, err = foregroundStart(bin, conf, project, urls); err != nil {
				return err
			}
			foreground[b] = append(foreground[b], d)
		}
	}
	for b, bin := range binaries {
		fmt.Printf("| `wsgidock up --detach --wait` (%s) | %s | %d |\n", bin, ms(median(times[b])), runs)
		fmt.Printf("| `wsgidock up` (foreground, %s) until all answer | %s | %d |\n", bin, ms(median(foreground[b])), runs)
	}
	fmt.Printf("| engine alone: %d `docker create` at once, each started through the API once created | %s | %d |\n", services, ms(median(engineAll)), runs)
	fmt.Printf("| engine alone: %d containers created beforehand, started at once through the API | %s | %d |\n", services, ms(median(engineCreated)), runs)
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
	return nil

}

// foregroundStart times `wsgidock up` in the foreground until every URL
// answers (polled as compose's are), then stops it.
func foregroundStart(bin, conf, project string, urls []string) (time.Duration, error) {
	cmd := exec.Command(bin, "up", "--project", project, "--color", "never", conf)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	err := waitAll(urls, time.Minute)
	d := time.Since(start)
	_ = cmd.Process.Signal(syscall.SIGTERM)
	if werr := cmd.Wait(); err == nil && werr != nil {
		err = fmt.Errorf("wsgidock up: %v\n%s", werr, out.String())
	}
	return d, err
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
// engine's own start, the floor of any recovery. wsgidock runs with
// WSGIDOCK_TRACE=1, and the steps of each restart it reports are
// tabled too.
func recoverWsgidock(wsgidock, conf, project, url, image string, plainPort, runs int) error {
	cmd := exec.Command(wsgidock, "up", "--project", project, "--color", "never", conf)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Env = append(os.Environ(), "WSGIDOCK_TRACE=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	traces := make(chan map[string]float64, 16)
	go readTraces(stderr, traces)
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
	// A plain start is timed just before each restart of either kind
	// (plainBefore[0] before the kills, [1] before the crashes), so that
	// each restart is paired with one made under the load of its moment.
	var plain, plainCreate, plainStarted, killed, crashed, killedDie, crashedDie []time.Duration
	var plainBefore [2][]time.Duration
	// steps[0] are the restarts after docker kill, steps[1] after a
	// crash; freed likewise: from the die event to the ended run's
	// network released.
	steps := [2]map[string][]time.Duration{{}, {}}
	var freed [2][]time.Duration
	for i := 0; i < runs; i++ {
		for k, crash := range []bool{false, true} {
			p, err := plainStart(image, plainPort, 2*i+k)
			if err != nil {
				return err
			}
			plain, plainCreate, plainStarted = append(plain, p.served), append(plainCreate, p.created), append(plainStarted, p.started)
			plainBefore[k] = append(plainBefore[k], p.served)
			released, err := networkReleased(name)
			if err != nil {
				return err
			}
			var servedAt time.Time
			d, dd, err := killAndWaitDie(name, url, crash, func(at time.Time) {
				servedAt = at
				select {
				case tr := <-traces:
					for st, v := range tr {
						steps[k][st] = append(steps[k][st], time.Duration(v*float64(time.Millisecond)))
					}
				case <-time.After(5 * time.Second):
				}
			})
			if err != nil {
				return err
			}
			select {
			case at := <-released:
				freed[k] = append(freed[k], at.Sub(servedAt.Add(-dd)))
			case <-time.After(time.Second):
			}
			if crash {
				crashed, crashedDie = append(crashed, d), append(crashedDie, dd)
			} else {
				killed, killedDie = append(killed, d), append(killedDie, dd)
			}
		}
	}
	p := median(plain)
	fmt.Println("| `wsgidock up` (foreground) | from the kill | over a plain start | from the engine's die event | over a plain start |")
	fmt.Println("|---|---:|---:|---:|---:|")
	fmt.Printf("| plain `docker run -d` until it serves | %s | | | |\n", ms(p))
	for _, r := range []struct {
		what             string
		from, die, plain []time.Duration
	}{{"back serving after `docker kill`", killed, killedDie, plainBefore[0]}, {"back serving after a crash (SIGKILL to its process)", crashed, crashedDie, plainBefore[1]}} {
		fmt.Printf("| %s | %s | %+d ms | %s | %+d ms |\n", r.what, ms(median(r.from)), over(r.from, r.plain).Milliseconds(), ms(median(r.die)), over(r.die, r.plain).Milliseconds())
	}
	fmt.Printf("\n%d runs of each, interleaved; \"over a plain start\" is the median of each restart's difference from the plain start just before it (the plain start row: the median of all %d). Served: the first answered of requests sent every 5 ms, each on a fresh connection, none waiting for another.\n", runs, 2*runs)
	fmt.Println("\nThe steps, medians in ms: the plain start from the `docker run -d` call, the restarts from the engine's die event, as wsgidock reports them (WSGIDOCK_TRACE=1), after `docker kill` and after a crash:")
	fmt.Println()
	fmt.Println("| plain `docker run -d` | ms | wsgidock's restart | kill | crash |")
	fmt.Println("|---|---:|---|---:|---:|")
	left := [][2]string{
		{"engine's create event", msf(median(plainCreate))},
		{"engine's start event", msf(median(plainStarted))},
		{"serves", msf(p)},
	}
	var right [][3]string
	cell := func(ds []time.Duration) string {
		if len(ds) == 0 {
			return ""
		}
		return msf(median(ds))
	}
	for _, st := range []string{"seen", "next-ready", "back-off-over", "started", "ended-renamed", "named", "ready"} {
		if len(steps[0][st])+len(steps[1][st]) > 0 {
			right = append(right, [3]string{st, cell(steps[0][st]), cell(steps[1][st])})
		}
		if st == "back-off-over" && len(freed[0])+len(freed[1]) > 0 {
			right = append(right, [3]string{"(engine) the ended run's network released", cell(freed[0]), cell(freed[1])})
		}
	}
	for i := 0; i < len(left) || i < len(right); i++ {
		var l [2]string
		var r [3]string
		if i < len(left) {
			l = left[i]
		}
		if i < len(right) {
			r = right[i]
		}
		fmt.Printf("| %s | %s | %s | %s | %s |\n", l[0], l[1], r[0], r[1], r[2])
	}
	return nil
}

// readTraces reads wsgidock's messages and delivers the steps of each
// restart trace it prints once the new run is ready.
func readTraces(r io.Reader, out chan<- map[string]float64) {
	const marker = "trace (ms since the engine's die event): "
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		i := strings.Index(line, marker)
		if i < 0 || strings.Contains(line, " removed, ") {
			continue
		}
		steps := map[string]float64{}
		for _, f := range strings.Fields(line[i+len(marker):]) {
			k, v, ok := strings.Cut(f, "=")
			if !ok {
				continue
			}
			if x, err := strconv.ParseFloat(strings.TrimSuffix(v, "ms"), 64); err == nil {
				steps[k] = x
			}
		}
		select {
		case out <- steps:
		default:
		}
	}
}

// over is the median of the differences a[i] - b[i]: measured in pairs,
// side by side, the load of the moment weighs on both.
func over(a, b []time.Duration) time.Duration {
	var d []time.Duration
	for i := range a {
		d = append(d, a[i]-b[i])
	}
	return median(d)
}

func msf(d time.Duration) string { return fmt.Sprintf("%.0f", float64(d.Microseconds())/1000) }

// plainTimes is one plain start, from the `docker run -d` call: the
// engine's create and start events, and the first answer.
type plainTimes struct{ created, started, served time.Duration }

// plainStart times `docker run -d` of the image until it serves, with
// requests sent from before the call, as a client keeps sending them
// while a service restarts; then removes the container.
func plainStart(image string, port, i int) (plainTimes, error) {
	name := fmt.Sprintf("wsgidock-bench-plain-%d-%d", os.Getpid(), i)
	url := fmt.Sprintf("http://127.0.0.1:%d/", port)
	defer exec.Command("docker", "rm", "-f", name).Run()
	evs, err := containerEvents(name, "create", "start")
	if err != nil {
		return plainTimes{}, err
	}
	start := time.Now()
	answered := firstAnswer(url, 30*time.Second)
	if out, err := exec.Command("docker", "run", "-d", "--name", name, "-p", fmt.Sprintf("127.0.0.1:%d:80", port), image).CombinedOutput(); err != nil {
		return plainTimes{}, fmt.Errorf("docker run: %v\n%s", err, out)
	}
	at, ok := <-answered
	if !ok {
		return plainTimes{}, fmt.Errorf("%s did not answer within 30 s", url)
	}
	t := plainTimes{served: at.Sub(start)}
	for range 2 {
		select {
		case e := <-evs:
			switch e.action {
			case "create":
				t.created = e.at.Sub(start)
			case "start":
				t.started = e.at.Sub(start)
			}
		case <-time.After(5 * time.Second):
		}
	}
	return t, nil
}

// firstAnswer sends a request to url every 5 ms, each on a fresh
// connection, without waiting for the ones before, and delivers when the
// first answer came; the channel is closed without a value when none came
// within d. Requests do not wait out each other: while the engine starts
// a container, its port proxy accepts connections before the container
// can be reached, and those wait a second (the kernel's retransmission)
// where a request sent a little later is answered at once.
func firstAnswer(url string, d time.Duration) <-chan time.Time {
	out := make(chan time.Time, 1)
	go func() {
		defer close(out)
		got := make(chan time.Time, 1)
		deadline := time.After(d)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			go func() {
				if patient(url) {
					select {
					case got <- time.Now():
					default:
					}
				}
			}()
			select {
			case at := <-got:
				out <- at
				return
			case <-deadline:
				return
			case <-tick.C:
			}
		}
	}()
	return out
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
	d, _, err := killAndWaitDie(name, url, crash, func(time.Time) {})
	return d, err
}

// killAndWaitDie is killAndWait that also returns the time from the
// engine's die event for the container (the engine has killed it: what
// anyone watching the engine learns of first; it releases the
// container's network, its port proxy included, after that event) until
// url answers again. served is told when it answered.
func killAndWaitDie(name, url string, crash bool, served func(time.Time)) (time.Duration, time.Duration, error) {
	evs, err := containerEvents(name, "die")
	if err != nil {
		return 0, 0, err
	}
	start, at, err := killAndWaitFrom(name, url, crash, served)
	if err != nil {
		return 0, 0, err
	}
	select {
	case e := <-evs:
		return at.Sub(start), at.Sub(e.at), nil
	default:
		return 0, 0, fmt.Errorf("no die event for %s", name)
	}
}

// event is one of the engine's events and its time, by the engine's clock.
type event struct {
	action string
	at     time.Time
}

// containerEvents delivers the container's next events of the actions
// given, with the engine's own times.
func containerEvents(name string, actions ...string) (<-chan event, error) {
	f, _ := json.Marshal(map[string][]string{"type": {"container"}, "event": actions, "container": {name}})
	resp, err := events.Get("http://engine/v1.41/events?filters=" + url.QueryEscape(string(f)))
	if err != nil {
		return nil, fmt.Errorf("engine events: %v", err)
	}
	ch := make(chan event, len(actions)+1)
	go func() {
		defer resp.Body.Close()
		d := json.NewDecoder(resp.Body)
		for {
			var m struct {
				Action   string `json:"Action"`
				TimeNano int64  `json:"timeNano"`
			}
			if d.Decode(&m) != nil {
				return
			}
			select {
			case ch <- event{m.Action, time.Unix(0, m.TimeNano)}:
			default:
				return
			}
		}
	}()
	return ch, nil
}

// networkReleased delivers when the engine disconnects the container now
// named name from its network: its network, host ports included, is
// released.
func networkReleased(name string) (<-chan time.Time, error) {
	out, err := exec.Command("docker", "inspect", "--format", "{{.Id}}", name).Output()
	if err != nil {
		return nil, fmt.Errorf("docker inspect %s: %v", name, err)
	}
	id := strings.TrimSpace(string(out))
	f, _ := json.Marshal(map[string][]string{"type": {"network"}, "event": {"disconnect"}})
	// A kill is measured within 30 s.
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://engine/v1.41/events?filters="+url.QueryEscape(string(f)), nil)
	resp, err := events.Do(req)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("engine events: %v", err)
	}
	ch := make(chan time.Time, 1)
	go func() {
		defer cancel()
		defer resp.Body.Close()
		d := json.NewDecoder(resp.Body)
		for {
			var m struct {
				Actor struct {
					Attributes map[string]string `json:"Attributes"`
				} `json:"Actor"`
				TimeNano int64 `json:"timeNano"`
			}
			if d.Decode(&m) != nil {
				return
			}
			if m.Actor.Attributes["container"] == id {
				ch <- time.Unix(0, m.TimeNano)
				return
			}
		}
	}()
	return ch, nil
}

func killAndWaitFrom(name, url string, crash bool, onServed func(time.Time)) (start, served time.Time, err error) {
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
	at, ok := <-firstAnswer(url, 30*time.Second-time.Since(start))
	if !ok {
		return start, served, errNoRestart
	}
	onServed(at)
	time.Sleep(11*time.Second - time.Since(at)) // let back-off reset, as between real crashes
	return start, at, nil
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

// patientClient waits out a connection the engine's port proxy accepted
// before the container could be reached.
var patientClient = &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}

// patient reports whether one request to url is answered.
func patient(url string) bool {
	resp, err := patientClient.Get(url)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return true
}

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
