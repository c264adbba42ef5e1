package kube

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	netv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation"
	apiyaml "k8s.io/apimachinery/pkg/util/yaml"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"
	"sigs.k8s.io/yaml"

	"github.com/wsgidock/wsgidock/translate/emit/internal/fixtures"
	"github.com/wsgidock/wsgidock/translate/emit/internal/golden"
	"github.com/wsgidock/wsgidock/translate/spec"
)

var routings = []struct {
	file string
	opts Options
}{
	{"k8s.yaml", Options{}},
	{"k8s-httproute.yaml", Options{Routing: RoutingHTTPRoute}},
}

func TestGolden(t *testing.T) {
	for _, c := range fixtures.All() {
		for _, v := range routings {
			t.Run(c.Name+"/"+v.file, func(t *testing.T) {
				out, notes, err := Manifests(c.Spec, v.opts)
				if err != nil {
					t.Fatal(err)
				}
				golden.Check(t, filepath.Join("..", "testdata", c.Name, v.file), out)
				golden.Check(t, filepath.Join("..", "testdata", c.Name, v.file+".notes"), golden.Notes(notes))
			})
		}
	}
}

// decode splits the stream and strictly decodes each document into the
// typed object of its kind: an unknown or misspelt field fails.
func decode(t *testing.T, stream []byte) []runtime.Object {
	t.Helper()
	r := apiyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(stream)))
	var objs []runtime.Object
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		var tm metav1.TypeMeta
		if err := yaml.Unmarshal(doc, &tm); err != nil {
			t.Fatalf("document %d: %v", len(objs)+1, err)
		}
		var obj runtime.Object
		switch tm.APIVersion + " " + tm.Kind {
		case "apps/v1 Deployment":
			obj = &appsv1.Deployment{}
		case "v1 Service":
			obj = &corev1.Service{}
		case "networking.k8s.io/v1 Ingress":
			obj = &netv1.Ingress{}
		case "gateway.networking.k8s.io/v1 HTTPRoute":
			obj = &gwv1.HTTPRoute{}
		default:
			t.Fatalf("document %d has unexpected kind %s %s", len(objs)+1, tm.APIVersion, tm.Kind)
		}
		if err := yaml.UnmarshalStrict(doc, obj); err != nil {
			t.Fatalf("document %d (%s) does not decode strictly: %v\n%s", len(objs)+1, tm.Kind, err, doc)
		}
		objs = append(objs, obj)
	}
	return objs
}

// TestRoundTrip decodes the stream back into typed objects and compares
// them with the ones the emitter built.
func TestRoundTrip(t *testing.T) {
	for _, c := range fixtures.All() {
		for _, v := range routings {
			t.Run(c.Name+"/"+v.file, func(t *testing.T) {
				roundTrip(t, c.Spec, v.opts)
			})
		}
	}
}

func roundTrip(t *testing.T, sp *spec.Spec, opts Options) []runtime.Object {
	t.Helper()
	var built []object
	if _, err := build(sp, opts, func(o object) error { built = append(built, o); return nil }); err != nil {
		t.Fatal(err)
	}
	out, _, err := Manifests(sp, opts)
	if err != nil {
		t.Fatal(err)
	}
	got := decode(t, out)
	if len(got) != len(built) {
		t.Fatalf("decoded %d objects, built %d", len(got), len(built))
	}
	for i, o := range built {
		if !equality.Semantic.DeepEqual(got[i], o.obj) {
			t.Errorf("object %d differs after the round trip:\n got %+v\nwant %+v", i+1, got[i], o.obj)
		}
	}
	return got
}

// expandRefs is the kubelet's reading of command, args and env values
// (third_party/forked/golang/expansion): "$$" is "$", "$(NAME)" is the
// variable, any other "$" is itself. Every reference here resolves to a
// marker, so an unescaped one shows.
func expandRefs(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch next := s[i+1]; next {
		case '$':
			b.WriteByte('$')
			i++
		case '(':
			end := strings.IndexByte(s[i+2:], ')')
			if end < 0 {
				b.WriteString("$(")
				i++
				continue
			}
			b.WriteString("<EXPANDED>")
			i += 2 + end
		default:
			b.WriteByte('$')
			b.WriteByte(next)
			i++
		}
	}
	return b.String()
}

func TestEscapeRefs(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain", "plain"},
		{"$HOME", "$HOME"},
		{"${HOME}", "${HOME}"},
		{"$(VAR)", "$$(VAR)"},
		{"$$", "$$$"},
		{"$$(VAR)", "$$$$(VAR)"},
		{"a$", "a$"},
		{"$(", "$$("},
		{"$(unclosed", "$$(unclosed"},
	}
	for _, tt := range tests {
		if got := escapeRefs(tt.in); got != tt.want {
			t.Errorf("escapeRefs(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if back := expandRefs(escapeRefs(tt.in)); back != tt.in {
			t.Errorf("the kubelet reads escapeRefs(%q) as %q", tt.in, back)
		}
	}
	for _, v := range fixtures.HostileValues {
		if back := expandRefs(escapeRefs(v)); back != v {
			t.Errorf("the kubelet reads escapeRefs(%q) as %q", v, back)
		}
	}
}

func FuzzEscapeRefs(f *testing.F) {
	for _, v := range fixtures.HostileValues {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if back := expandRefs(escapeRefs(s)); back != s {
			t.Fatalf("the kubelet reads escapeRefs(%q) = %q as %q", s, escapeRefs(s), back)
		}
	})
}

// TestHostileValues puts each value into the fields the kubelet expands
// and checks what a pod would run, after YAML and the kubelet.
func TestHostileValues(t *testing.T) {
	for _, v := range fixtures.HostileValues {
		t.Run(strconv.Quote(v), func(t *testing.T) {
			sp := fixtures.Seed().Spec
			s := sp.Services[0]
			s.Entrypoint = &v
			s.Command = []string{v, "x" + v + "y"}
			s.Env = []spec.EnvVar{{Name: "V", Value: v, HasValue: true}}
			s.Labels = []spec.Label{{Key: "example.com/v", Value: v}}
			s.Workdir = "/w" + v
			if !utf8.ValidString(v) {
				if _, _, err := Manifests(sp, Options{}); err == nil || !strings.Contains(err.Error(), "not valid UTF-8") {
					t.Fatalf("error = %v, want one about UTF-8", err)
				}
				return
			}
			objs := roundTrip(t, sp, Options{})
			d := objs[0].(*appsv1.Deployment)
			c := d.Spec.Template.Spec.Containers[0]
			var command []string
			for _, w := range append(c.Command, c.Args...) {
				command = append(command, expandRefs(w))
			}
			want := append([]string{v}, s.Command...)
			if v == "" {
				want = s.Command // --entrypoint "" runs the command alone
			}
			if !reflect.DeepEqual(command, want) {
				t.Errorf("the pod runs %q, want %q", command, want)
			}
			if got := expandRefs(c.Env[0].Value); got != v {
				t.Errorf("env value %q, want %q", got, v)
			}
			if c.WorkingDir != s.Workdir {
				t.Errorf("workingDir %q, want %q", c.WorkingDir, s.Workdir)
			}
			if got := d.Spec.Template.Annotations["example.com/v"]; got != v {
				t.Errorf("annotation %q, want %q", got, v)
			}
		})
	}
}

// TestSemantics checks what a cluster would check, and what makes the
// objects work together: valid names and labels, selectors that select
// the pods, Service ports that reach container ports, routes and probes
// that reach Service and container ports, and the stop timeout.
func TestSemantics(t *testing.T) {
	for _, c := range fixtures.All() {
		for _, v := range routings {
			t.Run(c.Name+"/"+v.file, func(t *testing.T) {
				out, _, err := Manifests(c.Spec, v.opts)
				if err != nil {
					t.Fatal(err)
				}
				semantics(t, c.Spec, decode(t, out))
			})
		}
	}
}

func semantics(t *testing.T, sp *spec.Spec, objs []runtime.Object) {
	t.Helper()
	deployments := map[string]*appsv1.Deployment{}
	services := map[string]*corev1.Service{}
	bySpec := map[string]*spec.Service{}
	for _, o := range objs {
		m := o.(metav1.Object)
		for _, e := range validation.IsDNS1123Subdomain(m.GetName()) {
			t.Errorf("%s name: %s", m.GetName(), e)
		}
		for k, v := range m.GetLabels() {
			for _, e := range append(validation.IsQualifiedName(k), validation.IsValidLabelValue(v)...) {
				t.Errorf("%s label %s=%s: %s", m.GetName(), k, v, e)
			}
		}
		for k := range m.GetAnnotations() {
			for _, e := range validation.IsQualifiedName(k) {
				t.Errorf("%s annotation %s: %s", m.GetName(), k, e)
			}
		}
		switch x := o.(type) {
		case *appsv1.Deployment:
			deployments[x.Name] = x
			bySpec[x.Name] = serviceNamed(sp, x.Annotations[spec.LabelService])
		case *corev1.Service:
			services[x.Name] = x
			for _, e := range validation.IsDNS1035Label(x.Name) {
				t.Errorf("Service name %s: %s", x.Name, e)
			}
		}
	}
	for name, d := range deployments {
		s := bySpec[name]
		if s == nil {
			t.Fatalf("deployment %s names no spec service", name)
		}
		pod := d.Spec.Template
		sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
		if err != nil || !sel.Matches(labels.Set(pod.Labels)) {
			t.Errorf("%s: selector %v does not select its pods %v", name, d.Spec.Selector, pod.Labels)
		}
		c := pod.Spec.Containers[0]
		for _, e := range validation.IsDNS1123Label(c.Name) {
			t.Errorf("%s container name: %s", name, e)
		}
		want := int64((s.StopTimeout() + 999999999) / 1e9)
		if g := pod.Spec.TerminationGracePeriodSeconds; g == nil || *g != want {
			t.Errorf("%s: terminationGracePeriodSeconds %v, want %d", name, g, want)
		}
		if c.Image != s.Image {
			t.Errorf("%s: image %q, want %q", name, c.Image, s.Image)
		}
		if p := c.ReadinessProbe; p != nil && !hasContainerPort(c, p.HTTPGet.Port.IntVal) {
			t.Errorf("%s: readiness probe on port %d, which the container does not expose", name, p.HTTPGet.Port.IntVal)
		}
		if svc := services[name]; svc != nil {
			if len(svc.Spec.Selector) == 0 || !labels.SelectorFromSet(svc.Spec.Selector).Matches(labels.Set(pod.Labels)) {
				t.Errorf("Service %s selects %v, not its pods %v", name, svc.Spec.Selector, pod.Labels)
			}
			for _, p := range svc.Spec.Ports {
				if !hasContainerPort(c, p.TargetPort.IntVal) {
					t.Errorf("Service %s port %d targets %d, which the container does not expose", name, p.Port, p.TargetPort.IntVal)
				}
			}
		}
	}
	backend := func(kind, name string, port int32) {
		t.Helper()
		svc := services[name]
		if svc == nil {
			t.Errorf("%s routes to Service %s, which does not exist", kind, name)
			return
		}
		for _, p := range svc.Spec.Ports {
			if p.Port == port {
				return
			}
		}
		t.Errorf("%s routes to port %d of Service %s, which has no such port", kind, port, name)
	}
	for _, o := range objs {
		switch x := o.(type) {
		case *netv1.Ingress:
			for _, r := range x.Spec.Rules {
				for _, p := range r.HTTP.Paths {
					backend("Ingress", p.Backend.Service.Name, p.Backend.Service.Port.Number)
				}
			}
		case *gwv1.HTTPRoute:
			if n := len(x.Spec.Rules); n < 1 || n > maxRules {
				t.Errorf("HTTPRoute %s has %d rules", x.Name, n)
			}
			for _, r := range x.Spec.Rules {
				for _, b := range r.BackendRefs {
					backend("HTTPRoute", string(b.Name), int32(*b.Port))
				}
				for _, m := range r.Matches {
					if _, ok := routePath(*m.Path.Value); !ok || *m.Path.Value != mustRoutePath(*m.Path.Value) {
						t.Errorf("HTTPRoute %s path %q is not a valid PathPrefix value", x.Name, *m.Path.Value)
					}
				}
			}
		}
	}
}

func mustRoutePath(p string) string {
	out, _ := routePath(p)
	return out
}

func hasContainerPort(c corev1.Container, port int32) bool {
	for _, p := range c.Ports {
		if p.ContainerPort == port {
			return true
		}
	}
	return false
}

func serviceNamed(sp *spec.Spec, name string) *spec.Service {
	for _, s := range sp.Services {
		if s.Name == name {
			return s
		}
	}
	return nil
}
