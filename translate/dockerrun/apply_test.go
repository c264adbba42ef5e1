package dockerrun

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// applyArgs parses args and applies them to a fresh service, failing on
// parse errors.
func applyArgs(t testing.TB, engine string, args []string) (*spec.Service, []spec.Item, []spec.Item, apacheconf.Diagnostics) {
	t.Helper()
	r, diags := Parse(engine, args, positions(len(args)))
	if diags.HasErrors() {
		t.Fatalf("Parse(%q): %v", args, diags)
	}
	s := &spec.Service{Name: "svc", Kind: spec.KindContainer}
	mapped, unmapped, more := r.Apply(s)
	return s, mapped, unmapped, append(diags, more...)
}

func TestApplySeed(t *testing.T) {
	s, mapped, unmapped, diags := applyArgs(t, Docker, []string{"run", "--rm", "-p", "8002:80", "blog.example.com"})
	want := &spec.Service{
		Name: "svc", Kind: spec.KindContainer, Engine: Docker, Image: "blog.example.com",
		Ports: []spec.Port{{HostPort: "8002", ContainerPort: "80", Protocol: "tcp", Source: at(3)}},
		Where: spec.Positions{"image": at(4)},
	}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("service:\n%s\nwant:\n%s", jsonOf(s), jsonOf(want))
	}
	// --rm is handled by wsgidock: reported as carried over, nothing for
	// the user to act on.
	if len(mapped) != 3 || mapped[0].What != "--rm" || mapped[0].Source != at(1) || mapped[0].Service != "svc" || !strings.Contains(mapped[0].Why, "nothing to do") ||
		mapped[1].What != "-p 8002:80" || mapped[1].Source != at(2) || mapped[2].What != "image blog.example.com" {
		t.Errorf("mapped = %+v", mapped)
	}
	if len(unmapped) != 0 {
		t.Errorf("unmapped = %+v", unmapped)
	}
	if len(diags) != 1 || diags[0].Severity != apacheconf.SeverityInfo || !strings.Contains(diags[0].Summary, "every interface") || diags[0].Pos() != at(3) {
		t.Errorf("diagnostics = %v", diagText(diags))
	}
}

func TestApplyEveryField(t *testing.T) {
	args := []string{"run",
		"--name", "web", // 1
		"-e", "A=1", "-eB", // 3, 5
		"-v", "/srv:/data:ro", // 6
		"--mount", "type=volume,src=vol,dst=/v", // 8
		"--tmpfs", "/run:size=1m", // 10
		"-w", "/app", "-u", "www:www", // 12, 14
		"-l", "a=b", "--label=c", // 16, 18
		"--network", "net1", "--net=net2", // 19, 21
		"--restart", "on-failure:3", // 22
		"--stop-signal", "SIGTERM", "--stop-timeout", "5", // 24, 26
		"--entrypoint", "/bin/sh", // 28
		"--cap-add", "NET_ADMIN", "-it", "--env-file", "app.env", // 30, 32, 33
		"img:1", "-c", "echo $A", // 35
	}
	s, mapped, unmapped, diags := applyArgs(t, Docker, args)
	sh := "/bin/sh"
	want := &spec.Service{
		Name: "svc", Kind: spec.KindContainer, Engine: Docker,
		ContainerName: "web", Image: "img:1", Entrypoint: &sh, Command: []string{"-c", "echo $A"},
		Env: []spec.EnvVar{{Name: "A", Value: "1", HasValue: true, Source: at(4)}, {Name: "B", Source: at(5)}},
		Volumes: []spec.Volume{
			{Flag: "--volume", Spec: "/srv:/data:ro", Source: "/srv", Target: "/data", ReadOnly: true, Type: "bind", Where: at(7)},
			{Flag: "--mount", Spec: "type=volume,src=vol,dst=/v", Source: "vol", Target: "/v", Type: "volume", Where: at(9)},
			{Flag: "--tmpfs", Spec: "/run:size=1m", Target: "/run", Type: "tmpfs", Where: at(11)},
		},
		Workdir: "/app", User: "www:www",
		Labels:  []spec.Label{{Key: "a", Value: "b", Source: at(17)}, {Key: "c", Source: at(18)}},
		Network: "net1", Restart: "on-failure:3",
		Stop: spec.Stop{Signal: "SIGTERM", Timeout: 5 * time.Second, Source: at(27)},
		Extra: []spec.Flag{
			{Name: "--network", Value: "net2", HasValue: true, Source: at(21)},
			{Name: "--cap-add", Value: "NET_ADMIN", HasValue: true, Source: at(30)},
			{Name: "--interactive", Source: at(32)},
			{Name: "--tty", Source: at(32)},
			{Name: "--env-file", Value: "app.env", HasValue: true, Source: at(33)},
		},
		Where: spec.Positions{
			"containerName": at(2), "image": at(35), "command": at(36), "entrypoint": at(29),
			"workdir": at(13), "user": at(15), "network": at(20), "restart": at(23),
			"stop.signal": at(25), "stop.timeout": at(27),
		},
	}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("service:\n%s\nwant:\n%s", jsonOf(s), jsonOf(want))
	}
	if len(unmapped) != 1 || unmapped[0].What != "--restart=on-failure:3" || !strings.Contains(unmapped[0].Why, "wsgidock alone owns restarts") {
		t.Errorf("unmapped = %+v", unmapped)
	}
	// One item per flag given (-it is two), plus image and command.
	if len(mapped) != 19+2 {
		t.Errorf("mapped %d items, want 21:\n%s", len(mapped), jsonOf(mapped))
	}
	for _, it := range mapped {
		if it.Service != "svc" || !it.Source.IsValid() || it.Why == "" {
			t.Errorf("mapped item without service, place or reason: %+v", it)
		}
	}
	if got := diagText(diags); len(got) != 2 || !strings.Contains(got[0], "warning docker-run-mapping 22: a second --network") || !strings.Contains(got[1], "-i with -t needs a terminal") {
		t.Errorf("diagnostics = %q", got)
	}
}

func TestApplyLastScalarWins(t *testing.T) {
	s, _, unmapped, _ := applyArgs(t, Docker, []string{"run", "--name", "aa", "-w", "/x", "--name=bb", "-w", "/y", "img"})
	if s.ContainerName != "bb" || s.Workdir != "/y" || s.Where["containerName"] != at(5) || s.Where["workdir"] != at(7) {
		t.Errorf("service = %s", jsonOf(s))
	}
	if len(unmapped) != 2 || !strings.Contains(unmapped[0].Why, "overridden by the later --name at launch.py:6") {
		t.Errorf("unmapped = %+v", unmapped)
	}
}

func TestApplyStopTimeoutOutsideTheSpec(t *testing.T) {
	for _, v := range []string{"0", "-1"} {
		s, _, _, _ := applyArgs(t, Docker, []string{"run", "--stop-timeout", v, "img"})
		if s.Stop.Timeout != 0 || len(s.Extra) != 1 || s.Extra[0] != (spec.Flag{Name: "--stop-timeout", Value: v, HasValue: true, Source: at(1)}) {
			t.Errorf("--stop-timeout %s: service = %s", v, jsonOf(s))
		}
	}
}

func TestApplyDiagnostics(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		diags []string
	}{
		{"bad port", []string{"run", "-p", "99999:80", "img"}, []string{"error docker-run-value 3: invalid value for -p: invalid hostPort: 99999"}},
		{"bad env", []string{"run", "-e", "=x", "img"}, []string{"error docker-run-value 3: invalid value for -e: invalid environment variable: =x"}},
		{"bad label", []string{"run", "-l", "a b=c", "img"}, []string{"error docker-run-value 3: invalid value for -l: label 'a b' contains whitespaces"}},
		{"bad volume", []string{"run", "-v", "/a::/b", "img"}, []string{"error docker-run-value 3: invalid value for -v: invalid spec: /a::/b: empty section between colons"}},
		{"bad mount", []string{"run", "--mount", "type=bind", "img"}, []string{"error docker-run-value 3: invalid value for --mount: target is required"}},
		{"bad signal", []string{"run", "--stop-signal=SIGFOO", "img"}, []string{"error docker-run-value 2: invalid value for --stop-signal: invalid signal: SIGFOO"}},
		{"bad restart", []string{"run", "--restart", "on-failure:x", "img"}, []string{"error docker-run-value 3: invalid value for --restart"}},
		{"relative bind", []string{"run", "-v", "./data:/data", "img"}, []string{"warning docker-run-mapping 3: the bind source ./data is relative"}},
		{"home bind", []string{"run", "--mount", "type=bind,src=~/d,dst=/d", "img"}, []string{"error docker-run-value 3: invalid value for --mount: invalid mount config for type \"bind\": invalid mount path: '~/d' mount path must be absolute"}},
		{"long publish ignores host_ip", []string{"run", "-p", "published=8080,target=80,host_ip=127.0.0.1", "img"}, []string{"warning docker-run-mapping 3: docker ignores host_ip=127.0.0.1", "info docker-run-mapping 3: -p published=8080,target=80,host_ip=127.0.0.1 publishes the port on every interface"}},
		{"rm with restart", []string{"run", "--rm", "--restart", "always", "img"}, []string{"warning docker-run-mapping 2: the engine refuses --rm together with --restart always"}},
		{"engine endpoint", []string{"-H", "tcp://10.0.0.1:2375", "run", "img"}, []string{"warning docker-run-mapping 2: -H tcp://10.0.0.1:2375 chooses which engine runs the container"}},
		{"bad name", []string{"run", "--name", "a+b", "img"}, []string{"error docker-run-value 3: invalid value for --name: invalid container name (a+b)"}},
		{"relative workdir", []string{"run", "-w", "rel", "img"}, []string{"error docker-run-value 3: invalid value for -w: the working directory 'rel' is invalid, it needs to be an absolute path"}},
		{"loopback port is quiet", []string{"run", "-p", "127.0.0.1:8002:80", "--rm", "--restart=no", "img"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, _, diags := applyArgs(t, Docker, tt.args)
			got := diagText(diags)
			if len(got) != len(tt.diags) {
				t.Fatalf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.diags, "\n"))
			}
			for i := range got {
				if !strings.Contains(got[i], tt.diags[i]) {
					t.Errorf("diagnostic %d = %q, want it to contain %q", i, got[i], tt.diags[i])
				}
			}
		})
	}
}

func TestApplyDropsAndOverrides(t *testing.T) {
	s, mapped, unmapped, _ := applyArgs(t, Docker, []string{"--debug", "run", "-d", "--rm", "-a", "stdout", "--restart", "always", "img"})
	var what, handled []string
	for _, it := range unmapped {
		what = append(what, it.What)
	}
	for _, it := range mapped {
		if strings.HasPrefix(it.Why, "handled by wsgidock") {
			handled = append(handled, it.What)
		}
	}
	if want := []string{"--debug", "--restart=always"}; !reflect.DeepEqual(what, want) {
		t.Errorf("unmapped = %q, want %q", what, want)
	}
	if want := []string{"-d", "--rm", "-a stdout"}; !reflect.DeepEqual(handled, want) {
		t.Errorf("handled = %q, want %q", handled, want)
	}
	if len(s.Extra) != 0 || s.Restart != "always" {
		t.Errorf("service = %s", jsonOf(s))
	}
}

// TestRoundTrip: what Apply stores, spec.RunArgs turns back into a command
// line that parses to the same service.
func TestRoundTrip(t *testing.T) {
	for _, args := range roundTripCases {
		roundTrip(t, Docker, args)
	}
}

var roundTripCases = [][]string{
	{"run", "--rm", "-p", "8002:80", "blog.example.com"},
	{"run", "--name", "n", "-p", "[::1]:8002:80/udp", "-p", "published=9000,target=90", "-p", "127.0.0.1::81", "img"},
	{"run", "-e", "A=it's \"$HOME\" `x`", "-e", "B", "-e", "C=", "-e", "D=a=b", "img", "sh", "-c", "echo $A"},
	{"run", "-v", "/a b:/c:ro", "--mount", `type=bind,"src=/x,y",dst=/z`, "--tmpfs", "/run:size=1m", "-v", "/anon", "img"},
	{"run", "--entrypoint", "", "-w", "/w d", "-u", "1000:1000", "--net", "host", "img", "--", "-x"},
	{"run", "-itd", "--cap-add=SYS_ADMIN", "--privileged=false", "--stop-timeout", "0", "--stop-signal", "15", "img"},
	{"run", "--stop-timeout", "7", "--label", "a=b=c", "-l", "x", "--network", "a", "--network", "b", "--init", "img"},
	{"container", "run", "--stop-timeout=-1", "--stop-timeout", "4", "img:tag@sha256:" + strings.Repeat("0", 64)},
}

// roundTrip checks that a command line survives Parse, Apply, RunArgs and
// Parse, Apply again. It skips command lines the engine would refuse.
func roundTrip(t *testing.T, engine string, args []string) {
	t.Helper()
	r, diags := Parse(engine, args, nil)
	if diags.HasErrors() {
		return
	}
	first := &spec.Service{Name: "svc"}
	_, _, more := r.Apply(first)
	if more.HasErrors() {
		return
	}
	sp := &spec.Spec{Project: "p", ConfigHash: "h"}
	argv := sp.RunArgs(first, spec.RunOptions{Restart: "no"})
	r2, diags := Parse(engine, argv, nil)
	if diags.HasErrors() {
		t.Fatalf("%q: RunArgs gave %q, which does not parse: %v", args, argv, diags)
	}
	second := &spec.Service{Name: "svc"}
	if _, _, more := r2.Apply(second); more.HasErrors() {
		t.Fatalf("%q: RunArgs gave %q, which does not apply: %v", args, argv, more)
	}
	a, b := comparable(first), comparable(second)
	// RunArgs adds wsgidock's labels and its stop schedule.
	a.Labels = append(labelsOf(sp.OwnLabels(first)), a.Labels...)
	a.Stop = spec.Stop{Signal: first.StopSignal(), Timeout: (first.StopTimeout() + time.Second - 1) / time.Second * time.Second}
	for _, f := range first.Extra {
		if f.Name == "--stop-timeout" {
			// A timeout the spec cannot hold overrides RunArgs' own.
			a.Stop.Timeout = 0
		}
	}
	a.Restart = "no"
	if !reflect.DeepEqual(a, b) {
		t.Errorf("%q\nRunArgs: %q\nfirst:  %s\nsecond: %s", args, argv, jsonOf(a), jsonOf(b))
	}
}

// comparable is a service without positions.
func comparable(s *spec.Service) *spec.Service {
	c := *s
	c.Where = nil
	c.Stop.Source = apacheconf.Position{}
	c.Ports = append([]spec.Port(nil), s.Ports...)
	for i := range c.Ports {
		c.Ports[i].Source = apacheconf.Position{}
	}
	c.Env = append([]spec.EnvVar(nil), s.Env...)
	for i := range c.Env {
		c.Env[i].Source = apacheconf.Position{}
	}
	c.Volumes = append([]spec.Volume(nil), s.Volumes...)
	for i := range c.Volumes {
		c.Volumes[i].Where = apacheconf.Position{}
	}
	c.Labels = labelsOf(s.Labels)
	c.Extra = nil
	for _, f := range s.Extra {
		f.Source = apacheconf.Position{}
		c.Extra = append(c.Extra, f)
	}
	return &c
}

func labelsOf(ls []spec.Label) []spec.Label {
	var out []spec.Label
	for _, l := range ls {
		l.Source = apacheconf.Position{}
		out = append(out, l)
	}
	return out
}

func jsonOf(v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err.Error()
	}
	return string(b)
}

func FuzzParse(f *testing.F) {
	for _, args := range roundTripCases {
		f.Add(strings.Join(args, "\x00"))
	}
	for _, s := range []string{
		"run\x00-ite\x00A=b\x00img", "run\x00-p=\x00img", "run\x00--\x00-", "-H\x00x\x00container\x00run\x00img",
		"run\x00-test.v\x00img", "run\x00--mount\x00type=tmpfs,dst=/x,tmpfs-size=1m\x00img", "run\x00-eit\x00img\x00--rm",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, joined string) {
		args := strings.Split(joined, "\x00")
		for _, engine := range []string{Docker, Podman} {
			IsRun(engine, args)
			roundTrip(t, engine, args)
		}
	})
}

func BenchmarkParseApply(b *testing.B) {
	args := []string{"run", "--rm", "--name", "web", "-p", "127.0.0.1:8002:80", "-e", "A=1", "-e", "B",
		"-v", "/srv/data:/data:ro", "--mount", "type=bind,src=/srv/x,dst=/x", "-l", "a=b", "--stop-timeout", "5",
		"-itd", "--cap-add", "NET_ADMIN", "blog.example.com", "--port", "80"}
	pos := positions(len(args))
	b.ReportAllocs()
	for b.Loop() {
		r, _ := Parse(Docker, args, pos)
		r.Apply(&spec.Service{Name: "svc"})
	}
}
