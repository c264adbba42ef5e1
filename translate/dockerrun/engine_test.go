package dockerrun

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wsgidock/wsgidock/translate/spec"
)

// The tests in this file compare the package with the docker CLI and
// engine on this machine. Without them they skip, unless
// WSGIDOCK_REQUIRE_DOCKER=1 makes that a failure.

func requireDocker(t *testing.T, engine bool) {
	t.Helper()
	what := "the docker CLI"
	if engine {
		what = "a Docker engine"
	}
	fail := func(why string) {
		t.Helper()
		msg := fmt.Sprintf("%s is needed and %s; install docker (and start its daemon), or unset WSGIDOCK_REQUIRE_DOCKER to skip", what, why)
		if os.Getenv("WSGIDOCK_REQUIRE_DOCKER") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	if _, err := exec.LookPath("docker"); err != nil {
		fail("no docker program is on PATH")
	}
	if engine {
		if _, err := docker(t, nil, "", "version", "--format", "{{.Server.Version}}"); err != nil {
			fail("none is reachable: " + err.Error())
		}
	}
}

// docker runs the docker CLI, in dir when it is not empty, with env added
// to the environment, and returns its standard output.
func docker(t *testing.T, env []string, dir string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "docker", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("docker %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(stdout.String()), nil
}

// helpFlag is one line of `docker run --help`: "  -p, --publish list".
var helpFlag = regexp.MustCompile(`^\s+(?:-(\w), )?--([a-z0-9-]+)(?: ([a-z][a-z0-9-]*))?(?:\s{2,}|$)`)

// TestFlagTableMatchesDockerHelp: every flag `docker run --help` lists is
// in the table, with its shorthand, and takes a value exactly when the
// table says so, of the type the table checks.
func TestFlagTableMatchesDockerHelp(t *testing.T) {
	requireDocker(t, false)
	out, err := docker(t, nil, "", "run", "--help")
	if err != nil {
		t.Fatal(err)
	}
	version, _ := docker(t, nil, "", "version", "--format", "{{.Client.Version}}")
	t.Logf("docker CLI %s", version)
	seen := map[string]bool{}
	for _, line := range strings.Split(out, "\n") {
		m := helpFlag.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		short, name, typ := m[1], m[2], m[3]
		seen[name] = true
		written, def := flagSets[dockerRun].lookup(name)
		if def == nil || written != def {
			t.Errorf("docker run --%s is missing from the flag table (help: %q)", name, strings.TrimSpace(line))
			continue
		}
		if got := string(rune(def.short)); def.short == 0 && short != "" || def.short != 0 && got != short {
			t.Errorf("--%s: table shorthand %q, docker's %q", name, def.short, short)
		}
		if def.boolean != (typ == "") {
			t.Errorf("--%s: table says boolean %v, docker's help type is %q", name, def.boolean, typ)
		}
		want := map[string][]vtype{"int": {vInt, vInt64}, "uint": {vUint, vUint64}, "uint16": {vUint16}, "duration": {vDuration}, "float": {vFloat}}[typ]
		if want == nil {
			want = []vtype{vText}
		}
		if !slices.Contains(want, def.dtype) {
			t.Errorf("--%s: table checks type %d, docker's help type is %q", name, def.dtype, typ)
		}
	}
	if len(seen) < 90 {
		t.Fatalf("read only %d flags from docker run --help:\n%s", len(seen), out)
	}
	// What help may leave out: hidden aliases, and flags it hides for the
	// engine's API version or operating system.
	mayHide := map[string]bool{"net": true, "net-alias": true, "dns-opt": true, "help": true,
		"annotation": true, "health-start-interval": true, "cpu-count": true, "cpu-percent": true,
		"io-maxbandwidth": true, "io-maxiops": true, "kernel-memory": true, "disable-content-trust": true,
		"use-api-socket": true, "gpus": true, "platform": true}
	for name := range flagSets[dockerRun].long {
		if !seen[name] && !mayHide[name] {
			t.Errorf("the flag table has docker run --%s, which docker run --help does not list", name)
		}
	}
}

// image builds a tiny image from scratch: one static binary, /app.
func image(t *testing.T, name string) {
	t.Helper()
	dir := t.TempDir()
	src := "package main\n\nfunc main() { println(\"wsgidock dockerrun test\") }\n"
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module app\n\ngo 1.22\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	build := exec.Command("go", "build", "-o", "app", ".")
	build.Dir = dir
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOWORK=off", "GOFLAGS=")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the test binary: %v\n%s", err, out)
	}
	bin, err := os.ReadFile(filepath.Join(dir, "app"))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(&tar.Header{Name: "app", Mode: 0o755, Size: int64(len(bin)), Typeflag: tar.TypeReg}); err != nil {
		t.Fatal(err)
	}
	if _, err := tw.Write(bin); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	tarball := filepath.Join(dir, "app.tar")
	if err := os.WriteFile(tarball, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	id, err := docker(t, nil, "", "import", "--change", `CMD ["/app"]`, tarball, name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := docker(t, nil, "", "rmi", id); err != nil {
			t.Errorf("removing the test image: %v", err)
		}
	})
}

// inspected is what the test reads from `docker inspect`.
type inspected struct {
	Config struct {
		Image       string
		Cmd         []string
		Entrypoint  []string
		Env         []string
		WorkingDir  string
		User        string
		Labels      map[string]string
		StopSignal  string
		StopTimeout *int
		Volumes     map[string]struct{}
	}
	HostConfig struct {
		PortBindings map[string][]struct{ HostIP, HostPort string }
		Binds        []string
		Mounts       []struct {
			Type, Source, Target string
			ReadOnly             bool
		}
		Tmpfs       map[string]string
		NetworkMode string
	}
}

// view is the part of a container the launch spec decides, in a form
// that compares with reflect.DeepEqual.
type view struct {
	Image       string
	Cmd         []string
	Entrypoint  []string
	Env         []string
	WorkingDir  string
	User        string
	Labels      map[string]string
	StopSignal  string
	StopTimeout string
	Ports       map[string][]string
	Binds       []string
	Volumes     []string
	Mounts      []string
	Tmpfs       map[string]string
	NetworkMode string
}

func viewOf(in inspected) view {
	c, h := in.Config, in.HostConfig
	v := view{Image: c.Image, Cmd: c.Cmd, Entrypoint: c.Entrypoint, Env: sortedSet(c.Env), WorkingDir: c.WorkingDir,
		User: c.User, Labels: c.Labels, StopSignal: c.StopSignal, StopTimeout: "default", Tmpfs: c2map(h.Tmpfs),
		NetworkMode: h.NetworkMode, Binds: sortedSet(h.Binds)}
	if c.StopTimeout != nil {
		v.StopTimeout = strconv.Itoa(*c.StopTimeout)
	}
	if len(v.Labels) == 0 {
		v.Labels = nil
	}
	for k := range c.Volumes {
		v.Volumes = append(v.Volumes, k)
	}
	slices.Sort(v.Volumes)
	for _, m := range h.Mounts {
		v.Mounts = append(v.Mounts, fmt.Sprintf("%s|%s|%s|%v", m.Type, m.Source, m.Target, m.ReadOnly))
	}
	for port, bs := range h.PortBindings {
		if v.Ports == nil {
			v.Ports = map[string][]string{}
		}
		for _, b := range bs {
			v.Ports[port] = append(v.Ports[port], b.HostIP+"|"+b.HostPort)
		}
	}
	return v
}

func c2map(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}

func sortedSet(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}

// expect is what the engine should make of a service, created by the
// docker CLI run in dir with environment env; the image has CMD ["/app"].
func expect(t *testing.T, s *spec.Service, dir string, env map[string]string) view {
	v := view{Image: s.Image, WorkingDir: s.Workdir, User: s.User, StopSignal: s.Stop.Signal, StopTimeout: "default", NetworkMode: s.Network}
	if v.NetworkMode == "" {
		v.NetworkMode = "default"
	}
	if s.Entrypoint != nil && *s.Entrypoint != "" {
		v.Entrypoint = []string{*s.Entrypoint}
	}
	switch {
	case len(s.Command) > 0:
		v.Cmd = s.Command
	case s.Entrypoint == nil:
		// The engine takes the image's CMD only when the entry point is
		// the image's too.
		v.Cmd = []string{"/app"}
	}
	// The docker CLI passes the variables through a map: one per name,
	// the last one given, in no order.
	vars := map[string]string{}
	for _, e := range s.Env {
		switch val, ok := env[e.Name]; {
		case e.HasValue:
			vars[e.Name] = e.Name + "=" + e.Value
		case ok:
			vars[e.Name] = e.Name + "=" + val
		default:
			vars[e.Name] = e.Name
		}
	}
	for _, v2 := range vars {
		v.Env = append(v.Env, v2)
	}
	v.Env = sortedSet(v.Env)
	for _, l := range s.Labels {
		if v.Labels == nil {
			v.Labels = map[string]string{}
		}
		v.Labels[l.Key] = l.Value
	}
	if s.Stop.Timeout > 0 {
		v.StopTimeout = strconv.Itoa(int(s.Stop.Timeout / time.Second))
	}
	for _, f := range s.Extra {
		if f.Name == "--stop-timeout" {
			n, _ := strconv.ParseInt(f.Value, 0, 64)
			v.StopTimeout = strconv.FormatInt(n, 10)
		}
	}
	for _, p := range s.Ports {
		if v.Ports == nil {
			v.Ports = map[string][]string{}
		}
		for port, binding := range bindings(t, p) {
			v.Ports[port] = append(v.Ports[port], binding)
		}
	}
	abs := func(src string) string {
		if strings.HasPrefix(src, ".") {
			return filepath.Join(dir, src)
		}
		return src
	}
	for _, vol := range s.Volumes {
		switch {
		case vol.Flag == "--volume" && vol.Source == "":
			v.Volumes = append(v.Volumes, vol.Spec)
		case vol.Flag == "--volume":
			src, rest, _ := strings.Cut(vol.Spec, ":")
			v.Binds = append(v.Binds, abs(src)+":"+rest)
		case vol.Flag == "--mount":
			v.Mounts = append(v.Mounts, fmt.Sprintf("%s|%s|%s|%v", vol.Type, abs(vol.Source), vol.Target, vol.ReadOnly))
		case vol.Flag == "--tmpfs":
			if v.Tmpfs == nil {
				v.Tmpfs = map[string]string{}
			}
			_, opts, _ := strings.Cut(vol.Spec, ":")
			v.Tmpfs[vol.Target] = opts
		}
	}
	v.Binds = sortedSet(v.Binds)
	slices.Sort(v.Volumes)
	return v
}

// bindings expands a published port into the engine's bindings, one per
// container port, as "IP|HOSTPORT" by "PORT/PROTO".
func bindings(t *testing.T, p spec.Port) map[string]string {
	t.Helper()
	rangeOf := func(s string) (uint64, uint64) {
		if s == "" {
			return 0, 0
		}
		a, b, err := parsePortRange(s)
		if err != nil {
			t.Fatalf("port %+v: %v", p, err)
		}
		return a, b
	}
	start, end := rangeOf(p.ContainerPort)
	hstart, hend := rangeOf(p.HostPort)
	out := map[string]string{}
	for i := uint64(0); i <= end-start; i++ {
		host := ""
		if p.HostPort != "" {
			host = strconv.FormatUint(hstart+i, 10)
			if start == end && hstart != hend {
				host += "-" + strconv.FormatUint(hend, 10)
			}
		}
		out[fmt.Sprintf("%d/%s", start+i, p.Protocol)] = p.HostIP + "|" + host
	}
	return out
}

// engineCase is one command line for the engine: options, then the
// image, then command.
type engineCase struct {
	name    string
	options []string
	command []string
	// refused says the engine refuses the command line; warned that
	// wsgidock only warns about it, since its own command line differs.
	refused, warned bool
	// beforeAPI144 says only engines older than API 1.44 refuse it.
	beforeAPI144 bool
}

func engineCases(prefix, dir string) []engineCase {
	return []engineCase{
		{name: "seed", options: []string{"--rm", "-p", "8002:80"}},
		{name: "ports", options: []string{"-p", "127.0.0.1:18002:80", "-p", "[::1]:18003:80/udp", "-p", "18004:81/UDP",
			"-p", "127.0.0.1::82", "-p", "83", "-p", "18010-18011:90-91", "-p", "18020-18030:92", "-p", "published=18040,target=93,protocol=udp",
			"-p", "target=94", "-p=0.0.0.0:18050:95/sctp", "-p18060:96"}},
		{name: "env", options: []string{"-e", "B=first", "-e", "A=it's \"quoted\" $HOME `x` \\ *", "-e", "B=a=b", "-e", "C=", "-e", "WSGIDOCK_T_SET",
			"-e", "WSGIDOCK_T_UNSET", "-eD=combined", "-e=E=eq", "--env", "F=with  two spaces", "--env=G=\n newline"}},
		{name: "volumes", options: []string{"-v", dir + "/with space:/data:ro", "-v", prefix + "-named:/named:nocopy", "-v", "/anon",
			"--mount", "type=bind,src=" + dir + ",dst=/m,readonly", "--mount", `type=bind,"src=` + dir + `/a,b",target=/comma`,
			"--mount", "type=tmpfs,dst=/t,tmpfs-size=1m", "--tmpfs", "/run:size=1m,mode=1777", "--tmpfs", "/tmp",
			"-v", "./rel:/rel:z", "--mount", "type=volume,dst=/anon2"}},
		{name: "workdir user entrypoint", options: []string{"-w", "/work dir", "-u", "1000:1000", "--entrypoint", "/app"},
			command: []string{"--flag", "$x", "a b", "-p", "1:1", "--"}},
		{name: "labels and stop", options: []string{"-l", "a=b=c", "-l", "empty", "--label=k=v with space", "-lshort=1",
			"--stop-signal", "SIGTERM", "--stop-timeout", "7"}},
		{name: "combined shorts", options: []string{"-it", "-w/w", "-uroot", "-ite", "X=1", "-eit"}},
		{name: "entrypoint reset", options: []string{"--entrypoint="}, command: []string{"/app", "x"}},
		{name: "entrypoint with command", options: []string{"--entrypoint", "/bin/sh"}},
		{name: "stop timeout outside the spec", options: []string{"--stop-timeout", "0", "--stop-signal", "9"}},
		{name: "stop timeout -1", options: []string{"--stop-timeout=-1", "--stop-signal=rtmin+3"}},
		{name: "hex stop timeout", options: []string{"--stop-timeout", "0x10", "--stop-signal", "int"}},
		{name: "last one wins", options: []string{"-w", "/a", "--workdir=/b", "-u", "x", "-u", "y", "--stop-timeout", "0", "--stop-timeout", "5"}},
		{name: "no network", options: []string{"--net", "none"}},
		{name: "host network", options: []string{"--network=host"}},
		{name: "dash dash", options: []string{"--init", "--"}, command: []string{"-p", "1:1"}},
		{name: "extra flags", options: []string{"--cap-add", "NET_ADMIN", "--cap-drop=ALL", "--privileged=false", "--read-only",
			"--add-host", "h:127.0.0.1", "--dns-opt", "ndots:2", "--dns", "127.0.0.1", "--hostname", "h.example", "--shm-size", "64m",
			"--memory", "64m", "--cpu-shares=512", "-c", "256", "--pids-limit", "100", "--ulimit", "nofile=1024:2048",
			"--security-opt", "no-new-privileges", "--sysctl", "net.core.somaxconn=1024", "--expose", "7000-7001", "-P",
			"--log-driver", "none", "--oom-score-adj", "100", "--health-cmd", "true", "--health-interval", "1m", "--pull", "never",
			"--restart", "on-failure:3", "--init=true", "-q", "--group-add", "100", "--device-cgroup-rule", "c 1:3 mr"}},

		{name: "unknown flag", options: []string{"--bogus"}, refused: true},
		{name: "podman flag", options: []string{"--pod", "p"}, refused: true},
		{name: "missing value", options: []string{"-e"}, refused: true},
		{name: "bad boolean", options: []string{"--rm=maybe"}, refused: true},
		{name: "bad integer", options: []string{"--stop-timeout", "ten"}, refused: true},
		{name: "= after a boolean", options: []string{"-i="}, refused: true},
		{name: "bad port", options: []string{"-p", "99999:80"}, refused: true},
		{name: "bad protocol", options: []string{"-p", "80/xyz"}, refused: true},
		{name: "bad ranges", options: []string{"-p", "8000-8001:80-82"}, refused: true},
		{name: "bad long publish", options: []string{"-p", "published=80,target"}, refused: true},
		{name: "bad env", options: []string{"-e", "=x"}, refused: true},
		{name: "bad label", options: []string{"-l", "a b=c"}, refused: true},
		{name: "bad volume", options: []string{"-v", "/a::/b"}, refused: true},
		{name: "relative target", options: []string{"-v", "/x:rel"}, refused: true},
		{name: "root target", options: []string{"-v", "/x:/"}, refused: true},
		{name: "bad mode", options: []string{"-v", "/x:/y:ro,rw"}, refused: true},
		{name: "nocopy bind", options: []string{"-v", "/x:/y:nocopy"}, refused: true},
		{name: "home volume", options: []string{"-v", "~/x:/x"}, refused: true},
		{name: "short volume name", options: []string{"--mount", "type=volume,src=v,dst=/v"}, refused: true},
		{name: "bad mount", options: []string{"--mount", "type=bind"}, refused: true},
		{name: "bad mount key", options: []string{"--mount", "type=bind,src=/x,dst=/y,bogus=1"}, refused: true},
		{name: "relative bind mount", options: []string{"--mount", "type=bind,src=rel,dst=/y"}, refused: true},
		{name: "read-only anonymous volume", options: []string{"--mount", "type=volume,dst=/y,ro"}, refused: true},
		{name: "bad tmpfs", options: []string{"--tmpfs", ":size=1m"}, refused: true},
		{name: "bad signal", options: []string{"--stop-signal", "SIGFOO"}, refused: true},
		{name: "bad restart", options: []string{"--restart", "on-failure:x"}, refused: true},
		{name: "bad image", options: []string{"--", "-x"}, refused: true},
		{name: "bad name", options: []string{"--name", "a+b"}, refused: true},
		{name: "short name", options: []string{"--name=a"}, refused: true},
		{name: "relative workdir", options: []string{"-w", "./x"}, refused: true},
		{name: "two networks", options: []string{"--network", "none", "--network", "bridge"}, refused: true, warned: true, beforeAPI144: true},
		{name: "rm with restart", options: []string{"--rm", "--restart", "always"}, refused: true, warned: true},
	}
}

// TestAgainstDockerEngine creates a container from each command line with
// the real engine and compares what it made with what Parse and Apply
// read; then creates one from spec.RunArgs of the service and compares
// again. Command lines the engine refuses must be refused here too.
func TestAgainstDockerEngine(t *testing.T) {
	requireDocker(t, true)
	prefix := "wsgidock-dockerrun-" + randomHex(t)
	img := prefix + ":test"
	image(t, img)
	dir := t.TempDir()
	for _, d := range []string{"with space", "a,b", "rel"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	env := map[string]string{"WSGIDOCK_T_SET": "from the environment $x"}
	environ := []string{"WSGIDOCK_T_SET=" + env["WSGIDOCK_T_SET"]}
	if _, ok := os.LookupEnv("WSGIDOCK_T_UNSET"); ok {
		t.Fatal("WSGIDOCK_T_UNSET must not be set")
	}
	var volumes []string
	t.Cleanup(func() {
		for _, v := range volumes {
			if _, err := docker(t, nil, "", "volume", "rm", v); err != nil {
				t.Errorf("removing volume: %v", err)
			}
		}
	})
	create := func(t *testing.T, args []string) (string, error) {
		id, err := docker(t, environ, dir, args...)
		if err == nil {
			t.Cleanup(func() {
				if _, err := docker(t, nil, "", "rm", "--force", "--volumes", id); err != nil {
					t.Errorf("removing container: %v", err)
				}
			})
		}
		return id, err
	}
	inspect := func(t *testing.T, id string) (view, map[string]any) {
		out, err := docker(t, nil, "", "inspect", id)
		if err != nil {
			t.Fatal(err)
		}
		var in []inspected
		var raw []map[string]any
		if err := json.Unmarshal([]byte(out), &in); err != nil || len(in) != 1 {
			t.Fatalf("docker inspect: %v\n%s", err, out)
		}
		if err := json.Unmarshal([]byte(out), &raw); err != nil {
			t.Fatal(err)
		}
		return viewOf(in[0]), raw[0]
	}

	api, err := docker(t, nil, "", "version", "--format", "{{.Server.APIVersion}}")
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range engineCases(prefix, dir) {
		if c.beforeAPI144 && !apiBefore(api, 1, 44) {
			c.refused, c.warned = false, false
		}
		t.Run(c.name, func(t *testing.T) {
			name := fmt.Sprintf("%s-%d", prefix, i)
			options := append([]string{"--name", name}, c.options...)
			args := append(append(append([]string{"run"}, options...), img), c.command...)
			if c.name == "bad image" {
				args = append([]string{"run"}, options...)
			}
			r, diags := Parse(Docker, args, positions(len(args)))
			s := &spec.Service{Name: "svc"}
			if r != nil && !diags.HasErrors() {
				_, _, more := r.Apply(s)
				diags = append(diags, more...)
			}
			id, err := create(t, append([]string{"create"}, args[1:]...))
			if c.name == "volumes" && err == nil {
				volumes = append(volumes, prefix+"-named")
			}
			switch {
			case c.refused && err == nil:
				t.Fatalf("the engine accepted %q", args)
			case !c.refused && err != nil:
				t.Fatalf("the engine refused %q: %v", args, err)
			case c.warned:
				if diags.HasErrors() || len(diags) == 0 {
					t.Fatalf("wsgidock should warn about %q (the engine: %v), not say %v", args, err, diagText(diags))
				}
				return
			case c.refused:
				if !diags.HasErrors() {
					t.Fatalf("wsgidock accepts %q, the engine refuses it: %v (diagnostics: %q)", args, err, diagText(diags))
				}
				t.Logf("engine: %v\nwsgidock: %q", err, diagText(diags))
				return
			case diags.HasErrors():
				t.Fatalf("wsgidock refuses %q, which the engine accepts: %q", args, diagText(diags))
			}
			got, rawGot := inspect(t, id)
			if want := expect(t, s, dir, env); !reflect.DeepEqual(got, want) {
				t.Errorf("the engine made:\n%s\nParse and Apply read:\n%s", jsonOf(got), jsonOf(want))
			}

			// The round trip: the one argv wsgidock builds from the spec.
			s.ContainerName = name + "-rt"
			sp := &spec.Spec{Project: prefix, ConfigHash: "test"}
			argv := sp.RunArgs(s, spec.RunOptions{Restart: "no"})
			if argv[0] != "run" || argv[1] != "--detach" {
				t.Fatalf("RunArgs = %q, want run --detach first", argv)
			}
			id2, err := create(t, append([]string{"create"}, argv[2:]...))
			if err != nil {
				t.Fatalf("RunArgs gave %q: %v", argv, err)
			}
			again, rawAgain := inspect(t, id2)
			want := got
			want.Labels = map[string]string{}
			for k, v := range got.Labels {
				want.Labels[k] = v
			}
			for _, l := range sp.OwnLabels(s) {
				want.Labels[l.Key] = l.Value
			}
			want.StopSignal = s.StopSignal()
			if !slices.ContainsFunc(s.Extra, func(f spec.Flag) bool { return f.Name == "--stop-timeout" }) {
				want.StopTimeout = strconv.Itoa(int((s.StopTimeout() + time.Second - 1) / time.Second))
			}
			if !reflect.DeepEqual(again, want) {
				t.Errorf("RunArgs %q made:\n%s\nwant:\n%s", argv, jsonOf(again), jsonOf(want))
			}
			// Everything else the engine records must agree too, but for
			// what wsgidock decides: restarts and removal.
			for _, raw := range []map[string]any{rawGot, rawAgain} {
				hc := raw["HostConfig"].(map[string]any)
				delete(hc, "RestartPolicy")
				delete(hc, "AutoRemove")
				hc["Binds"] = sortedAny(hc["Binds"])
				cfg := raw["Config"].(map[string]any)
				cfg["Env"] = sortedAny(cfg["Env"])
				for _, k := range []string{"Hostname", "Labels", "StopSignal", "StopTimeout"} {
					delete(cfg, k)
				}
			}
			for _, k := range []string{"HostConfig", "Config"} {
				if !reflect.DeepEqual(rawGot[k], rawAgain[k]) {
					t.Errorf("%s differs after the round trip:\n%s\nvs\n%s", k, jsonOf(rawGot[k]), jsonOf(rawAgain[k]))
				}
			}
		})
	}
}

// apiBefore reports whether an engine API version "1.41" is older than
// major.minor.
func apiBefore(api string, major, minor int) bool {
	a, b, _ := strings.Cut(api, ".")
	ma, _ := strconv.Atoi(a)
	mi, _ := strconv.Atoi(b)
	return ma < major || ma == major && mi < minor
}

func sortedAny(v any) any {
	list, ok := v.([]any)
	if !ok {
		return v
	}
	var s []string
	for _, x := range list {
		s = append(s, fmt.Sprint(x))
	}
	return sortedSet(s)
}

func randomHex(t *testing.T) string {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}
