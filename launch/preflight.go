package launch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// planned is one service as Up will run it.
type planned struct {
	svc      *spec.Service
	eng      Engine // nil for a process service
	schedule Schedule
	// adopt is a running container of an earlier run with the same run
	// command, taken over instead of replaced.
	adopt *Container
	// replace are earlier containers of the service, to stop and remove
	// before it starts.
	replace []Container
}

// leftover is a container of the project to stop and remove.
type leftover struct {
	eng      Engine
	c        Container
	schedule Schedule
	why      string
}

// plan is what Up found before starting anything.
type plan struct {
	services  []*planned
	leftovers []leftover
	engines   map[string]Engine
	// began is when Up began, for the traces (EnvTrace).
	began time.Time
}

// validate checks that the spec can be run at all.
func validate(sp *spec.Spec, o Options) Errors {
	if sp == nil || len(sp.Services) == 0 {
		pos := apacheconf.Position{}
		if sp != nil {
			pos.Filename = sp.ConfigFile
		}
		return Errors{{Code: CodeInvalidSpec, Pos: pos, Summary: "the configuration has no mod_wsgi daemon group to run",
			Detail: "wsgidock runs the WSGIDaemonProcess groups whose WSGIImportScript starts a program"}}
	}
	var errs Errors
	bad := func(s *spec.Service, pos apacheconf.Position, format string, args ...any) {
		if !pos.IsValid() {
			pos = s.Origin.Exec
		}
		errs = append(errs, &Error{Code: CodeInvalidSpec, Service: s.Name, Pos: pos, Summary: fmt.Sprintf(format, args...)})
	}
	if sp.Project == "" {
		errs = append(errs, &Error{Code: CodeInvalidSpec, Pos: apacheconf.Position{Filename: sp.ConfigFile},
			Summary: "the launch spec has no project name", Detail: "containers are labelled with it; give the spec a project"})
	}
	seen := map[string]bool{}
	for i, s := range sp.Services {
		if s == nil {
			errs = append(errs, &Error{Code: CodeInvalidSpec, Pos: apacheconf.Position{Filename: sp.ConfigFile},
				Summary: fmt.Sprintf("service %d of the launch spec is empty", i+1)})
			continue
		}
		if s.Name == "" || seen[s.Name] {
			bad(s, s.Origin.Daemon, "service name %q is empty or not unique", s.Name)
		}
		seen[s.Name] = true
		switch s.Kind {
		case spec.KindContainer:
			if s.ContainerName == "" {
				bad(s, s.Origin.Daemon, "the service has no container name")
			}
			if s.Image == "" {
				bad(s, s.Where["image"], "the launcher names no image")
			}
		case spec.KindProcess:
			if s.Process == nil || s.Process.Program == "" {
				bad(s, s.Origin.Exec, "the launcher names no program")
			} else if o.Detach {
				errs = append(errs, &Error{Code: CodeInvalidSpec, Service: s.Name, Pos: s.Origin.Exec,
					Summary: fmt.Sprintf("the service runs the program %s, not a container, so no engine can keep it running detached", s.Process.Program),
					Detail:  "run `wsgidock up` in the foreground, where wsgidock supervises it"})
			}
		default:
			bad(s, s.Origin.Daemon, "unknown service kind %q", s.Kind)
		}
		if _, err := scheduleFor(s, o.StopSchedule); err != nil {
			bad(s, s.Stop.Source, "stop signal: %v", err)
		}
	}
	return errs
}

// preflight checks, before anything starts, everything that would make a
// start fail: the engines answer, the images are there, nobody else owns
// the container names, the host ports are free, the programs exist. It
// also decides what to do with containers of earlier runs. It changes
// nothing but pulling missing images.
func preflight(ctx context.Context, sp *spec.Spec, o Options, con *console) (*plan, Errors) {
	p := &plan{engines: map[string]Engine{}}
	var errs Errors
	reachable := map[string]bool{}
	restart := restartForeground
	if o.Detach {
		restart = restartDetached
	}
	for _, s := range sp.Services {
		sched, _ := scheduleFor(s, o.StopSchedule)
		ps := &planned{svc: s, schedule: sched}
		p.services = append(p.services, ps)
		if s.Kind != spec.KindContainer {
			errs = append(errs, checkProgram(s)...)
			continue
		}
		prog := o.engineProgram(s)
		eng, known := p.engines[prog]
		if !known {
			eng = o.newEngine(prog)
			p.engines[prog] = eng
			if err := eng.Ping(ctx); err != nil {
				errs = append(errs, unusableEngine(s, eng, err))
			} else {
				reachable[prog] = true
			}
		}
		ps.eng = eng
	}
	// Each image once, built or pulled side by side with others
	// (independent images: each is its own source tree); each service
	// then gets its image's error, in the spec's order.
	first := map[string]int{} // image key -> index in prepare
	var prepare []*planned
	keyOf := func(ps *planned) string { return o.engineProgram(ps.svc) + "\x00" + ps.svc.Image }
	for _, ps := range p.services {
		if ps.eng == nil || !reachable[o.engineProgram(ps.svc)] {
			continue
		}
		if _, ok := first[keyOf(ps)]; !ok {
			first[keyOf(ps)] = len(prepare)
			prepare = append(prepare, ps)
		}
	}
	prepared := make([]error, len(prepare))
	eachOf(buildConcurrency, len(prepare), func(i int) {
		prepared[i] = prepareImage(ctx, prepare[i].eng, sp, prepare[i].svc, con, o)
	})
	for _, ps := range p.services {
		if ps.eng == nil || !reachable[o.engineProgram(ps.svc)] {
			continue
		}
		if err := prepared[first[keyOf(ps)]]; err != nil {
			errs = append(errs, imageError(ps.svc, err))
		}
	}
	for prog, eng := range p.engines {
		if reachable[prog] {
			errs = append(errs, p.findLeftovers(ctx, sp, o, eng, restart)...)
		}
	}
	return p, append(errs, p.checkPorts()...)
}

// unusableEngine explains an engine that cannot be used.
func unusableEngine(s *spec.Service, eng Engine, err error) *Error {
	if errors.Is(err, ErrNoProgram) {
		return &Error{Code: CodeNoEngine, Service: s.Name, Pos: s.Origin.Exec, Err: err,
			Summary: fmt.Sprintf("the %s program is not installed (not found in PATH)", eng.Program()),
			Detail:  "install it, or choose another engine with --engine or " + EnvEngine}
	}
	where := "its default socket"
	if h := os.Getenv("DOCKER_HOST"); h != "" && eng.Program() != "podman" {
		where = "DOCKER_HOST=" + h
	} else if h := os.Getenv("CONTAINER_HOST"); h != "" && eng.Program() == "podman" {
		where = "CONTAINER_HOST=" + h
	}
	return &Error{Code: CodeEngineUnreachable, Service: s.Name, Pos: s.Origin.Exec, Err: err,
		Summary: fmt.Sprintf("cannot reach the %s engine (%s): %s", eng.Program(), where, engineMessage(err)),
		Detail:  fmt.Sprintf("start the engine (e.g. `systemctl start %s`), or point DOCKER_HOST or the engine's context at one that runs", eng.Program())}
}

// ensureImage checks that the service's image is present, pulling it when
// it is not.
func ensureImage(ctx context.Context, eng Engine, s *spec.Service, con *console) error {
	ok, err := eng.ImageExists(ctx, s.Image)
	if err != nil || ok {
		return err
	}
	con.printf(s.Name, "image %s is not present locally; pulling it", s.Image)
	return eng.Pull(ctx, s.Image)
}

func imageError(s *spec.Service, err error) *Error {
	if e := (*Error)(nil); errors.As(err, &e) {
		return e
	}
	pos := s.Where["image"]
	if !pos.IsValid() {
		pos = s.Origin.Exec
	}
	return &Error{Code: CodeImageMissing, Service: s.Name, Pos: pos, Related: []apacheconf.Position{s.Origin.Exec}, Err: err,
		Summary: fmt.Sprintf("image %q is not present locally and cannot be pulled: %s", s.Image, engineMessage(err)),
		Detail:  fmt.Sprintf("build or load it first (docker build -t %s ..., docker load -i FILE), or correct the image name on this line", s.Image)}
}

// checkProgram checks that a process service's program and directory exist.
func checkProgram(s *spec.Service) Errors {
	p := s.Process
	if p == nil || p.Program == "" {
		return nil
	}
	fail := func(format string, args ...any) Errors {
		return Errors{{Code: CodeNotRunnable, Service: s.Name, Pos: s.Origin.Exec,
			Summary: fmt.Sprintf(format, args...),
			Detail:  "install the program or correct the path the launcher script execs"}}
	}
	if strings.Contains(p.Program, "/") {
		fi, err := os.Stat(p.Program)
		switch {
		case err != nil:
			return fail("the program %s does not exist", p.Program)
		case fi.IsDir() || fi.Mode()&0o111 == 0:
			return fail("the program %s is not executable", p.Program)
		}
	} else if _, err := exec.LookPath(p.Program); err != nil {
		return fail("the program %s is not found in PATH", p.Program)
	}
	if p.Dir != "" {
		if fi, err := os.Stat(p.Dir); err != nil || !fi.IsDir() {
			return Errors{{Code: CodeNotRunnable, Service: s.Name, Pos: s.Origin.Daemon,
				Summary: fmt.Sprintf("the working directory %s does not exist", p.Dir),
				Detail:  "create it or correct WSGIDaemonProcess home="}}
		}
	}
	return nil
}

// findLeftovers sorts the containers of earlier runs on eng: a running one
// with the very run command this Up would use is adopted; every other one
// of the project is stopped and removed before the services start. A
// container that has a service's name but is not the project's is an
// error: it is someone else's, and wsgidock does not remove it.
func (p *plan) findLeftovers(ctx context.Context, sp *spec.Spec, o Options, eng Engine, restart string) Errors {
	var errs Errors
	ours, err := eng.List(ctx, spec.LabelProject+"="+sp.Project)
	if err != nil {
		return Errors{{Code: CodeEngineUnreachable, Pos: apacheconf.Position{Filename: sp.ConfigFile}, Err: err,
			Summary: "cannot list the project's containers: " + err.Error(), Detail: "check that the engine works"}}
	}
	byName := map[string]*planned{}
	byService := map[string]*planned{}
	for _, ps := range p.services {
		if ps.eng == eng {
			byName[ps.svc.ContainerName] = ps
			byService[ps.svc.Name] = ps
		}
	}
	seen := map[string]bool{}
	for _, c := range ours {
		seen[c.ID] = true
		ps := byName[c.Name]
		if ps == nil {
			ps = byService[c.Labels[spec.LabelService]]
		}
		if ps == nil {
			p.leftovers = append(p.leftovers, leftover{eng: eng, c: c, schedule: scheduleOr(o.StopSchedule),
				why: fmt.Sprintf("its service %q is no longer in the configuration", c.Labels[spec.LabelService])})
			continue
		}
		if !o.ForceRecreate && ps.adopt == nil && c.Name == ps.svc.ContainerName && c.Running &&
			c.Labels[LabelRunHash] == runHash(sp, ps.svc, restart) {
			adopted := c
			ps.adopt = &adopted
			continue
		}
		ps.replace = append(ps.replace, c)
	}
	for _, ps := range p.services {
		if ps.eng != eng {
			continue
		}
		c, err := eng.Inspect(ctx, ps.svc.ContainerName)
		if errors.Is(err, ErrNoSuchContainer) || (err == nil && seen[c.ID]) {
			continue
		}
		if err != nil {
			errs = append(errs, &Error{Code: CodeEngineUnreachable, Service: ps.svc.Name, Pos: ps.svc.Origin.Exec, Err: err,
				Summary: "cannot inspect container " + ps.svc.ContainerName + ": " + err.Error(), Detail: "check that the engine works"})
			continue
		}
		owner := "was not started by wsgidock"
		if q := c.Labels[spec.LabelProject]; q != "" {
			owner = fmt.Sprintf("belongs to wsgidock project %q", q)
		}
		errs = append(errs, &Error{Code: CodeNameTaken, Service: ps.svc.Name, Pos: ps.svc.Origin.Daemon,
			Summary: fmt.Sprintf("a container named %q already exists (%s, %s) and %s", c.Name, shortID(c.ID), c.State, owner),
			Detail:  fmt.Sprintf("wsgidock removes only its own containers: remove it (`%s rm -f %s`) or rename the daemon group", eng.Program(), c.Name)})
	}
	return errs
}

func scheduleOr(s Schedule) Schedule {
	if len(s) > 0 {
		return s
	}
	return DefaultSchedule()
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// hostPort is one published host port, as the engine would bind it.
type hostPort struct {
	proto string
	ip    string
	port  int
}

// checkPorts finds host ports that are already taken, or published twice
// by the configuration, before any container tries to bind them.
func (p *plan) checkPorts() Errors {
	var errs Errors
	freed := map[hostPort]bool{} // published by containers about to be removed
	note := func(c Container) {
		for _, b := range c.Ports {
			if n, err := strconv.Atoi(b.HostPort); err == nil {
				freed[hostPort{b.Protocol, "", n}] = true
			}
		}
	}
	for _, l := range p.leftovers {
		note(l.c)
	}
	for _, ps := range p.services {
		for _, c := range ps.replace {
			note(c)
		}
	}
	claimed := map[hostPort]*spec.Service{}
	for _, ps := range p.services {
		if ps.eng == nil || ps.adopt != nil {
			continue
		}
		local := engineIsLocal(ps.eng)
		for _, port := range ps.svc.Ports {
			for _, hp := range expandPort(port) {
				key := hostPort{hp.proto, "", hp.port}
				if other := claimed[key]; other != nil {
					e := &Error{Code: CodePortInUse, Service: ps.svc.Name,
						Summary: fmt.Sprintf("host port %d/%s is published by service %s too", hp.port, hp.proto, other.Name),
						Detail:  "give each service its own host port, and its ProxyPass the same one"}
					locatePort(e, ps.svc, hp.port, port)
					errs = append(errs, e)
					continue
				}
				claimed[key] = ps.svc
				if !local || freed[key] {
					continue
				}
				if err := tryBind(hp); err != nil {
					e := &Error{Code: CodePortInUse, Service: ps.svc.Name, Err: err,
						Summary: fmt.Sprintf("host port %s is already in use", net.JoinHostPort(hp.ip, strconv.Itoa(hp.port))),
						Detail:  fmt.Sprintf("stop what listens there (`ss -lntup 'sport = :%d'` shows it), or change the published port and the ProxyPass that uses it together", hp.port)}
					locatePort(e, ps.svc, hp.port, port)
					errs = append(errs, e)
				}
			}
		}
	}
	return errs
}

// expandPort lists the host ports a --publish binds; a port the engine
// chooses (no host port) binds nothing known in advance.
func expandPort(p spec.Port) []hostPort {
	proto := strings.ToLower(p.Protocol)
	if proto == "" {
		proto = "tcp"
	}
	if p.HostPort == "" || (proto != "tcp" && proto != "udp") {
		return nil
	}
	lo, hi, isRange := strings.Cut(p.HostPort, "-")
	first, err1 := strconv.Atoi(lo)
	last := first
	var err2 error
	if isRange {
		last, err2 = strconv.Atoi(hi)
	}
	if err1 != nil || err2 != nil || first <= 0 || last < first || last > 65535 {
		return nil
	}
	ip := strings.Trim(p.HostIP, "[]")
	var hps []hostPort
	for n := first; n <= last; n++ {
		hps = append(hps, hostPort{proto, ip, n})
	}
	return hps
}

// tryBind reports EADDRINUSE when the port is taken. Other failures (a
// privileged port when not root, an address not on this host) are the
// engine's to judge.
func tryBind(hp hostPort) error {
	addr := net.JoinHostPort(hp.ip, strconv.Itoa(hp.port))
	var err error
	if hp.proto == "udp" {
		var c net.PacketConn
		if c, err = net.ListenPacket("udp", addr); err == nil {
			return c.Close()
		}
	} else {
		var l net.Listener
		if l, err = net.Listen("tcp", addr); err == nil {
			return l.Close()
		}
	}
	if errors.Is(err, syscall.EADDRINUSE) {
		return err
	}
	return nil
}

// engineIsLocal reports whether the engine publishes ports on this host,
// where tryBind can see them.
func engineIsLocal(eng Engine) bool {
	if _, ok := eng.(*CLI); !ok {
		return true
	}
	for _, v := range []string{"DOCKER_HOST", "CONTAINER_HOST"} {
		h := os.Getenv(v)
		if h == "" || strings.HasPrefix(h, "unix://") {
			continue
		}
		u, err := url.Parse(h)
		if err != nil {
			return false
		}
		if ip := net.ParseIP(u.Hostname()); u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return false
		}
	}
	return true
}

// locatePort points a port error at the ProxyPass that sends requests to
// the port, and at the line that publishes it.
func locatePort(e *Error, s *spec.Service, port int, p spec.Port) {
	e.Pos = p.Source
	if !e.Pos.IsValid() {
		e.Pos = s.Origin.Exec
	}
	for _, r := range s.Front {
		if routePort(r.URL) == port {
			e.Related = append(e.Related, e.Pos)
			e.Pos = r.Source
			e.Summary += fmt.Sprintf(" (%s %s sends requests to it: %s)", r.Directive, r.Path, r.URL)
			return
		}
	}
}

// routePort is the port of a backend URL, or 0.
func routePort(raw string) int {
	u, err := url.Parse(raw)
	if err != nil {
		return 0
	}
	if n, err := strconv.Atoi(u.Port()); err == nil {
		return n
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "ws":
		return 80
	case "https", "wss":
		return 443
	}
	return 0
}

var portTakenRe = regexp.MustCompile(`(?:Bind for [^ ]*:|:)(\d+)(?: failed: port is already allocated|: bind: address already in use)`)

// isPortTaken reports whether the engine refused a run because a host
// port is taken.
func isPortTaken(msg string) bool { return portTakenRe.MatchString(msg) }

// portError points a refused run at the port it could not bind.
func portError(e *Error, s *spec.Service, msg string) {
	m := portTakenRe.FindStringSubmatch(msg)
	n, _ := strconv.Atoi(m[1])
	e.Code = CodePortInUse
	e.Summary = fmt.Sprintf("host port %d is already in use: %s", n, msg)
	e.Detail = "stop what holds it, or change the published port and the ProxyPass that uses it together"
	for _, p := range s.Ports {
		for _, hp := range expandPort(p) {
			if hp.port == n {
				locatePort(e, s, n, p)
				return
			}
		}
	}
}
