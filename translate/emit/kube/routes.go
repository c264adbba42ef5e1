package kube

import (
	"net"
	"net/url"
	"strings"

	netv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/wsgidock/wsgidock/translate/spec"
)

// route is one front-end route ready for either routing object.
type route struct {
	w           *workload
	r           spec.Route
	host        string // "" for every host
	path        string // front-end prefix, percent-encoded
	backendPath string // the prefix Apache sent the request to
	port        int32  // Service port
}

// maxRules is the Gateway API's limit of rules in one HTTPRoute.
const maxRules = 16

// routes reads the front routes of every workload, noting those neither
// routing object can carry.
func (b *builder) routes(ws []*workload) []route {
	n := 0
	for _, w := range ws {
		n += len(w.svc.Front)
	}
	out := make([]route, 0, n)
	for _, w := range ws {
		for _, r := range w.svc.Front {
			if rt, ok := b.route(w, r); ok {
				out = append(out, rt)
			}
		}
	}
	return out
}

func (b *builder) route(w *workload, r spec.Route) (route, bool) {
	s := w.svc
	what := r.Directive + " " + r.Path + " " + r.URL
	if r.Directive != "ProxyPass" {
		b.note(s, what, "a regular-expression route is not portable to Kubernetes routing; write the path match by hand for your controller", r.Source)
		return route{}, false
	}
	path, ok := routePath(r.Path)
	if !ok {
		b.note(s, what, "the path is not an absolute URL path Kubernetes routing accepts (no //, /./, /../, %2F or #)", r.Source)
		return route{}, false
	}
	u, err := url.Parse(r.URL)
	if err != nil || u.Scheme != "http" && u.Scheme != "https" {
		b.note(s, what, "the backend URL is not http or https", r.Source)
		return route{}, false
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	svcPort, found := w.servicePort(port)
	if !found {
		b.note(s, what, "port "+port+" of the backend URL is not a port the container publishes, so no Service port stands for it", r.Source)
		return route{}, false
	}
	backendPath := u.EscapedPath()
	if backendPath == "" {
		backendPath = "/"
	}
	host, hostOK := routeHost(r.ServerName)
	if !hostOK {
		b.note(s, "ServerName "+r.ServerName, "not a DNS name Kubernetes routing accepts (IP addresses are not); the route matches every host", r.Source)
	}
	if u.Scheme == "https" {
		b.note(s, what, "the Service is reached over plain HTTP by the route; a backend serving only HTTPS needs a BackendTLSPolicy or controller annotation", r.Source)
	}
	return route{w: w, r: r, host: host, path: path, backendPath: backendPath, port: svcPort}, true
}

// routePath percent-encodes the characters Gateway API path matches do not
// allow, and rejects the sequences Ingress and Gateway API both refuse.
func routePath(p string) (string, bool) {
	if !strings.HasPrefix(p, "/") {
		return "", false
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-/._~!$&'()*+,;=:@%", c) >= 0 {
			b.WriteByte(c)
		} else {
			b.WriteString("%" + strings.ToUpper(hex2(c)))
		}
	}
	out := b.String()
	for _, bad := range []string{"//", "/./", "/../", "%2f", "%2F", "#"} {
		if strings.Contains(out, bad) {
			return "", false
		}
	}
	if strings.HasSuffix(out, "/.") || strings.HasSuffix(out, "/..") {
		return "", false
	}
	return out, true
}

func hex2(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&15]})
}

// routeHost turns a ServerName (which may carry a port) into a route host.
func routeHost(serverName string) (string, bool) {
	if serverName == "" {
		return "", true
	}
	host := serverName
	if h, _, err := net.SplitHostPort(serverName); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if net.ParseIP(host) != nil {
		return "", false
	}
	name := strings.TrimPrefix(host, "*.")
	if len(validation.IsDNS1123Subdomain(name)) > 0 {
		return "", false
	}
	return host, true
}

// hosts groups routes by host, in the order hosts first appear, as
// indexes into rs.
func hosts(rs []route) (order []string, by map[string][]int) {
	by = map[string][]int{}
	for i, r := range rs {
		if _, ok := by[r.host]; !ok {
			order = append(order, r.host)
		}
		by[r.host] = append(by[r.host], i)
	}
	return order, by
}

// ingress builds one Ingress with a rule per host. Ingress has no portable
// way to rewrite the path or set request headers; those are noted.
func (b *builder) ingress(rs []route, name string) *netv1.Ingress {
	ing := &netv1.Ingress{
		TypeMeta:   metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "Ingress"},
		ObjectMeta: b.meta(name, nil),
	}
	if b.opts.IngressClass != "" {
		class := b.opts.IngressClass
		ing.Spec.IngressClassName = &class
	}
	order, by := hosts(rs)
	prefix := netv1.PathTypePrefix
	for _, h := range order {
		rule := netv1.IngressRule{Host: h, IngressRuleValue: netv1.IngressRuleValue{HTTP: &netv1.HTTPIngressRuleValue{}}}
		for _, i := range by[h] {
			r := &rs[i]
			rule.HTTP.Paths = append(rule.HTTP.Paths, netv1.HTTPIngressPath{
				Path:     r.path,
				PathType: &prefix,
				Backend: netv1.IngressBackend{Service: &netv1.IngressServiceBackend{
					Name: r.w.name, Port: netv1.ServiceBackendPort{Number: r.port},
				}},
			})
			s := r.w.svc
			what := r.r.Directive + " " + r.r.Path + " " + r.r.URL
			if rewrites(*r) {
				b.note(s, what, "an Ingress passes "+r.path+"... on unchanged where Apache sent "+r.backendPath+"...; use HTTPRoutes (URLRewrite) or your controller's rewrite annotation", r.r.Source)
			}
			for _, h := range forwardedHeaders(r.r) {
				b.note(s, "RequestHeader set "+string(h.Name)+" "+h.Value, "an Ingress has no portable way to set request headers; most controllers set X-Forwarded-* themselves", r.r.Source)
			}
		}
		ing.Spec.Rules = append(ing.Spec.Rules, rule)
	}
	return ing
}

func rewrites(r route) bool { return r.backendPath != r.path }

func forwardedHeaders(r spec.Route) []gwv1.HTTPHeader {
	var hs []gwv1.HTTPHeader
	if r.ForwardedPort != "" {
		hs = append(hs, gwv1.HTTPHeader{Name: "X-Forwarded-Port", Value: r.ForwardedPort})
	}
	if r.ForwardedProto != "" {
		hs = append(hs, gwv1.HTTPHeader{Name: "X-Forwarded-Proto", Value: r.ForwardedProto})
	}
	return hs
}

// httpRoutes builds an HTTPRoute per host (split at the Gateway API's rule
// limit), attached to the Gateway named in the options.
func (b *builder) httpRoutes(rs []route, taken names) []*gwv1.HTTPRoute {
	parent := gwv1.ParentReference{Name: gwv1.ObjectName(b.opts.gatewayName())}
	if ns := b.opts.gatewayNamespace(); ns != "" {
		n := gwv1.Namespace(ns)
		parent.Namespace = &n
	}
	var out []*gwv1.HTTPRoute
	order, by := hosts(rs)
	for _, h := range order {
		group := by[h]
		for start := 0; start < len(group); start += maxRules {
			base := b.sp.Project
			if h != "" {
				base += "-" + h
			}
			hr := &gwv1.HTTPRoute{
				TypeMeta:   metav1.TypeMeta{APIVersion: "gateway.networking.k8s.io/v1", Kind: "HTTPRoute"},
				ObjectMeta: b.meta(taken.take(base), nil),
			}
			hr.Spec.ParentRefs = []gwv1.ParentReference{parent}
			if h != "" {
				hr.Spec.Hostnames = []gwv1.Hostname{gwv1.Hostname(h)}
			}
			for _, i := range group[start:min(len(group), start+maxRules)] {
				hr.Spec.Rules = append(hr.Spec.Rules, b.httpRule(rs[i]))
			}
			out = append(out, hr)
		}
	}
	return out
}

func (b *builder) httpRule(r route) gwv1.HTTPRouteRule {
	prefix := gwv1.PathMatchPathPrefix
	path := r.path
	port := r.port
	rule := gwv1.HTTPRouteRule{
		Matches: []gwv1.HTTPRouteMatch{{Path: &gwv1.HTTPPathMatch{Type: &prefix, Value: &path}}},
		BackendRefs: []gwv1.HTTPBackendRef{{BackendRef: gwv1.BackendRef{BackendObjectReference: gwv1.BackendObjectReference{
			Name: gwv1.ObjectName(r.w.name), Port: &port,
		}}}},
	}
	if hs := forwardedHeaders(r.r); len(hs) > 0 {
		rule.Filters = append(rule.Filters, gwv1.HTTPRouteFilter{
			Type:                  gwv1.HTTPRouteFilterRequestHeaderModifier,
			RequestHeaderModifier: &gwv1.HTTPHeaderFilter{Set: hs},
		})
	}
	if rewrites(r) {
		replace := r.backendPath
		rule.Filters = append(rule.Filters, gwv1.HTTPRouteFilter{
			Type: gwv1.HTTPRouteFilterURLRewrite,
			URLRewrite: &gwv1.HTTPURLRewriteFilter{Path: &gwv1.HTTPPathModifier{
				Type: gwv1.PrefixMatchHTTPPathModifier, ReplacePrefixMatch: &replace,
			}},
		})
		if r.r.HasReverse {
			b.note(r.w.svc, "ProxyPassReverse "+r.r.Path, "an HTTPRoute does not rewrite the Location of redirects the backend sends for "+r.backendPath+"... back to "+r.path+"...; have the application build its URLs from X-Forwarded-Prefix or its mount point", r.r.Source)
		}
	}
	return rule
}
