package kube

import (
	"reflect"
	"strconv"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	netv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/wsgidock/wsgidock/translate/emit/internal/fixtures"
	"github.com/wsgidock/wsgidock/translate/spec"
)

func TestOptions(t *testing.T) {
	sp := fixtures.Seed().Spec
	objs := roundTrip(t, sp, Options{Namespace: "web", IngressClass: "nginx"})
	for _, o := range objs {
		if ns := o.(interface{ GetNamespace() string }).GetNamespace(); ns != "web" {
			t.Errorf("%T namespace %q, want web", o, ns)
		}
	}
	ing := objs[len(objs)-1].(*netv1.Ingress)
	if ing.Spec.IngressClassName == nil || *ing.Spec.IngressClassName != "nginx" {
		t.Errorf("ingressClassName %v, want nginx", ing.Spec.IngressClassName)
	}
	objs = roundTrip(t, sp, Options{Routing: RoutingHTTPRoute, Gateway: "infra/public"})
	hr := objs[len(objs)-1].(*gwv1.HTTPRoute)
	ref := hr.Spec.ParentRefs[0]
	if ref.Name != "public" || ref.Namespace == nil || *ref.Namespace != "infra" {
		t.Errorf("parentRef %+v, want infra/public", ref)
	}
	objs = roundTrip(t, sp, Options{Routing: RoutingHTTPRoute})
	if ref := objs[len(objs)-1].(*gwv1.HTTPRoute).Spec.ParentRefs[0]; ref.Name != DefaultGateway || ref.Namespace != nil {
		t.Errorf("default parentRef %+v, want %s", ref, DefaultGateway)
	}
}

func TestErrors(t *testing.T) {
	badUTF8 := fixtures.Seed().Spec
	badUTF8.Services[0].Command = []string{"\xff"}
	tests := []struct {
		name string
		sp   *spec.Spec
		opts Options
		want string
	}{
		{"routing", fixtures.Seed().Spec, Options{Routing: "mesh"}, `unknown routing "mesh"`},
		{"namespace", fixtures.Seed().Spec, Options{Namespace: "Web_1"}, "namespace Web_1"},
		{"gateway", fixtures.Seed().Spec, Options{Gateway: "a/b/c"}, "gateway b/c"},
		{"ingress class", fixtures.Seed().Spec, Options{IngressClass: "NGINX!"}, "ingress class NGINX!"},
		{"UTF-8", badUTF8, Options{}, `/etc/httpd/docker/blog.py:2:1: service "blog.example.com": command argument "\xff" is not valid UTF-8`},
		{"invalid spec", &spec.Spec{Services: []*spec.Service{{Name: "x", Kind: spec.KindContainer, ContainerName: "x"}}}, Options{}, "without an image"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, notes, err := Manifests(tt.sp, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want one containing %q", err, tt.want)
			}
			if out != nil || notes != nil {
				t.Errorf("output on error: %s", out)
			}
		})
	}
}

// TestFlags checks each docker run flag with a pod field lands there, and
// that the others are noted with their reason.
func TestFlags(t *testing.T) {
	yes := true
	tests := []struct {
		flag  spec.Flag
		check func(corev1.PodSpec) any
		want  any
		note  string
	}{
		{spec.Flag{Name: "--privileged"}, func(p corev1.PodSpec) any { return p.Containers[0].SecurityContext.Privileged }, &yes, ""},
		{spec.Flag{Name: "--read-only", Value: "true", HasValue: true}, func(p corev1.PodSpec) any { return p.Containers[0].SecurityContext.ReadOnlyRootFilesystem }, &yes, ""},
		{spec.Flag{Name: "--read-only", Value: "sure", HasValue: true}, nil, nil, "not true or false"},
		{spec.Flag{Name: "--tty"}, func(p corev1.PodSpec) any { return p.Containers[0].TTY }, true, ""},
		{spec.Flag{Name: "--interactive"}, func(p corev1.PodSpec) any { return p.Containers[0].Stdin }, true, ""},
		{spec.Flag{Name: "--cap-add", Value: "CAP_NET_ADMIN", HasValue: true}, func(p corev1.PodSpec) any { return p.Containers[0].SecurityContext.Capabilities.Add }, []corev1.Capability{"NET_ADMIN"}, ""},
		{spec.Flag{Name: "--memory", Value: "1g", HasValue: true}, func(p corev1.PodSpec) any {
			q := p.Containers[0].Resources.Limits[corev1.ResourceMemory]
			return q.Value()
		}, int64(1 << 30), ""},
		{spec.Flag{Name: "--memory", Value: "lots", HasValue: true}, nil, nil, "not a size"},
		{spec.Flag{Name: "--cpus", Value: "1.5", HasValue: true}, func(p corev1.PodSpec) any { return p.Containers[0].Resources.Limits[corev1.ResourceCPU] }, resource.MustParse("1500m"), ""},
		{spec.Flag{Name: "--pull", Value: "missing", HasValue: true}, func(p corev1.PodSpec) any { return p.Containers[0].ImagePullPolicy }, corev1.PullIfNotPresent, ""},
		{spec.Flag{Name: "--pull", Value: "sometimes", HasValue: true}, nil, nil, "not always, missing or never"},
		{spec.Flag{Name: "--add-host", Value: "db:10.0.0.2", HasValue: true}, func(p corev1.PodSpec) any { return p.HostAliases }, []corev1.HostAlias{{IP: "10.0.0.2", Hostnames: []string{"db"}}}, ""},
		{spec.Flag{Name: "--add-host", Value: "db:host-gateway", HasValue: true}, nil, nil, "HOST:IP"},
		{spec.Flag{Name: "--hostname", Value: "web1", HasValue: true}, func(p corev1.PodSpec) any { return p.Hostname }, "web1", ""},
		{spec.Flag{Name: "--init", Value: "false", HasValue: true}, func(p corev1.PodSpec) any { return p.Containers[0].Name }, "blog-example-com", ""},
		{spec.Flag{Name: "--init"}, nil, nil, "tini"},
		{spec.Flag{Name: "--rm"}, nil, nil, "Deployment replaces the pod"},
		{spec.Flag{Name: "--sig-proxy", Value: "false", HasValue: true}, nil, nil, "docker client"},
		{spec.Flag{Name: "--gpus", Value: "all", HasValue: true}, nil, nil, "no field for --gpus"},
	}
	for _, tt := range tests {
		t.Run(tt.flag.Name+"="+tt.flag.Value, func(t *testing.T) {
			sp := fixtures.Seed().Spec
			sp.Services[0].Extra = []spec.Flag{tt.flag}
			objs := roundTrip(t, sp, Options{})
			_, notes, err := buildAll(sp, Options{})
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
			if len(flagNotes) > 0 {
				t.Errorf("unexpected notes %q", flagNotes)
			}
			pod := objs[0].(*appsv1.Deployment).Spec.Template.Spec
			if got := tt.check(pod); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestRoutes(t *testing.T) {
	route := func(path, url, server string) spec.Route {
		return spec.Route{Directive: "ProxyPass", Path: path, URL: url, ServerName: server}
	}
	tests := []struct {
		name  string
		front []spec.Route
		paths []string // routed paths, in order
		hosts []string
		note  string
	}{
		{"seed", []spec.Route{route("/", "http://localhost:8002/", "")}, []string{"/"}, []string{""}, ""},
		{"host with port", []spec.Route{route("/", "http://localhost:8002/", "Blog.Example.com:80")}, []string{"/"}, []string{"blog.example.com"}, ""},
		{"IP server name", []spec.Route{route("/", "http://localhost:8002/", "192.0.2.7")}, []string{"/"}, []string{""}, "IP addresses are not"},
		{"unpublished port", []spec.Route{route("/", "http://localhost:9999/", "")}, nil, nil, "port 9999 of the backend URL"},
		{"default port", []spec.Route{route("/", "http://localhost/", "")}, nil, nil, "port 80 of the backend URL"},
		{"relative path", []spec.Route{route("app", "http://localhost:8002/", "")}, nil, nil, "not an absolute URL path"},
		{"dot segment", []spec.Route{route("/a/../b", "http://localhost:8002/", "")}, nil, nil, "not an absolute URL path"},
		{"encoded", []spec.Route{route("/a b/ü", "http://localhost:8002/", "")}, []string{"/a%20b/%C3%BC"}, []string{""}, ""},
		{"regex", []spec.Route{{Directive: "ProxyPassMatch", Path: "^/x", URL: "http://localhost:8002/"}}, nil, nil, "regular-expression"},
		{"not http", []spec.Route{route("/", "ajp://localhost:8002/", "")}, nil, nil, "not http or https"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sp := fixtures.Seed().Spec
			sp.Services[0].Front = tt.front
			objs, notes, err := buildAll(sp, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var paths, hosts []string
			for _, o := range objs {
				if ing, ok := o.obj.(*netv1.Ingress); ok {
					for _, r := range ing.Spec.Rules {
						hosts = append(hosts, r.Host)
						for _, p := range r.HTTP.Paths {
							paths = append(paths, p.Path)
						}
					}
				}
			}
			if !reflect.DeepEqual(paths, tt.paths) || !reflect.DeepEqual(hosts, tt.hosts) {
				t.Errorf("paths %q hosts %q, want %q %q", paths, hosts, tt.paths, tt.hosts)
			}
			found := tt.note == ""
			for _, n := range notes {
				found = found || strings.Contains(n.Why, tt.note)
			}
			if !found {
				t.Errorf("no note containing %q in %+v", tt.note, notes)
			}
		})
	}
}

// TestManyRoutes checks the split at the Gateway API's limit of 16 rules.
func TestManyRoutes(t *testing.T) {
	sp := fixtures.Seed().Spec
	var front []spec.Route
	for i := range 20 {
		front = append(front, spec.Route{Directive: "ProxyPass", Path: "/p" + strconv.Itoa(i) + "/", URL: "http://localhost:8002/", ServerName: "blog.example.com"})
	}
	sp.Services[0].Front = front
	objs := roundTrip(t, sp, Options{Routing: RoutingHTTPRoute})
	var counts []int
	var names []string
	for _, o := range objs {
		if hr, ok := o.(*gwv1.HTTPRoute); ok {
			counts = append(counts, len(hr.Spec.Rules))
			names = append(names, hr.Name)
		}
	}
	if !reflect.DeepEqual(counts, []int{16, 4}) || names[0] == names[1] {
		t.Errorf("HTTPRoutes %q with %v rules, want two distinct with 16 and 4", names, counts)
	}
}

func TestProcessAndNoPorts(t *testing.T) {
	c := fixtures.Process()
	objs, notes, err := buildAll(c.Spec, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, o := range objs {
		kinds = append(kinds, o.obj.GetObjectKind().GroupVersionKind().Kind)
	}
	if !reflect.DeepEqual(kinds, []string{"Deployment", "Service"}) {
		t.Errorf("objects %q, want the cache's Deployment and Service only", kinds)
	}
	var whats []string
	for _, n := range notes {
		whats = append(whats, n.Service+": "+n.What)
	}
	for _, want := range []string{"worker: process service /srv/tasks/venv/bin/celery", "cache: post-start command /usr/local/bin/warm-cache --all"} {
		if !strings.Contains(strings.Join(whats, "\n"), want) {
			t.Errorf("notes %q lack %q", whats, want)
		}
	}
	sp := fixtures.Seed().Spec
	sp.Services[0].Ports = nil
	sp.Services[0].Ready = nil
	sp.Services[0].Front = nil
	objs, _, err = buildAll(sp, Options{})
	if err != nil || len(objs) != 1 {
		t.Errorf("a service without ports: %d objects (%v), want the Deployment alone", len(objs), err)
	}
}
