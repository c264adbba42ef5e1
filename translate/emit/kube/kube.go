// Package kube writes a launch spec as Kubernetes manifests: per container
// service a Deployment and, when it publishes ports, a Service; and the
// Apache front end's routes as one Ingress or as Gateway API HTTPRoutes.
// Everything a cluster cannot express is returned as notes.
package kube

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"go.yaml.in/yaml/v2"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/translate/emit/internal/check"
	"github.com/wsgidock/wsgidock/translate/emit/internal/oneline"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// Routing chooses the object the front end's routes become.
type Routing string

// Routing objects.
const (
	// RoutingIngress writes one networking.k8s.io/v1 Ingress.
	RoutingIngress Routing = "ingress"
	// RoutingHTTPRoute writes Gateway API HTTPRoutes, which can also
	// rewrite the path prefix and set the forwarded headers, as Apache did.
	RoutingHTTPRoute Routing = "httproute"
)

// DefaultGateway is the Gateway HTTPRoutes attach to when Options names
// none.
const DefaultGateway = "gateway"

// Options change what the manifests contain.
type Options struct {
	// Routing is RoutingIngress (the default when empty) or
	// RoutingHTTPRoute.
	Routing Routing
	// Gateway is the parent Gateway of the HTTPRoutes, "NAME" or
	// "NAMESPACE/NAME"; DefaultGateway when empty.
	Gateway string
	// IngressClass sets the Ingress's ingressClassName when not empty.
	IngressClass string
	// Namespace sets every object's namespace when not empty; otherwise
	// they go where kubectl applies them.
	Namespace string
}

func (o Options) gatewayName() string {
	g := o.Gateway
	if g == "" {
		g = DefaultGateway
	}
	_, name, found := strings.Cut(g, "/")
	if !found {
		return g
	}
	return name
}

func (o Options) gatewayNamespace() string {
	ns, _, found := strings.Cut(o.Gateway, "/")
	if !found {
		return ""
	}
	return ns
}

// Manifests renders sp as one multi-document YAML stream, objects in the
// Spec's service order with the routing objects last, so the same Spec and
// options give the same bytes. The notes say what was renamed or left out,
// and why.
func Manifests(sp *spec.Spec, opts Options) ([]byte, []spec.Item, error) {
	var b bytes.Buffer
	notes, err := Write(&b, sp, opts)
	if err != nil {
		return nil, nil, err
	}
	return b.Bytes(), notes, nil
}

// Write writes what Manifests returns to out, a few pages at a time, so
// that the manifests of thousands of services are never held whole. After
// an error, what was written is to be thrown away.
func Write(out io.Writer, sp *spec.Spec, opts Options) ([]spec.Item, error) {
	var b bytes.Buffer
	w := newYAMLWriter()
	// Each object is written as soon as it is built and then dropped.
	notes, err := build(sp, opts, func(o object) error {
		b.WriteString("---\n")
		for _, line := range o.comment {
			b.WriteString("# " + oneline.String(line) + "\n")
		}
		if !w.writeDirect(&b, o.obj) {
			if err := w.render(&b, o.obj); err != nil {
				return fmt.Errorf("writing %s: %w", o.obj.GetObjectKind().GroupVersionKind().Kind, err)
			}
		}
		if b.Len() >= flushAt {
			if _, err := out.Write(b.Bytes()); err != nil {
				return err
			}
			b.Reset()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	_, err = out.Write(b.Bytes())
	return notes, err
}

// flushAt is the size at which Write gives what it holds to its writer.
const flushAt = 64 << 10

// object is one manifest with the comment lines written above it.
type object struct {
	obj     runtime.Object
	comment []string
}

// build builds the objects of sp in their order and gives each to emit;
// it returns the notes once all are built.
func build(sp *spec.Spec, opts Options, emit func(object) error) ([]spec.Item, error) {
	if err := check.Spec(sp); err != nil {
		return nil, err
	}
	if opts.Routing != "" && opts.Routing != RoutingIngress && opts.Routing != RoutingHTTPRoute {
		return nil, fmt.Errorf("unknown routing %q (want %q or %q)", opts.Routing, RoutingIngress, RoutingHTTPRoute)
	}
	if errs := validateOptions(opts); errs != "" {
		return nil, fmt.Errorf("%s", errs)
	}
	// A service whose text is not UTF-8 is an error before anything is
	// built, as when the objects were all built first.
	for _, s := range sp.Services {
		if s.Kind != spec.KindProcess {
			if err := check.UTF8(sp, s); err != nil {
				return nil, err
			}
		}
	}
	b := &builder{sp: sp, opts: opts, project: labelValue(sp.Project)}
	if b.project != sp.Project {
		b.notes = append(b.notes, spec.Item{What: "project " + sp.Project,
			Why:    "label values are at most 63 letters, digits, '-', '_' or '.'; labelled " + quoteEmpty(b.project),
			Source: apacheconf.Position{Filename: sp.ConfigFile}})
	}
	taken := names{}
	var ws []*workload
	for _, s := range sp.Services {
		if s.Kind == spec.KindProcess {
			b.note(s, "process service "+s.Process.Program, "a pod runs images only; put the program in an image of its own", check.Where(s))
			continue
		}
		name := taken.take(s.Name)
		if name != s.Name {
			b.note(s, "name "+s.Name, "Kubernetes names are DNS labels (lower-case letters, digits, '-'); the objects are named "+name, s.Origin.Daemon)
			b.notes[len(b.notes)-1].Info = true
		}
		w := b.workload(s, name)
		ws = append(ws, w)
		comment := []string{
			"Service " + s.Name + ", daemon group " + s.Group + ": WSGIDaemonProcess at " + s.Origin.Daemon.String() + ",",
			"launcher " + s.Origin.Script + " run at " + s.Origin.Exec.String() + ".",
		}
		if err := emit(object{w.deployment, comment}); err != nil {
			return nil, err
		}
		if w.service != nil {
			if err := emit(object{w.service, comment}); err != nil {
				return nil, err
			}
		}
		w.deployment, w.service = nil, nil // written: the routes need the rest only
	}
	rs := b.routes(ws)
	if len(rs) > 0 {
		comment := []string{"The Apache front end's ProxyPass routes."}
		if opts.Routing == RoutingHTTPRoute {
			for _, hr := range b.httpRoutes(rs, taken) {
				if err := emit(object{hr, comment}); err != nil {
					return nil, err
				}
			}
		} else if err := emit(object{b.ingress(rs, taken.take(sp.Project)), comment}); err != nil {
			return nil, err
		}
	}
	return b.notes, nil
}

func validateOptions(o Options) string {
	var errs []string
	if o.Namespace != "" {
		for _, e := range validation.IsDNS1123Label(o.Namespace) {
			errs = append(errs, "namespace "+o.Namespace+": "+e)
		}
	}
	if ns := o.gatewayNamespace(); ns != "" {
		for _, e := range validation.IsDNS1123Label(ns) {
			errs = append(errs, "gateway namespace "+ns+": "+e)
		}
	}
	for _, e := range validation.IsDNS1123Subdomain(o.gatewayName()) {
		errs = append(errs, "gateway "+o.gatewayName()+": "+e)
	}
	if o.IngressClass != "" {
		for _, e := range validation.IsDNS1123Subdomain(o.IngressClass) {
			errs = append(errs, "ingress class "+o.IngressClass+": "+e)
		}
	}
	return strings.Join(errs, "; ")
}

func quoteEmpty(s string) string {
	if s == "" {
		return "nothing"
	}
	return s
}

// render appends obj as YAML the way kubectl reads it (sigs.k8s.io/yaml,
// through JSON), without the output-only status and the empty strategy and
// resources the typed objects always carry: the bytes of yaml.Marshal
// over that JSON, by the writer when it can, else by the library.
func (w *yamlWriter) render(b *bytes.Buffer, obj runtime.Object) error {
	m, err := generic(obj)
	if err != nil {
		return err
	}
	start := b.Len()
	if w.write(b, m) {
		return nil
	}
	b.Truncate(start)
	data, err := yaml.Marshal(m)
	b.Write(data)
	return err
}

// generic is obj as kubectl's reader sees it: its JSON as generic values,
// numbers kept as written, status and the empty strategy and resources
// left out.
func generic(obj runtime.Object) (map[string]any, error) {
	data, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	m, err := decodeJSON(data)
	if err != nil {
		return nil, err
	}
	delete(m, "status")
	dropEmpty(m)
	return m, nil
}

// dropEmpty removes the "strategy" and "resources" keys whose value is an
// empty object, everywhere in v. Other empty objects (emptyDir: {}) mean
// something and stay.
func dropEmpty(v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if sub, ok := e.(map[string]any); ok && len(sub) == 0 && (k == "strategy" || k == "resources") {
				delete(x, k)
				continue
			}
			dropEmpty(e)
		}
	case []any:
		for _, e := range x {
			dropEmpty(e)
		}
	}
}
