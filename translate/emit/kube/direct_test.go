package kube

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/translate/emit/internal/fixtures"
	"github.com/wsgidock/wsgidock/translate/emit/internal/oneline"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// sameAsRender checks that writeDirect, when it writes an object, writes
// what render writes, and counts the objects it wrote.
func sameAsRender(t *testing.T, name string, objs []object) (direct int) {
	t.Helper()
	w := newYAMLWriter()
	for i, o := range objs {
		var want, got bytes.Buffer
		if err := newYAMLWriter().render(&want, o.obj); err != nil {
			t.Fatal(err)
		}
		if !w.writeDirect(&got, o.obj) {
			if got.Len() != 0 {
				t.Fatalf("%s: object %d: writeDirect gave up but left %q", name, i, got.String())
			}
			continue
		}
		direct++
		if got.String() != want.String() {
			t.Fatalf("%s: object %d (%T) differs from render:\ndirect:\n%s\nrender:\n%s", name, i, o.obj, got.String(), want.String())
		}
	}
	return direct
}

// TestDirectIsRender: on every fixture, under every routing and option,
// every object is written by writeDirect, in render's bytes.
func TestDirectIsRender(t *testing.T) {
	for _, c := range fixtures.All() {
		for _, opts := range []Options{{}, {Routing: RoutingHTTPRoute}, {Namespace: "web", IngressClass: "nginx"}, {Routing: RoutingHTTPRoute, Gateway: "infra/edge", Namespace: "web"}} {
			objs, _, err := buildAll(c.Spec, opts)
			if err != nil {
				t.Fatal(err)
			}
			want := 0
			for _, o := range objs {
				switch o.obj.GetObjectKind().GroupVersionKind().Kind {
				case "Deployment", "Service", "Ingress", "HTTPRoute":
					want++
				}
			}
			// The hostile fixture has values on several lines, which
			// render leaves to the library.
			if got := sameAsRender(t, c.Name, objs); got != want && c.Name != "hostile" {
				t.Errorf("%s: writeDirect wrote %d of the %d objects", c.Name, got, want)
			}
		}
	}
}

// flagsEverywhere are docker run flags that set every field a pod has
// for one, with values that are right and wrong.
var flagsEverywhere = []spec.Flag{
	{Name: "--privileged"}, {Name: "--privileged", Value: "false", HasValue: true},
	{Name: "--read-only", Value: "true", HasValue: true}, {Name: "--read-only", Value: "sure", HasValue: true},
	{Name: "--tty"}, {Name: "--interactive"}, {Name: "--interactive", Value: "false", HasValue: true},
	{Name: "--cap-add", Value: "CAP_NET_ADMIN", HasValue: true}, {Name: "--cap-drop", Value: "all", HasValue: true},
	{Name: "--memory", Value: "1g", HasValue: true}, {Name: "--memory", Value: "300m", HasValue: true}, {Name: "--memory", Value: "lots", HasValue: true},
	{Name: "--cpus", Value: "1.5", HasValue: true}, {Name: "--cpus", Value: "2", HasValue: true},
	{Name: "--pull", Value: "missing", HasValue: true}, {Name: "--pull", Value: "always", HasValue: true},
	{Name: "--add-host", Value: "db:10.0.0.2", HasValue: true}, {Name: "--add-host", Value: "yes:::1", HasValue: true},
	{Name: "--hostname", Value: "web1", HasValue: true}, {Name: "--init", Value: "false", HasValue: true},
	{Name: "--rm"}, {Name: "--gpus", Value: "all", HasValue: true},
}

var volumesEverywhere = []spec.Volume{
	{Flag: "--mount", Spec: "type=tmpfs,destination=/cache,tmpfs-size=64m", Target: "/cache", Type: "tmpfs"},
	{Flag: "--mount", Spec: "type=tmpfs,destination=/run", Target: "/run", Type: "tmpfs", ReadOnly: true},
	{Flag: "--volume", Spec: "/data", Target: "/data", Type: "volume"},
	{Flag: "--volume", Spec: "/srv:/srv:ro", Source: "/srv", Target: "/srv", Type: "bind", ReadOnly: true},
	{Flag: "--volume", Spec: "db:/var/lib/db", Source: "db", Target: "/var/lib/db", Type: "volume"},
}

// TestDirectRandom builds specs whose services set, at random, every
// field the builder maps, with plain and awkward values, and compares
// writeDirect with render on each object.
func TestDirectRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	words := []string{"x", "web", "true", "no", "123", "1.5", "a b", "a: b", "-x", "$(HOME)", "$$", "é", "#c", "a:b", "/p:1", "", "null", "~", "0x1F", "'q'", "\"d\"", "line\nbreak", "a very long value with spaces that the library would fold somewhere past its eightieth column"}
	pick := func() string { return words[r.IntN(len(words))] }
	some := func(n int) []string {
		var out []string
		for range r.IntN(n + 1) {
			out = append(out, pick())
		}
		return out
	}
	direct := 0
	kinds := map[string]int{}
	for i := range 300 {
		base := fixtures.Seed().Spec
		sp := *base
		sp.Services = nil
		for j := range 1 + r.IntN(3) {
			s := *base.Services[0]
			s.Name = fmt.Sprintf("svc-%d-%d", i, j)
			s.Image = pick() + "/img:1"
			if r.IntN(3) == 0 {
				e := pick()
				s.Entrypoint = &e
			}
			s.Command = some(3)
			s.Env = nil
			for range r.IntN(3) {
				s.Env = append(s.Env, spec.EnvVar{Name: "V" + pick(), Value: pick(), HasValue: r.IntN(4) > 0})
			}
			s.Workdir = []string{"", "/srv", pick()}[r.IntN(3)]
			s.User = []string{"", "1000", "1000:1000", "www-data", "0:x"}[r.IntN(5)]
			s.Network = []string{"", "host", "bridge", "mynet"}[r.IntN(4)]
			s.Labels = nil
			for range r.IntN(3) {
				s.Labels = append(s.Labels, spec.Label{Key: []string{"a.b/c", "tier", "bad key", pick()}[r.IntN(4)], Value: pick()})
			}
			s.Extra = nil
			for range r.IntN(5) {
				s.Extra = append(s.Extra, flagsEverywhere[r.IntN(len(flagsEverywhere))])
			}
			s.Volumes = nil
			for range r.IntN(3) {
				s.Volumes = append(s.Volumes, volumesEverywhere[r.IntN(len(volumesEverywhere))])
			}
			s.Ports = nil
			if r.IntN(4) > 0 { // what most routes name
				s.Ports = append(s.Ports, spec.Port{HostPort: "8080", ContainerPort: "80"})
			}
			for k := range r.IntN(3) {
				s.Ports = append(s.Ports, spec.Port{HostPort: []string{"", "8080", fmt.Sprint(9000 + k), "x"}[r.IntN(4)], ContainerPort: []string{"80", "443", "0"}[r.IntN(3)], Protocol: []string{"", "udp", "tcp", "sctp"}[r.IntN(4)]})
			}
			s.Ready = nil
			if r.IntN(2) == 0 {
				s.Ready = &spec.Ready{URL: []string{"http://localhost:8080/", "https://localhost:9000/health?x=1", "http://localhost/", "ftp://x/"}[r.IntN(4)]}
			}
			s.Stop = spec.Stop{Signal: []string{"", "SIGINT", "SIGTERM"}[r.IntN(3)]}
			s.Front = nil
			for range r.IntN(4) {
				s.Front = append(s.Front, spec.Route{
					Directive:      []string{"ProxyPass", "ProxyPass", "ProxyPassMatch"}[r.IntN(3)],
					Path:           []string{"/", "/api", "/a b/", "/" + pick(), "/x/../y", "relative"}[r.IntN(6)],
					URL:            []string{"http://localhost:8080/", "http://localhost:9000/app/", "https://localhost:8080/", "http://localhost/", "http://localhost:8080/" + pick(), "ftp://x/"}[r.IntN(6)],
					ServerName:     []string{"", "site.example.com", "Site.Example.com:8080", "10.0.0.1", "*.example.com", pick()}[r.IntN(6)],
					ForwardedPort:  []string{"", "80", "443", pick()}[r.IntN(4)],
					ForwardedProto: []string{"", "https", pick()}[r.IntN(3)],
					HasReverse:     r.IntN(2) == 0,
				})
			}
			s.Origin.Daemon = apacheconf.Position{Filename: "/etc/" + pick() + ".conf", Line: 1 + r.IntN(99)}
			sp.Services = append(sp.Services, &s)
		}
		sp.Project = []string{"p", "httpd", "", "my project"}[r.IntN(4)]
		opts := []Options{{}, {Namespace: "web"}, {Routing: RoutingHTTPRoute}, {IngressClass: "nginx"}, {Routing: RoutingHTTPRoute, Gateway: "infra/edge"}}[r.IntN(5)]
		objs, _, err := buildAll(&sp, opts)
		if err != nil {
			continue
		}
		direct += sameAsRender(t, fmt.Sprint("spec ", i), objs)
		for _, o := range objs {
			if w := newYAMLWriter(); w.writeDirect(&bytes.Buffer{}, o.obj) {
				kinds[o.obj.GetObjectKind().GroupVersionKind().Kind]++
			}
		}
	}
	if direct < 300 {
		t.Errorf("writeDirect wrote only %d objects", direct)
	}
	for _, kind := range []string{"Ingress", "HTTPRoute"} {
		if kinds[kind] < 50 {
			t.Errorf("writeDirect wrote only %d objects of kind %s", kinds[kind], kind)
		}
	}
}

// TestManyServicesDirect compares the whole stream of a spec of many
// services with the one render alone writes.
func TestManyServicesDirect(t *testing.T) {
	sp := *fixtures.Many(2000).Spec
	got, _, err := Manifests(&sp, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	w := newYAMLWriter()
	_, err = build(&sp, Options{}, func(o object) error {
		want.WriteString("---\n")
		for _, line := range o.comment {
			want.WriteString("# " + oneline.String(line) + "\n")
		}
		return w.render(&want, o.obj)
	})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Errorf("stream of %d services differs from render's (%d bytes against %d)", len(sp.Services), len(got), want.Len())
	}
}
