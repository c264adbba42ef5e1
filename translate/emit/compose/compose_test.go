package compose

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/translate"
	"github.com/wsgidock/wsgidock/translate/emit/internal/fixtures"
	"github.com/wsgidock/wsgidock/translate/emit/internal/golden"
	"github.com/wsgidock/wsgidock/translate/spec"
)

func TestGolden(t *testing.T) {
	for _, c := range fixtures.All() {
		t.Run(c.Name, func(t *testing.T) {
			out, notes, err := File(c.Spec)
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("..", "testdata", c.Name, "compose.yaml"), out)
			golden.Check(t, filepath.Join("..", "testdata", c.Name, "compose.yaml.notes"), golden.Notes(notes))
		})
	}
}

// interpolationEnv holds the variables the fixtures' values mention, so a
// `$` the emitter failed to escape would change the loaded value.
var interpolationEnv = map[string]string{
	"VAR": "INJECTED", "OTHER": "INJECTED", "HOME": "INJECTED", "PATH": "INJECTED",
	"dir": "INJECTED", "x": "INJECTED", "PASSTHROUGH": "from the shell",
}

// load reads a compose file with compose-go as `docker compose` does, with
// interpolation on.
func load(t *testing.T, data []byte) *types.Project {
	t.Helper()
	details := types.ConfigDetails{
		WorkingDir:  t.TempDir(),
		ConfigFiles: []types.ConfigFile{{Filename: "compose.yaml", Content: data}},
		Environment: interpolationEnv,
	}
	p, err := loader.LoadWithContext(context.Background(), details, func(o *loader.Options) {
		o.SetProjectName("fallback", false)
	})
	if err != nil {
		t.Fatalf("compose-go cannot load the file: %v\n%s", err, data)
	}
	return p
}

func TestLoad(t *testing.T) {
	for _, c := range fixtures.All() {
		t.Run(c.Name, func(t *testing.T) {
			out, _, err := File(c.Spec)
			if err != nil {
				t.Fatal(err)
			}
			p := load(t, out)
			var containers []*spec.Service
			for _, s := range c.Spec.Services {
				if s.Kind == spec.KindContainer {
					containers = append(containers, s)
				}
			}
			if len(p.Services) != len(containers) {
				t.Errorf("loaded %d services, want %d", len(p.Services), len(containers))
			}
			for _, s := range containers {
				got, ok := p.Services[s.Name]
				if !ok {
					t.Errorf("service %s missing", s.Name)
					continue
				}
				compareService(t, c.Spec, s, got)
			}
		})
	}
}

func compareService(t *testing.T, sp *spec.Spec, s *spec.Service, got types.ServiceConfig) {
	t.Helper()
	eq := func(what string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s %s:\n got %#v\nwant %#v", s.Name, what, got, want)
		}
	}
	eq("image", got.Image, s.Image)
	eq("container_name", got.ContainerName, s.ContainerName)
	var entrypoint types.ShellCommand
	if s.Entrypoint != nil {
		entrypoint = types.ShellCommand{*s.Entrypoint}
	}
	eq("entrypoint", got.Entrypoint, entrypoint)
	var command types.ShellCommand
	if len(s.Command) > 0 {
		command = types.ShellCommand(s.Command)
	}
	eq("command", got.Command, command)
	eq("working_dir", got.WorkingDir, s.Workdir)
	eq("user", got.User, s.User)

	// A name alone takes its value from the environment compose runs in,
	// and stays unset when that has none, as with `docker run -e NAME`.
	env := types.MappingWithEquals{}
	for _, e := range s.Env {
		v, ok := e.Value, e.HasValue
		if !ok {
			v, ok = interpolationEnv[e.Name]
		}
		env[e.Name] = nil
		if ok {
			env[e.Name] = &v
		}
	}
	eq("environment", got.Environment, env)

	var ports []types.ServicePortConfig
	for _, p := range s.Ports {
		target, err := strconv.ParseUint(p.ContainerPort, 10, 32)
		if err != nil {
			t.Fatal(err)
		}
		proto := p.Protocol
		if proto == "" {
			proto = "tcp"
		}
		ports = append(ports, types.ServicePortConfig{Mode: "ingress", HostIP: p.HostIP, Published: p.HostPort, Target: uint32(target), Protocol: proto})
	}
	eq("ports", got.Ports, ports)

	if len(got.Volumes) != len(s.Volumes) {
		t.Errorf("%s: %d volumes, want %d", s.Name, len(got.Volumes), len(s.Volumes))
	} else {
		for i, v := range s.Volumes {
			g := got.Volumes[i]
			eq("volume type", g.Type, v.Type)
			eq("volume source", g.Source, v.Source)
			eq("volume target", g.Target, v.Target)
			eq("volume read_only", g.ReadOnly, v.ReadOnly)
		}
	}

	labels := types.Labels{}
	for _, l := range append(sp.OwnLabels(s), s.Labels...) {
		labels[l.Key] = l.Value
	}
	eq("labels", got.Labels, labels)
	eq("restart", got.Restart, Restart)
	eq("stop_signal", got.StopSignal, s.StopSignal())
	if got.StopGracePeriod == nil {
		t.Errorf("%s: no stop_grace_period", s.Name)
	} else {
		eq("stop_grace_period", time.Duration(*got.StopGracePeriod), s.StopTimeout())
	}
	switch n := s.Network; n {
	case "":
		eq("network_mode", got.NetworkMode, "")
	case "host", "none", "bridge":
		eq("network_mode", got.NetworkMode, n)
	default:
		if _, ok := got.Networks[n]; !ok || len(got.Networks) != 1 {
			t.Errorf("%s: networks %v, want only %s", s.Name, got.Networks, n)
		}
	}
}

// TestExtraFlags checks each docker run flag compose has a key for lands on
// that key with the right value, and that the others are reported.
func TestExtraFlags(t *testing.T) {
	yes, no := true, false
	tests := []struct {
		flag  spec.Flag
		check func(types.ServiceConfig) any
		want  any
		note  string // substring of the note; empty when mapped
	}{
		{spec.Flag{Name: "--init"}, func(s types.ServiceConfig) any { return s.Init }, &yes, ""},
		{spec.Flag{Name: "--init", Value: "false", HasValue: true}, func(s types.ServiceConfig) any { return s.Init }, &no, ""},
		{spec.Flag{Name: "--init", Value: "maybe", HasValue: true}, nil, nil, "not true or false"},
		{spec.Flag{Name: "--privileged"}, func(s types.ServiceConfig) any { return s.Privileged }, true, ""},
		{spec.Flag{Name: "--read-only"}, func(s types.ServiceConfig) any { return s.ReadOnly }, true, ""},
		{spec.Flag{Name: "--tty"}, func(s types.ServiceConfig) any { return s.Tty }, true, ""},
		{spec.Flag{Name: "--interactive"}, func(s types.ServiceConfig) any { return s.StdinOpen }, true, ""},
		{spec.Flag{Name: "--hostname", Value: "h$x", HasValue: true}, func(s types.ServiceConfig) any { return s.Hostname }, "h$x", ""},
		{spec.Flag{Name: "--memory", Value: "512m", HasValue: true}, func(s types.ServiceConfig) any { return s.MemLimit }, types.UnitBytes(512 << 20), ""},
		{spec.Flag{Name: "--shm-size", Value: "1g", HasValue: true}, func(s types.ServiceConfig) any { return s.ShmSize }, types.UnitBytes(1 << 30), ""},
		{spec.Flag{Name: "--cpus", Value: "1.5", HasValue: true}, func(s types.ServiceConfig) any { return s.CPUS }, float32(1.5), ""},
		{spec.Flag{Name: "--cpus", Value: "lots", HasValue: true}, nil, nil, "not a number"},
		{spec.Flag{Name: "--pids-limit", Value: "100", HasValue: true}, func(s types.ServiceConfig) any { return s.PidsLimit }, int64(100), ""},
		{spec.Flag{Name: "--cap-add", Value: "NET_ADMIN", HasValue: true}, func(s types.ServiceConfig) any { return s.CapAdd }, []string{"NET_ADMIN"}, ""},
		{spec.Flag{Name: "--cap-drop", Value: "ALL", HasValue: true}, func(s types.ServiceConfig) any { return s.CapDrop }, []string{"ALL"}, ""},
		{spec.Flag{Name: "--add-host", Value: "db:10.0.0.2", HasValue: true}, func(s types.ServiceConfig) any { return s.ExtraHosts }, types.HostsList{"db": {"10.0.0.2"}}, ""},
		{spec.Flag{Name: "--dns", Value: "10.0.0.53", HasValue: true}, func(s types.ServiceConfig) any { return s.DNS }, types.StringList{"10.0.0.53"}, ""},
		{spec.Flag{Name: "--security-opt", Value: "no-new-privileges", HasValue: true}, func(s types.ServiceConfig) any { return s.SecurityOpt }, []string{"no-new-privileges"}, ""},
		{spec.Flag{Name: "--sysctl", Value: "net.core.somaxconn=1024", HasValue: true}, func(s types.ServiceConfig) any { return s.Sysctls }, types.Mapping{"net.core.somaxconn": "1024"}, ""},
		{spec.Flag{Name: "--tmpfs", Value: "/run:size=64m", HasValue: true}, func(s types.ServiceConfig) any { return s.Tmpfs }, types.StringList{"/run:size=64m"}, ""},
		{spec.Flag{Name: "--ulimit", Value: "nofile=1024:2048", HasValue: true}, func(s types.ServiceConfig) any { return *s.Ulimits["nofile"] }, types.UlimitsConfig{Soft: 1024, Hard: 2048}, ""},
		{spec.Flag{Name: "--ulimit", Value: "nproc=512", HasValue: true}, func(s types.ServiceConfig) any { return *s.Ulimits["nproc"] }, types.UlimitsConfig{Soft: 512, Hard: 512}, ""},
		{spec.Flag{Name: "--ulimit", Value: "nofile", HasValue: true}, nil, nil, "NAME=SOFT[:HARD]"},
		{spec.Flag{Name: "--log-driver", Value: "json-file", HasValue: true}, func(s types.ServiceConfig) any { return s.Logging.Driver }, "json-file", ""},
		{spec.Flag{Name: "--log-opt", Value: "max-size=10m", HasValue: true}, func(s types.ServiceConfig) any { return s.Logging.Options }, types.Options{"max-size": "10m"}, ""},
		{spec.Flag{Name: "--pull", Value: "never", HasValue: true}, func(s types.ServiceConfig) any { return s.PullPolicy }, "never", ""},
		{spec.Flag{Name: "--pid", Value: "host", HasValue: true}, func(s types.ServiceConfig) any { return s.Pid }, "host", ""},
		{spec.Flag{Name: "--platform", Value: "linux/amd64", HasValue: true}, func(s types.ServiceConfig) any { return s.Platform }, "linux/amd64", ""},
		{spec.Flag{Name: "--expose", Value: "9000", HasValue: true}, func(s types.ServiceConfig) any { return s.Expose }, types.StringOrNumberList{"9000"}, ""},
		{spec.Flag{Name: "--hostname"}, nil, nil, "needs a value"},
		{spec.Flag{Name: "--rm"}, nil, nil, "docker compose down"},
		{spec.Flag{Name: "--cidfile", Value: "/tmp/x", HasValue: true}, nil, nil, "only what the docker client does"},
		{spec.Flag{Name: "--gpus", Value: "all", HasValue: true}, nil, nil, "compose has no key for --gpus"},
	}
	for _, tt := range tests {
		t.Run(tt.flag.Name+"="+tt.flag.Value, func(t *testing.T) {
			sp := fixtures.Seed().Spec
			sp.Services[0].Extra = []spec.Flag{tt.flag}
			out, notes, err := File(sp)
			if err != nil {
				t.Fatal(err)
			}
			var flagNotes []string
			for _, n := range notes {
				if strings.HasPrefix(n.What, tt.flag.Name) {
					flagNotes = append(flagNotes, n.Why)
				}
			}
			if tt.note != "" {
				if len(flagNotes) != 1 || !strings.Contains(flagNotes[0], tt.note) {
					t.Errorf("notes %q, want one containing %q", flagNotes, tt.note)
				}
				return
			}
			if len(flagNotes) != 0 {
				t.Errorf("unexpected notes %q", flagNotes)
			}
			p := load(t, out)
			if got := tt.check(p.Services["blog.example.com"]); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestNotes(t *testing.T) {
	tests := []struct {
		c    fixtures.Case
		want []string // What of each note
	}{
		{fixtures.Seed(), []string{"readiness check http://localhost:8002/"}},
		{fixtures.Process(), []string{"post-start command /usr/local/bin/warm-cache --all", "process service /srv/tasks/venv/bin/celery"}},
	}
	for _, tt := range tests {
		_, notes, err := File(tt.c.Spec)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, n := range notes {
			got = append(got, n.What)
			if n.Why == "" || n.Service == "" || !n.Source.IsValid() {
				t.Errorf("%s: note %+v lacks a service, a reason or a source", tt.c.Name, n)
			}
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: notes %q, want %q", tt.c.Name, got, tt.want)
		}
	}
}

func TestErrors(t *testing.T) {
	badName := fixtures.Seed().Spec
	badName.Services[0].Name = "blog example"
	badNet := fixtures.Seed().Spec
	badNet.Services[0].Network = "my net"
	badVol := fixtures.Seed().Spec
	badVol.Services[0].Volumes = []spec.Volume{{Flag: "--volume", Spec: "a b:/x", Source: "a b", Target: "/x", Type: "volume"}}
	badMount := fixtures.Seed().Spec
	badMount.Services[0].Volumes = []spec.Volume{{Flag: "--mount", Spec: `type=bind,"source=/x`, Source: "/x", Target: "/y", Type: "bind"}}
	tests := []struct {
		name string
		sp   *spec.Spec
		want string
	}{
		{"service name", badName, `/etc/httpd/docker/blog.py:2:1: service name "blog example" is not a compose service name`},
		{"network name", badNet, `network "my net" is not a compose network name`},
		{"volume name", badVol, `volume name "a b" is not a compose volume name`},
		{"mount syntax", badMount, `--mount "type=bind,\"source=/x"`},
		{"invalid spec", &spec.Spec{Services: []*spec.Service{{Name: "x", Kind: spec.KindContainer}}}, "without an image"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _, err := File(tt.sp)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want one containing %q", err, tt.want)
			}
			if out != nil {
				t.Errorf("output on error: %s", out)
			}
		})
	}
}

// TestHostileValues loads, for each hostile value, a file where it fills
// every string compose reads back, and compares.
func TestHostileValues(t *testing.T) {
	for _, v := range fixtures.HostileValues {
		t.Run(strconv.Quote(v), func(t *testing.T) {
			sp := fixtures.Seed().Spec
			s := sp.Services[0]
			s.Entrypoint = &v
			s.Command = []string{v, "x" + v + "y"}
			s.Env = []spec.EnvVar{{Name: "V", Value: v, HasValue: true}}
			s.Labels = []spec.Label{{Key: "com.example.v", Value: v}}
			s.Workdir = "/w" + v
			s.User = "u" + v
			s.Extra = []spec.Flag{{Name: "--hostname", Value: v, HasValue: true}}
			out, _, err := File(sp)
			if !utf8.ValidString(v) {
				if err == nil || !strings.Contains(err.Error(), "is not valid UTF-8") {
					t.Fatalf("error = %v, want one about UTF-8", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := load(t, out).Services[s.Name]
			compareService(t, sp, s, got)
			if got.Hostname != v {
				t.Errorf("hostname %q, want %q", got.Hostname, v)
			}
		})
	}
}

// TestByServiceIsTheWholeTree: the file written a service at a time is
// the whole tree's encoding, on every fixture spec and on the plans of the
// fixture configurations (WSGI applications with their Dockerfiles inline
// among them).
func TestByServiceIsTheWholeTree(t *testing.T) {
	var specs []*spec.Spec
	for _, c := range fixtures.All() {
		specs = append(specs, c.Spec)
	}
	confs, _ := filepath.Glob(filepath.Join("..", "..", "..", "fixtures", "*", "httpd.conf"))
	for _, conf := range confs {
		tree, err := apacheconf.Load(conf, apacheconf.Options{})
		if err != nil {
			t.Fatal(err)
		}
		sp, _, diags := translate.Plan(tree, translate.Options{})
		if !diags.HasErrors() {
			specs = append(specs, sp)
		}
	}
	if len(specs) < 6 {
		t.Fatalf("only %d specs", len(specs))
	}
	for i, sp := range specs {
		pieces, _, err1 := file(sp, true)
		whole, _, err2 := file(sp, false)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if string(pieces) != string(whole) {
			t.Errorf("spec %d (%s): a service at a time gives\n%s\nthe whole tree gives\n%s", i, sp.ConfigFile, pieces, whole)
		}
	}
}

// TestComposeKey compares composeKey with compose's own pattern for the
// keys of services, networks and volumes, on random strings.
func TestComposeKey(t *testing.T) {
	pattern := regexp.MustCompile(`^[a-zA-Z0-9._-]+$`)
	const alphabet = "azAZ09._-/ :$é\n"
	r := rand.New(rand.NewPCG(3, 4))
	for range 100000 {
		b := make([]byte, r.IntN(5))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		if s := string(b); composeKey(s) != pattern.MatchString(s) {
			t.Fatalf("composeKey(%q) = %v, the pattern says %v", s, composeKey(s), pattern.MatchString(s))
		}
	}
}
