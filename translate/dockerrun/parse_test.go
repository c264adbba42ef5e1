package dockerrun

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf"
)

// at gives argument i the place launch.py:i+1, so tests can tell which
// argument a position names.
func at(i int) apacheconf.Position {
	return apacheconf.Position{Filename: "launch.py", Line: i + 1}
}

func positions(n int) []apacheconf.Position {
	pos := make([]apacheconf.Position, n)
	for i := range pos {
		pos[i] = at(i)
	}
	return pos
}

// opt renders an option for comparison: NAME(WRITTEN)=VALUE@LINE, the
// value part only when given, @LINE the value's argument.
func opt(o Option) string {
	s := o.Name + "(" + o.Written + ")"
	if o.HasValue {
		s += "=" + o.Value
	}
	return fmt.Sprintf("%s@%d", s, o.ValuePos.Line)
}

func opts(os []Option) []string {
	out := []string{}
	for _, o := range os {
		out = append(out, opt(o))
	}
	return out
}

// diagText renders diagnostics as "severity code line: summary".
func diagText(ds apacheconf.Diagnostics) []string {
	out := []string{}
	for _, d := range ds {
		out = append(out, fmt.Sprintf("%s %s %d: %s", d.Severity, d.Code, d.Pos().Line, d.Summary))
	}
	return out
}

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		engine  string
		args    []string
		global  []string
		sub     string
		opts    []string
		image   string
		command []string
		diags   []string // substrings, in order
	}{{
		name:  "the seed's launcher",
		args:  []string{"run", "--rm", "-p", "8002:80", "blog.example.com"},
		sub:   "run",
		opts:  []string{"--rm(--rm)@2", "--publish(-p)=8002:80@4"},
		image: "blog.example.com",
	}, {
		name:  "container run",
		args:  []string{"container", "run", "-d", "img"},
		sub:   "container run",
		opts:  []string{"--detach(-d)@3"},
		image: "img",
	}, {
		name:  "long flag with = and with the next argument",
		args:  []string{"run", "--name=web", "--name", "web2", "--publish=127.0.0.1:80:80", "img"},
		sub:   "run",
		opts:  []string{"--name(--name)=web@2", "--name(--name)=web2@4", "--publish(--publish)=127.0.0.1:80:80@5"},
		image: "img",
	}, {
		name:  "short value flag with its value attached, with =, and = alone",
		args:  []string{"run", "-p8002:80", "-p=8003:80", "-e=", "-p=", "img"},
		sub:   "run",
		opts:  []string{"--publish(-p)=8002:80@2", "--publish(-p)=8003:80@3", "--env(-e)==@4", "--publish(-p)==@5"},
		image: "img",
	}, {
		name:  "combined booleans",
		args:  []string{"run", "-itd", "img"},
		sub:   "run",
		opts:  []string{"--interactive(-i)@2", "--tty(-t)@2", "--detach(-d)@2"},
		image: "img",
	}, {
		name:  "value flag ending a group takes the next argument",
		args:  []string{"run", "-ite", "FOO=bar", "img"},
		sub:   "run",
		opts:  []string{"--interactive(-i)@2", "--tty(-t)@2", "--env(-e)=FOO=bar@3"},
		image: "img",
	}, {
		name:  "value flag inside a group takes the rest of it",
		args:  []string{"run", "-eit", "img"},
		sub:   "run",
		opts:  []string{"--env(-e)=it@2"},
		image: "img",
	}, {
		name:  "boolean with explicit values",
		args:  []string{"run", "--rm=false", "--init=1", "-i=false", "-it=false", "img"},
		sub:   "run",
		opts:  []string{"--rm(--rm)=false@2", "--init(--init)=1@3", "--interactive(-i)=false@4", "--interactive(-i)@5", "--tty(-t)=false@5"},
		image: "img",
	}, {
		name:  "a boolean never takes the next argument",
		args:  []string{"run", "--rm", "true", "x"},
		sub:   "run",
		opts:  []string{"--rm(--rm)@2"},
		image: "true", command: []string{"x"},
	}, {
		name:  "aliases resolve to the canonical name",
		args:  []string{"run", "--net", "host", "--dns-opt=ndots:1", "--net-alias", "a", "img"},
		sub:   "run",
		opts:  []string{"--network(--net)=host@3", "--dns-option(--dns-opt)=ndots:1@4", "--network-alias(--net-alias)=a@6"},
		image: "img",
	}, {
		name:   "podman's healthcheck aliases",
		engine: Podman,
		args:   []string{"run", "--healthcheck-command", "true", "img"},
		sub:    "run",
		opts:   []string{"--health-cmd(--healthcheck-command)=true@3"},
		image:  "img",
	}, {
		name:    "after the image everything is the command, flags too",
		args:    []string{"run", "img", "--rm", "-p", "1:1", "--", "x"},
		sub:     "run",
		opts:    []string{},
		image:   "img",
		command: []string{"--rm", "-p", "1:1", "--", "x"},
	}, {
		name:    "-- ends the options",
		args:    []string{"run", "--rm", "--", "img", "-x"},
		sub:     "run",
		opts:    []string{"--rm(--rm)@2"},
		image:   "img",
		command: []string{"-x"},
	}, {
		name:  "a value flag takes the next argument even when it looks like a flag",
		args:  []string{"run", "--name", "--rm", "-e", "--", "img"},
		sub:   "run",
		opts:  []string{"--name(--name)=--rm@3", "--env(-e)=--@5"},
		image: "img",
	}, {
		name:  "numbers in the engine's syntax",
		args:  []string{"run", "--stop-timeout", "0x10", "--blkio-weight=10", "--health-interval=1m30s", "img"},
		sub:   "run",
		opts:  []string{"--stop-timeout(--stop-timeout)=0x10@3", "--blkio-weight(--blkio-weight)=10@4", "--health-interval(--health-interval)=1m30s@5"},
		image: "img",
	}, {
		name:   "engine options before the subcommand",
		args:   []string{"-H", "unix:///run/docker.sock", "--log-level=debug", "-D", "run", "img"},
		global: []string{"--host(-H)=unix:///run/docker.sock@2", "--log-level(--log-level)=debug@3", "--debug(-D)@4"},
		sub:    "run",
		opts:   []string{},
		image:  "img",
	}, {
		name:   "podman's persistent options after run",
		engine: Podman,
		args:   []string{"--root", "/srv/c", "run", "--runroot", "/run/c", "--pod", "p", "img"},
		global: []string{"--root(--root)=/srv/c@2"},
		sub:    "run",
		opts:   []string{"--runroot(--runroot)=/run/c@5", "--pod(--pod)=p@7"},
		image:  "img",
	}, {
		name:  "Go test flags are skipped by pflag",
		args:  []string{"run", "-test.v", "-itest.x", "img"},
		sub:   "run",
		opts:  []string{"--interactive(-i)@3"},
		image: "img",
		diags: []string{`warning docker-run-flag 2: docker ignores "-test.v" in -test.v`, `warning docker-run-flag 3: docker ignores "-test.x" in -itest.x`},
	}, {
		name:  "deprecated and platform-only flags are read with a warning",
		args:  []string{"run", "--kernel-memory", "6m", "--cpu-count=1", "img"},
		sub:   "run",
		opts:  []string{"--kernel-memory(--kernel-memory)=6m@3", "--cpu-count(--cpu-count)=1@4"},
		image: "img",
		diags: []string{"warning docker-run-flag 2: --kernel-memory is deprecated", "warning docker-run-flag 4: --cpu-count works only with a Windows engine"},
	}, {
		name:  "unknown flag",
		args:  []string{"run", "--bogus", "img"},
		sub:   "run",
		opts:  []string{},
		diags: []string{"error docker-run-flag 2: unknown flag: --bogus (unknown to docker run)"},
	}, {
		name:  "a podman flag given to docker",
		args:  []string{"run", "--pod=p", "img"},
		sub:   "run",
		opts:  []string{},
		diags: []string{"error docker-run-flag 2: unknown flag: --pod (unknown to docker run)"},
	}, {
		name:   "a docker flag given to podman",
		engine: Podman,
		args:   []string{"run", "--link", "db", "img"},
		sub:    "run",
		opts:   []string{},
		diags:  []string{"error docker-run-flag 2: unknown flag: --link (unknown to podman run)"},
	}, {
		name:  "unknown shorthand in a group",
		args:  []string{"run", "-ix", "img"},
		sub:   "run",
		opts:  []string{"--interactive(-i)@2"},
		diags: []string{`error docker-run-flag 2: unknown shorthand flag: 'x' in -x (unknown to docker run)`},
	}, {
		name:  "= after a boolean in a group",
		args:  []string{"run", "-i=", "img"},
		sub:   "run",
		opts:  []string{"--interactive(-i)@2"},
		diags: []string{`error docker-run-flag 2: unknown shorthand flag: '=' in -=`},
	}, {
		name:  "bad long flag syntax",
		args:  []string{"run", "---rm", "img"},
		sub:   "run",
		opts:  []string{},
		diags: []string{"error docker-run-flag 2: bad flag syntax: ---rm"},
	}, {
		name:  "--= is bad syntax",
		args:  []string{"run", "--=x", "img"},
		sub:   "run",
		opts:  []string{},
		diags: []string{"error docker-run-flag 2: bad flag syntax: --=x"},
	}, {
		name:  "long value flag without value",
		args:  []string{"run", "--name"},
		sub:   "run",
		opts:  []string{},
		diags: []string{"error docker-run-value 2: flag needs an argument: --name"},
	}, {
		name:  "short value flag without value",
		args:  []string{"run", "-ip"},
		sub:   "run",
		opts:  []string{"--interactive(-i)@2"},
		diags: []string{`error docker-run-value 2: flag needs an argument: 'p' in -p`},
	}, {
		name:  "bad boolean",
		args:  []string{"run", "--rm=maybe", "img"},
		sub:   "run",
		opts:  []string{},
		diags: []string{`error docker-run-value 2: invalid argument "maybe" for --rm: invalid syntax`},
	}, {
		name:  "bad integer",
		args:  []string{"run", "--stop-timeout", "ten", "img"},
		sub:   "run",
		opts:  []string{},
		diags: []string{`error docker-run-value 3: invalid argument "ten" for --stop-timeout: invalid syntax`},
	}, {
		name:   "podman's unsigned timeout",
		engine: Podman,
		args:   []string{"run", "--stop-timeout=-1", "img"},
		sub:    "run",
		opts:   []string{},
		diags:  []string{`error docker-run-value 2: invalid argument "-1" for --stop-timeout: invalid syntax`},
	}, {
		name:  "no image",
		args:  []string{"run", "--rm"},
		sub:   "run",
		opts:  []string{"--rm(--rm)@2"},
		diags: []string{"error docker-run-image 2: 'docker run' requires at least 1 argument: the image"},
	}, {
		name:  "invalid image",
		args:  []string{"run", "Blog.Example.com"},
		sub:   "run",
		opts:  []string{},
		image: "Blog.Example.com",
		diags: []string{`error docker-run-image 2: invalid image reference "Blog.Example.com": invalid reference format: repository name (library/Blog.Example.com) must be lowercase`},
	}, {
		name:  "an empty word is the image",
		args:  []string{"run", "", "x"},
		sub:   "run",
		opts:  []string{},
		image: "", command: []string{"x"},
		diags: []string{`error docker-run-image 2: invalid image reference ""`},
	}, {
		name:  "image by ID",
		args:  []string{"run", "sha256:" + strings.Repeat("ab", 32)},
		sub:   "run",
		opts:  []string{},
		image: "sha256:" + strings.Repeat("ab", 32),
	}, {
		name:  "--help runs nothing",
		args:  []string{"run", "--help", "img"},
		sub:   "run",
		opts:  []string{"--help(--help)@2"},
		image: "img",
		diags: []string{"error docker-run-command 2: docker run --help prints the usage and runs no container"},
	}, {
		name:  "--help=false is no help",
		args:  []string{"run", "--help=false", "img"},
		sub:   "run",
		opts:  []string{"--help(--help)=false@2"},
		image: "img",
	}, {
		name:   "--version before the subcommand runs nothing",
		args:   []string{"--version", "run", "img"},
		global: []string{"--version(--version)@1"},
		diags:  []string{"error docker-run-command 1: docker --version prints version and runs no container"},
	}, {
		name:  "another subcommand",
		args:  []string{"ps", "-a"},
		sub:   "",
		diags: []string{"error docker-run-command 1: `docker ps` is not a run command"},
	}, {
		name:  "container without run",
		args:  []string{"container", "ls"},
		diags: []string{"error docker-run-command 2: `docker container ls` is not a run command"},
	}, {
		name:  "nothing at all",
		args:  []string{},
		diags: []string{"error docker-run-command 0: the docker command line has no subcommand"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			engine := tt.engine
			if engine == "" {
				engine = Docker
			}
			r, diags := Parse(engine, tt.args, positions(len(tt.args)))
			got := diagText(diags)
			if len(got) != len(tt.diags) {
				t.Fatalf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.diags, "\n"))
			}
			for i := range got {
				if !strings.Contains(got[i], tt.diags[i]) {
					t.Errorf("diagnostic %d = %q, want it to contain %q", i, got[i], tt.diags[i])
				}
			}
			if r == nil {
				t.Fatal("Parse returned no Run")
			}
			if g := opts(r.Global); len(tt.global) > 0 || len(g) > 0 {
				if !reflect.DeepEqual(g, tt.global) {
					t.Errorf("global = %q, want %q", g, tt.global)
				}
			}
			if tt.sub != "" && strings.Join(r.Subcommand, " ") != tt.sub {
				t.Errorf("subcommand = %q, want %q", r.Subcommand, tt.sub)
			}
			if tt.opts != nil && !reflect.DeepEqual(opts(r.Options), tt.opts) {
				t.Errorf("options = %q, want %q", opts(r.Options), tt.opts)
			}
			if r.Image != tt.image {
				t.Errorf("image = %q, want %q", r.Image, tt.image)
			}
			if !reflect.DeepEqual(r.Command, tt.command) {
				t.Errorf("command = %q, want %q", r.Command, tt.command)
			}
			if tt.image != "" || r.Image != "" {
				if want := at(len(tt.args) - len(tt.command) - 1); r.ImagePos != want {
					t.Errorf("image position = %v, want %v", r.ImagePos, want)
				}
			}
			for i := range r.Command {
				if want := at(len(tt.args) - len(tt.command) + i); r.CommandPos[i] != want {
					t.Errorf("command[%d] position = %v, want %v", i, r.CommandPos[i], want)
				}
			}
		})
	}
}

func TestParseUnknownFlagSaysWhoKnowsIt(t *testing.T) {
	tests := []struct {
		engine string
		args   []string
		detail string
	}{
		{Docker, []string{"run", "--pod", "p", "img"}, "podman knows it, docker does not"},
		{Podman, []string{"run", "--use-api-socket", "img"}, "docker knows it, podman does not"},
		{Docker, []string{"run", "--bogus", "img"}, "neither docker nor podman knows it"},
		{Docker, []string{"--url", "x", "run", "img"}, "podman knows it, docker does not"},
	}
	for _, tt := range tests {
		_, diags := Parse(tt.engine, tt.args, nil)
		if len(diags) != 1 || !strings.Contains(diags[0].Detail, tt.detail) {
			t.Errorf("%s %q: diagnostics %+v, want one whose detail says %q", tt.engine, tt.args, diags, tt.detail)
		}
	}
}

func TestParseWithoutPositions(t *testing.T) {
	r, diags := Parse(Docker, []string{"run", "-p", "80", "img", "x"}, nil)
	if len(diags) != 0 || r.Image != "img" || len(r.CommandPos) != 1 || r.CommandPos[0].IsValid() {
		t.Errorf("Parse without positions = %+v, %v", r, diags)
	}
}

func TestParseUnknownEngine(t *testing.T) {
	r, diags := Parse("nerdctl", []string{"run", "img"}, nil)
	if r != nil || len(diags) != 1 || diags[0].Code != CodeCommand {
		t.Errorf("Parse(nerdctl) = %+v, %v; want no run and one %s error", r, diags, CodeCommand)
	}
}

func TestIsRun(t *testing.T) {
	tests := []struct {
		engine string
		args   []string
		want   bool
	}{
		{Docker, []string{"run", "img"}, true},
		{Docker, []string{"container", "run", "img"}, true},
		{Docker, []string{"-H", "tcp://h:2375", "run", "img"}, true},
		{Docker, []string{"--context=c", "container", "run", "img"}, true},
		{Docker, []string{"-H", "run"}, false},
		{Docker, []string{"start", "-a", "web"}, false},
		{Docker, []string{"container", "start", "web"}, false},
		{Docker, []string{"--version", "run", "img"}, false},
		{Docker, []string{"--root", "/x", "run", "img"}, false},
		{Podman, []string{"--root", "/x", "run", "img"}, true},
		{Docker, nil, false},
	}
	for _, tt := range tests {
		if got := IsRun(tt.engine, tt.args); got != tt.want {
			t.Errorf("IsRun(%s, %q) = %v, want %v", tt.engine, tt.args, got, tt.want)
		}
	}
}

func TestEngineOf(t *testing.T) {
	tests := []struct {
		program string
		engine  string
	}{
		{"/usr/local/bin/docker", Docker},
		{"docker", Docker},
		{"podman", Podman},
		{"/usr/bin/podman-remote", Podman},
		{`C:\Program Files\Docker\Docker\resources\bin\docker.exe`, Docker},
		{`C:\bin\PODMAN.EXE`, Podman},
		{"/usr/bin/dockerd", ""},
		{"/opt/docker/bin/python3", ""},
		{"Docker", ""},
		{".exe", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, ok := EngineOf(tt.program)
		if got != tt.engine || ok != (tt.engine != "") {
			t.Errorf("EngineOf(%q) = %q, %v; want %q", tt.program, got, ok, tt.engine)
		}
	}
}
